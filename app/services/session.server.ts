import crypto from "node:crypto";
import { createCookie, redirect } from "@remix-run/node";
import type { Role, User } from "~db/schema";
import { getDb, nowIso, type DB } from "./db.server";
import { getEnv } from "./env.server";

/**
 * A session ends after this long without a request: 60 minutes for applicants (who type long
 * answers, and whose draft the warning saves), 30 for staff (ASVS 3.3.2 at level 2: the board,
 * reviews and every company's figures are behind a staff session)…
 */
export const APPLICANT_IDLE_TIMEOUT_MS = 60 * 60 * 1000;
export const STAFF_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export function idleTimeoutFor(role: Role): number {
  return role === "applicant" ? APPLICANT_IDLE_TIMEOUT_MS : STAFF_IDLE_TIMEOUT_MS;
}
/** …and in any case this long after sign-in. */
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;

let sessionCookie: ReturnType<typeof createCookie> | undefined;
function getSessionCookie() {
  if (!sessionCookie) {
    const env = getEnv();
    sessionCookie = createCookie("__session", {
      httpOnly: true,
      sameSite: "lax",
      secure: env.NODE_ENV === "production" && (env.PUBLIC_URL ?? "").startsWith("https:"),
      path: "/",
      secrets: env.SESSION_SECRETS,
      maxAge: ABSOLUTE_LIFETIME_MS / 1000,
    });
  }
  return sessionCookie;
}

function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export type SessionUser = Pick<
  User,
  "id" | "email" | "role" | "display_name" | "locale" | "organisation_id"
>;

/** How long the step between the password and the second factor (or enrolment) may take. */
export const STAGED_LIFETIME_MS = 10 * 60 * 1000;

export type SessionStage = "totp" | "enrol";

/**
 * A coarse, human label for the browser a session was started from ("Firefox on Windows"), for
 * the list of signed-in sessions. The User-Agent itself is not kept.
 */
export function deviceLabel(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const ua = userAgent.slice(0, 512);
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrom(e|ium)\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : /curl|wget|python|node|undici/i.test(ua)
              ? "Script"
              : null;
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Android/.test(ua)
      ? "Android"
      : /iPhone|iPad|iOS/.test(ua)
        ? "iOS"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /CrOS/.test(ua)
            ? "ChromeOS"
            : /Linux/.test(ua)
              ? "Linux"
              : null;
  if (!browser && !os) return null;
  return [browser ?? "Browser", os].filter(Boolean).join(" on ");
}

/**
 * Creates a new session row (a fresh id at every sign-in) and returns its Set-Cookie header. A
 * staged session ('totp': the password was right, the second factor is still to come; 'enrol':
 * may only set up two-step verification) is not a session getUser accepts, and lives 10 minutes.
 */
export async function createSession(
  db: DB,
  userId: number,
  options: { stage?: SessionStage; request?: Request } = {},
): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  const now = Date.now();
  await db
    .insertInto("sessions")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      expires_at: new Date(
        now + (options.stage ? STAGED_LIFETIME_MS : ABSOLUTE_LIFETIME_MS),
      ).toISOString(),
      stage: options.stage ?? null,
      device: deviceLabel(options.request?.headers.get("User-Agent")),
    })
    .execute();
  return getSessionCookie().serialize(token);
}

async function readToken(request: Request): Promise<string | null> {
  const value = await getSessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** The signed-in, enabled user, or null. Expired or idle sessions are ended here. */
export async function getUser(request: Request, db: DB = getDb()): Promise<SessionUser | null> {
  const token = await readToken(request);
  if (!token) return null;
  const idHash = hashToken(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.last_seen_at",
      "sessions.expires_at",
      "users.id",
      "users.email",
      "users.role",
      "users.display_name",
      "users.locale",
      "users.organisation_id",
      "users.disabled_at",
    ])
    .where("sessions.id_hash", "=", idHash)
    .where("sessions.stage", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  if (
    row.disabled_at ||
    Date.parse(row.expires_at) <= now ||
    Date.parse(row.last_seen_at) + idleTimeoutFor(row.role) <= now
  ) {
    await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    return null;
  }
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: nowIso() })
      .where("id_hash", "=", idHash)
      .execute();
  }
  const { last_seen_at: _l, expires_at: _e, disabled_at: _d, ...user } = row;
  return user;
}

