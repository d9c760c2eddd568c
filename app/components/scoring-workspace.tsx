// The reviewer's scoring screen (issue 15): the proposal and the scoring panel side by side, each
// scrolling on its own on wide screens (stacked on narrow ones); a list of the criteria with done
// marks and the running total (app/domain/scoring.ts, the published rule) above the form; the
// rubric beside each level; "Save draft" that keeps the reviewer where they were; keyboard
// shortcuts for levels. A plain HTML form underneath: without JavaScript it posts and the server
// redirects back to the criterion whose "Save draft" was pressed.
import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { ErrorPrefix, ErrorSummary, fieldId, useErrorText } from "~/components/form";
import { criterionTitle, type FormCriterion } from "~/components/scoring-form";
import { criterionDone, fieldNames, MIN_RATIONALE } from "~/domain/review-validation";
import { formatScore, runningReviewTotal } from "~/domain/scoring";
import type { Locale } from "~/i18n/locales";
import type { FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";

const pick = (locale: Locale, en: string, zh: string) => (locale === "zh-Hans" && zh ? zh : en);

interface Answer {
  level: string;
  gate: string;
  rationaleLength: number;
}

const LEVELS = ["0", "1", "2", "3", "4", "5"];
const RATIONALE_HINT_ID = "rationale-hint";

function answersFrom(criteria: readonly FormCriterion[], values: Record<string, string>) {
  const out: Record<number, Answer> = {};
  for (const c of criteria) {
    out[c.id] = {
      level: values[fieldNames.level(c.id)] ?? "",
      gate: values[fieldNames.gate(c.id)] ?? "",
      rationaleLength: (values[fieldNames.rationale(c.id)] ?? "").trim().length,
    };
  }
  return out;
}

/** Where single-key shortcuts must not fire: the reviewer is typing. */
function isTyping(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement)
    return !["radio", "checkbox", "button", "submit", "reset"].includes(el.type);
  return (el as HTMLElement).isContentEditable === true;
}

/** A message beside its field, naming the criterion it is about (issue 14, point 3). */
function ErrorText({
  id,
  name,
  error,
  noun,
}: {
  id: string;
  name?: string;
  error?: string;
  noun?: string;
}) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p className="error-message" id={`${id}-error`}>
      <ErrorPrefix />
      {text(error, name, noun)}
    </p>
  );
}

export interface ScoringWorkspaceProps {
  criteria: readonly FormCriterion[];
  values: Record<string, string>;
  errors?: FieldErrors | null;
  locale: Locale;
  /** "Your review (revision 2)" and similar. */
  heading: string;
  /** A status shown in the panel's bar (saved, submitted, …). */
  notice: string | null;
  /** Above the form: a returned review's note. */
  before?: ReactNode;
  /** The proposal column's content. */
  proposal: ReactNode;
}

