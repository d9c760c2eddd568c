// API tokens (issue 17, docs/decisions/0021): issued, listed, revoked and checked here only.
// The secret is `cda_` + 32 random bytes (base64url), shown once; the database keeps its SHA-256.
// A fast unsalted hash is enough for a secret of 256 random bits: nobody can guess or enumerate
// it, so a slow or salted hash (what a chosen password needs) would buy nothing, while a plain
// digest lets each request find its token by an index lookup.
import crypto from "node:crypto";
import { sql } from "kysely";
import {
  grantCoversCall,
  mayIssueTokens,
  SCOPES_BY_ROLE,
  TOKEN_HINT_LENGTH,
  TOKEN_PREFIX,
  tokenState,
  type ApiScope,
  type TokenGrant,
  type TokenState,
} from "~/domain/api";
import { auditActor, refuse, runCommand, type Actor, type CommandResult } from "~/domain/command";
import { IssueTokenSchema, type IssueTokenInput } from "~/schemas/api-tokens";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";
import type { Role } from "~db/schema";
import { writeAudit, writeThrottledAudit } from "~/models/audit.server";
import { nowIso, type DB } from "~/services/db.server";
import { forUpdate } from "~/services/sql-dialect.server";

export function hashApiToken(secret: string): string {
  return crypto.createHash("sha256").update(secret, "utf8").digest("hex");
}

function newSecret(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
}

function parseJsonArray<T>(text: string | null): T[] | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

export interface ApiTokenView {
  id: number;
  name: string;
  hint: string;
  userId: number;
  userEmail: string;
  scopes: ApiScope[];
  /** Slugs of the calls it may read; null: every call. */
  calls: string[] | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: TokenState;
}

/**
 * Tokens for the list pages: every token (administrators) or the user's own (applicants),
 * newest first.
 */
export async function listApiTokens(
  db: DB,
  scope: { all: true } | { userId: number },
  now: Date = new Date(),
): Promise<ApiTokenView[]> {
  let q = db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .selectAll("t")
    .select("u.email as user_email");
  if ("userId" in scope) q = q.where("t.user_id", "=", scope.userId);
  const rows = await q.orderBy("t.id", "desc").execute();
  const calls = await db.selectFrom("calls").select(["id", "slug"]).execute();
  const slugOf = new Map(calls.map((c) => [c.id, c.slug]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    hint: r.token_hint,
    userId: r.user_id,
    userEmail: r.user_email,
    scopes: parseJsonArray<ApiScope>(r.scopes_json) ?? [],
    calls: parseJsonArray<number>(r.call_ids_json)?.map((id) => slugOf.get(id) ?? `#${id}`) ?? null,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    state: tokenState(r, now),
  }));
}

/** What the token pages' one form (issue or revoke) answers. */
export type TokenFormResult =
  | { ok: true; issued: { name: string; secret: string } }
  | { ok: true; revoked: true }
  | { ok: false; status: number; errors: FieldErrors; values: Record<string, unknown> };

/**
 * The token pages' form, for administrators and applicants alike: `intent=revoke` revokes the
 * token `id`; otherwise the values are checked against IssueTokenSchema and a token is issued.
 */
export async function submitTokenForm(
  db: DB,
  actor: Actor,
  values: Record<string, unknown>,
): Promise<TokenFormResult> {
  if (values.intent === "revoke") {
    const done = await revokeApiToken(db, actor, Number(values.id));
    return done.ok
      ? { ok: true, revoked: true }
      : { ok: false, status: done.status, errors: done.errors, values: {} };
  }
  const parsed = IssueTokenSchema.safeParse(values);
  if (!parsed.success)
    return { ok: false, status: 400, errors: zodFieldErrors(parsed.error), values };
  const issued = await issueApiToken(db, actor, parsed.data);
  return issued.ok
    ? { ok: true, issued: { name: parsed.data.name, secret: issued.secret } }
    : { ok: false, status: issued.status, errors: issued.errors, values };
}

/**
 * Issues a token: an administrator's for an integration, acting for the administrator or for a
 * named official or administrator account (`actsFor`: the integration's own staff account, whose
 * live role and declared conflicts then bound what it reads); an applicant's personal token acts
 * for the applicant. Scopes the acting user's role may not hold are refused; named calls must
 * exist. Audited without the secret. Answers the secret once.
 */
