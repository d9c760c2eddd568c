// The read-only JSON API's request handling and reads (issue 17, docs/decisions/0021).
// Every /api/v1 route is `apiLoader(scope, handler)`: a bearer token (cookies are never read
// here, so a browser's session cannot be ridden: no CSRF), the token's state, the rate limit
// (rows in the database, shared by every worker process), the scope, the use audited (one row per
// token per minute); then the handler reads through the one access policy and the board's read
// model, and its body is answered with a strong ETag (304 on If-None-Match). Every refusal is an
// RFC 9457 problem (application/problem+json).
import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import {
  decodeCursor,
  encodeCursor,
  etagMatches,
  grantCoversCall,
  PROBLEMS,
  problemType,
  scopeRefusal,
  type ApiScope,
  type ProblemKind,
} from "~/domain/api";
import { refusalFor } from "~/domain/access";
import { boardSearch, type BoardQuery } from "~/domain/board-query";
import {
  ApiCall,
  ApiCallPage,
  ApiCriteria,
  ApiOwnProposalPage,
  ApiProblem,
  ApiProposalSummary,
  ApiRankingPage,
  CursorPageQuery,
  RankingQuery,
} from "~/schemas/api";
import type { Call } from "~db/schema";
import { auditProposalRefusal, getProposalAccess } from "~/models/access.server";
import { auditTokenUse, checkApiToken, type ApiPrincipal } from "~/models/api-tokens.server";
import { listBoardAfter } from "~/models/board.server";
import { getPublishedCriteria, parseTieBreak } from "~/models/calls.server";
import { getDb, type DB } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import { apiRateRule, takeApiRequest } from "~/services/rate-limit.server";
import { OFFICIAL_ROLES } from "~/services/session.server";

/** A refusal a handler throws; apiLoader answers it as a problem. */
export class ApiProblemError extends Error {
  constructor(
    public readonly kind: ProblemKind,
    public readonly detail?: string,
    public readonly extra: {
      headers?: Record<string, string>;
      errors?: { parameter: string; message: string }[];
    } = {},
  ) {
    super(detail ?? PROBLEMS[kind].title);
  }
}

const BASE_HEADERS = {
  // Answers differ by token: never shared by caches; kept only to be revalidated by ETag.
  "Cache-Control": "private, no-cache",
  Vary: "Authorization",
  "X-Content-Type-Options": "nosniff",
};

/** An RFC 9457 problem details answer. */
export function problemResponse(
  kind: ProblemKind,
  detail?: string,
  extra: ApiProblemError["extra"] = {},
): Response {
  const { status, title } = PROBLEMS[kind];
  const body = ApiProblem.parse({
    type: problemType(kind),
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  });
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      ...BASE_HEADERS,
      "Content-Type": "application/problem+json; charset=utf-8",
      ...extra.headers,
    },
  });
}

/** A JSON answer with its strong ETag, or 304 when If-None-Match holds it. */
function jsonResponse(request: Request, body: unknown, headers: Record<string, string>): Response {
  const text = JSON.stringify(body);
  const etag = `"${crypto.createHash("sha256").update(text).digest("base64url").slice(0, 32)}"`;
  const all = { ...BASE_HEADERS, ...headers, ETag: etag };
  if (etagMatches(request.headers.get("If-None-Match"), etag))
    return new Response(null, { status: 304, headers: all });
  return new Response(text, {
    status: 200,
    headers: { ...all, "Content-Type": "application/json; charset=utf-8" },
  });
}

/** The bearer token of a request, or why there is none. */
function bearerOf(request: Request): string | { problem: ProblemKind; detail: string } {
  const header = request.headers.get("Authorization");
  if (!header) {
    return {
      problem: "unauthorized",
      detail: request.headers.get("Cookie")
        ? "Cookies are not accepted by the API. Send Authorization: Bearer <token>."
        : "Send Authorization: Bearer <token>.",
    };
  }
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  if (!match) return { problem: "unauthorized", detail: "Use the Bearer scheme." };
  return match[1]!;
}

export interface ApiHandlerArgs {
  db: DB;
  request: Request;
  url: URL;
  principal: ApiPrincipal;
  params: Record<string, string | undefined>;
}

/**
 * A /api/v1 loader: authenticates, limits, checks the scope, audits, runs the handler and answers
 * its body as JSON (ETag, 304) or its ApiProblemError as a problem.
 */
