import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import {
  autoAssignCall,
  callLoads,
  listCallAssignmentOverview,
  type AutoAssignReport,
} from "~/models/assignments.server";
import { walledProposalIds, requireRole } from "~/models/access.server";
import { getCallBySlug } from "~/models/call-admin.server";
import { getDb } from "~/services/db.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { useT } from "~/utils/use-t";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Assignments: ${data?.call.titleEn ?? ""} – CDA administration` },
];

async function callOr404(slug: string | undefined) {
  const call = slug ? await getCallBySlug(getDb(), slug) : undefined;
  if (!call) throw new Response("Not found", { status: 404 });
  return call;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, OFFICIAL_ROLES, db);
  const call = await callOr404(params.slug);
  const [loads, overview, walled] = await Promise.all([
    callLoads(db, call.id),
    listCallAssignmentOverview(db, call.id),
    walledProposalIds(db, user.id, { callId: call.id }),
  ]);
  // The access policy's wall: proposals the official's own conflict covers are not listed.
  const proposals = overview.filter((p) => !walled.includes(p.id));
  return data({
    call: { id: call.id, slug: call.slug, titleEn: call.title_en, minReviews: call.min_reviews },
    loads,
    proposals,
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, OFFICIAL_ROLES, db);
  const call = await callOr404(params.slug);
  const report = await autoAssignCall(db, user, call.id, {
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  });
  // Auto-assignment covers the whole call; the report names no proposal the official is walled from.
  const walled = await walledProposalIds(db, user.id, { callId: call.id });
  return data({
    report: {
      ...report,
      shortfalls: report.shortfalls.filter((s) => !walled.includes(s.proposalId)),
    },
  });
}

const REASON: Record<string, string> = {
  too_few_reviewers: "The portal has fewer enabled reviewers than the call's minimum.",
  conflicts: "Too few reviewers are free of a declared conflict with this company or its group.",
};

export default function CallAssignments() {
  const { call, loads, proposals } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { report: AutoAssignReport } | undefined;
  const report = actionData?.report;
  const t = useT();
  const spread = loads.length
    ? Math.max(...loads.map((l) => l.active)) - Math.min(...loads.map((l) => l.active))
    : 0;
  return (
    <>
      <p>
        <a href="/admin/calls">Calls</a>
      </p>
      <span className="caption">Reviewer assignments</span>
      <h1 className="h1">{call.titleEn}</h1>
      <p>
        Each proposal needs {call.minReviews} reviewer{call.minReviews === 1 ? "" : "s"}.
        Auto-assignment gives every submitted proposal that minimum, never a reviewer with a
        declared conflict, and keeps the loads as even as it can (earlier assignments count).
      </p>
      {report ? (
        <div
          className={`notice ${report.shortfalls.length ? "notice--warning" : "notice--success"}`}
          role="status"
        >
          <h2 className="h3">Auto-assignment done</h2>
          <p>
            {report.assigned} new assignment{report.assigned === 1 ? "" : "s"} across{" "}
            {report.proposals} proposal{report.proposals === 1 ? "" : "s"} and {report.reviewers}{" "}
            reviewer{report.reviewers === 1 ? "" : "s"}.
          </p>
          {report.shortfalls.length ? (
            <>
              <p>
                <strong>
                  {report.shortfalls.length} proposal{report.shortfalls.length === 1 ? "" : "s"}{" "}
                  could not get enough reviewers:
                </strong>
              </p>
              <ul className="list">
                {report.shortfalls.map((s) => (
                  <li key={s.proposalId}>
                    <a href={`/admin/proposals/${s.proposalId}`}>
                      {s.reference ?? `#${s.proposalId}`}
                    </a>{" "}
                    {s.company ? `(${s.company})` : ""}: {s.assigned} of {s.required} assigned,{" "}
                    {s.missing} missing. {REASON[s.reason]}
                    {s.conflictedReviewerIds.length
                      ? ` ${s.conflictedReviewerIds.length} reviewer(s) declared a conflict.`
                      : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>Every proposal has its minimum number of reviewers.</p>
          )}
        </div>
      ) : null}
      <Form method="post">
        <button type="submit" className="button">
          Auto-assign this call
        </button>
      </Form>

      <h2 className="h2">Reviewer loads</h2>
      <p>Busiest minus least busy: {spread}.</p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Reviewer</th>
              <th scope="col">Active assignments in this call</th>
              <th scope="col">Reviews submitted</th>
            </tr>
          </thead>
          <tbody>
            {loads.map((l) => (
              <tr key={l.id}>
                <td>
                  {l.name} <span className="hint">({l.email})</span>
                </td>
                <td>{l.active}</td>
                <td>{l.submitted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="h2">Proposals</h2>
      {proposals.length === 0 ? (
        <p>No submitted proposals yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Company</th>
                <th scope="col">Status</th>
                <th scope="col">Reviewers</th>
                <th scope="col">Reviews submitted</th>
              </tr>
            </thead>
            <tbody>
              {proposals.map((p) => (
                <tr key={p.id}>
                  <td>
                    <a href={`/admin/proposals/${p.id}`}>{p.reference ?? `#${p.id}`}</a>
                  </td>
                  <td>{p.companyEn}</td>
                  <td>{t(`status.${p.status}` as Parameters<typeof t>[0])}</td>
                  <td>
                    {p.reviewers.length} / {call.minReviews}
                    {p.reviewers.length ? (
                      <span className="hint"> ({p.reviewers.join(", ")})</span>
                    ) : null}
                  </td>
                  <td>{p.submittedReviews}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
