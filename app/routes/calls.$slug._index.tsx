import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Countdown } from "~/components/countdown";
import { DateTime } from "~/components/date-time";
import { getTranslator, type MessageKey } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getCallBySlug, isCallOpen } from "~/models/calls.server";
import { hasPublishedResults } from "~/models/open-data.server";
import { getDb, nowIso } from "~/services/db.server";
import { formatNumber } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const call = await getCallBySlug(getDb(), params.slug ?? "");
  if (!call) throw new Response("Not Found", { status: 404 });
  const locale = localeFromRequest(request);
  const t = getTranslator(locale);
  const now = nowIso();
  const open = isCallOpen(call, now);
  const upcoming = call.status === "open" && now < call.opens_at;
  const resultsPublished = await hasPublishedResults(getDb(), call.id);
  return {
    resultsPublished,
    metaTitle: t("public.call.metaTitle", {
      title: locale === "zh-Hans" && call.title_zh ? call.title_zh : call.title_en,
    }),
    now: Date.parse(now),
    call: {
      slug: call.slug,
      titleEn: call.title_en,
      titleZh: call.title_zh,
      descriptionEn: call.description_en,
      descriptionZh: call.description_zh,
      status: call.status,
      opensAt: call.opens_at,
      closesAt: call.closes_at,
      minReviews: call.min_reviews,
      qualifyingScore: call.qualifying_score,
      contactEmail: call.contact_email,
    },
    /** What a visitor can do now: start a proposal, wait for the opening, or nothing. */
    phase: (open ? "open" : upcoming ? "upcoming" : "closed") as "open" | "upcoming" | "closed",
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.metaTitle ?? "CDA Investment Proposal Portal" },
];

function paragraphs(text: string) {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export default function CallPage() {
  const { call, phase, now, resultsPublished } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const zh = locale === "zh-Hans";
  const title = zh && call.titleZh ? call.titleZh : call.titleEn;
  const description = zh && call.descriptionZh ? call.descriptionZh : call.descriptionEn;
  const statusLabel =
    phase === "open"
      ? t("public.phase.open")
      : phase === "upcoming"
        ? t("public.phase.upcoming")
        : call.status === "open"
          ? t("public.phase.closed")
          : t(`callStatus.${call.status}` as MessageKey);

  return (
    <>
      <h1>{title}</h1>
      {paragraphs(description).map((p, i) => (
        <p key={i} className={i === 0 ? "lead" : undefined}>
          {p}
        </p>
      ))}

      <h2>{t("public.call.keyFacts")}</h2>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>{t("public.call.status")}</dt>
          <dd>
            <strong className={phase === "open" ? "tag tag--green" : "tag tag--grey"}>
              {statusLabel}
            </strong>
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("public.call.opens")}</dt>
          <dd>
            <DateTime iso={call.opensAt} />
            {phase === "upcoming" ? (
              <>
                <br />
                <Countdown target={call.opensAt} now={now} kind="opens" />
              </>
            ) : null}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("public.call.deadline")}</dt>
          <dd>
            <DateTime iso={call.closesAt} />
            {phase === "open" ? (
              <>
                <br />
                <Countdown target={call.closesAt} now={now} />
              </>
            ) : null}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("public.call.minReviews")}</dt>
          <dd>{t("public.call.minReviewsValue", { n: call.minReviews })}</dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("public.call.qualifyingScore")}</dt>
          <dd>
            {t("public.call.qualifyingScoreValue", {
              score: formatNumber(call.qualifyingScore, locale),
            })}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("public.call.contact")}</dt>
          <dd>
            <a href={`mailto:${call.contactEmail}`}>{call.contactEmail}</a>
          </dd>
        </div>
      </dl>

      <p>
        <Link to={`/calls/${call.slug}/criteria`}>{t("public.call.criteriaLink")}</Link>
      </p>
      {resultsPublished ? (
        <p>
          <Link to={`/calls/${call.slug}/results`}>{t("results.callLink")}</Link>
        </p>
      ) : null}

      <h2>{t("public.call.howToApply")}</h2>
      <ol className="steps-list">
        <li>
          <Link to={`/calls/${call.slug}/criteria`}>{t("public.call.step1")}</Link>
        </li>
        <li>{t("public.call.step2")}</li>
        <li>{t("public.call.step3")}</li>
        <li>{t("public.call.step4")}</li>
        <li>{t("public.call.step5")}</li>
      </ol>

      {phase === "open" ? (
        <>
          <p>
            <a
              href={`/proposals/new?call=${encodeURIComponent(call.slug)}`}
              className="button button--start"
            >
              {t("public.call.start")}
            </a>
          </p>
          <p className="hint">{t("public.call.startHint")}</p>
        </>
      ) : (
        <p className="inset">
          {phase === "upcoming" ? t("public.call.notOpenYet") : t("public.call.closedNotice")}
        </p>
      )}
    </>
  );
}