export function apiLoader(scope: ApiScope, handler: (args: ApiHandlerArgs) => Promise<unknown>) {
  return async ({
    request,
    params,
    context,
  }: {
    request: Request;
    params: Record<string, string | undefined>;
    context?: AppLoadContext;
  }): Promise<Response> => {
    const url = new URL(request.url);
    const db = getDb();
    const bearer = bearerOf(request);
    const challenge = 'Bearer realm="api"';
    if (typeof bearer !== "string")
      return problemResponse(bearer.problem, bearer.detail, {
        headers: { "WWW-Authenticate": challenge },
      });
    const check = await checkApiToken(db, bearer);
    if (!check.ok)
      return problemResponse(
        "invalidToken",
        check.reason === "unknown"
          ? "The token is not known."
          : check.reason === "disabled"
            ? "The token's account is disabled."
            : `The token is ${check.reason}.`,
        { headers: { "WWW-Authenticate": `${challenge}, error="invalid_token"` } },
      );
    const { principal } = check;
    const rule = apiRateRule(getEnv().API_RATE_LIMIT_PER_MINUTE);
    const take = await takeApiRequest(db, rule, String(principal.tokenId));
    const rateHeaders = {
      "RateLimit-Limit": String(rule.max),
      "RateLimit-Remaining": String(take.remaining),
    };
    if (take.limited)
      return problemResponse("rateLimited", `This token may make ${rule.max} requests a minute.`, {
        headers: { ...rateHeaders, "Retry-After": String(take.retryAfter) },
      });
    await auditTokenUse(db, principal, {
      path: url.pathname,
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
    });
    if (scopeRefusal(principal.grant, scope))
      return problemResponse("insufficientScope", `This resource needs the "${scope}" scope.`, {
        headers: {
          ...rateHeaders,
          "WWW-Authenticate": `${challenge}, error="insufficient_scope", scope="${scope}"`,
        },
      });
    try {
      const body = await handler({ db, request, url, principal, params });
      return jsonResponse(request, body, rateHeaders);
    } catch (error) {
      if (error instanceof ApiProblemError)
        return problemResponse(error.kind, error.detail, {
          ...error.extra,
          headers: { ...rateHeaders, ...error.extra.headers },
        });
      throw error;
    }
  };
}

/** Parses the query string with a route's schema; unknown parameters are refused too. */
export function parseQuery<S extends z.ZodObject>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  const errors: { parameter: string; message: string }[] = [];
  for (const [key, value] of url.searchParams) {
    if (!(key in schema.shape)) errors.push({ parameter: key, message: "Unknown parameter." });
    else if (key in raw) errors.push({ parameter: key, message: "Given more than once." });
    else raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      errors.push({ parameter: String(issue.path[0] ?? ""), message: issue.message });
  if (errors.length || !parsed.success)
    throw new ApiProblemError("invalidRequest", "See `errors`.", { errors });
  return parsed.data;
}

function invalidCursor(): never {
  throw new ApiProblemError("invalidRequest", "The cursor is not one this API issued.", {
    errors: [{ parameter: "cursor", message: "Not a cursor this API issued." }],
  });
}

function intField(value: Record<string, unknown>, key: string): number {
  const v = value[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v)) invalidCursor();
  return v;
}

// ------------------------------------------------------------------------------------- calls

const isStaff = (p: ApiPrincipal) => (OFFICIAL_ROLES as readonly string[]).includes(p.user.role);

function callView(c: Call): z.output<typeof ApiCall> {
  return {
    slug: c.slug,
    titleEn: c.title_en,
    titleZh: c.title_zh,
    status: c.status,
    opensAt: c.opens_at,
    closesAt: c.closes_at,
    decidedAt: c.decided_at,
    minReviews: c.min_reviews,
    qualifyingScore: c.qualifying_score,
  };
}

function visibleCalls(db: DB, principal: ApiPrincipal) {
  let q = db.selectFrom("calls").selectAll();
  // Drafts are the CDA's unfinished work: officials' tokens only.
  if (!isStaff(principal)) q = q.where("status", "!=", "draft");
  if (principal.grant.callIds !== null)
    q = q.where("id", "in", principal.grant.callIds.length ? [...principal.grant.callIds] : [-1]);
  return q;
}

