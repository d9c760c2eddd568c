// Shared pieces of the step pages: the props every step component gets, value helpers, money,
// dates and the "shown only when" wrapper for conditional questions.
import { useEffect, useState, type ReactNode } from "react";
import { fieldId, Select, TextField, type Option } from "~/components/form";
import type { Answers } from "~/schemas/step-ids";
import { getAt, type FieldErrors } from "~/utils/form";
import { ErrorPrefix, useErrorText } from "~/components/form";
import { useT } from "~/utils/use-t";

export interface StepProps {
  /** What to show in the fields: the saved answers, or what was just posted. */
  values: Answers;
  /** Field name → encoded message. */
  errors: FieldErrors;
  /** Live values while JavaScript runs (for conditional questions); the same as values otherwise. */
  live: Answers;
  /** The page has hydrated: conditional questions may be hidden. */
  enhanced: boolean;
  /** Extra facts for the step (USCC check result, rates). */
  extra: { usccStatus?: string | null; countries?: Option[] };
}

export function str(values: Answers, name: string): string {
  const v = getAt(values, name);
  return typeof v === "string" ? v : "";
}

export function list(values: Answers, name: string): string[] {
  const v = getAt(values, name);
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === "string")
    : typeof v === "string" && v
      ? [v]
      : [];
}

export function rowCount(values: Answers, name: string): number {
  const v = getAt(values, name);
  return Array.isArray(v) ? v.length : 0;
}

/** True once React runs in the browser. */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/**
 * A question that applies only under a condition (a "conditional reveal"). Without JavaScript it
 * is always shown (its hint says when it applies); with JavaScript it follows the live answer.
 */
export function When({
  show,
  enhanced,
  children,
}: {
  show: boolean;
  enhanced: boolean;
  children: ReactNode;
}) {
  if (enhanced && !show) return null;
  return <div className="conditional">{children}</div>;
}

export function MoneyField({
  name,
  label,
  hint,
  values,
  errors,
}: {
  name: string;
  label: string;
  hint?: string;
  values: Answers;
  errors: FieldErrors;
}) {
  const t = useT();
  const text = useErrorText();
  const amountError = errors[`${name}.amount`];
  const currencyError = errors[`${name}.currency`] ?? errors[name];
  return (
    <div className={`form-group ${amountError || currencyError ? "form-group--error" : ""}`}>
      <fieldset className="money" aria-describedby={hint ? `${fieldId(name)}-hint` : undefined}>
        <legend>{label}</legend>
        {hint ? (
          <div className="hint" id={`${fieldId(name)}-hint`}>
            {hint}
          </div>
        ) : null}
        {currencyError && !errors[`${name}.currency`] ? (
          <p className="error-message">
            <ErrorPrefix />
            {text(currencyError, `${name}.currency`)}
          </p>
        ) : null}
        <div className="money__inputs">
          <TextField
            name={`${name}.amount`}
            label={t("proposal.f.amount")}
            defaultValue={str(values, `${name}.amount`)}
            error={amountError}
            inputMode="decimal"
            className="input--short"
          />
          <Select
            name={`${name}.currency`}
            label={t("proposal.f.currency")}
            defaultValue={str(values, `${name}.currency`)}
            error={errors[`${name}.currency`]}
            options={[
              { value: "", label: "—" },
              { value: "USD", label: "USD" },
              { value: "CNY", label: "CNY" },
              { value: "PKR", label: "PKR" },
            ]}
          />
        </div>
      </fieldset>
    </div>
  );
}

export function DateField({
  name,
  label,
  hint,
  values,
  errors,
}: {
  name: string;
  label: string;
  hint?: string;
  values: Answers;
  errors: FieldErrors;
}) {
  return (
    <TextField
      name={name}
      label={label}
      hint={hint}
      // A text field with the ISO hint, not type="date": Chromium's date input shows mm/dd/yyyy
      // (or the system's order) beside a hint written 2027-03-31. What is typed in another
      // common order (2027/3/31, 2027年3月31日) is normalised (domain/input-normalise.ts).
      type="text"
      autoComplete="off"
      spellCheck={false}
      className="input--short"
      defaultValue={str(values, name)}
      error={errors[name]}
    />
  );
}
