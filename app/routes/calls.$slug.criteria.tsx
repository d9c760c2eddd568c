import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getTranslator } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getCallBySlug, getPublishedCriteria, parseTieBreak } from "~/models/calls.server";
import { getDb } from "~/services/db.server";
import { formatDate, formatNumber } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const call = await getCallBySlug(db, params.slug ?? "");
  if (!call) throw new Response("Not Found", { status: 404 });
  const locale = localeFromRequest(request);
  const t = getTranslator(locale);
  const criteria = await getPublishedCriteria(db, call.id);
  const scored = criteria?.scored ?? [];
  // The tie-break order named by criterion titles (keys that are not scored criteria are skipped).
  const tieBreak = parseTieBreak(call)
    .map((key) => scored.find((c) => c.key === key))
    .filter((c) => c !== undefined)
    .map((c) => ({ key: c.key, titleEn: c.titleEn, titleZh: c.titleZh }));
  return {
    metaTitle: t("public.criteria.metaTitle", {
      title: locale === "zh-Hans" && call.title_zh ? call.title_zh : call.title_en,
    }),
    call: {
      slug: call.slug,
      titleEn: call.title_en,
      titleZh: call.title_zh,
      minReviews: call.min_reviews,
      qualifyingScore: call.qualifying_score,
      disagreementSpread: call.disagreement_spread,
      disagreementSd: call.disagreement_sd,
      calibrationMinReviews: call.calibration_min_reviews,
    },
    criteria: criteria
      ? {
          version: criteria.version,
          publishedAt: criteria.publishedAt,
          scored: criteria.scored,
          gates: criteria.gates,
          totalWeight: scored.reduce((sum, c) => sum + (c.weight ?? 0), 0),
        }
      : null,
    tieBreak,
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.metaTitle ?? "CDA Investment Proposal Portal" },
];

const intlLocale = (locale: string) => (locale === "zh-Hans" ? "zh-Hans-CN" : "en-GB");

export default function CriteriaPage() {
  const { call, criteria, tieBreak } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const zh = locale === "zh-Hans";
  const pick = (en: string, zhText: string) => (zh && zhText ? zhText : en);
  const callTitle = pick(call.titleEn, call.titleZh);
  const num = (n: number) => formatNumber(n, locale);

  return (
    <>
      <p>
        <Link to={`/calls/${call.slug}`}>{t("public.criteria.backToCall")}</Link>
      </p>
      <span className="caption">{callTitle}</span>
      <h1>{t("public.criteria.title")}</h1>

      {!criteria ? (
        <p className="inset">{t("public.criteria.notPublished")}</p>
      ) : (
        <>
          <p className="lead">
            {t("public.criteria.version", {
              version: criteria.version,
              date: formatDate(criteria.publishedAt, locale),
            })}
          </p>

          <div className="table-wrap">
            <table>
              <caption>{t("public.criteria.overview")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("public.criteria.criterion")}</th>
                  <th scope="col" className="num">
                    {t("public.criteria.weight")}
                  </th>
                  <th scope="col" className="num">
                    {t("public.criteria.minLevel")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {criteria.scored.map((c) => (
                  <tr key={c.key}>
                    <th scope="row">
                      <a href={`#criterion-${c.key}`}>{pick(c.titleEn, c.titleZh)}</a>
                    </th>
                    <td className="num">
                      {t("public.criteria.percent", { n: num(c.weight ?? 0) })}
                    </td>
                    <td className="num">{num(c.minLevel ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("public.criteria.total")}</th>
                  <td className="num">
                    <strong>
                      {t("public.criteria.percent", { n: num(criteria.totalWeight) })}
                    </strong>
                  </td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>

          <h2>{t("public.criteria.scoredTitle")}</h2>
          <p>{t("public.criteria.scoredIntro")}</p>
          {criteria.scored.map((c, i) => (
            <section key={c.key} id={`criterion-${c.key}`} className="criterion">
              <h3>
                {i + 1}. {pick(c.titleEn, c.titleZh)}
              </h3>
              {pick(c.descriptionEn, c.descriptionZh) ? (
                <p>{pick(c.descriptionEn, c.descriptionZh)}</p>
              ) : null}
              <dl className="summary-list">
                <div className="summary-list__row">
                  <dt>{t("public.criteria.weight")}</dt>
                  <dd>{t("public.criteria.percent", { n: num(c.weight ?? 0) })}</dd>
                </div>
                <div className="summary-list__row">
                  <dt>{t("public.criteria.minLevel")}</dt>
                  <dd>{num(c.minLevel ?? 0)}</dd>
                </div>
              </dl>
              <h4 className="visually-hidden">{t("public.criteria.levels")}</h4>
              <ol className="rubric" start={0}>
                {c.descriptors.map((d, level) => (
                  <li key={level}>
                    <span className="rubric__level">
                      <span className="visually-hidden">
                        {t("public.criteria.levelN", { level })}
                      </span>
                      <span aria-hidden="true">{level}</span>
                    </span>
                    <span>{pick(d.en, d.zh)}</span>
                  </li>
                ))}
              </ol>
            </section>
          ))}

          <h2>{t("public.criteria.gatesTitle")}</h2>
          <p>{t("public.criteria.gatesIntro")}</p>
          <dl className="summary-list">
            {criteria.gates.map((g) => (
              <div key={g.key} className="summary-list__row">
                <dt>
                  {g.key.toUpperCase()} {pick(g.titleEn, g.titleZh)}
                </dt>
                <dd>
                  {pick(g.descriptionEn, g.descriptionZh)}
                  <br />
                  <span className="hint">
                    {g.appliesToTrack === "tier4DataCentre"
                      ? t("public.criteria.gateTrackOnly")
                      : t("public.criteria.gateAllTracks")}
                  </span>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}

      <h2>{t("public.criteria.rulesTitle")}</h2>
      <p>{t("public.criteria.rulesIntro")}</p>
      <ol className="rules-list">
        <li>{t("public.rules.weights")}</li>
        <li>{t("public.rules.submittedOnly")}</li>
        <li>{t("public.rules.gates")}</li>
        <li>{t("public.rules.score")}</li>
        <li>{t("public.rules.reviewTotal")}</li>
        <li>
          {t("public.rules.qualifies", {
            minReviews: num(call.minReviews),
            qualifyingScore: num(call.qualifyingScore),
          })}
        </li>
        <li>
          {t("public.rules.disagreement", {
            spread: num(call.disagreementSpread),
            sd: num(call.disagreementSd),
          })}
        </li>
        <li>
          {t("public.rules.calibration", { calibrationMin: num(call.calibrationMinReviews) })}
        </li>
        <li>{t("public.rules.precision")}</li>
        <li>{t("public.rules.rank")}</li>
        <li>
          {t("public.rules.ties", {
            order: new Intl.ListFormat(intlLocale(locale), { type: "conjunction" }).format(
              tieBreak.map((c, i) =>
                t("public.rules.tieItem", { n: i + 1, title: pick(c.titleEn, c.titleZh) }),
              ),
            ),
          })}
        </li>
        <li>{t("public.rules.recompute")}</li>
      </ol>
    </>
  );
}
