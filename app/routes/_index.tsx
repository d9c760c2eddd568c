import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Countdown } from "~/components/countdown";
import { DateTime } from "~/components/date-time";
import { getTranslator } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { listPublicCalls } from "~/models/calls.server";
import { getDb, nowIso } from "~/services/db.server";
import { useLocale, useT } from "~/utils/use-t";

export async function loader({ request }: LoaderFunctionArgs) {
  const t = getTranslator(localeFromRequest(request));
  const now = nowIso();
  const calls = await listPublicCalls(getDb(), now);
  return {
    metaTitle: t("public.home.metaTitle"),
    now: Date.parse(now),
    calls: calls.map((c) => ({
      slug: c.slug,
      titleEn: c.title_en,
      titleZh: c.title_zh,
      opensAt: c.opens_at,
      closesAt: c.closes_at,
      phase: c.phase,
    })),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.metaTitle ?? "CDA Investment Proposal Portal" },
];

export default function Home() {
  const { calls, now } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("public.home.title")}</h1>
      <p className="lead">{t("public.home.intro1")}</p>
      <p>{t("public.home.intro2")}</p>

      <h2>{t("public.home.callsTitle")}</h2>
      {calls.length === 0 ? (
        <p>{t("public.home.noCalls")}</p>
      ) : (
        <ul className="card-list">
          {calls.map((call) => {
            const title = locale === "zh-Hans" && call.titleZh ? call.titleZh : call.titleEn;
            const open = call.phase === "open";
            return (
              <li key={call.slug} className="card">
                <h3>
                  <Link to={`/calls/${call.slug}`}>{title}</Link>
                </h3>
                <p>
                  <strong className={open ? "tag tag--green" : "tag"}>
                    {t(open ? "public.phase.open" : "public.phase.upcoming")}
                  </strong>
                </p>
                <dl className="summary-list">
                  {!open ? (
                    <div className="summary-list__row">
                      <dt>{t("public.call.opens")}</dt>
                      <dd>
                        <DateTime iso={call.opensAt} />
                        <br />
                        <Countdown target={call.opensAt} now={now} kind="opens" />
                      </dd>
                    </div>
                  ) : null}
                  <div className="summary-list__row">
                    <dt>{t("public.call.deadline")}</dt>
                    <dd>
                      <DateTime iso={call.closesAt} />
                      {open ? (
                        <>
                          <br />
                          <Countdown target={call.closesAt} now={now} />
                        </>
                      ) : null}
                    </dd>
                  </div>
                </dl>
                <ul className="link-list">
                  <li>
                    <Link to={`/calls/${call.slug}`}>
                      {t("public.call.readCall")}
                      <span className="visually-hidden">: {title}</span>
                    </Link>
                  </li>
                  <li>
                    <Link to={`/calls/${call.slug}/criteria`}>
                      {t("public.call.criteriaLink")}
                      <span className="visually-hidden">: {title}</span>
                    </Link>
                  </li>
                </ul>
                {open ? (
                  <p>
                    <a
                      href={`/proposals/new?call=${encodeURIComponent(call.slug)}`}
                      className="button button--start"
                    >
                      {t("public.call.start")}
                      <span className="visually-hidden">: {title}</span>
                    </a>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
