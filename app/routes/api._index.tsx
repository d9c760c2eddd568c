// /api: the read-only API documented for people (issue 17): how to get a token, how to call it,
// each operation with its parameters, pagination, ETags, rate limits and problems. The same
// operations as /api/openapi.json (app/schemas/api-openapi.ts). Developer page: English.
import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, PROBLEMS, SCOPES_BY_ROLE } from "~/domain/api";
import { API_OPERATIONS } from "~/schemas/api-openapi";
import { getEnv } from "~/services/env.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "API" });

export function loader() {
  return {
    operations: API_OPERATIONS.map((o) => ({
      path: o.path,
      operationId: o.operationId,
      summary: o.summary,
      description: o.description,
      scope: o.scope,
      pathParams: o.pathParams,
      query: Object.keys(o.query?.shape ?? {}),
      paged: o.paged,
    })),
    rateLimit: getEnv().API_RATE_LIMIT_PER_MINUTE,
    problems: Object.entries(PROBLEMS).map(([kind, p]) => ({ kind, ...p })),
  };
}

export default function ApiDocs() {
  const { operations, rateLimit, problems } = useLoaderData<typeof loader>();
  return (
    <>
      <span className="caption">Developers</span>
      <h1>The portal&apos;s read-only API</h1>
      <p className="lead">
        Calls, their published criteria, rankings and proposals as JSON, for the CDA&apos;s records,
        the Foreign Office&apos;s MoU tracking and dashboards. The machine-readable description is
        the <a href="/api/openapi.json">OpenAPI 3.1 document</a>.
      </p>

      <h2 id="tokens">Tokens</h2>
      <p>
        Every request carries <code>Authorization: Bearer &lt;token&gt;</code>. Cookies are never
        accepted, so a signed-in browser cannot be made to call the API for someone else.
      </p>
      <ul>
        <li>
          Administrators issue a token per integration at{" "}
          <Link to="/admin/api-tokens">/admin/api-tokens</Link>: a name, the official or
          administrator account it acts for, what it may read (
          {SCOPES_BY_ROLE.official.map((s) => (
            <code key={s}>{s} </code>
          ))}
          ), which calls, and an expiry (at most a year).
        </li>
        <li>
          Applicants create personal tokens at{" "}
          <Link to="/account/api-tokens">/account/api-tokens</Link> (
          {SCOPES_BY_ROLE.applicant.map((s) => (
            <code key={s}>{s} </code>
          ))}
          ).
        </li>
        <li>
          The token is shown once; the portal keeps only its SHA-256. It can be revoked at any time.
          A token reads what its account&apos;s role may read now, never what that account&apos;s
          declared conflicts of interest wall off; a disabled account&apos;s tokens stop working.
        </li>
      </ul>
      <pre>
        <code>{`curl -H "Authorization: Bearer $TOKEN" ${"<portal>"}/api/v1/calls`}</code>
      </pre>

      <h2 id="operations">Operations</h2>
      {operations.map((o) => (
        <section key={o.operationId} id={o.operationId}>
          <h3>
            <code>GET {o.path}</code>
          </h3>
          <p>
            <strong>{o.summary}.</strong> {o.description}
          </p>
          <p>
            Scope: <code>{o.scope}</code>
            {o.pathParams.length
              ? `. Path: ${o.pathParams.map((p) => `${p.name} (${p.description})`).join(", ")}`
              : ""}
            {o.query.length ? (
              <>
                . Query:{" "}
                {o.query.map((q) => (
                  <code key={q}>{q} </code>
                ))}
              </>
            ) : null}
          </p>
        </section>
      ))}

      <h2 id="pagination">Pagination</h2>
      <p>
        Lists answer <code>{`{ "data": [...], "nextCursor": "..." }`}</code>. Pass{" "}
        <code>nextCursor</code> back as <code>cursor</code> (with the same filters) for the next
        page, until it is <code>null</code>. <code>limit</code> is {DEFAULT_PAGE_LIMIT} by default,
        at most {MAX_PAGE_LIMIT}. A ranking&apos;s cursor belongs to one version of the ranking: if
        a review or decision changes it while you walk it, the next page answers 409 and you start
        again, so a walk never mixes two rankings.
      </p>

      <h2 id="caching">ETags</h2>
      <p>
        Every answer carries an <code>ETag</code>. Send it back in <code>If-None-Match</code>: an
        unchanged answer is <code>304 Not Modified</code> with no body.
      </p>

      <h2 id="rate-limits">Rate limits</h2>
      <p>
        {rateLimit} requests per token per minute, counted by the portal&apos;s database (so across
        all its processes). <code>RateLimit-Limit</code> and <code>RateLimit-Remaining</code> say
        where you stand; past the limit the answer is 429 with <code>Retry-After</code> (seconds).
      </p>

      <h2 id="problems">Errors</h2>
      <p>
        Errors are RFC 9457 problem details (<code>application/problem+json</code>):{" "}
        <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, and for
        invalid parameters <code>errors</code> (each parameter and why).
      </p>
      <dl className="summary-list">
        {problems.map((p) => (
          <div className="summary-list__row" key={p.kind} id={`problem-${p.kind}`}>
            <dt>
              {p.status} <code>/api#problem-{p.kind}</code>
            </dt>
            <dd>{p.title}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
