// A review read-only (levels, pass/fail, rationales, the total) and the shapes the scoring screen
// (components/scoring-workspace.tsx) shares with it.
import { fieldNames } from "~/domain/review-validation";
import { formatScore, runningReviewTotal } from "~/domain/scoring";
import type { Locale } from "~/i18n/locales";

export interface FormCriterion {
  id: number;
  key: string;
  kind: "scored" | "gate";
  titleEn: string;
  titleZh: string;
  descriptionEn: string;
  descriptionZh: string;
  weight: number | null;
  minLevel: number | null;
  descriptors: { en: string; zh: string }[];
}

export interface FormScore {
  criterionId: number;
  level: number | null;
  gatePass: boolean | null;
  rationale: string;
}

const pick = (locale: Locale, en: string, zh: string) => (locale === "zh-Hans" && zh ? zh : en);

export function criterionTitle(c: FormCriterion, locale: Locale) {
  const title = pick(locale, c.titleEn, c.titleZh);
  return c.kind === "gate" ? `${c.key.toUpperCase()} ${title}` : title;
}

/** Flat field name → value, from a stored review. */
export function valuesFromScores(scores: readonly FormScore[], overallComment: string) {
  const out: Record<string, string> = { [fieldNames.overallComment]: overallComment };
  for (const s of scores) {
    if (s.level !== null) out[fieldNames.level(s.criterionId)] = String(s.level);
    if (s.gatePass !== null) out[fieldNames.gate(s.criterionId)] = s.gatePass ? "pass" : "fail";
    out[fieldNames.rationale(s.criterionId)] = s.rationale;
  }
  return out;
}

export function ReviewReadOnly({
  criteria,
  scores,
  overallComment,
  locale,
}: {
  criteria: readonly FormCriterion[];
  scores: readonly FormScore[];
  overallComment: string;
  locale: Locale;
}) {
  const byId = new Map(scores.map((s) => [s.criterionId, s]));
  const levels: Record<string, number> = {};
  for (const c of criteria) {
    const level = byId.get(c.id)?.level;
    if (c.kind === "scored" && level != null) levels[c.key] = level;
  }
  const total = runningReviewTotal(
    levels,
    criteria.filter((c) => c.kind === "scored"),
  ).partial;
  return (
    <>
      <dl className="summary-list">
        {criteria.map((c) => {
          const s = byId.get(c.id);
          return (
            <div className="summary-list__row" key={c.id}>
              <dt>{criterionTitle(c, locale)}</dt>
              <dd>
                <strong>
                  {c.kind === "scored"
                    ? s?.level != null
                      ? `Level ${s.level}`
                      : "No level"
                    : s?.gatePass == null
                      ? "Not answered"
                      : s.gatePass
                        ? "Pass"
                        : "Fail"}
                </strong>
                {s?.rationale ? <p className="preserve-lines">{s.rationale}</p> : null}
              </dd>
            </div>
          );
        })}
        <div className="summary-list__row">
          <dt>Review total (0–100)</dt>
          <dd>{formatScore(total)}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Overall comment</dt>
          <dd className="preserve-lines">{overallComment || "None"}</dd>
        </div>
      </dl>
    </>
  );
}