/**
 * The user of the request's staged session (password checked, second step or enrolment to come),
 * or null when there is none or it has expired.
 */
export async function getStagedUser(
  request: Request,
  stage: SessionStage,
  db: DB = getDb(),
): Promise<SessionUser | null> {
  const token = await readToken(request);
  if (!token) return null;
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.expires_at",
      "users.id",
      "users.email",
      "users.role",
      "users.display_name",
      "users.locale",
      "users.organisation_id",
      "users.disabled_at",
    ])
    .where("sessions.id_hash", "=", hashToken(token))
    .where("sessions.stage", "=", stage)
    .executeTakeFirst();
  if (!row || row.disabled_at || Date.parse(row.expires_at) <= Date.now()) return null;
  const { expires_at: _e, disabled_at: _d, ...user } = row;
  return user;
}

export interface SessionSummary {
  /** A short handle for the row (a prefix of the SHA-256 of its token, never the token). */
  handle: string;
  device: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** The user's live, full sessions, the request's own first, then the most recently active. */
export async function listSessions(
  db: DB,
  userId: number,
  request: Request,
): Promise<SessionSummary[]> {
  const token = await readToken(request);
  const own = token ? hashToken(token) : null;
  const now = Date.now();
  const rows = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.id_hash",
      "sessions.device",
      "sessions.created_at",
      "sessions.last_seen_at",
      "sessions.expires_at",
      "users.role",
    ])
    .where("sessions.user_id", "=", userId)
    .where("sessions.stage", "is", null)
    .orderBy("sessions.last_seen_at", "desc")
    .execute();
  return rows
    .filter(
      (r) =>
        Date.parse(r.expires_at) > now && Date.parse(r.last_seen_at) + idleTimeoutFor(r.role) > now,
    )
    .map((r) => ({
      handle: r.id_hash.slice(0, 16),
      device: r.device,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      current: r.id_hash === own,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the user's sessions by its handle; false when there is no such session of theirs. */
export async function destroySessionByHandle(
  db: DB,
  userId: number,
  handle: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{16}$/.test(handle)) return false;
  const result = await db
    .deleteFrom("sessions")
    .where("user_id", "=", userId)
    .where("id_hash", "like", `${handle}%`)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends the request's session; returns the Set-Cookie header that clears the cookie. */
export async function destroySession(request: Request, db: DB = getDb()): Promise<string> {
  const token = await readToken(request);
  if (token) await db.deleteFrom("sessions").where("id_hash", "=", hashToken(token)).execute();
  return getSessionCookie().serialize("", { maxAge: 0 });
}

/** Ends every session of a user (password change, account disabled), optionally keeping one. */
export async function destroyUserSessions(
  db: DB,
  userId: number,
  keepRequest?: Request,
): Promise<void> {
  const keep = keepRequest ? await readToken(keepRequest) : null;
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keep) q = q.where("id_hash", "!=", hashToken(keep));
  await q.execute();
}

function safeReturnTo(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export async function requireUser(request: Request, db: DB = getDb()): Promise<SessionUser> {
  const user = await getUser(request, db);
  if (!user) {
    throw redirect(`/login?returnTo=${encodeURIComponent(safeReturnTo(request))}`);
  }
  return user;
}

// Role checks (requireRole) belong to the access policy, app/models/access.server.ts, which
// audits every refusal in one place (issue 12).

export const STAFF_ROLES = ["reviewer", "official", "admin"] as const satisfies readonly Role[];
export const OFFICIAL_ROLES = ["official", "admin"] as const satisfies readonly Role[];

/** Where each role lands after signing in. */
export function homePathFor(role: Role): string {
  switch (role) {
    case "applicant":
      return "/proposals";
    case "reviewer":
      return "/review";
    case "official":
    case "admin":
      return "/admin";
  }
}

/**
 * Only paths on this portal are followed after sign-in or a language switch (no open redirect).
 * Browsers drop tabs and newlines from addresses and read "\\" as "/", so "/\t/evil.example"
 * would become "//evil.example": anything with a control character or a backslash is refused,
 * and what remains must resolve to this origin.
 */
export function sanitizeReturnTo(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2000) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value) || value.startsWith("//")) return null;
  const base = "http://portal.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  return url.pathname + url.search + url.hash;
}
