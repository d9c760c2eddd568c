import * as z from "zod/mini";
import { SUPPORT_KINDS } from "./options";
import { msg } from "~/utils/form";
import {
  always,
  field,
  integerCheck,
  issue,
  money,
  multi,
  optionalField,
  textCheck,
} from "./fields";

const pct = () => field(integerCheck({ min: 0, max: 100 }));

export const investmentSchema = z
  .object({
    capex: money({ positive: true }),
    equityPct: pct(),
    debtPct: pct(),
    otherPct: pct(),
    governmentSupportRequested: multi(SUPPORT_KINDS, 1),
    governmentSupportNotes: optionalField(textCheck({ max: 2000 })),
  })
  .check(
    z.superRefine((d, ctx) => {
      const parts = [d.equityPct, d.debtPct, d.otherPct];
      if (parts.every((p) => typeof p === "string" && /^\d{1,3}$/.test(p))) {
        const total = parts.reduce((sum, p) => sum + Number(p), 0);
        if (total !== 100) issue(ctx, ["equityPct"], msg("proposal.err.pctSum", { total }));
      }
      const support = Array.isArray(d.governmentSupportRequested)
        ? d.governmentSupportRequested
        : [];
      if (support.includes("none") && support.length > 1)
        issue(ctx, ["governmentSupportRequested"], msg("proposal.err.supportNone"));
    }, always),
  );

export type InvestmentAnswers = z.infer<typeof investmentSchema>;

export { SUPPORT_KINDS };
