// A proposal's answers grouped by step, labelled in the page language: used by check answers,
// the applicant's read-only view, reviewers and officials. "Not provided" for skipped answers;
// optional "Change" links that come back to check answers after the edit.
import { hasMessage, type MessageKey } from "~/i18n";
import { formatMoney, centsToDecimal } from "~/domain/money";
import { applicableQuestionSteps, type SavedAnswers } from "~/domain/step-order";
import { CN_PROVINCES } from "~/schemas/countries";
import type { Answers, QuestionStepId } from "~/schemas/step-ids";
import { STEP_FIELDS, type FieldDesc, type FieldKind } from "~/schemas/describe";
import { formatDate } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

export type AnswersByStep = Partial<Record<QuestionStepId, Answers>>;

/** SavedAnswers (with completeness) → plain answers by step. */
export function answersByStep(saved: SavedAnswers): AnswersByStep {
  const out: AnswersByStep = {};
  for (const [step, value] of Object.entries(saved)) {
    if (value) out[step as QuestionStepId] = value.data;
  }
  return out;
}

const intlLocale = (locale: string) => (locale === "zh-Hans" ? "zh-Hans-CN" : "en-GB");

function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([intlLocale(locale)], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A Chinese province from the list in the page language (issue 14, point 7); other text as typed. */
export function provinceName(value: string, locale: string): string {
  const known = CN_PROVINCES.find((p) => p.value === value);
  return known && locale === "zh-Hans" ? known.zh : value;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.values(v as object).every(isEmpty);
  return false;
}

function useValueText() {
  const t = useT();
  const locale = useLocale();
  const hasKey = (key: string): key is MessageKey => hasMessage(key);
  const optionLabel = (name: string, value: string, raw?: boolean) => {
    if (raw) return value;
    if (value === "yes") return t("proposal.form.yes");
    if (value === "no") return t("proposal.form.no");
    const key = `proposal.o.${name}.${value}`;
    return hasKey(key) ? t(key) : value;
  };
  return (name: string, kind: FieldKind | undefined, value: unknown, raw?: boolean): string => {
    if (isEmpty(value)) return t("common.notProvided");
    switch (kind) {
      case "choice":
        return optionLabel(name, String(value), raw);
      case "multi": {
        const list = Array.isArray(value) ? value : [value];
        return list
          .map((v) => optionLabel(name, String(v), raw))
          .join(locale === "zh-Hans" ? "、" : ", ");
      }
      case "country":
        return countryName(String(value), locale);
      case "province":
        return provinceName(String(value), locale);
      case "accept":
        return value === "yes" ? t("proposal.form.yes") : t("proposal.form.no");
      case "date":
        return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)
          ? formatDate(`${value}T12:00:00Z`, locale, "UTC")
          : String(value);
      case "money": {
        const m = value as Record<string, unknown>;
        const amount = String(m.amount ?? "");
        const currency = String(m.currency ?? "");
        let text = formatMoney(amount, currency, intlLocale(locale));
        if (typeof m.usdCents === "number" && currency !== "USD") {
          text += ` (${t("proposal.f.usdEquivalent", {
            usd: formatMoney(centsToDecimal(m.usdCents), "USD", intlLocale(locale)),
            rate: String(m.usdPerUnit ?? ""),
            currency,
            date: String(m.rateDate ?? ""),
            source: String(m.rateSource ?? ""),
          })})`;
        }
        return text;
      }
      default:
        return typeof value === "string" ? value : JSON.stringify(value);
    }
  };
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="summary-list__row">
      <dt>{label}</dt>
      <dd className="summary-list__value">{children}</dd>
    </div>
  );
}

function FieldRows({ field, data }: { field: FieldDesc; data: Answers }) {
  const t = useT();
  const text = useValueText();
  const value = data[field.name];
  if (field.kind === "rows") {
    const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
    if (!rows.length) return <Row label={t(field.label)}>{t("common.notProvided")}</Row>;
    return (
      <>
        {rows.map((row, i) => (
          <Row key={i} label={`${t(field.rowLabel ?? field.label)} ${i + 1}`}>
            <ul className="summary-list__parts">
              {(field.columns ?? []).map((c) => (
                <li key={c.name}>
                  <span className="secondary">{t(c.label)}: </span>
                  <span suppressHydrationWarning>{text(c.name, c.kind, row?.[c.name])}</span>
                </li>
              ))}
            </ul>
          </Row>
        ))}
      </>
    );
  }
  if (field.kind === "group") {
    const group = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
    return (
      <>
        {(field.columns ?? []).map((c) => (
          <Row key={c.name} label={t(c.label)}>
            <span suppressHydrationWarning>{text(c.name, c.kind, group[c.name])}</span>
          </Row>
        ))}
      </>
    );
  }
  const shown = text(field.name, field.kind, value, field.raw);
  return (
    <Row label={t(field.label)}>
      {field.kind === "country" || field.kind === "date" ? (
        // Names and dates come from Intl, whose data differs a little between server and browser.
        <span suppressHydrationWarning>{shown}</span>
      ) : field.kind === "longText" ? (
        <span className="preserve-lines">{shown}</span>
      ) : (
        <>
          {shown}
          {field.unit && !isEmpty(value) ? ` ${field.unit}` : null}
        </>
      )}
    </Row>
  );
}

export function ProposalSummary({
  answers,
  changeBase,
  headingLevel = 2,
  steps,
}: {
  /** Answers by step (a draft's saved answers or a submitted snapshot). */
  answers: AnswersByStep;
  /** e.g. "/proposals/12": adds "Change" links to `${changeBase}/<step>?returnTo=check`. */
  changeBase?: string;
  headingLevel?: 2 | 3;
  /** Limit to these steps (default: every step that applies). */
  steps?: QuestionStepId[];
}) {
  const t = useT();
  const saved: SavedAnswers = {};
  for (const [k, v] of Object.entries(answers))
    if (v) saved[k as QuestionStepId] = { data: v, complete: true };
  const shown = steps ?? applicableQuestionSteps(saved);
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <div className="proposal-summary">
      {shown.map((step) => {
        const data = answers[step] ?? {};
        const title = t(`proposal.steps.${step}`);
        return (
          <section
            key={step}
            className="proposal-summary__step"
            aria-labelledby={`summary-${step}`}
          >
            <div className="proposal-summary__header">
              <Heading id={`summary-${step}`} className="proposal-summary__title">
                {title}
              </Heading>
              {changeBase ? (
                <a
                  href={`${changeBase}/${step}?returnTo=check`}
                  className="proposal-summary__change"
                >
                  {t("proposal.form.change")}
                  <span className="visually-hidden"> {title}</span>
                </a>
              ) : null}
            </div>
            <dl className="summary-list">
              {STEP_FIELDS[step]
                .filter((f) => !f.when || f.when(data))
                .map((f) => (
                  <FieldRows key={f.name} field={f} data={data} />
                ))}
            </dl>
          </section>
        );
      })}
    </div>
  );
}
