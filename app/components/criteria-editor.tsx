// The criteria editor's building blocks (staff page, English labels): the list of criteria with
// move/remove buttons, the weights form with a live total, and the add/edit form of one criterion.
// Every button is a plain form post; JavaScript only adds the live weights total.
import { Form, Link } from "@remix-run/react";
import { useState } from "react";
import { fieldId, TextArea, TextField, useErrorText } from "~/components/form";
import type { FieldErrors } from "~/utils/form";

export interface EditorCriterion {
  id: number;
  key: string;
  kind: "scored" | "gate";
  title_en: string;
  title_zh: string;
  description_en: string;
  description_zh: string;
  weight: number | null;
  min_level: number | null;
  descriptors: { en: string; zh: string }[];
  applies_to_track: string | null;
}

export const TRACK_LABELS: Record<string, string> = {
  tier4DataCentre: "Data-centre track only",
  bigDataPlatform: "Big-data track only",
};

function RowButtons({ c, first, last }: { c: EditorCriterion; first: boolean; last: boolean }) {
  return (
    <div className="criteria-actions">
      <Link to={`?edit=${c.id}#criterion-form`}>
        Edit<span className="visually-hidden"> {c.key}</span>
      </Link>
      <Form method="post" className="inline-form">
        <input type="hidden" name="criterionId" value={c.id} />
        <input type="hidden" name="direction" value="up" />
        <button type="submit" name="intent" value="move" className="link-button" disabled={first}>
          Move up<span className="visually-hidden"> {c.key}</span>
        </button>
      </Form>
      <Form method="post" className="inline-form">
        <input type="hidden" name="criterionId" value={c.id} />
        <input type="hidden" name="direction" value="down" />
        <button type="submit" name="intent" value="move" className="link-button" disabled={last}>
          Move down<span className="visually-hidden"> {c.key}</span>
        </button>
      </Form>
      <Form method="post" className="inline-form">
        <input type="hidden" name="criterionId" value={c.id} />
        <button
          type="submit"
          name="intent"
          value="remove"
          className="link-button link-button--danger"
        >
          Remove<span className="visually-hidden"> {c.key}</span>
        </button>
      </Form>
    </div>
  );
}

