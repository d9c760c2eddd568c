// The read-only JSON API's rules (issue 17, docs/decisions/0021): which resources a token may
// read (scopes), which roles may hold which scopes, a token's state, cursors, ETags and problem
// details. Plain TypeScript: app/models/api.server.ts loads the facts, the routes answer.
import type { Role } from "~db/schema";

/** The resources a token may read; each API route names the one it serves. */
export const API_SCOPES = ["calls", "criteria", "ranking", "proposals", "own-proposals"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * The scopes a token may be given, by the role of the user it acts for. Officials' and admins'
 * integrations read what officials read; an applicant's personal token reads the public calls
 * and criteria and their own proposals. Reviewers hold none: what a reviewer may see turns on
 * attestations made on the scoring screen, one proposal at a time, which an integration cannot
 * make for them.
 */
export const SCOPES_BY_ROLE: Record<Role, readonly ApiScope[]> = {
  admin: ["calls", "criteria", "ranking", "proposals"],
  official: ["calls", "criteria", "ranking", "proposals"],
  applicant: ["calls", "criteria", "own-proposals"],
  reviewer: [],
};

/** Who may issue tokens: administrators (integrations) and applicants (personal tokens). */
export function mayIssueTokens(role: Role): boolean {
  return role === "admin" || role === "applicant";
}

export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;
/** The secret's prefix: it tells a leaked string for what it is (secret scanners match it). */
export const TOKEN_PREFIX = "cda_";
/** Characters of the secret kept to tell tokens apart in lists. */
export const TOKEN_HINT_LENGTH = TOKEN_PREFIX.length + 6;

export type TokenState = "active" | "expired" | "revoked";

export function tokenState(
  token: { expires_at: string; revoked_at: string | null },
  now: Date,
): TokenState {
  if (token.revoked_at) return "revoked";
  if (Date.parse(token.expires_at) <= now.getTime()) return "expired";
  return "active";
}

export interface TokenGrant {
  role: Role;
  scopes: readonly ApiScope[];
  /** null: every call. */
  callIds: readonly number[] | null;
}

/**
 * Why a token may not read a resource now, or null when it may: `insufficientScope` (the token
 * was not given it, or its user's role no longer allows it: 403). The role is read live, so a
 * demoted user's tokens lose what the new role does not allow.
 */
export function scopeRefusal(grant: TokenGrant, scope: ApiScope): "insufficientScope" | null {
  if (!grant.scopes.includes(scope)) return "insufficientScope";
  if (!SCOPES_BY_ROLE[grant.role].includes(scope)) return "insufficientScope";
  return null;
}

/** Whether the token may read this call (its call list, or every call). */
export function grantCoversCall(grant: TokenGrant, callId: number): boolean {
  return grant.callIds === null || grant.callIds.includes(callId);
}

// ------------------------------------------------------------------------------------ cursors

/**
 * A cursor is opaque to clients: base64url of a JSON object the server wrote (the last row's key
 * and, for a ranking, the version of the ranking it walked). Anything else is refused.
 */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeCursor(text: string | null): Record<string, unknown> | null | "invalid" {
  if (text === null || text === "") return null;
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return "invalid";
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : "invalid";
  } catch {
    return "invalid";
  }
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

// -------------------------------------------------------------------------------------- ETags

/**
 * Whether an If-None-Match header matches the current (strong) ETag: `*`, or any listed tag,
 * compared weakly (RFC 9110 §13.1.2: a GET compares weakly, so W/"x" matches "x").
 */
export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  const want = bare(etag);
  return ifNoneMatch.split(",").some((t) => bare(t) === want);
}

// ---------------------------------------------------------------------------- problem details

/** The API's problems (RFC 9457): each type's status and title. */
export const PROBLEMS = {
  unauthorized: { status: 401, title: "Authentication required" },
  invalidToken: { status: 401, title: "The bearer token is not valid" },
  insufficientScope: { status: 403, title: "The token's scopes do not cover this resource" },
  notFound: { status: 404, title: "Not found" },
  invalidRequest: { status: 400, title: "The request's parameters are not valid" },
  staleCursor: { status: 409, title: "The ranking changed since this cursor was issued" },
  rateLimited: { status: 429, title: "Too many requests" },
  methodNotAllowed: { status: 405, title: "Method not allowed" },
} as const;
export type ProblemKind = keyof typeof PROBLEMS;

/** A problem's `type` URI: a page of the API's documentation that explains it. */
export function problemType(kind: ProblemKind): string {
  return `/api#problem-${kind}`;
}
