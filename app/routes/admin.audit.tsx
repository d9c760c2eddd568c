import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { auditSearch, parseAuditFilter, type AuditFilter } from "~/domain/audit-filter";
import { requireAuditScope } from "~/models/access.server";
import { listAudit, listAuditActions } from "~/models/audit-query.server";
import { getDb } from "~/services/db.server";
import { OFFICIAL_ROLES, requireRole } from "~/services/session.server";
import { formatDateTime } from "~/utils/dates";

// The audit log viewer (officials and admins; staff page, English only): who did what, when, to
// which call or proposal, with the before and after of every change. Filters live in the URL.

export const meta: MetaFunction = () => [{ title: "Audit log – CDA Investment Proposal Portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, OFFICIAL_ROLES, db);
  const params = new URL(request.url).searchParams;
  const { filter, errors } = parseAuditFilter(params);
  const walled = await requireAuditScope(db, user);
  const requested = Number.parseInt(params.get("page") ?? "1", 10);
  const page = await listAudit(
    db,
    filter,
    errors,
    Number.isFinite(requested) && requested > 0 ? requested : 1,
    undefined,
    walled,
  );
  const actions = await listAuditActions(db);
  const families = [
    ...new Set(actions.filter((a) => a.includes(".")).map((a) => a.slice(0, a.indexOf(".")))),
  ]
    .filter((f) => actions.filter((a) => a.startsWith(`${f}.`)).length > 1)
    .map((f) => `${f}.*`);
  return data({
    filter,
    errors,
    page,
    actions: [...families, ...actions].sort(),
    search: auditSearch(filter),
  });
}

const FIELDS: { name: keyof AuditFilter; label: string; hint?: string; type?: string }[] = [
  { name: "actor", label: "Actor e-mail", hint: "All or part of the address" },
  {
    name: "proposal",
    label: "Proposal",
    hint: "Reference like CDA-2026-0042, or proposal number",
  },
  { name: "from", label: "From (date)", hint: "Pakistan time, YYYY-MM-DD", type: "date" },
  { name: "to", label: "To (date)", hint: "Inclusive", type: "date" },
];

function Json({ label, text }: { label: string; text: string | null }) {
  if (!text) return null;
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // shown as stored
  }
  return (
    <details className="details audit-json">
      <summary>{label}</summary>
      <pre>{pretty}</pre>
    </details>
  );
}

