// The GOV.UK form vocabulary: error summary, question fields with label, hint and message.
// Every component renders plain HTML that posts without JavaScript.
import { useEffect, useRef, type ReactNode } from "react";
import type { MessageKey } from "~/i18n";
import { decodeMsg, type FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";

/** The hidden "Error:" before a field's message, in the page language (a screen reader hears it). */
export function ErrorPrefix() {
  const t = useT();
  const prefix = t("common.errorPrefix");
  return <span className="visually-hidden">{prefix.endsWith(":") ? `${prefix} ` : prefix}</span>;
}

/** Translates an encoded validation message (see utils/form.ts `msg`). */
export function useErrorText() {
  const t = useT();
  return (encoded: string | undefined) => {
    if (!encoded) return undefined;
    const { key, vars } = decodeMsg(encoded);
    return t(key as MessageKey, vars);
  };
}

export function fieldId(name: string) {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** "There is a problem": a list of links to each field in error; takes focus when shown. */
export function ErrorSummary({ errors }: { errors: FieldErrors | undefined | null }) {
  const t = useT();
  const text = useErrorText();
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors ?? {});
  useEffect(() => {
    if (entries.length) ref.current?.focus();
  }, [errors]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!entries.length) return null;
  return (
    <div
      className="error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      ref={ref}
    >
      <h2 id="error-summary-title">{t("common.errorSummaryTitle")}</h2>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>
            <a href={`#${fieldId(name)}`}>{text(message)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface BaseProps {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
}

function Label({
  id,
  label,
  optional,
  className,
}: {
  id: string;
  label: ReactNode;
  optional?: boolean;
  className?: string;
}) {
  const t = useT();
  return (
    <label className={`label ${className ?? ""}`} htmlFor={id}>
      {label}
      {optional ? ` ${t("common.optional")}` : null}
    </label>
  );
}

function describedBy(id: string, hint: unknown, error: unknown) {
  return (
    [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") ||
    undefined
  );
}

function HintAndError({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  const text = useErrorText();
  return (
    <>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <ErrorPrefix />
          {text(error)}
        </p>
      ) : null}
    </>
  );
}

export function TextField({
  name,
  label,
  hint,
  error,
  optional,
  defaultValue,
  type = "text",
  autoComplete,
  className,
  inputMode,
  spellCheck,
}: BaseProps & {
  defaultValue?: string | number | null;
  type?: "text" | "email" | "password" | "tel" | "url" | "date" | "datetime-local" | "number";
  autoComplete?: string;
  className?: string;
  inputMode?: "text" | "decimal" | "numeric" | "email" | "tel" | "url";
  spellCheck?: boolean;
}) {
  const id = fieldId(name);
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <Label id={id} label={label} optional={optional} />
      <HintAndError id={id} hint={hint} error={error} />
      <input
        className={`input ${error ? "input--error" : ""} ${className ?? ""}`}
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue ?? undefined}
        autoComplete={autoComplete}
        inputMode={inputMode}
        spellCheck={spellCheck}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

export function TextArea({
  name,
  label,
  hint,
  error,
  optional,
  defaultValue,
  rows = 5,
}: BaseProps & { defaultValue?: string | null; rows?: number }) {
  const id = fieldId(name);
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <Label id={id} label={label} optional={optional} />
      <HintAndError id={id} hint={hint} error={error} />
      <textarea
        className={`textarea ${error ? "textarea--error" : ""}`}
        id={id}
        name={name}
        rows={rows}
        defaultValue={defaultValue ?? undefined}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

export interface Option {
  value: string;
  label: ReactNode;
  hint?: ReactNode;
}

export function Select({
  name,
  label,
  hint,
  error,
  optional,
  options,
  defaultValue,
}: BaseProps & { options: Option[]; defaultValue?: string | null }) {
  const id = fieldId(name);
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <Label id={id} label={label} optional={optional} />
      <HintAndError id={id} hint={hint} error={error} />
      <select
        className={`select ${error ? "select--error" : ""}`}
        id={id}
        name={name}
        defaultValue={defaultValue ?? ""}
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={error ? true : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {typeof o.label === "string" ? o.label : o.value}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radios or checkboxes in a fieldset; the first input carries the id the error summary links to. */
export function Choices({
  name,
  label,
  hint,
  error,
  optional,
  options,
  defaultValue,
  multiple = false,
}: BaseProps & { options: Option[]; defaultValue?: string | string[] | null; multiple?: boolean }) {
  const t = useT();
  const id = fieldId(name);
  const selected = new Set(
    Array.isArray(defaultValue) ? defaultValue : defaultValue ? [defaultValue] : [],
  );
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <fieldset aria-describedby={describedBy(id, hint, error)}>
        <legend>
          {label}
          {optional ? ` ${t("common.optional")}` : null}
        </legend>
        <HintAndError id={id} hint={hint} error={error} />
        <div className={multiple ? "checkboxes" : "radios"}>
          {options.map((o, i) => {
            const optionId = i === 0 ? id : `${id}-${i}`;
            return (
              <div className="choice" key={o.value}>
                <input
                  type={multiple ? "checkbox" : "radio"}
                  id={optionId}
                  name={name}
                  value={o.value}
                  defaultChecked={selected.has(o.value)}
                  aria-describedby={o.hint ? `${optionId}-hint` : undefined}
                />
                <label htmlFor={optionId}>
                  {o.label}
                  {o.hint ? (
                    <span className="hint" id={`${optionId}-hint`}>
                      <br />
                      {o.hint}
                    </span>
                  ) : null}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** A single required checkbox (a declaration). */
export function Checkbox({
  name,
  label,
  error,
  defaultChecked,
  value = "yes",
}: {
  name: string;
  label: ReactNode;
  error?: string;
  defaultChecked?: boolean;
  value?: string;
}) {
  const id = fieldId(name);
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <HintAndError id={id} error={error} />
      <div className="choice">
        <input
          type="checkbox"
          id={id}
          name={name}
          value={value}
          defaultChecked={defaultChecked}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <label htmlFor={id}>{label}</label>
      </div>
    </div>
  );
}

/** Hidden from sighted users, a trap for bots that fill every field; real users never see it. */
export function Honeypot() {
  return (
    <div className="honeypot" aria-hidden="true">
      <label htmlFor="f-website-url">Leave this field empty</label>
      <input id="f-website-url" name="websiteUrl" type="text" tabIndex={-1} autoComplete="off" />
    </div>
  );
}
