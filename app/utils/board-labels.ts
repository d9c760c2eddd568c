// Words and number formats shared by the ranking board and the breakdown (staff pages, English).
import type { Flag } from "~/domain/scoring";

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
