// The form that issues an API token (admins: /admin/api-tokens; applicants: /account/api-tokens).
// Client-safe: messages are dictionary keys (utils/form.ts `msg`); which scopes the issuer's role
// may give is checked by the model (app/models/api-tokens.server.ts) with app/domain/api.ts.
import { z } from "zod";
import { API_SCOPES, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "~/domain/api";
import { msg } from "~/utils/form";

const asArray = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const IssueTokenSchema = z.object({
  name: z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, { error: msg("validation.required") })
    .max(100, { error: msg("validation.tooLong", { max: 100 }) }),
  scopes: z.preprocess(
    asArray,
    z
      .array(z.enum(API_SCOPES, { error: msg("validation.choose") }))
      .min(1, { error: msg("api.token.error.scopes") }),
  ),
  /**
   * Administrators only: the e-mail of the official or administrator account the token acts for
   * (an integration's own account); empty: the administrator themself.
   */
  actsFor: z.string().trim().max(320).optional().default(""),
  /** Call slugs the token may read; none: every call. */
  calls: z.preprocess(asArray, z.array(z.string().max(200))),
  expiresInDays: z.coerce
    .number({ error: msg("api.token.error.days", { max: TOKEN_MAX_DAYS }) })
    .int({ error: msg("api.token.error.days", { max: TOKEN_MAX_DAYS }) })
    .min(1, { error: msg("api.token.error.days", { max: TOKEN_MAX_DAYS }) })
    .max(TOKEN_MAX_DAYS, { error: msg("api.token.error.days", { max: TOKEN_MAX_DAYS }) })
    .default(TOKEN_DEFAULT_DAYS),
});
export type IssueTokenInput = z.infer<typeof IssueTokenSchema>;