export async function issueApiToken(
  db: DB,
  actor: Actor,
  input: IssueTokenInput,
  now: Date = new Date(),
): Promise<CommandResult<{ id: number; secret: string }>> {
  return runCommand(() =>
    db.transaction().execute(async (trx) => {
      if (!mayIssueTokens(actor.role)) refuse(403, "api.token.error.role");
      let holder: { id: number; role: Role } = { id: actor.id, role: actor.role };
      if (input.actsFor && input.actsFor.toLowerCase() !== actor.email.toLowerCase()) {
        if (actor.role !== "admin") refuse(400, { actsFor: msg("api.token.error.actsFor") });
        const named = await trx
          .selectFrom("users")
          .select(["id", "role", "disabled_at"])
          .where(sql`lower(email)`, "=", input.actsFor.toLowerCase())
          .executeTakeFirst();
        if (!named || named.disabled_at || (named.role !== "official" && named.role !== "admin"))
          refuse(400, { actsFor: msg("api.token.error.actsFor") });
        holder = { id: named.id, role: named.role };
      }
      const allowed = SCOPES_BY_ROLE[holder.role];
      if (input.scopes.some((s) => !allowed.includes(s)))
        refuse(400, { scopes: msg("api.token.error.scopeRole") });
      let callIds: number[] | null = null;
      const slugs = [...new Set(input.calls.filter(Boolean))];
      if (slugs.length) {
        const rows = await trx
          .selectFrom("calls")
          .select(["id", "slug"])
          .where("slug", "in", slugs)
          .execute();
        if (rows.length !== slugs.length) refuse(400, { calls: msg("api.token.error.calls") });
        callIds = rows.map((r) => r.id).sort((a, b) => a - b);
      }
      const secret = newSecret();
      const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString();
      const row = await trx
        .insertInto("api_tokens")
        .values({
          name: input.name,
          user_id: holder.id,
          created_by: actor.id,
          token_hash: hashApiToken(secret),
          token_hint: secret.slice(0, TOKEN_HINT_LENGTH),
          scopes_json: JSON.stringify([...input.scopes].sort()),
          call_ids_json: callIds ? JSON.stringify(callIds) : null,
          expires_at: expiresAt,
          created_at: now.toISOString(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "api_token.issue",
        entityType: "api_token",
        entityId: row.id,
        after: { name: input.name, actsFor: holder.id, scopes: input.scopes, callIds, expiresAt },
      });
      return { id: row.id, secret };
    }),
  );
}

/**
 * Revokes a token: an administrator any token, anyone else their own (another's is answered as
 * missing). Revoking a revoked token changes nothing and is not audited again.
 */
export async function revokeApiToken(
  db: DB,
  actor: Actor,
  tokenId: number,
  now: Date = new Date(),
): Promise<CommandResult> {
  return runCommand(() =>
    db.transaction().execute(async (trx) => {
      const token = Number.isSafeInteger(tokenId)
        ? await trx
            .selectFrom("api_tokens")
            .select(["id", "user_id", "revoked_at", "name"])
            .where("id", "=", tokenId)
            // Revoked twice at once: the second waits and finds it revoked (nothing to do).
            .$call(forUpdate(trx, "api_tokens"))
            .executeTakeFirst()
        : undefined;
      if (!token || (actor.role !== "admin" && token.user_id !== actor.id))
        refuse(404, "api.token.error.missing");
      if (token.revoked_at) return {};
      const result = await trx
        .updateTable("api_tokens")
        .set({ revoked_at: now.toISOString(), revoked_by: actor.id })
        .where("id", "=", token.id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) refuse(409, "api.token.error.missing");
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "api_token.revoke",
        entityType: "api_token",
        entityId: token.id,
        after: { name: token.name },
      });
      return {};
    }),
  );
}

export interface ApiPrincipal {
  tokenId: number;
  user: { id: number; email: string; role: Role };
  grant: TokenGrant;
}

export type TokenCheck =
  | { ok: true; principal: ApiPrincipal }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "disabled" };

/** Finds the token a presented secret belongs to and whether it may be used now. */
export async function checkApiToken(
  db: DB,
  secret: string,
  now: Date = new Date(),
): Promise<TokenCheck> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200)
    return { ok: false, reason: "unknown" };
  const row = await db
    .selectFrom("api_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select([
      "t.id",
      "t.scopes_json",
      "t.call_ids_json",
      "t.expires_at",
      "t.revoked_at",
      "u.id as user_id",
      "u.email",
      "u.role",
      "u.disabled_at",
    ])
    .where("t.token_hash", "=", hashApiToken(secret))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "unknown" };
  const state = tokenState(row, now);
  if (state !== "active") return { ok: false, reason: state };
  if (row.disabled_at) return { ok: false, reason: "disabled" };
  return {
    ok: true,
    principal: {
      tokenId: row.id,
      user: { id: row.user_id, email: row.email, role: row.role },
      grant: {
        role: row.role,
        scopes: parseJsonArray<ApiScope>(row.scopes_json) ?? [],
        callIds: parseJsonArray<number>(row.call_ids_json),
      },
    },
  };
}

/**
 * Audits a token's use: one "api_token.use" row per token per minute (writeThrottledAudit; the
 * next row carries how many requests the minute before held), and last_used_at moves with it.
 */
export async function auditTokenUse(
  db: DB,
  principal: ApiPrincipal,
  request: { path: string; requestId?: string | null; ip?: string | null },
  now: Date = new Date(),
): Promise<void> {
  const written = await writeThrottledAudit(
    db,
    `api:${principal.tokenId}`,
    {
      actorId: principal.user.id,
      actorEmail: principal.user.email,
      action: "api_token.use",
      entityType: "api_token",
      entityId: principal.tokenId,
      after: { path: request.path.slice(0, 300) },
      requestId: request.requestId ?? null,
      ip: request.ip ?? null,
    },
    now.getTime(),
  );
  if (written)
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: nowIso() })
      .where("id", "=", principal.tokenId)
      .execute();
}

export { grantCoversCall };
