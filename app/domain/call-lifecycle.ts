// A call's lifecycle, draft → open → closed → decided → archived, and when its criteria and
// scoring rules may change. Plain TypeScript: no Remix, no database.
import { z } from "zod";
import type { CallStatus } from "~db/schema";
import { msg } from "~/utils/form";
import { parseTieBreak } from "./criteria";
import { pktLocalToUtcIso } from "./pakistan-time";

export type { CallStatus };

export const CALL_STATUSES: readonly CallStatus[] = [
  "draft",
  "open",
  "closed",
  "decided",
  "archived",
];

/** The one status each status may move to (forward only, one step at a time). */
export const NEXT_STATUS: Record<CallStatus, CallStatus | null> = {
  draft: "open",
  open: "closed",
  closed: "decided",
  decided: "archived",
  archived: null,
};

export interface TransitionContext {
  now: Date;
  closesAt: string;
  /** The call has at least one published criteria version. */
  hasPublishedCriteria: boolean;
}

export type Check = { ok: true } | { ok: false; message: string };

/**
 * Whether `from` may move to `to`. Opening also needs published criteria and a closing time in
 * the future; the other steps need nothing more than being the next step.
 */
export function checkTransition(from: CallStatus, to: CallStatus, ctx: TransitionContext): Check {
  if (NEXT_STATUS[from] !== to)
    return { ok: false, message: msg("callAdmin.transition.notAllowed", { from, to }) };
  if (to === "open") {
    if (!ctx.hasPublishedCriteria)
      return { ok: false, message: msg("callAdmin.transition.needsCriteria") };
    if (!(Date.parse(ctx.closesAt) > ctx.now.getTime()))
      return { ok: false, message: msg("callAdmin.transition.closesInPast") };
  }
  return { ok: true };
}

/**
 * Whether the call accepts a submission (or a draft's edit) at `now`, on the server's clock:
 * null when it does; "notOpen" when it is not open or not yet at its opening time; "deadline" once
 * its closing time has passed. The one "is the call open" rule.
 */
export function callAcceptsSubmissions(
  call: { status: CallStatus; opens_at: string; closes_at: string },
  now: Date,
): "notOpen" | "deadline" | null {
  const at = now.toISOString();
  if (call.status !== "open" || at < call.opens_at) return "notOpen";
  if (at >= call.closes_at) return "deadline";
  return null;
}

export function isCallOpen(
  call: { status: CallStatus; opens_at: string; closes_at: string },
  now: Date,
): boolean {
  return callAcceptsSubmissions(call, now) === null;
}

/**
 * A decided (or archived) call's results are final: its proposals' statuses, reviews,
 * moderations and decisions do not change unless an official reopens the call.
 */
export function callResultsFrozen(status: CallStatus): boolean {
  return status === "decided" || status === "archived";
}

export const MIN_REOPEN_REASON = 10;
export const MAX_REOPEN_REASON = 2000;

/**
 * Reopening: only a decided call, back to closed (review), with a written reason. Errors are
 * message keys for the reason field (`reason`) or the form (`_form`).
 */
export function checkReopen(
  from: CallStatus,
  reason: string,
): { ok: true; to: "closed" } | { ok: false; errors: Record<string, string> } {
  if (from !== "decided")
    return { ok: false, errors: { _form: msg("callAdmin.reopen.notDecided") } };
  const text = reason.trim();
  if (text.length < MIN_REOPEN_REASON)
    return {
      ok: false,
      errors: { reason: msg("callAdmin.reopen.reason", { min: MIN_REOPEN_REASON }) },
    };
  if (text.length > MAX_REOPEN_REASON)
    return { ok: false, errors: { reason: msg("validation.tooLong", { max: MAX_REOPEN_REASON }) } };
  return { ok: true, to: "closed" };
}

