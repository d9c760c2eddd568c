// /admin/calls: every call with its status, window and criteria version; "Create a call".
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { listCallsForAdmin } from "~/models/call-admin.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "Calls" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, OFFICIAL_ROLES);
  return data({ calls: await listCallsForAdmin(getDb()) });
}

const STATUS_TAG: Record<string, string> = {
  draft: "tag tag--grey",
  open: "tag tag--green",
  closed: "tag tag--yellow",
  decided: "tag",
  archived: "tag tag--grey",
};

export default function AdminCalls() {
  const { calls } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/admin">Administration</Link>
      </p>
      <h1>Calls</h1>
      <p>
        <Link to="/admin/calls/new" className="button">
          Create a call
        </Link>{" "}
        <Link to="/admin/exchange-rates">Exchange rates</Link>
      </p>
      {calls.length === 0 ? (
        <p>There are no calls yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Calls</caption>
            <thead>
              <tr>
                <th scope="col">Call</th>
                <th scope="col">Status</th>
                <th scope="col">Opens</th>
                <th scope="col">Closes</th>
                <th scope="col" className="num">
                  Submitted proposals
                </th>
                <th scope="col">Criteria</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/admin/calls/${c.slug}`}>{c.title_en}</Link>
                    <br />
                    <span lang="zh-Hans">{c.title_zh}</span>
                  </td>
                  <td>
                    <span className={STATUS_TAG[c.status]}>{c.status}</span>
                  </td>
                  <td>
                    <DateTime iso={c.opens_at} />
                  </td>
                  <td>
                    <DateTime iso={c.closes_at} />
                  </td>
                  <td className="num">{c.proposals_submitted}</td>
                  <td>
                    {c.latest_version === null
                      ? "None"
                      : `Version ${c.latest_version}, ${c.latest_published_at ? "published" : "not published"}`}
                    {" · "}
                    <Link to={`/admin/calls/${c.slug}/criteria`}>
                      Criteria<span className="visually-hidden"> of {c.title_en}</span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
