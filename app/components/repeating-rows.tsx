// Repeating rows that work without JavaScript: "Add another" and "Remove" are submit buttons
// (intent add:<list> / remove:<list>:<index>); the action re-renders the page with the rows changed
// and saves what was typed as a draft.
import type { ReactNode } from "react";
import { useT } from "~/utils/use-t";

export function RepeatingRows({
  name,
  legend,
  hint,
  rowLabel,
  count,
  max,
  children,
}: {
  name: string;
  legend: string;
  hint?: string;
  rowLabel: string;
  count: number;
  max: number;
  children: (index: number) => ReactNode;
}) {
  const t = useT();
  const rows = Array.from({ length: Math.max(count, 1) }, (_, i) => i);
  return (
    <div className="form-group repeating" id={`rows-${name}`}>
      <h2 className="h3">{legend}</h2>
      {hint ? <p className="hint">{hint}</p> : null}
      {rows.map((i) => (
        <fieldset key={i} className="repeating__row">
          <legend className="repeating__legend">
            {rowLabel} {i + 1}
          </legend>
          {children(i)}
          <button
            type="submit"
            name="intent"
            value={`remove:${name}:${i}`}
            className="button button--secondary button--small"
            formNoValidate
          >
            {t("proposal.form.remove")}
            <span className="visually-hidden">
              {" "}
              {rowLabel} {i + 1}
            </span>
          </button>
        </fieldset>
      ))}
      {rows.length < max ? (
        <button
          type="submit"
          name="intent"
          value={`add:${name}`}
          className="button button--secondary"
          formNoValidate
        >
          {t("proposal.form.addAnother")}
          <span className="visually-hidden"> {rowLabel}</span>
        </button>
      ) : null}
    </div>
  );
}

/** Applies an add/remove intent to the posted rows of `list`; returns null for other intents. */
export function applyRowIntent(
  intent: string,
  values: Record<string, unknown>,
  allowedLists: readonly string[],
  max: number,
): Record<string, unknown> | null {
  const m = /^(add|remove):([A-Za-z]+)(?::(\d{1,3}))?$/.exec(intent);
  if (!m || !allowedLists.includes(m[2]!)) return null;
  const list = m[2]!;
  const rows = Array.isArray(values[list]) ? [...(values[list] as unknown[])] : [];
  if (m[1] === "add") {
    // The page shows at least one row, so a first "Add another" must make two.
    if (rows.length === 0) rows.push({});
    if (rows.length < max) rows.push({});
  } else {
    const index = Number(m[3]);
    if (index < rows.length) rows.splice(index, 1);
  }
  return { ...values, [list]: rows };
}