/** The call a route names, if the token may read it; otherwise 404 (as if there were none). */
export async function requireApiCall(
  db: DB,
  principal: ApiPrincipal,
  slug: string | undefined,
): Promise<Call> {
  const call = slug
    ? await visibleCalls(db, principal).where("slug", "=", slug).executeTakeFirst()
    : undefined;
  if (!call || !grantCoversCall(principal.grant, call.id))
    throw new ApiProblemError("notFound", "No such call.");
  return call;
}

export async function apiListCalls({ db, url, principal }: ApiHandlerArgs) {
  const query = parseQuery(url, CursorPageQuery);
  const cursor = decodeCursor(query.cursor ?? null);
  if (cursor === "invalid") invalidCursor();
  const after = cursor ? intField(cursor, "after") : 0;
  const rows = await visibleCalls(db, principal)
    .where("id", ">", after)
    .orderBy("id")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return ApiCallPage.parse({
    data: page.map(callView),
    nextCursor:
      rows.length > query.limit ? encodeCursor({ after: page[page.length - 1]!.id }) : null,
  });
}

export async function apiGetCall({ db, principal, params }: ApiHandlerArgs) {
  return ApiCall.parse(callView(await requireApiCall(db, principal, params.slug)));
}

export async function apiGetCriteria({ db, principal, params }: ApiHandlerArgs) {
  const call = await requireApiCall(db, principal, params.slug);
  const criteria = await getPublishedCriteria(db, call.id);
  if (!criteria) throw new ApiProblemError("notFound", "The call's criteria are not published.");
  const view = (c: (typeof criteria.scored)[number]) => ({
    key: c.key,
    kind: c.kind,
    titleEn: c.titleEn,
    titleZh: c.titleZh,
    descriptionEn: c.descriptionEn,
    descriptionZh: c.descriptionZh,
    weight: c.weight,
    minLevel: c.minLevel,
    descriptors: c.descriptors.map((d, level) => ({ level, en: d.en, zh: d.zh })),
    appliesToTrack: c.appliesToTrack,
  });
  const scoredKeys = new Set(criteria.scored.map((c) => c.key));
  return ApiCriteria.parse({
    call: call.slug,
    version: criteria.version,
    publishedAt: criteria.publishedAt,
    scored: criteria.scored.map(view),
    gates: criteria.gates.map(view),
    tieBreak: parseTieBreak(call).filter((k) => scoredKeys.has(k)),
    rules: {
      minReviews: call.min_reviews,
      qualifyingScore: call.qualifying_score,
      disagreementSpread: call.disagreement_spread,
      disagreementSd: call.disagreement_sd,
      calibrationMinReviews: call.calibration_min_reviews,
    },
  });
}

// ----------------------------------------------------------------------------------- ranking

/** The board's state for an API query (the board's own defaults where a parameter is absent). */
function boardQueryOf(q: z.output<typeof RankingQuery>): BoardQuery {
  const sort = q.sort;
  const dir =
    q.dir ??
    (["score", "calibrated", "investment", "reviews", "flags"].includes(sort) ? "desc" : "asc");
  return {
    score: q.score,
    sort,
    dir,
    page: 1,
    track: q.track ?? null,
    status: q.status ?? null,
    decision: q.decision ?? null,
    qualifies: q.qualifies === undefined ? null : q.qualifies === "yes",
    flagged: q.flagged === undefined ? null : q.flagged === "yes",
  };
}

