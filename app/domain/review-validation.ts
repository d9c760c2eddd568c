// The rules a review must follow, plain TypeScript: which criteria apply to a proposal, and what a
// draft or a submitted review must contain. Messages are dictionary keys (see utils/form `msg`).
import { msg, type FieldErrors } from "~/utils/form";

export const MIN_RATIONALE = 20;
export const MAX_RATIONALE = 3000;
export const MAX_COMMENT = 5000;

export interface ReviewCriterion {
  id: number;
  key: string;
  kind: "scored" | "gate";
  appliesToTrack: string | null;
}

export interface ScoreEntry {
  criterionId: number;
  level: number | null;
  gatePass: boolean | null;
  rationale: string;
}

export interface ReviewValues {
  overallComment: string;
  scores: ScoreEntry[];
}

/** A criterion applies to every proposal unless it names a track the proposal does not have (G2). */
export function criterionApplies(c: { appliesToTrack: string | null }, tracks: readonly string[]) {
  return c.appliesToTrack === null || c.appliesToTrack === "" || tracks.includes(c.appliesToTrack);
}

export function parseTracks(tracks: string | null | undefined): string[] {
  return (tracks ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Form field names, shared by the form and the action. */
export const fieldNames = {
  level: (id: number) => `c.${id}.level`,
  gate: (id: number) => `c.${id}.gate`,
  rationale: (id: number) => `c.${id}.rationale`,
  overallComment: "overallComment",
};

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/**
 * Reads and checks a posted review. A draft may leave answers out and keep a short rationale, but
 * a level must still be a whole number 0–5 and texts must fit; a submission needs a level (or
 * pass/fail for a gate) and a rationale of at least 20 characters for every applicable criterion.
 * Criteria that do not apply are ignored, whatever was posted.
 */
export function validateReview(
  criteria: readonly ReviewCriterion[],
  tracks: readonly string[],
  posted: Record<string, unknown>,
  mode: "draft" | "submit",
): { values: ReviewValues; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const c = (posted.c && typeof posted.c === "object" ? posted.c : {}) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const scores: ScoreEntry[] = [];
  for (const criterion of criteria) {
    if (!criterionApplies(criterion, tracks)) continue;
    const entry = c[String(criterion.id)] ?? {};
    const rationale = str(entry.rationale);
    let level: number | null = null;
    let gatePass: boolean | null = null;
    if (criterion.kind === "scored") {
      const raw = str(entry.level);
      if (raw === "") {
        if (mode === "submit") errors[fieldNames.level(criterion.id)] = msg("review.error.level");
      } else if (!/^\d+$/.test(raw) || Number(raw) > 5) {
        errors[fieldNames.level(criterion.id)] = msg("review.error.levelRange");
      } else level = Number(raw);
    } else {
      const raw = str(entry.gate);
      if (raw === "pass") gatePass = true;
      else if (raw === "fail") gatePass = false;
      else if (raw !== "" || mode === "submit")
        errors[fieldNames.gate(criterion.id)] = msg("review.error.gate");
    }
    if (rationale.length > MAX_RATIONALE) {
      errors[fieldNames.rationale(criterion.id)] = msg("validation.tooLong", {
        max: MAX_RATIONALE,
      });
    } else if (mode === "submit" && rationale.length < MIN_RATIONALE) {
      errors[fieldNames.rationale(criterion.id)] = msg("review.error.rationale", {
        min: MIN_RATIONALE,
      });
    }
    scores.push({ criterionId: criterion.id, level, gatePass, rationale });
  }
  const overallComment = str(posted.overallComment);
  if (overallComment.length > MAX_COMMENT)
    errors[fieldNames.overallComment] = msg("validation.tooLong", { max: MAX_COMMENT });
  return { values: { overallComment, scores }, errors };
}

/** A review's total on 0–100: Σ weight × level / 5 (scored criteria only). */
export function reviewTotal(
  scores: readonly { level: number | null; weight: number | null }[],
): number {
  return scores.reduce((sum, s) => sum + ((s.weight ?? 0) * (s.level ?? 0)) / 5, 0);
}

/**
 * Whether a criterion is done as a submission needs it: a level (a pass or fail for a gate) and a
 * rationale of at least MIN_RATIONALE characters. The scoring page's done marks use it.
 */
export function criterionDone(
  kind: "scored" | "gate",
  answer: { level?: string | null; gate?: string | null; rationaleLength: number },
): boolean {
  const answered =
    kind === "scored"
      ? /^[0-5]$/.test(answer.level ?? "")
      : answer.gate === "pass" || answer.gate === "fail";
  return answered && answer.rationaleLength >= MIN_RATIONALE;
}
