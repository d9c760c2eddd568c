import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { listReviewerQueue } from "~/models/assignments.server";
import { getDb } from "~/services/db.server";
import { requireRole, STAFF_ROLES } from "~/services/session.server";
import { useT } from "~/utils/use-t";

export const meta: MetaFunction = () => [
  { title: "Review queue – CDA Investment Proposal Portal" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  const queue = await listReviewerQueue(db, user.id);
  return data({ role: user.role, queue });
}

const REVIEW_STATUS: Record<string, string> = {
  draft: "Draft saved",
  submitted: "Submitted",
  returned: "Returned for rework",
};

export default function ReviewQueue() {
  const { role, queue } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const t = useT();
  return (
    <>
      <h1 className="h1">Your review queue</h1>
      {search.get("declared") ? (
        <div className="notice notice--success" role="status">
          Your conflict of interest has been recorded and the proposal removed from your queue.
        </div>
      ) : null}
      <p>
        <a href="/review/conflicts">Declare a conflict of interest with a company or group</a>
      </p>
      {role !== "reviewer" ? (
        <p>
          Officials see every proposal: open a call&apos;s assignments from{" "}
          <a href="/admin">Administration</a>, or a proposal at /review/:id.
        </p>
      ) : null}
      {queue.length === 0 ? (
        <p>No proposals are assigned to you.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Proposals assigned to you</caption>
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Company</th>
                <th scope="col">Title</th>
                <th scope="col">Proposal status</th>
                <th scope="col">Your review</th>
                <th scope="col">Due</th>
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
                  <td>{q.attestedAt ? q.title : "Confirm no conflict to open"}</td>
                  <td>
                    {q.proposalStatus
                      ? t(`status.${q.proposalStatus}` as Parameters<typeof t>[0])
                      : "—"}
                  </td>
                  <td>
                    {!q.attestedAt
                      ? "Not started (conflict check needed)"
                      : q.reviewStatus
                        ? (REVIEW_STATUS[q.reviewStatus] ?? q.reviewStatus)
                        : "Not started"}
                  </td>
                  <td>{q.dueAt ? <DateTime iso={q.dueAt} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
