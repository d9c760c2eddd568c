// Decisions that show their overrides (issue 13): shortlisting a proposal that does not qualify,
// or is provisional, overrides the published rules, so it needs an explicit confirmation that
// names what it overrides and a reason. Pure rules: what a shortlisting overrides, given the
// proposal's standing as the score read model stores it.
import type { NotQualifiedReason } from "./scoring";
import { isProvisional as provisionalByRule } from "./scoring";

/** The longest override reason accepted. */
export const MAX_OVERRIDE_REASON = 2000;

/** What a proposal's standing looks like to a decision (the read model's stored row). */
export interface Standing {
  reviewsSubmitted: number;
  reviewsRequired: number;
  /** Raw score at full precision; null without a counting review. */
  score: number | null;
  qualifies: boolean;
  reasons: readonly NotQualifiedReason[];
}

/**
 * Whether a proposal is provisional: fewer counting reviews than the call's minimum (product.md:
 * "ranked, marked provisional on the board and in every export, and does not qualify").
 * THE ONE PLACE the board, the breakdown, the exports and decisions derive it; replace its body
 * with the scoring rules' own field once they carry one.
 */
export function isProvisional(s: Pick<Standing, "reviewsSubmitted" | "reviewsRequired">): boolean {
  return provisionalByRule(s.reviewsSubmitted, s.reviewsRequired);
}

/** What a shortlisting overrode, as stored with the decision (decisions.override_json). */
export interface DecisionOverride {
  provisional: boolean;
  reviewsSubmitted: number;
  reviewsRequired: number;
  score: number | null;
  qualifyingScore: number;
  /** Why the proposal did not qualify when the official confirmed. */
  reasons: NotQualifiedReason[];
}

/**
 * What shortlisting this proposal would override; null when it overrides nothing (it qualifies
 * and is not provisional) or when the outcome is not a shortlisting.
 */
export function overrideFor(
  outcome: string,
  standing: Standing,
  qualifyingScore: number,
): DecisionOverride | null {
  if (outcome !== "shortlisted") return null;
  const provisional = isProvisional(standing);
  if (standing.qualifies && !provisional) return null;
  return {
    provisional,
    reviewsSubmitted: standing.reviewsSubmitted,
    reviewsRequired: standing.reviewsRequired,
    score: standing.score,
    qualifyingScore,
    reasons: [...standing.reasons],
  };
}

/**
 * A short fingerprint of an override, sent with the confirmation step and compared when it is
 * posted: if the standing changed in between (a review arrived, a gate was moderated), the
 * official confirms again what the decision now overrides.
 */
export function overrideFingerprint(o: DecisionOverride): string {
  return JSON.stringify([
    o.provisional,
    o.reviewsSubmitted,
    o.reviewsRequired,
    o.score === null ? null : o.score.toFixed(6),
    o.qualifyingScore,
    o.reasons.map(
      (r) => r.code + ("gate" in r ? `:${r.gate}` : "criterion" in r ? `:${r.criterion}` : ""),
    ),
  ]);
}

/** Parses a stored override (decisions.override_json); null when absent or unreadable. */
export function parseOverride(json: string | null | undefined): DecisionOverride | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<DecisionOverride> | null;
    if (!v || typeof v !== "object" || typeof v.reviewsSubmitted !== "number") return null;
    return {
      provisional: Boolean(v.provisional),
      reviewsSubmitted: v.reviewsSubmitted,
      reviewsRequired: Number(v.reviewsRequired ?? 0),
      score: typeof v.score === "number" ? v.score : null,
      qualifyingScore: Number(v.qualifyingScore ?? 0),
      reasons: Array.isArray(v.reasons) ? v.reasons : [],
    };
  } catch {
    return null;
  }
}
