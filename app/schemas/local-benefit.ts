import * as z from "zod/mini";
import { decimalCheck, field, integerCheck, optionalField, textCheck } from "./fields";

export const localBenefitSchema = z.object({
  jobsConstruction: field(integerCheck({ min: 0, max: 1_000_000 })),
  jobsOperations: field(integerCheck({ min: 0, max: 1_000_000 })),
  localStaffPctYear5: field(decimalCheck({ min: 0, max: 100 })),
  traineesPerYear: field(integerCheck({ min: 0, max: 1_000_000 })),
  partnerInstitutions: optionalField(textCheck({ max: 1000 })),
  technologyTransferPlan: field(textCheck({ min: 50, max: 3000 })),
});

export type LocalBenefitAnswers = z.infer<typeof localBenefitSchema>;
