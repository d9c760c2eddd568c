import * as z from "zod/mini";
import { DATA_CLASSES } from "./options";
import { msg } from "~/utils/form";
import { choice, multi, optionalField, textCheck } from "./fields";

export const dataGovernanceSchema = z.object({
  dataClasses: multi(DATA_CLASSES, 1),
  residencyCommitment: z.literal("yes", { error: msg("proposal.err.residencyCommitment") }),
  crossBorderDescription: optionalField(textCheck({ max: 3000 })),
  acceptsIndependentAudit: choice(["yes", "no"] as const),
});

export type DataGovernanceAnswers = z.infer<typeof dataGovernanceSchema>;

export { DATA_CLASSES };
