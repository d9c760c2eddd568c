// The reviewer's scoring form (six levels per criterion as radio buttons with their descriptors in
// the page language, a rationale each, gates pass/fail) and a read-only view of a review. Plain
// HTML forms: they post without JavaScript.
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { fieldNames, MIN_RATIONALE } from "~/domain/review-validation";
import type { Locale } from "~/i18n/locales";
import { ErrorPrefix, ErrorSummary, fieldId, useErrorText } from "~/components/form";
import type { FieldErrors } from "~/utils/form";

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

function ErrorText({ id, error }: { id: string; error?: string }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="error-message" id={`${id}-error`}>
      <ErrorPrefix />
      {text(error)}
    </p>
  );
}

function Radios({
  name,
  legend,
  hint,
  options,
  value,
  error,
}: {
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  options: { value: string; label: ReactNode }[];
  value: string | undefined;
  error?: string;
}) {
  const id = fieldId(name);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <fieldset aria-describedby={describedBy || undefined}>
        <legend className="scoring__legend">{legend}</legend>
        {hint ? (
          <div className="hint" id={`${id}-hint`}>
            {hint}
          </div>
        ) : null}
        <ErrorText id={id} error={error} />
        <div className="radios">
          {options.map((o, i) => {
            const optionId = i === 0 ? id : `${id}-${i}`;
            return (
              <div className="choice" key={o.value}>
                <input
                  type="radio"
                  id={optionId}
                  name={name}
                  value={o.value}
                  defaultChecked={value === o.value}
                />
                <label htmlFor={optionId}>{o.label}</label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

function Rationale({
  name,
  label,
  value,
  error,
}: {
  name: string;
  label: string;
  value: string | undefined;
  error?: string;
}) {
  const id = fieldId(name);
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <div className="hint" id={`${id}-hint`}>
        At least {MIN_RATIONALE} characters. Say what in the proposal supports the level.
      </div>
      <ErrorText id={id} error={error} />
      <textarea
        className={`textarea ${error ? "textarea--error" : ""}`}
        id={id}
        name={name}
        rows={4}
        defaultValue={value ?? ""}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

export function ScoringForm({
  criteria,
  values,
  errors,
  locale,
}: {
  criteria: readonly FormCriterion[];
  values: Record<string, string>;
  errors?: FieldErrors | null;
  locale: Locale;
}) {
  const scored = criteria.filter((c) => c.kind === "scored");
  const gates = criteria.filter((c) => c.kind === "gate");
  const err = errors ?? {};
  return (
    <Form method="post" noValidate className="scoring">
      <ErrorSummary errors={errors} />
      <h2 className="h2">Scored criteria</h2>
      {scored.map((c, index) => (
        <section className="scoring__criterion" key={c.id} aria-labelledby={`crit-${c.id}`}>
          <h3 className="h3" id={`crit-${c.id}`}>
            {index + 1}. {criterionTitle(c, locale)}
          </h3>
          <p className="hint">
            Weight {c.weight}% · minimum level {c.minLevel}
            {pick(locale, c.descriptionEn, c.descriptionZh)
              ? ` · ${pick(locale, c.descriptionEn, c.descriptionZh)}`
              : ""}
          </p>
          <Radios
            name={fieldNames.level(c.id)}
            legend={`Level for ${criterionTitle(c, locale)}`}
            value={values[fieldNames.level(c.id)]}
            error={err[fieldNames.level(c.id)]}
            options={[0, 1, 2, 3, 4, 5].map((level) => ({
              value: String(level),
              label: (
                <>
                  <strong>{level}</strong>
                  {c.descriptors[level]
                    ? ` — ${pick(locale, c.descriptors[level]!.en, c.descriptors[level]!.zh)}`
                    : ""}
                </>
              ),
            }))}
          />
          <Rationale
            name={fieldNames.rationale(c.id)}
            label={`Rationale for ${criterionTitle(c, locale)}`}
            value={values[fieldNames.rationale(c.id)]}
            error={err[fieldNames.rationale(c.id)]}
          />
        </section>
      ))}
      {gates.length ? <h2 className="h2">Gates (pass or fail)</h2> : null}
      {gates.map((c) => (
        <section className="scoring__criterion" key={c.id} aria-labelledby={`crit-${c.id}`}>
          <h3 className="h3" id={`crit-${c.id}`}>
            {criterionTitle(c, locale)}
          </h3>
          <Radios
            name={fieldNames.gate(c.id)}
            legend={`Does the proposal pass ${c.key.toUpperCase()}?`}
            hint={pick(locale, c.descriptionEn, c.descriptionZh) || undefined}
            value={values[fieldNames.gate(c.id)]}
            error={err[fieldNames.gate(c.id)]}
            options={[
              { value: "pass", label: "Pass" },
              { value: "fail", label: "Fail" },
            ]}
          />
          <Rationale
            name={fieldNames.rationale(c.id)}
            label={`Rationale for ${c.key.toUpperCase()}`}
            value={values[fieldNames.rationale(c.id)]}
            error={err[fieldNames.rationale(c.id)]}
          />
        </section>
      ))}
      <div className={`form-group ${err.overallComment ? "form-group--error" : ""}`}>
        <label className="label" htmlFor={fieldId("overallComment")}>
          Overall comment (optional)
        </label>
        <ErrorText id={fieldId("overallComment")} error={err.overallComment} />
        <textarea
          className="textarea"
          id={fieldId("overallComment")}
          name="overallComment"
          rows={5}
          defaultValue={values.overallComment ?? ""}
        />
      </div>
      <div className="button-group">
        <button type="submit" name="intent" value="submit" className="button">
          Submit review
        </button>
        <button type="submit" name="intent" value="draft" className="button button--secondary">
          Save draft
        </button>
      </div>
      <p className="hint">
        Once submitted, your review cannot be changed unless an official returns it for rework. You
        will then see your colleagues&apos; submitted reviews of this proposal.
      </p>
    </Form>
  );
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
  const total = criteria.reduce(
    (sum, c) =>
      c.kind === "scored" ? sum + ((c.weight ?? 0) * (byId.get(c.id)?.level ?? 0)) / 5 : sum,
    0,
  );
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
          <dd>{total.toFixed(2)}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Overall comment</dt>
          <dd className="preserve-lines">{overallComment || "None"}</dd>
        </div>
      </dl>
    </>
  );
}
