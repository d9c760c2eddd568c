// A proposal's lifecycle (product.md, "A proposal and its lifecycle"):
//   draft → submitted → under_review ⇄ clarification_requested → shortlisted | reserve | rejected;
//   withdrawn from any state before a decision.
// The transition table says who may make each move, from which statuses, and when (the call's
// status, its deadline, whether its decisions are published). The named predicates below are the
// only place the status lists live. Plain TypeScript: no Remix, no database.
import type { CallStatus, DecisionOutcome, ProposalStatus } from "~db/schema";
import { callAcceptsSubmissions, callResultsFrozen } from "./call-lifecycle";

export const PROPOSAL_STATUSES = [
  "draft",
  "submitted",
  "under_review",
  "clarification_requested",
  "shortlisted",
  "reserve",
  "rejected",
  "withdrawn",
] as const satisfies readonly ProposalStatus[];

/** Submitted and not yet decided or withdrawn: reviewable, askable, awaiting a decision. */
export const IN_REVIEW_STATUSES = [
  "submitted",
  "under_review",
  "clarification_requested",
] as const satisfies readonly ProposalStatus[];

/** The statuses a published decision gives (one per outcome). */
export const DECIDED_STATUSES = [
  "shortlisted",
  "reserve",
  "rejected",
] as const satisfies readonly ProposalStatus[];

/** In the competition: submitted and not withdrawn (drafts never count); ranked on the board. */
export const RANKED_STATUSES = [
  ...IN_REVIEW_STATUSES,
  ...DECIDED_STATUSES,
] as const satisfies readonly ProposalStatus[];

/** Before a published decision: the applicant may still withdraw. */
export const WITHDRAWABLE_STATUSES = [
  "draft",
  ...IN_REVIEW_STATUSES,
] as const satisfies readonly ProposalStatus[];

const has = (list: readonly string[], status: string) => list.includes(status);

/** May be assigned, reviewed (scored, submitted) and asked about. */
export const isReviewable = (status: string): boolean => has(IN_REVIEW_STATUSES, status);
/** Still in review, so it must carry a decision before the call can be marked decided. */
export const awaitingDecision = isReviewable;
/** In the competition (counted, ranked, exported). */
export const isRanked = (status: string): boolean => has(RANKED_STATUSES, status);
export const inCompetition = isRanked;
/** Carries a published decision. */
export const isDecided = (status: string): boolean => has(DECIDED_STATUSES, status);
/** The applicant may withdraw it (any state before a published decision). */
export const canWithdraw = (status: string): boolean => has(WITHDRAWABLE_STATUSES, status);
/** The applicant is being asked a question and may answer it. */
export const awaitingAnswer = (status: string): boolean => status === "clarification_requested";

/** Who makes a move: the applicant, an official (or admin), or the portal itself. */
export type Mover = "applicant" | "official" | "system";

export type ProposalTransition =
  | "submit"
  | "startReview"
  | "requestClarification"
  | "answerClarification"
  | "publishDecision"
  | "reopenDecision"
  | "withdraw";

export interface TransitionRule {
  who: Mover;
  from: readonly ProposalStatus[];
  /** The status it moves to; a published decision moves to its outcome's status. */
  to: ProposalStatus | "outcome";
  /** When, besides the status: read by checkProposalTransition. */
  when: string;
}

/** The transition table of product.md. */
export const PROPOSAL_TRANSITIONS: Record<ProposalTransition, TransitionRule> = {
  submit: {
    who: "applicant",
    from: ["draft"],
    to: "submitted",
    when: "the call is open and its deadline has not passed (server clock)",
  },
  startReview: {
    who: "system",
    from: ["submitted"],
    to: "under_review",
    when: "the first reviewer is assigned; the call's results are not frozen",
  },
  requestClarification: {
    who: "official",
    from: IN_REVIEW_STATUSES,
    to: "clarification_requested",
    when: "the call's results are not frozen",
  },
  answerClarification: {
    who: "applicant",
    from: ["clarification_requested"],
    to: "under_review",
    when: "the call's results are not frozen",
  },
  publishDecision: {
    who: "official",
    from: IN_REVIEW_STATUSES,
    to: "outcome",
    when: "the call is being marked decided (closed → decided) and the proposal has a decision",
  },
  reopenDecision: {
    who: "system",
    from: DECIDED_STATUSES,
    to: "under_review",
    when: "an official reopens the decided call (decided → closed)",
  },
  withdraw: {
    who: "applicant",
    from: WITHDRAWABLE_STATUSES,
    to: "withdrawn",
    when: "before a published decision (whatever the call's status)",
  },
};