export async function apiGetRanking({ db, url, principal, params }: ApiHandlerArgs) {
  const call = await requireApiCall(db, principal, params.slug);
  const query = parseQuery(url, RankingQuery);
  const board = boardQueryOf(query);
  // A cursor belongs to one board state (filters and ordering) and one version of the ranking.
  const state = boardSearch(board) || "?";
  const cursor = decodeCursor(query.cursor ?? null);
  if (cursor === "invalid") invalidCursor();
  if (cursor && cursor.q !== state)
    throw new ApiProblemError("invalidRequest", "The cursor belongs to other filters or order.", {
      errors: [{ parameter: "cursor", message: "Issued for other filters or order." }],
    });
  const afterId = cursor ? intField(cursor, "after") : null;
  const version = cursor ? intField(cursor, "v") : null;
  const page = await listBoardAfter(db, call, principal.user.id, board, {
    afterId,
    limit: query.limit,
  });
  if (cursor && (!page.found || page.version !== version))
    throw new ApiProblemError(
      "staleCursor",
      "The ranking changed while it was being read: start again without a cursor.",
    );
  const last = page.rows[page.rows.length - 1];
  return ApiRankingPage.parse({
    call: call.slug,
    score: board.score,
    sort: board.sort,
    dir: board.dir,
    total: page.total,
    callTotal: page.callTotal,
    withheld: page.withheld,
    data: page.rows.map((r) => ({
      proposalId: r.proposalId,
      rank: r.rank,
      reference: r.reference,
      companyEn: r.companyEn,
      companyZh: r.companyZh,
      title: r.title,
      tracks: r.tracks,
      status: r.status,
      investmentUsdCents: r.investmentUsdCents,
      reviewsSubmitted: r.reviewsSubmitted,
      reviewsRequired: r.reviewsRequired,
      provisional: r.provisional,
      score: r.score,
      calibratedScore: r.calibratedScore,
      gates: r.gatesSummary,
      qualifies: r.qualifies,
      flagged: r.flagged,
      decision: r.decision,
      submittedAt: r.submittedAt,
    })),
    nextCursor:
      page.hasMore && last && page.version !== null
        ? encodeCursor({ q: state, v: page.version, after: last.proposalId })
        : null,
  });
}

// --------------------------------------------------------------------------------- proposals

/**
 * A proposal's summary for an official's token: the access policy decides (viewContent), and
 * every refusal — not there, a draft, walled off by the token user's conflict, outside the
 * token's calls — is the same 404, audited as the pages audit theirs.
 */
export async function apiGetProposal({ db, principal, params }: ApiHandlerArgs) {
  const id = /^[1-9][0-9]{0,15}$/.test(params.id ?? "") ? Number(params.id) : Number.NaN;
  const access = await getProposalAccess(db, principal.user, id);
  const refusal = refusalFor(access, "viewContent");
  if (refusal || access.callId === null || !grantCoversCall(principal.grant, access.callId)) {
    if (refusal) await auditProposalRefusal(db, principal.user, access, "viewContent");
    throw new ApiProblemError("notFound", "No such proposal.");
  }
  const p = await db
    .selectFrom("proposals as p")
    .innerJoin("calls as c", "c.id", "p.call_id")
    .leftJoin("decisions as d", "d.proposal_id", "p.id")
    .select([
      "p.id",
      "p.reference",
      "c.slug",
      "p.title",
      "p.company_en",
      "p.company_zh",
      "p.tracks",
      "p.status",
      "p.submitted_at",
      "d.outcome",
    ])
    .where("p.id", "=", id)
    .executeTakeFirstOrThrow();
  return ApiProposalSummary.parse({
    id: p.id,
    reference: p.reference,
    call: p.slug,
    title: p.title,
    companyEn: p.company_en,
    companyZh: p.company_zh,
    tracks: (p.tracks ?? "").split(",").filter(Boolean),
    status: p.status,
    submittedAt: p.submitted_at,
    decision: p.outcome,
  });
}

/** The token user's own proposals, newest first (by id), within the token's calls. */
export async function apiListOwnProposals({ db, url, principal }: ApiHandlerArgs) {
  const query = parseQuery(url, CursorPageQuery);
  const cursor = decodeCursor(query.cursor ?? null);
  if (cursor === "invalid") invalidCursor();
  let q = db
    .selectFrom("proposals as p")
    .innerJoin("calls as c", "c.id", "p.call_id")
    .select([
      "p.id",
      "p.reference",
      "c.slug",
      "p.title",
      "p.status",
      "p.submitted_at",
      "p.updated_at",
    ])
    .where("p.owner_id", "=", principal.user.id);
  if (cursor) q = q.where("p.id", "<", intField(cursor, "before"));
  if (principal.grant.callIds !== null)
    q = q.where(
      "p.call_id",
      "in",
      principal.grant.callIds.length ? [...principal.grant.callIds] : [-1],
    );
  const rows = await q
    .orderBy("p.id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return ApiOwnProposalPage.parse({
    data: page.map((p) => ({
      id: p.id,
      reference: p.reference,
      call: p.slug,
      title: p.title,
      status: p.status,
      submittedAt: p.submitted_at,
      updatedAt: p.updated_at,
    })),
    nextCursor:
      rows.length > query.limit ? encodeCursor({ before: page[page.length - 1]!.id }) : null,
  });
}
