// The ranking board's forms: an official's decision on a proposal, and moderations (a decision on
// an evenly split gate, a note resolving disagreement flags). Client-safe: messages are dictionary
// keys (see utils/form.ts `msg`); app/models/board.server.ts applies them.
import { z } from "zod";
import { DECISION_OUTCOMES, MAX_DECISION_REASON, MAX_MODERATION_NOTE } from "~/domain/board-query";
import { msg } from "~/utils/form";

export const DecisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { error: msg("validation.choose") }),
  reason: z
    .string({ error: msg("validation.required") })
    .min(1, { error: msg("validation.required") })
    .max(MAX_DECISION_REASON, { error: msg("validation.tooLong", { max: MAX_DECISION_REASON }) }),
});

export const GateModerationSchema = z.object({
  gate: z.string({ error: msg("validation.choose") }).min(1, { error: msg("validation.choose") }),
  gatePass: z.enum(["pass", "fail"], { error: msg("validation.choose") }),
  gateNote: z
    .string({ error: msg("validation.required") })
    .min(1, { error: msg("validation.required") })
    .max(MAX_MODERATION_NOTE, {
      error: msg("validation.tooLong", { max: MAX_MODERATION_NOTE }),
    }),
});

export const DisagreementNoteSchema = z.object({
  noteCriterion: z.string().optional(),
  flagNote: z
    .string({ error: msg("validation.required") })
    .min(1, { error: msg("validation.required") })
    .max(MAX_MODERATION_NOTE, {
      error: msg("validation.tooLong", { max: MAX_MODERATION_NOTE }),
    }),
});