export default function AuditLog() {
  const { filter, errors, page, actions, search } = useLoaderData<typeof loader>();
  const errorList = Object.entries(errors).filter(([, v]) => v) as [string, string][];
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errorList.length) summary.current?.focus();
  }, [search]); // eslint-disable-line react-hooks/exhaustive-deps
  const filtered = Boolean(search);
  return (
    <div lang="en">
      <span className="caption">Administration</span>
      <h1 className="h1">Audit log</h1>
      <p className="lead">
        Every change and every export, newest first. Times are shown in Pakistan time (PKT), with
        the stored UTC time beside them.
      </p>

      {errorList.length ? (
        <div
          className="error-summary"
          role="alert"
          aria-labelledby="audit-errors"
          tabIndex={-1}
          ref={summary}
        >
          <h2 id="audit-errors">There is a problem</h2>
          <ul>
            {errorList.map(([name, message]) => (
              <li key={name}>
                <a href={`#audit-${name}`}>{message}</a>
              </li>
            ))}
          </ul>
          <p>Filters with a problem are not applied.</p>
        </div>
      ) : null}

      <Form method="get" className="filters audit-filters" aria-label="Filter the audit log">
        {FIELDS.map((f) => {
          const error = errors[f.name];
          return (
            <div key={f.name} className={`form-group${error ? " form-group--error" : ""}`}>
              <label className="label" htmlFor={`audit-${f.name}`}>
                {f.label}
              </label>
              {f.hint ? (
                <div className="hint" id={`audit-${f.name}-hint`}>
                  {f.hint}
                </div>
              ) : null}
              {error ? (
                <p className="error-message" id={`audit-${f.name}-error`}>
                  <span className="visually-hidden">Error:</span> {error}
                </p>
              ) : null}
              <input
                className={`input${error ? " input--error" : ""}`}
                id={`audit-${f.name}`}
                name={f.name}
                type={f.type ?? "text"}
                defaultValue={filter[f.name]}
                aria-describedby={
                  [f.hint ? `audit-${f.name}-hint` : "", error ? `audit-${f.name}-error` : ""]
                    .filter(Boolean)
                    .join(" ") || undefined
                }
                aria-invalid={error ? true : undefined}
              />
            </div>
          );
        })}
        <div className={`form-group${errors.action ? " form-group--error" : ""}`}>
          <label className="label" htmlFor="audit-action">
            Action
          </label>
          {errors.action ? (
            <p className="error-message" id="audit-action-error">
              <span className="visually-hidden">Error:</span> {errors.action}
            </p>
          ) : null}
          <select
            className="select"
            id="audit-action"
            name="action"
            defaultValue={filter.action}
            aria-describedby={errors.action ? "audit-action-error" : undefined}
          >
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a.endsWith(".*") ? `${a} (all)` : a}
              </option>
            ))}
          </select>
        </div>
        <div className="button-group">
          <button type="submit" className="button">
            Apply filters
          </button>
          <Link to="/admin/audit" className="button button--secondary">
            Clear filters
          </Link>
        </div>
      </Form>

      <p role="status">
        {page.total} {page.total === 1 ? "entry" : "entries"}
        {filtered ? " match the filters" : ""}
        {page.pageCount > 1 ? ` — page ${page.page} of ${page.pageCount}` : ""}.{" "}
        <a href={`/admin/audit.csv${search}`} download>
          Download {filtered ? "these entries" : "the whole log"} as CSV
        </a>{" "}
        (the download is itself recorded here).
      </p>

      <div className="table-wrap">
        <table className="audit-table">
          <caption className="visually-hidden">Audit log entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Subject</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r) => (
              <tr key={r.id}>
                <td className="num">{r.id}</td>
                <td>
                  {formatDateTime(r.at, "en")} PKT
                  <br />
                  <span className="hint">{r.at}</span>
                </td>
                <td>{r.actorEmail ?? (r.actorId === null ? "system" : `user #${r.actorId}`)}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>
                  {r.entityType}
                  {r.entityId ? ` #${r.entityId}` : ""}
                  {r.proposalId !== null ? (
                    <>
                      <br />
                      <Link to={`/admin/proposals/${r.proposalId}`}>
                        {r.proposalReference ?? `Proposal #${r.proposalId}`}
                      </Link>
                    </>
                  ) : null}
                  {r.callId !== null ? (
                    <>
                      <br />
                      <span className="hint">call #{r.callId}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  <Json label="Before" text={r.beforeJson} />
                  <Json label="After" text={r.afterJson} />
                  {r.requestId || r.ip ? (
                    <span className="hint">
                      {r.requestId ? `request ${r.requestId}` : ""}
                      {r.requestId && r.ip ? " · " : ""}
                      {r.ip ? `IP ${r.ip}` : ""}
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.rows.length === 0 ? <p>No entries match these filters.</p> : null}

      {page.pageCount > 1 ? (
        <nav className="pagination" aria-label="Pages">
          <ul>
            {page.page > 1 ? (
              <li>
                <Link to={`/admin/audit${auditSearch(filter, page.page - 1)}`} rel="prev">
                  ← Newer entries
                </Link>
              </li>
            ) : null}
            <li>
              Page {page.page} of {page.pageCount}
            </li>
            {page.page < page.pageCount ? (
              <li>
                <Link to={`/admin/audit${auditSearch(filter, page.page + 1)}`} rel="next">
                  Older entries →
                </Link>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
