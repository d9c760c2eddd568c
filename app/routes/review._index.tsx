import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import {
  byDueDate,
  callUnderReview,
  inFilter,
  isOverdue,
  isQueueFilter,
  QUEUE_FILTERS,
  queueCounts,
  type QueueFilter,
} from "~/domain/review-queue";
import type { MessageKey } from "~/i18n";
import { listReviewerQueue } from "~/models/assignments.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { STAFF_ROLES } from "~/services/session.server";
import { useLocale, useT } from "~/utils/use-t";

export const meta: MetaFunction = () => [
  { title: "Review queue – CDA Investment Proposal Portal" },
];

/** The call filter: a call's slug, "current" (calls under review, the default) or "all". */
function callScope(param: string | null, slugs: readonly string[]): string {
  if (param === "all" || (param !== null && slugs.includes(param))) return param;
  return "current";
}

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  // The queue lists the reviewer's active assignments minus what their conflicts wall off
  // (the access policy's walledProposalIds, inside listReviewerQueue).
  const rows = (await listReviewerQueue(db, user.id)).sort(byDueDate);
  const search = new URL(request.url).searchParams;
  const calls = new Map<string, { slug: string; titleEn: string; titleZh: string }>();
  for (const r of rows)
    calls.set(r.callSlug, { slug: r.callSlug, titleEn: r.callTitleEn, titleZh: r.callTitleZh });
  const scope = callScope(search.get("call"), [...calls.keys()]);
  const inScope = rows.filter((r) =>
    scope === "all"
      ? true
      : scope === "current"
        ? callUnderReview(r.callStatus)
        : r.callSlug === scope,
  );
  const filterParam = search.get("show");
  const filter: QueueFilter = isQueueFilter(filterParam) ? filterParam : "todo";
  const now = new Date();
  return data({
    role: user.role,
    total: rows.length,
    calls: [...calls.values()],
    scope,
    filter,
    counts: queueCounts(inScope),
    queue: inScope
      .filter((r) => inFilter(r, filter))
      .map((r) => ({
        proposalId: r.proposalId,
        reference: r.reference,
        companyEn: r.companyEn,
        companyZh: r.companyZh,
        title: r.attestedAt ? r.title : null,
        callTitleEn: r.callTitleEn,
        callTitleZh: r.callTitleZh,
        proposalStatus: r.proposalStatus,
        reviewStatus: r.reviewStatus,
        attestedAt: r.attestedAt,
        assignedAt: r.assignedAt,
        dueAt: r.dueAt,
        overdue: isOverdue(r, now),
      })),
  });
}

const REVIEW_STATUS: Record<string, MessageKey> = {
  draft: "reviewQueue.review.draft",
  submitted: "reviewQueue.review.submitted",
  returned: "reviewQueue.review.returned",
};

export default function ReviewQueue() {
  const { role, total, calls, scope, filter, counts, queue } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const callTitle = (c: { titleEn: string; titleZh: string }) =>
    locale === "zh-Hans" && c.titleZh ? c.titleZh : c.titleEn;
  const showCall = new Set(queue.map((q) => q.callTitleEn)).size > 1;
  const href = (show: QueueFilter) => {
    const params = new URLSearchParams();
    if (scope !== "current") params.set("call", scope);
    params.set("show", show);
    return `/review?${params}`;
  };
  return (
    <>
      <h1 className="h1">{t("reviewQueue.title")}</h1>
      {search.get("declared") ? (
        <div className="notice notice--success" role="status">
          {t("reviewQueue.declared")}
        </div>
      ) : null}
      <p>
        <a href="/review/conflicts">{t("reviewQueue.conflicts")}</a>
      </p>
      {role !== "reviewer" ? <p>{t("reviewQueue.officials")}</p> : null}
      {total === 0 ? (
        <p>{t("reviewQueue.none")}</p>
      ) : (
        <>
          <Form method="get" className="queue-filters">
            <input type="hidden" name="show" value={filter} />
            <label className="label" htmlFor="queue-call">
              {t("reviewQueue.call")}
            </label>
            <select id="queue-call" name="call" className="select" defaultValue={scope}>
              <option value="current">{t("reviewQueue.currentCalls")}</option>
              {calls.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {callTitle(c)}
                </option>
              ))}
              <option value="all">{t("reviewQueue.allCalls")}</option>
            </select>
            <button type="submit" className="button button--secondary">
              {t("reviewQueue.apply")}
            </button>
          </Form>
          <nav aria-label={t("reviewQueue.filters")}>
            <ul className="queue-tabs">
              {QUEUE_FILTERS.map((f) => (
                <li key={f}>
                  <a
                    href={href(f)}
                    className="queue-tabs__link"
                    aria-current={f === filter ? "page" : undefined}
                  >
                    {t(`reviewQueue.filter.${f}`)} ({counts[f]})
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {queue.length === 0 ? (
            <p>{t("reviewQueue.empty")}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">
                  {t("reviewQueue.caption", { filter: t(`reviewQueue.filter.${filter}`) })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t("reviewQueue.col.reference")}</th>
                    <th scope="col">{t("reviewQueue.col.company")}</th>
                    <th scope="col">{t("reviewQueue.col.title")}</th>
                    {showCall ? <th scope="col">{t("reviewQueue.col.call")}</th> : null}
                    <th scope="col">{t("reviewQueue.col.status")}</th>
                    <th scope="col">{t("reviewQueue.col.review")}</th>
                    <th scope="col">{t("reviewQueue.col.due")}</th>
                  </tr>
                </thead>
                <tbody>
                  {queue.map((q) => (
                    <tr key={q.proposalId}>
                      <td>
                        <a href={`/review/${q.proposalId}`}>{q.reference ?? `#${q.proposalId}`}</a>
                      </td>
                      <td>
                        {q.companyEn}
                        {q.companyZh ? (
                          <>
                            <br />
                            <span lang="zh-Hans">{q.companyZh}</span>
                          </>
                        ) : null}
                      </td>
                      <td>{q.attestedAt ? q.title : t("reviewQueue.hiddenTitle")}</td>
                      {showCall ? (
                        <td>
                          {callTitle({
                            titleEn: q.callTitleEn,
                            titleZh: q.callTitleZh,
                          })}
                        </td>
                      ) : null}
                      <td>
                        {q.proposalStatus
                          ? t(`status.${q.proposalStatus}` as MessageKey)
                          : t("reviewQueue.noDue")}
                      </td>
                      <td>
                        {!q.attestedAt
                          ? t("reviewQueue.review.check")
                          : q.reviewStatus
                            ? t(REVIEW_STATUS[q.reviewStatus] ?? "reviewQueue.review.none")
                            : t("reviewQueue.review.none")}
                      </td>
                      <td>
                        {q.dueAt ? <DateTime iso={q.dueAt} /> : t("reviewQueue.noDue")}
                        {q.overdue ? (
                          <>
                            {" "}
                            <strong className="tag tag--red">{t("reviewQueue.overdue")}</strong>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
