import * as z from "zod/mini";
import { MILESTONES } from "./options";
import { msg } from "~/utils/form";
import { always, dateCheck, field, issue } from "./fields";

const future = () => field(dateCheck({ afterToday: true }));

export const timelineSchema = z
  .object({
    milestones: z.object(
      {
        financialClose: future(),
        constructionStart: future(),
        facilityCertified: future(),
        operationsStart: future(),
      },
      { error: msg("validation.required") },
    ),
  })
  .check(
    z.superRefine((d, ctx) => {
      const m = (d.milestones ?? {}) as Record<string, string | undefined>;
      // Each milestone may fall on the same day as the one before it, never earlier.
      for (let i = 1; i < MILESTONES.length; i++) {
        const prev = m[MILESTONES[i - 1]!];
        const cur = m[MILESTONES[i]!];
        if (prev && cur && !dateCheck()(prev) && !dateCheck()(cur) && cur < prev)
          issue(ctx, ["milestones", MILESTONES[i]!], msg(`proposal.err.order.${MILESTONES[i]}`));
      }
    }, always),
  );

export type TimelineAnswers = z.infer<typeof timelineSchema>;

export { MILESTONES };
