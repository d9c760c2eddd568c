// /proposals — the applicant's proposals with status, call, deadline, reference and next action,
// and a way to start a proposal for each open call.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { getTranslator } from "~/i18n";
import { isCallOpen, listPublicCalls } from "~/models/calls.server";
import { listOwnedProposals } from "~/models/proposals.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { useLocale, useT } from "~/utils/use-t";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const db = getDb();
  const rows = await listOwnedProposals(db, user.id);
  const calls = (await listPublicCalls(db)).filter((c) => c.phase === "open");
  return {
    proposals: rows.map((p) => ({
      id: p.id,
      status: p.status,
      reference: p.reference,
      title: p.title,
      lastStep: p.last_step,
      call: { slug: p.call_slug, titleEn: p.call_title_en, titleZh: p.call_title_zh },
      closesAt: p.call_closes_at,
      open: isCallOpen({
        status: p.call_status,
        opens_at: p.call_opens_at,
        closes_at: p.call_closes_at,
      }),
    })),
    openCalls: calls.map((c) => ({
      slug: c.slug,
      titleEn: c.title_en,
      titleZh: c.title_zh,
      closesAt: c.closes_at,
    })),
  };
}

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as
    { locale?: "en" | "zh-Hans" } | undefined;
  const t = getTranslator(root?.locale ?? "en");
  return [{ title: `${t("proposal.list.title")} – ${t("site.name")}` }];
};

export default function ProposalsPage() {
  const { proposals, openCalls } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const name = (c: { titleEn: string; titleZh: string }) =>
    locale === "zh-Hans" ? c.titleZh : c.titleEn;
  return (
    <>
      <h1>{t("proposal.list.title")}</h1>
      {proposals.length === 0 ? (
        <p>{t("proposal.list.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table--stack">
            <thead>
              <tr>
                <th scope="col">{t("proposal.list.titleCol")}</th>
                <th scope="col">{t("proposal.list.call")}</th>
                <th scope="col">{t("proposal.list.reference")}</th>
                <th scope="col">{t("proposal.list.status")}</th>
                <th scope="col">{t("proposal.list.deadline")}</th>
                <th scope="col">{t("proposal.list.next")}</th>
              </tr>
            </thead>
            <tbody>
              {proposals.map((p) => {
                const title = p.title ?? t("proposal.list.untitled");
                const editable = p.status === "draft" && p.open;
                const href =
                  editable && p.lastStep
                    ? `/proposals/${p.id}/${p.lastStep}`
                    : `/proposals/${p.id}`;
                return (
                  <tr key={p.id}>
                    <td data-label={t("proposal.list.titleCol")}>
                      <a href={`/proposals/${p.id}`}>{title}</a>
                    </td>
                    <td data-label={t("proposal.list.call")}>{name(p.call)}</td>
                    <td data-label={t("proposal.list.reference")}>
                      {p.reference ?? t("common.notProvided")}
                    </td>
                    <td data-label={t("proposal.list.status")}>
                      <strong className={p.status === "draft" ? "tag tag--grey" : "tag"}>
                        {t(`status.${p.status}`)}
                      </strong>
                      {p.status === "shortlisted" ||
                      p.status === "reserve" ||
                      p.status === "rejected" ? (
                        <span className="hint decision-hint">
                          {t(`decision.short.${p.status}`)}
                        </span>
                      ) : null}
                    </td>
                    <td data-label={t("proposal.list.deadline")}>
                      <DateTime iso={p.closesAt} />
                    </td>
                    <td data-label={t("proposal.list.next")}>
                      <a href={href}>
                        {editable ? t("proposal.list.continue") : t("proposal.list.view")}
                        <span className="visually-hidden">: {title}</span>
                      </a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t("proposal.list.startHeading")}</h2>
      {openCalls.length === 0 ? (
        <p>{t("proposal.list.noOpenCalls")}</p>
      ) : (
        <ul className="card-list">
          {openCalls.map((c) => (
            <li key={c.slug} className="card">
              <h3>{name(c)}</h3>
              <p>
                {t("proposal.list.closesOn")} <DateTime iso={c.closesAt} />
              </p>
              <a className="button" href={`/proposals/new?call=${encodeURIComponent(c.slug)}`}>
                {t("proposal.list.startFor", { call: name(c) })}
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
