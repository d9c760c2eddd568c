// /calls/:slug/results — the published results of a decided call, for anyone, in English and
// Chinese (issue 17). It shows what was published (result_publications), never the live tables:
// criteria and rules, the shortlisted and reserve proposals (and the rejected ones only when the
// call's settings allowed naming them), the counts and the dates. 404 until something is published.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import type { ResultEntry } from "~/domain/results";
import { getTranslator, type MessageKey } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getLatestResults } from "~/models/open-data.server";
import { getDb } from "~/services/db.server";
import { formatDate, formatNumber } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const found = await getLatestResults(getDb(), params.slug ?? "");
  if (!found) throw new Response("Not Found", { status: 404 });
  const locale = localeFromRequest(request);
  const t = getTranslator(locale);
  const { results } = found;
  return {
    metaTitle: t("results.metaTitle", {
      title:
        locale === "zh-Hans" && results.call.titleZh ? results.call.titleZh : results.call.titleEn,
    }),
    current: found.current,
    results,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.metaTitle ?? "CDA Investment Proposal Portal" },
];

function EntriesTable({
  id,
  title,
  entries,
}: {
  id: string;
  title: string;
  entries: readonly ResultEntry[];
}) {
  const t = useT();
  const locale = useLocale();
  const zh = locale === "zh-Hans";
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {entries.length === 0 ? (
        <p>{t("results.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t("results.col.rank")}
                </th>
                <th scope="col">{t("results.col.reference")}</th>
                <th scope="col">{t("results.col.company")}</th>
                <th scope="col">{t("results.col.title")}</th>
                <th scope="col">{t("results.col.tracks")}</th>
                <th scope="col" className="num">
                  {t("results.col.score")}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.reference}>
                  <td className="num">{e.rank === null ? "–" : formatNumber(e.rank, locale)}</td>
                  <td>{e.reference}</td>
                  <th scope="row">
                    {/* Names as typed: both when the company gave both, the page language first. */}
                    {zh && e.companyZh ? (
                      <>
                        <span lang="zh-Hans">{e.companyZh}</span>
                        <br />
                        <span lang="en">{e.companyEn}</span>
                      </>
                    ) : (
                      <>
                        <span lang="en">{e.companyEn}</span>
                        {e.companyZh ? (
                          <>
                            <br />
                            <span lang="zh-Hans">{e.companyZh}</span>
                          </>
                        ) : null}
                      </>
                    )}
                  </th>
                  <td>{e.title}</td>
                  <td>
                    {e.tracks
                      .map((k) => t(`proposal.o.tracks.${k}` as MessageKey))
                      .join(zh ? "、" : ", ")}
                  </td>
                  <td className="num">{e.score ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function ResultsPage() {
  const { results, current } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const zh = locale === "zh-Hans";
  const pick = (en: string, zhText: string) => (zh && zhText ? zhText : en);
  const num = (n: number) => formatNumber(n, locale);
  const { call, counts, criteria, rules } = results;
  const of = (o: ResultEntry["outcome"]) => results.entries.filter((e) => e.outcome === o);

  return (
    <>
      <p>
        <Link to={`/calls/${call.slug}`}>{t("results.backToCall")}</Link>
      </p>
      <span className="caption">{pick(call.titleEn, call.titleZh)}</span>
      <h1>{t("results.title")}</h1>
      {current ? null : (
        <div className="notice notice--warning" role="status">
          <p>{t("results.reopened")}</p>
        </div>
      )}
      <p className="lead">{t("results.lead", { date: formatDate(results.publishedAt, locale) })}</p>

      <h2>{t("results.dates")}</h2>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>{t("results.opened")}</dt>
          <dd>
            <DateTime iso={call.opensAt} />
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("results.closed")}</dt>
          <dd>
            <DateTime iso={call.closesAt} />
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("results.decided")}</dt>
          <dd>
            <DateTime iso={results.publishedAt} />
          </dd>
        </div>
      </dl>

      <h2>{t("results.counts")}</h2>
      <dl className="summary-list">
        {(
          [
            ["results.received", counts.received],
            ["results.shortlistedCount", counts.shortlisted],
            ["results.reserveCount", counts.reserve],
            ["results.rejectedCount", counts.rejected],
            ["results.withdrawnCount", counts.withdrawn],
          ] as const
        ).map(([key, n]) => (
          <div key={key} className="summary-list__row">
            <dt>{t(key)}</dt>
            <dd>{num(n)}</dd>
          </div>
        ))}
      </dl>

      <p className="hint">{t("results.rankNote", { n: num(counts.decided) })}</p>
      <EntriesTable id="shortlisted" title={t("results.shortlisted")} entries={of("shortlisted")} />
      <EntriesTable id="reserve" title={t("results.reserve")} entries={of("reserve")} />
      {results.rejectedNamesPublished ? (
        <EntriesTable id="rejected" title={t("results.rejected")} entries={of("rejected")} />
      ) : (
        <section aria-labelledby="rejected">
          <h2 id="rejected">{t("results.rejected")}</h2>
          <p>{t("results.rejectedUnnamed")}</p>
        </section>
      )}

      <h2>{t("results.criteria")}</h2>
      {criteria ? (
        <>
          <p>
            {t("results.criteriaVersion", {
              version: criteria.version,
              date: formatDate(criteria.publishedAt, locale),
            })}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("results.col.criterion")}</th>
                  <th scope="col" className="num">
                    {t("results.col.weight")}
                  </th>
                  <th scope="col" className="num">
                    {t("results.col.minLevel")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {criteria.scored.map((c) => (
                  <tr key={c.key}>
                    <th scope="row">{pick(c.titleEn, c.titleZh)}</th>
                    <td className="num">
                      {t("public.criteria.percent", { n: num(c.weight ?? 0) })}
                    </td>
                    <td className="num">{num(c.minLevel ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {criteria.gates.length ? (
            <>
              <h3>{t("results.gates")}</h3>
              <ul>
                {criteria.gates.map((g) => (
                  <li key={g.key}>
                    {g.key.toUpperCase()} {pick(g.titleEn, g.titleZh)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
      <p>
        {t("results.rules", {
          minReviews: num(rules.minReviews),
          qualifyingScore: num(rules.qualifyingScore),
        })}
      </p>
      <p>
        <Link to={`/calls/${call.slug}/criteria`}>{t("results.fullCriteria")}</Link>
      </p>

      <h2>{t("results.openData")}</h2>
      <ul>
        <li>
          <a href={`/calls/${call.slug}/ocds.json`} type="application/json">
            {t("results.ocds")}
          </a>
        </li>
        <li>
          <a href={`/calls/${call.slug}/ocds-record.json`} type="application/json">
            {t("results.ocdsRecord")}
          </a>
        </li>
      </ul>
    </>
  );
}
