// Test data for the review side: a call with the default criteria published, companies, and
// submitted proposals (inserted directly, as a submission would leave them).
import { createCall } from "../support/factories";

export { createOrganisation, createSubmittedProposal } from "../support/factories";

/** An open call with the default criteria published (tests/support/factories.ts). */
export const createCallWithCriteria = (opts: { minReviews?: number } = {}) => createCall(opts);

/** A complete, valid review for the posted form: every applicable criterion and gate answered. */
export function completeReview(
  criteria: { id: number; kind: string; applies_to_track: string | null }[],
  opts: { level?: number; tracks?: string[]; gate?: "pass" | "fail" } = {},
) {
  const tracks = opts.tracks ?? ["tier4DataCentre", "bigDataPlatform"];
  const fields: Record<string, string> = { overallComment: "A solid proposal overall." };
  for (const c of criteria) {
    if (c.applies_to_track && !tracks.includes(c.applies_to_track)) continue;
    if (c.kind === "scored") fields[`c.${c.id}.level`] = String(opts.level ?? 4);
    else fields[`c.${c.id}.gate`] = opts.gate ?? "pass";
    fields[`c.${c.id}.rationale`] = "The evidence in section 4 supports this level.";
  }
  return fields;
}
