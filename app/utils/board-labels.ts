// Words and number formats shared by the ranking board and the breakdown (staff pages, English).
import type { DecisionOverride } from "~/domain/decision-override";
import { formatScore, type Flag } from "~/domain/scoring";

export const TRACK_LABELS: Record<string, string> = {
  tier4DataCentre: "Tier IV data centre",
  bigDataPlatform: "Big data platform",
};
export const STATUS_LABELS: Record<string, string> = {
  submitted: "Submitted",
  under_review: "Under review",
  clarification_requested: "Clarification requested",
  shortlisted: "Shortlisted",
  reserve: "Reserve",
  rejected: "Rejected",
};
/** A decision as it reads in a column or a sentence. */
export const DECISION_LABELS: Record<string, string> = {
  shortlisted: "Shortlisted",
  reserve: "Reserve",
  rejected: "Rejected",
  none: "No decision yet",
};
/** The decision form's choices. */
export const DECISION_CHOICES: Record<string, string> = {
  shortlisted: "Shortlist",
  reserve: "Reserve list",
  rejected: "Reject",
};
const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 0,
});

export function formatUsdCents(cents: number | null): string {
  return cents === null ? "—" : usd.format(Math.round(cents / 100));
}

/** The credit-code flag applicants are told about, as staff read it until an official checks. */
export const CREDIT_CODE_FLAG = "Credit code needs a manual check";

export function flagText(f: Flag): string {
  switch (f.kind) {
    case "criterion_spread":
      return `${f.criterion}: levels ${f.min}–${f.max} differ by ${f.spread} (≥ ${f.threshold})`;
    case "totals_sd":
      return `Review totals SD ${f.sd.toFixed(2)} > ${f.threshold}`;
    case "gate_split":
      return `Gate ${f.gate} split evenly`;
  }
}

/**
 * What a shortlisting overrides, in words: "1 of 3 reviews; score 61.00 below 65". The same words
 * on the confirmation step, the board, the breakdown and every export.
 */
export function overrideText(o: DecisionOverride): string {
  const parts: string[] = [];
  if (o.provisional && !o.reasons.some((r) => r.code === "too_few_reviews"))
    parts.push(`${o.reviewsSubmitted} of ${o.reviewsRequired} reviews`);
  for (const r of o.reasons) {
    switch (r.code) {
      case "too_few_reviews":
        parts.push(`${r.submitted} of ${r.required} reviews`);
        break;
      case "gate_not_passed":
        parts.push(
          `gate ${r.gate} ${r.status === "split" ? "split, not moderated" : r.status === "no_reviews" ? "not reviewed" : "failed"}`,
        );
        break;
      case "below_minimum":
        parts.push(
          `${r.criterion} mean ${r.mean === null ? "none" : r.mean.toFixed(2)} below minimum ${r.minLevel}`,
        );
        break;
      case "below_qualifying_score":
        parts.push(`score ${formatScore(r.score)} below ${r.qualifyingScore}`);
        break;
    }
  }
  if (o.score === null) parts.push("no score");
  return parts.join("; ");
}