export function ScoringWorkspace({
  criteria,
  values,
  errors,
  locale,
  heading,
  notice,
  before,
  proposal,
}: ScoringWorkspaceProps) {
  const t = useT();
  const fetcher = useFetcher<{ saved?: "draft"; errors?: FieldErrors }>();
  const formRef = useRef<HTMLFormElement>(null);
  const draftRef = useRef<HTMLButtonElement>(null);
  const nextRef = useRef<HTMLButtonElement>(null);
  const [answers, setAnswers] = useState(() => answersFrom(criteria, values));
  const [shownErrors, setShownErrors] = useState<FieldErrors | null | undefined>(errors);
  useEffect(() => setShownErrors(errors), [errors]);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) setShownErrors(fetcher.data.errors ?? null);
  }, [fetcher.state, fetcher.data]);

  const scored = criteria.filter((c) => c.kind === "scored");
  const gates = criteria.filter((c) => c.kind === "gate");
  const ordered = useMemo(() => [...scored, ...gates], [criteria]); // eslint-disable-line react-hooks/exhaustive-deps
  const done = ordered.map((c) => criterionDone(c.kind, answers[c.id]!));
  const firstOpen = Math.max(
    0,
    done.findIndex((d) => !d),
  );
  const [current, setCurrent] = useState(firstOpen);
  const currentRef = useRef(current);
  currentRef.current = current;

  const levels: Record<string, number> = {};
  for (const c of scored) {
    const level = answers[c.id]!.level;
    if (/^[0-5]$/.test(level)) levels[c.key] = Number(level);
  }
  const running = runningReviewTotal(levels, scored);
  const doneCount = done.filter(Boolean).length;

  const err = shownErrors ?? {};
  const status =
    fetcher.state !== "idle"
      ? t("scoring.saving")
      : fetcher.data?.saved
        ? t("scoring.saved")
        : (notice ?? "");

  function onChange(event: FormEvent<HTMLFormElement>) {
    const target = event.target as HTMLInputElement | HTMLTextAreaElement;
    const match = /^c\.(\d+)\.(level|gate|rationale)$/.exec(target.name);
    if (!match) return;
    const id = Number(match[1]);
    const field = match[2] as "level" | "gate" | "rationale";
    setAnswers((prev) => {
      const a = prev[id];
      if (!a) return prev;
      if (field === "rationale") {
        const length = target.value.trim().length;
        // Only a change that crosses the minimum moves a done mark: no re-render per keystroke.
        if (length >= MIN_RATIONALE === a.rationaleLength >= MIN_RATIONALE) return prev;
        return { ...prev, [id]: { ...a, rationaleLength: length } };
      }
      if (!(target instanceof HTMLInputElement) || !target.checked) return prev;
      return { ...prev, [id]: { ...a, [field]: target.value } };
    });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!submitter?.value.startsWith("draft")) return; // submit: a navigation to the next proposal
    // A draft is saved in the background: no navigation, nothing moves.
    event.preventDefault();
    const body = new FormData(event.currentTarget, submitter);
    body.set("js", "1");
    fetcher.submit(body, { method: "post" });
  }

  // Keyboard shortcuts, documented in the panel.
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const section = (i: number) =>
      form.querySelector<HTMLElement>(`[data-criterion="${ordered[i]!.id}"]`);
    const radio = (i: number, value?: string) => {
      const c = ordered[i]!;
      const name = c.kind === "scored" ? fieldNames.level(c.id) : fieldNames.gate(c.id);
      const inputs = [...form.querySelectorAll<HTMLInputElement>("input[type=radio]")].filter(
        (r) => r.name === name,
      );
      if (value !== undefined) return inputs.find((r) => r.value === value) ?? null;
      return inputs.find((r) => r.checked) ?? inputs[0] ?? null;
    };
    const goTo = (i: number) => {
      const target = Math.min(Math.max(i, 0), ordered.length - 1);
      setCurrent(target);
      radio(target)?.focus({ preventScroll: true });
      const el = section(target);
      if (el) reveal(el);
    };
    // Side by side, the panel's own column scrolls (its bar with the total stays in view) and
    // the window only brings the whole workspace into view; stacked, the page scrolls.
    const reveal = (el: HTMLElement) => {
      const body = form.querySelector<HTMLElement>(".panel__body");
      const workspace = form.closest<HTMLElement>(".workspace");
      if (!body || !workspace || getComputedStyle(body).overflowY !== "auto") {
        el.scrollIntoView({ block: "start" });
        return;
      }
      const gap = workspace.getBoundingClientRect().top - 12;
      if (Math.abs(gap) > 1) window.scrollBy(0, gap);
      body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top - 10;
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        if (e.key === "s" || e.key === "S") {
          e.preventDefault();
          if (draftRef.current) form.requestSubmit(draftRef.current);
        } else if (e.key === "Enter") {
          e.preventDefault();
          if (nextRef.current) form.requestSubmit(nextRef.current);
        }
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const active = document.activeElement;
      if (isTyping(active)) {
        if (e.key === "Escape" && active instanceof HTMLTextAreaElement) {
          const at = ordered.findIndex((c) => active.name === fieldNames.rationale(c.id));
          if (at >= 0) {
            e.preventDefault();
            setCurrent(at);
            radio(at)?.focus({ preventScroll: true });
          }
        }
        return;
      }
      const i = currentRef.current;
      const c = ordered[i];
      if (!c) return;
      let handled = true;
      if (c.kind === "scored" && LEVELS.includes(e.key)) {
        const input = radio(i, e.key);
        input?.focus({ preventScroll: true });
        input?.click();
      } else if (c.kind === "gate" && (e.key === "p" || e.key === "f")) {
        const input = radio(i, e.key === "p" ? "pass" : "fail");
        input?.focus({ preventScroll: true });
        input?.click();
      } else if (e.key === "j") goTo(i + 1);
      else if (e.key === "k") goTo(i - 1);
      else if (e.key === "r") {
        const text = form.querySelector<HTMLTextAreaElement>(
          `textarea[name="${fieldNames.rationale(c.id)}"]`,
        );
        text?.focus({ preventScroll: true });
        const el = section(i);
        const body = form.querySelector<HTMLElement>(".panel__body");
        if (text && el && body) {
          const bottom = text.getBoundingClientRect().bottom - body.getBoundingClientRect().bottom;
          if (bottom > 0 || text.getBoundingClientRect().top < body.getBoundingClientRect().top)
            reveal(el);
        }
      } else handled = false;
      if (handled) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [ordered]);

  // Each criterion's fields are called by its title in the messages ("… for Technical capability").
  const criterionNouns = Object.fromEntries(
    criteria.flatMap((c) => {
      const title = criterionTitle(c, locale);
      return [
        [fieldNames.level(c.id), title],
        [fieldNames.gate(c.id), title],
        [fieldNames.rationale(c.id), title],
      ];
    }),
  );

  const numberOf = (c: FormCriterion) =>
    c.kind === "gate" ? c.key.toUpperCase() : String(scored.indexOf(c) + 1);

  const criterion = (c: FormCriterion, index: number) => {
    const title = criterionTitle(c, locale);
    const description = pick(locale, c.descriptionEn, c.descriptionZh);
    const name = c.kind === "scored" ? fieldNames.level(c.id) : fieldNames.gate(c.id);
    const id = fieldId(name);
    const rationaleName = fieldNames.rationale(c.id);
    const rationaleId = fieldId(rationaleName);
    const options =
      c.kind === "scored"
        ? LEVELS.map((level) => ({
            value: level,
            label: (
              <>
                <strong className="level__digit">{level}</strong>{" "}
                <span className="level__text">
                  {c.descriptors[Number(level)]
                    ? pick(
                        locale,
                        c.descriptors[Number(level)]!.en,
                        c.descriptors[Number(level)]!.zh,
                      )
                    : ""}
                </span>
              </>
            ),
          }))
        : [
            { value: "pass", label: <strong>{t("scoring.pass")}</strong> },
            { value: "fail", label: <strong>{t("scoring.fail")}</strong> },
          ];
    return (
      <section
        key={c.id}
        id={`crit-${c.id}`}
        data-criterion={c.id}
        data-kind={c.kind}
        className={`crit${index === current ? " crit--current" : ""}${done[index] ? " crit--done" : ""}`}
        aria-labelledby={`crit-${c.id}-title`}
        onFocus={() => setCurrent(index)}
      >
        <div className="crit__head">
          <h3 className="crit__title" id={`crit-${c.id}-title`}>
            {c.kind === "scored" ? `${numberOf(c)}. ${title}` : title}
          </h3>
          <span className="crit__meta">
            {c.kind === "scored"
              ? t("scoring.weight", { weight: c.weight ?? 0, min: c.minLevel ?? 0 })
              : null}
          </span>
        </div>
        {description ? <p className="crit__desc">{description}</p> : null}
        <fieldset
          className={`crit__levels${err[name] ? " form-group--error" : ""}`}
          aria-describedby={err[name] ? `${id}-error` : undefined}
        >
          <legend className="visually-hidden">
            {c.kind === "scored"
              ? t("scoring.levelLegend", { title })
              : t("scoring.gateLegend", { key: c.key.toUpperCase() })}
          </legend>
          <ErrorText id={id} name={name} error={err[name]} noun={title} />
          <div className={c.kind === "scored" ? "levels" : "levels levels--gate"}>
            {options.map((o, i) => {
              const optionId = i === 0 ? id : `${id}-${i}`;
              return (
                <div className="level" key={o.value}>
                  <input
                    type="radio"
                    id={optionId}
                    name={name}
                    value={o.value}
                    defaultChecked={values[name] === o.value}
                  />
                  <label htmlFor={optionId}>{o.label}</label>
                </div>
              );
            })}
          </div>
        </fieldset>
        <div className={`crit__rationale${err[rationaleName] ? " form-group--error" : ""}`}>
          <label className="crit__label" htmlFor={rationaleId}>
            {t("scoring.rationale", { title })}
          </label>
          <ErrorText
            id={rationaleId}
            name={rationaleName}
            error={err[rationaleName]}
            noun={title}
          />
          <textarea
            className={`textarea crit__textarea${err[rationaleName] ? " textarea--error" : ""}`}
            id={rationaleId}
            name={rationaleName}
            rows={2}
            defaultValue={values[rationaleName] ?? ""}
            aria-describedby={`${RATIONALE_HINT_ID}${err[rationaleName] ? ` ${rationaleId}-error` : ""}`}
            aria-invalid={err[rationaleName] ? true : undefined}
          />
        </div>
        <button
          type="submit"
          name="intent"
          value={`draft:${c.id}`}
          className="link-button crit__save"
          aria-label={t("scoring.saveDraftAt", { title })}
        >
          {t("scoring.saveDraft")}
        </button>
      </section>
    );
  };

  return (
    <div className="workspace">
      <section className="workspace__proposal" aria-label={t("scoring.proposal")} tabIndex={0}>
        {proposal}
      </section>
      <Form
        method="post"
        noValidate
        className="workspace__panel scoring"
        ref={formRef}
        onChange={onChange}
        onSubmit={onSubmit}
        aria-labelledby="panel-heading"
      >
        <div className="panel__bar">
          <h2 className="panel__title" id="panel-heading">
            {heading}
          </h2>
          <nav aria-label={t("scoring.criteriaNav")}>
            <ol className="crit-nav">
              {ordered.map((c, i) => (
                <li key={c.id}>
                  <a
                    href={`#crit-${c.id}`}
                    className={`crit-nav__link${done[i] ? " crit-nav__link--done" : ""}`}
                    aria-current={i === current ? "step" : undefined}
                    title={criterionTitle(c, locale)}
                    onClick={() => setCurrent(i)}
                  >
                    <span aria-hidden="true">{done[i] ? "✓" : "○"}</span> {numberOf(c)}
                    <span className="visually-hidden">
                      {" "}
                      {criterionTitle(c, locale)}:{" "}
                      {done[i] ? t("scoring.done") : t("scoring.notDone")}
                    </span>
                  </a>
                </li>
              ))}
            </ol>
          </nav>
          <p className="panel__total" data-testid="running-total">
            <strong>
              {running.total !== null
                ? t("scoring.total", { total: formatScore(running.total) })
                : t("scoring.totalSoFar", {
                    total: formatScore(running.partial),
                    levelled: running.levelled,
                    of: running.of,
                  })}
            </strong>{" "}
            · {t("scoring.progress", { done: doneCount, of: ordered.length })}
          </p>
          <p className="panel__status" role="status">
            {status}
          </p>
        </div>
        <div className="panel__body">
          <ErrorSummary errors={shownErrors} nouns={criterionNouns} />
          {before}
          <details className="shortcuts">
            <summary>{t("scoring.shortcuts")}</summary>
            <ul>
              <li>{t("scoring.key.levels")}</li>
              <li>{t("scoring.key.gates")}</li>
              <li>{t("scoring.key.move")}</li>
              <li>{t("scoring.key.rationale")}</li>
              <li>{t("scoring.key.save")}</li>
              <li>{t("scoring.key.submit")}</li>
            </ul>
            <p>{t("scoring.key.note")}</p>
          </details>
          <p className="hint" id={RATIONALE_HINT_ID}>
            {t("scoring.rationaleHint", { min: MIN_RATIONALE })}
          </p>
          <h3 className="panel__group">{t("scoring.scored")}</h3>
          {scored.map((c, i) => criterion(c, i))}
          {gates.length ? <h3 className="panel__group">{t("scoring.gates")}</h3> : null}
          {gates.map((c, i) => criterion(c, scored.length + i))}
          <div className={`crit__rationale${err.overallComment ? " form-group--error" : ""}`}>
            <label className="crit__label" htmlFor={fieldId("overallComment")}>
              {t("scoring.overall")}
            </label>
            <ErrorText id={fieldId("overallComment")} error={err.overallComment} />
            <textarea
              className="textarea crit__textarea"
              id={fieldId("overallComment")}
              name="overallComment"
              rows={3}
              defaultValue={values.overallComment ?? ""}
            />
          </div>
          <p className="hint">{t("scoring.submitHint")}</p>
        </div>
        <div className="panel__actions">
          <button type="submit" name="intent" value="submit-next" className="button" ref={nextRef}>
            {t("scoring.submitNext")}
          </button>
          <button
            type="submit"
            name="intent"
            value="draft"
            className="button button--secondary"
            ref={draftRef}
          >
            {t("scoring.saveDraft")}
          </button>
        </div>
      </Form>
    </div>
  );
}