/** What the move is checked against (the call as read in the same transaction). */
export interface LifecycleContext {
  mover: Mover;
  call: { status: CallStatus; opens_at: string; closes_at: string };
  now: Date;
  /** publishDecision: the recorded outcome. */
  outcome?: DecisionOutcome | null;
}

/** Errors are i18n message keys (lifecycle.error.*). */
export type TransitionCheck =
  { ok: true; to: ProposalStatus } | { ok: false; error: LifecycleError };

export type LifecycleError =
  | "lifecycle.error.notAllowed"
  | "lifecycle.error.wrongStatus"
  | "lifecycle.error.callNotOpen"
  | "lifecycle.error.deadlinePassed"
  | "lifecycle.error.callDecided"
  | "lifecycle.error.noDecision";

/** May `mover` make move `t` on a proposal in status `from` now? And to which status. */
export function checkProposalTransition(
  t: ProposalTransition,
  from: ProposalStatus,
  ctx: LifecycleContext,
): TransitionCheck {
  const rule = PROPOSAL_TRANSITIONS[t];
  // An official may do what the portal does on its behalf (a system move is started by someone).
  if (rule.who !== ctx.mover && !(rule.who === "system" && ctx.mover === "official"))
    return { ok: false, error: "lifecycle.error.notAllowed" };
  switch (t) {
    case "submit": {
      if (!has(rule.from, from)) return { ok: false, error: "lifecycle.error.wrongStatus" };
      const refused = callAcceptsSubmissions(ctx.call, ctx.now);
      if (refused === "notOpen") return { ok: false, error: "lifecycle.error.callNotOpen" };
      if (refused === "deadline") return { ok: false, error: "lifecycle.error.deadlinePassed" };
      return { ok: true, to: "submitted" };
    }
    case "publishDecision": {
      if (ctx.call.status !== "closed") return { ok: false, error: "lifecycle.error.notAllowed" };
      if (!has(rule.from, from)) return { ok: false, error: "lifecycle.error.wrongStatus" };
      if (!ctx.outcome) return { ok: false, error: "lifecycle.error.noDecision" };
      return { ok: true, to: ctx.outcome };
    }
    case "reopenDecision": {
      // Runs inside the reopening, once the call is back to closed.
      if (ctx.call.status !== "closed") return { ok: false, error: "lifecycle.error.notAllowed" };
      if (!has(rule.from, from)) return { ok: false, error: "lifecycle.error.wrongStatus" };
      return { ok: true, to: "under_review" };
    }
    case "withdraw": {
      // Any status before a published decision; a decided call has none left in review (and a
      // draft in it may still be withdrawn: it never entered the competition).
      if (!has(rule.from, from)) return { ok: false, error: "lifecycle.error.wrongStatus" };
      return { ok: true, to: "withdrawn" };
    }
    default: {
      if (callResultsFrozen(ctx.call.status))
        return { ok: false, error: "lifecycle.error.callDecided" };
      if (!has(rule.from, from)) return { ok: false, error: "lifecycle.error.wrongStatus" };
      return { ok: true, to: rule.to as ProposalStatus };
    }
  }
}

/** Why a draft may not be edited at `now` (null: it may): a draft, in a call that is open. */
export function isEditableDraft(
  p: {
    status: ProposalStatus;
    call_status: CallStatus;
    call_opens_at: string;
    call_closes_at: string;
  },
  now: Date,
): "notEditable" | "deadlinePassed" | null {
  if (p.status !== "draft") return "notEditable";
  const refused = callAcceptsSubmissions(
    { status: p.call_status, opens_at: p.call_opens_at, closes_at: p.call_closes_at },
    now,
  );
  return refused ? "deadlinePassed" : null;
}