/** Scored criteria or gates in order; with `editable`, each row has edit, move and remove. */
export function CriteriaTable({
  criteria,
  kind,
  editable,
}: {
  criteria: EditorCriterion[];
  kind: "scored" | "gate";
  editable: boolean;
}) {
  const rows = criteria.filter((c) => c.kind === kind);
  if (!rows.length) return <p>{kind === "scored" ? "No scored criteria." : "No gates."}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">
          {kind === "scored" ? "Scored criteria" : "Gates"}
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Key</th>
            <th scope="col">Title</th>
            {kind === "scored" ? (
              <>
                <th scope="col" className="num">
                  Weight
                </th>
                <th scope="col" className="num">
                  Minimum level
                </th>
              </>
            ) : (
              <th scope="col">Applies to</th>
            )}
            {editable ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((c, i) => (
            <tr key={c.id} id={`criterion-${c.id}`}>
              <td>{i + 1}</td>
              <td>
                <code>{c.key}</code>
              </td>
              <td>
                {c.title_en}
                <br />
                <span lang="zh-Hans">{c.title_zh}</span>
                <details className="criteria-details">
                  <summary>
                    {kind === "scored" ? "Descriptors" : "Wording"}
                    <span className="visually-hidden"> of {c.key}</span>
                  </summary>
                  {c.description_en ? <p>{c.description_en}</p> : null}
                  {c.description_zh ? <p lang="zh-Hans">{c.description_zh}</p> : null}
                  {kind === "scored" ? (
                    <ol className="rubric" start={0}>
                      {c.descriptors.map((d, level) => (
                        <li key={level}>
                          <span className="rubric__level">{level}</span>
                          <span>
                            {d.en}
                            <br />
                            <span lang="zh-Hans">{d.zh}</span>
                          </span>
                        </li>
                      ))}
                    </ol>
                  ) : null}
                </details>
              </td>
              {kind === "scored" ? (
                <>
                  <td className="num">{c.weight}</td>
                  <td className="num">{c.min_level}</td>
                </>
              ) : (
                <td>{c.applies_to_track ? TRACK_LABELS[c.applies_to_track] : "All proposals"}</td>
              )}
              {editable ? (
                <td>
                  <RowButtons c={c} first={i === 0} last={i === rows.length - 1} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const whole = (s: string) => (/^\d{1,6}$/.test(s.trim()) ? Number(s.trim()) : 0);

/**
 * Weights and minimum levels of every scored criterion in one form. The total is computed on the
 * server (and checked there on save); with JavaScript it also updates as the official types.
 */
export function WeightsForm({
  scored,
  values,
  errors,
}: {
  scored: EditorCriterion[];
  values?: { weight: string; minLevel: string }[];
  errors: FieldErrors;
}) {
  const text = useErrorText();
  const initial = scored.map((c, i) => values?.[i]?.weight ?? String(c.weight ?? ""));
  const [weights, setWeights] = useState(initial);
  const total = weights.reduce((sum, w) => sum + whole(w), 0);
  return (
    <Form method="post" noValidate>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Weights and minimum levels</caption>
          <thead>
            <tr>
              <th scope="col">Criterion</th>
              <th scope="col">Weight (whole %)</th>
              <th scope="col">Minimum level (0–5)</th>
            </tr>
          </thead>
          <tbody>
            {scored.map((c, i) => {
              const wName = `weights[${i}].weight`;
              const lName = `weights[${i}].minLevel`;
              const wError = errors[wName];
              const lError = errors[lName];
              return (
                <tr key={c.id}>
                  <th scope="row">
                    <code>{c.key}</code> {c.title_en}
                    <input type="hidden" name={`weights[${i}].id`} value={c.id} />
                  </th>
                  <td className={wError ? "form-group--error" : undefined}>
                    <label className="visually-hidden" htmlFor={fieldId(wName)}>
                      Weight of {c.key}
                    </label>
                    {wError ? (
                      <p className="error-message" id={`${fieldId(wName)}-error`}>
                        {text(wError)}
                      </p>
                    ) : null}
                    <input
                      className={`input input--narrow ${wError ? "input--error" : ""}`}
                      id={fieldId(wName)}
                      name={wName}
                      inputMode="numeric"
                      defaultValue={initial[i]}
                      aria-invalid={wError ? true : undefined}
                      aria-describedby={wError ? `${fieldId(wName)}-error` : undefined}
                      onChange={(e) => {
                        const next = [...weights];
                        next[i] = e.currentTarget.value;
                        setWeights(next);
                      }}
                    />
                  </td>
                  <td className={lError ? "form-group--error" : undefined}>
                    <label className="visually-hidden" htmlFor={fieldId(lName)}>
                      Minimum level of {c.key}
                    </label>
                    {lError ? (
                      <p className="error-message" id={`${fieldId(lName)}-error`}>
                        {text(lError)}
                      </p>
                    ) : null}
                    <input
                      className={`input input--narrow ${lError ? "input--error" : ""}`}
                      id={fieldId(lName)}
                      name={lName}
                      inputMode="numeric"
                      defaultValue={values?.[i]?.minLevel ?? String(c.min_level ?? "")}
                      aria-invalid={lError ? true : undefined}
                      aria-describedby={lError ? `${fieldId(lName)}-error` : undefined}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td colSpan={2}>
                <output
                  id={fieldId("_total")}
                  aria-live="polite"
                  className={total === 100 ? "weights-total" : "weights-total weights-total--off"}
                >
                  {total}
                  {total === 100
                    ? " (correct)"
                    : ` (must be exactly 100: ${total < 100 ? `${100 - total} to add` : `${total - 100} too many`})`}
                </output>
                {errors._total ? <p className="error-message">{text(errors._total)}</p> : null}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <button type="submit" name="intent" value="weights" className="button">
        Save weights and minimum levels
      </button>
    </Form>
  );
}

export interface CriterionFormValues {
  key?: string;
  titleEn?: string;
  titleZh?: string;
  descriptionEn?: string;
  descriptionZh?: string;
  descriptors?: { en?: string; zh?: string }[];
  appliesToTrack?: string;
}

export function criterionValues(c: EditorCriterion): CriterionFormValues {
  return {
    key: c.key,
    titleEn: c.title_en,
    titleZh: c.title_zh,
    descriptionEn: c.description_en,
    descriptionZh: c.description_zh,
    descriptors: c.descriptors,
    appliesToTrack: c.applies_to_track ?? "",
  };
}

/** Adds (no `criterionId`) or edits one criterion or gate of the working version. */
export function CriterionForm({
  kind,
  criterionId,
  values,
  errors,
  cancelHref,
}: {
  kind: "scored" | "gate";
  criterionId?: number;
  values: CriterionFormValues;
  errors: FieldErrors;
  cancelHref: string;
}) {
  const isGate = kind === "gate";
  const noun = isGate ? "gate" : "scored criterion";
  const errorText = useErrorText();
  return (
    <section id="criterion-form" aria-labelledby="criterion-form-title" className="inset">
      <h2 id="criterion-form-title">
        {criterionId ? `Edit ${noun} ${values.key ?? ""}` : `Add a ${noun}`}
      </h2>
      <Form method="post" noValidate>
        <input type="hidden" name="kind" value={kind} />
        {criterionId ? <input type="hidden" name="criterionId" value={criterionId} /> : null}
        <TextField
          name="key"
          label="Key"
          hint="Lower-case letters, digits and underscores, starting with a letter, like tier4 or g1. Used in the tie-break order and in exports."
          error={errors.key}
          defaultValue={values.key}
          spellCheck={false}
          className="input--short"
        />
        <TextField
          name="titleEn"
          label="Title (English)"
          error={errors.titleEn}
          defaultValue={values.titleEn}
        />
        <TextField
          name="titleZh"
          label="Title (Chinese)"
          error={errors.titleZh}
          defaultValue={values.titleZh}
        />
        <TextArea
          name="descriptionEn"
          label={isGate ? "Wording of the gate (English)" : "Description (English)"}
          hint={isGate ? "What a proposal must show to pass." : undefined}
          optional={!isGate}
          error={errors.descriptionEn}
          defaultValue={values.descriptionEn}
          rows={3}
        />
        <TextArea
          name="descriptionZh"
          label={isGate ? "Wording of the gate (Chinese)" : "Description (Chinese)"}
          optional={!isGate}
          error={errors.descriptionZh}
          defaultValue={values.descriptionZh}
          rows={3}
        />
        {isGate ? (
          <div className={`form-group ${errors.appliesToTrack ? "form-group--error" : ""}`}>
            <label className="label" htmlFor={fieldId("appliesToTrack")}>
              Applies to
            </label>
            {errors.appliesToTrack ? (
              <p className="error-message" id={`${fieldId("appliesToTrack")}-error`}>
                {errorText(errors.appliesToTrack)}
              </p>
            ) : null}
            <select
              className="select"
              id={fieldId("appliesToTrack")}
              name="appliesToTrack"
              defaultValue={values.appliesToTrack ?? ""}
              aria-describedby={
                errors.appliesToTrack ? `${fieldId("appliesToTrack")}-error` : undefined
              }
            >
              <option value="">All proposals</option>
              {Object.entries(TRACK_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        ) : (
          [0, 1, 2, 3, 4, 5].map((level) => (
            <fieldset key={level} className="descriptor-level">
              <legend>Level {level}</legend>
              <TextField
                name={`descriptors[${level}].en`}
                label={`Level ${level} descriptor (English)`}
                error={errors[`descriptors[${level}].en`]}
                defaultValue={values.descriptors?.[level]?.en}
              />
              <TextField
                name={`descriptors[${level}].zh`}
                label={`Level ${level} descriptor (Chinese)`}
                error={errors[`descriptors[${level}].zh`]}
                defaultValue={values.descriptors?.[level]?.zh}
              />
            </fieldset>
          ))
        )}
        {!isGate && !criterionId ? (
          <p className="hint">
            A new scored criterion starts with weight 0 and minimum level 0: set them in the weights
            form, where the weights must add up to 100.
          </p>
        ) : null}
        <div className="button-group">
          <button
            type="submit"
            name="intent"
            value={criterionId ? "save" : "add"}
            className="button"
          >
            {criterionId ? "Save" : `Add the ${noun}`}
          </button>
          <Link to={cancelHref}>Cancel</Link>
        </div>
      </Form>
    </section>
  );
}

/** Problems that stop publication, each linked to the criterion (or form) to correct. */
export function PublishProblems({
  errors,
  criteria,
  callHref,
}: {
  errors: FieldErrors;
  criteria: EditorCriterion[];
  callHref: string;
}) {
  const text = useErrorText();
  const items = Object.entries(errors).map(([name, message]) => {
    if (name === "_total") return { name, href: "#weights-title", label: text(message) };
    if (name === "_tieBreak")
      return { name, href: `${callHref}#${fieldId("tieBreak")}`, label: text(message) };
    if (name.startsWith("_")) return { name, href: null, label: text(message) };
    const dot = name.indexOf(".");
    const key = dot === -1 ? name : name.slice(0, dot);
    const field = dot === -1 ? "" : name.slice(dot + 1);
    const c = criteria.find((x) => x.key === key);
    const href =
      c && field !== "weight" && field !== "minLevel"
        ? `?edit=${c.id}#${fieldId(field)}`
        : c
          ? "#weights-title"
          : null;
    return { name, href, label: `${key}: ${text(message)}` };
  });
  return (
    <div
      className="error-summary"
      role="alert"
      aria-labelledby="publish-problems-title"
      tabIndex={-1}
    >
      <h2 id="publish-problems-title">There is a problem</h2>
      <p>The criteria were not published. Correct these problems first:</p>
      <ul>
        {items.map((item) => (
          <li key={item.name}>{item.href ? <a href={item.href}>{item.label}</a> : item.label}</li>
        ))}
      </ul>
    </div>
  );
}