/**
 * How the criteria (and the scoring rules published with them) may change now:
 * - "free": before opening, the unpublished working version is edited; once published, a new
 *   version may still be started;
 * - "new-version": after opening, only as a new version, and only while no review of the call has
 *   been submitted;
 * - "refused-reviews": a review has been submitted, so the criteria are frozen for good;
 * - "refused-status": the call is decided or archived.
 */
export type CriteriaPolicy = "free" | "new-version" | "refused-reviews" | "refused-status";

export function criteriaPolicy(status: CallStatus, hasSubmittedReview: boolean): CriteriaPolicy {
  if (status === "decided" || status === "archived") return "refused-status";
  if (hasSubmittedReview) return "refused-reviews";
  return status === "draft" ? "free" : "new-version";
}

export function criteriaMayChange(policy: CriteriaPolicy): boolean {
  return policy === "free" || policy === "new-version";
}

/** The message shown when a change is refused, or null when it is allowed. */
export function criteriaRefusal(policy: CriteriaPolicy): string | null {
  if (policy === "refused-reviews") return msg("criteria.frozenReviews");
  if (policy === "refused-status") return msg("criteria.frozenStatus");
  return null;
}

/** Titles, descriptions, contact and dates may be edited until the call is archived. */
export function callDetailsEditable(status: CallStatus): boolean {
  return status !== "archived";
}

// ---------------------------------------------------------------------------------------------
// The call settings form (create and edit), shared by the page and the action.

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{1,78})[a-z0-9]$/;
/** Names that are addresses of pages beside /admin/calls/:slug. */
const RESERVED_SLUGS: readonly string[] = ["new"];

const required = (max: number) =>
  z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .max(max, msg("validation.tooLong", { max }));

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, msg("validation.tooLong", { max }))
    .optional()
    .transform((v) => v ?? "");

const whole = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

const decimal = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d+(?:\.\d+)?$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));

const pktDateTime = z
  .string({ error: msg("callAdmin.dateTime") })
  .trim()
  .transform((value, ctx) => {
    const iso = pktLocalToUtcIso(value);
    if (!iso) {
      ctx.addIssue({ code: "custom", message: msg("callAdmin.dateTime") });
      return z.NEVER;
    }
    return iso;
  });

const callFields = {
  titleEn: required(200),
  titleZh: required(200),
  descriptionEn: optionalText(5000),
  descriptionZh: optionalText(5000),
  opensAt: pktDateTime,
  closesAt: pktDateTime,
  minReviews: whole(1, 20, msg("callAdmin.minReviews")),
  qualifyingScore: decimal(0, 100, msg("callAdmin.qualifyingScore")),
  disagreementSpread: whole(1, 5, msg("callAdmin.spread")),
  disagreementSd: decimal(0, 100, msg("callAdmin.sd")),
  tieBreak: z
    .string()
    .optional()
    .transform((v) => parseTieBreak(v ?? "")),
  contactEmail: z
    .string({ error: msg("callAdmin.contactEmail") })
    .trim()
    .pipe(z.email(msg("callAdmin.contactEmail"))),
};

function closesAfterOpens(v: { opensAt: string; closesAt: string }, ctx: z.RefinementCtx): void {
  if (Date.parse(v.closesAt) <= Date.parse(v.opensAt))
    ctx.addIssue({
      code: "custom",
      path: ["closesAt"],
      message: msg("callAdmin.closesAfterOpens"),
    });
}

/** Editing an existing call: the web address name (slug) is fixed at creation. */
export const CallSettingsSchema = z.object(callFields).superRefine(closesAfterOpens);

export const NewCallSchema = z
  .object({
    slug: z
      .string({ error: msg("callAdmin.slugFormat") })
      .trim()
      .toLowerCase()
      .regex(SLUG_RE, msg("callAdmin.slugFormat"))
      .refine((slug) => !RESERVED_SLUGS.includes(slug), msg("callAdmin.slugFormat")),
    ...callFields,
  })
  .superRefine(closesAfterOpens);

export type CallSettings = z.output<typeof CallSettingsSchema>;
export type NewCall = z.output<typeof NewCallSchema>;
