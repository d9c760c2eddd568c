// One-time links (e-mail confirmation, password reset, staff invitation). The link carries 32
// random bytes in base64url; the database keeps only their SHA-256, so a copy of the database
// cannot be turned into working links. A token works once and only before it expires.
import crypto from "node:crypto";
import type { Role } from "~db/schema";
import type { DB } from "~/services/db.server";

export type TokenPurpose = "verify_email" | "reset_password" | "invite";

const HOUR = 60 * 60 * 1000;
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 48 * HOUR,
  reset_password: 1 * HOUR,
  invite: 7 * 24 * HOUR,
};

export function hashAuthToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export interface IssueTokenInput {
  purpose: TokenPurpose;
  email: string;
  userId?: number | null;
  role?: Role | null;
}

/**
 * Creates a token and returns it in clear (for the link; it is not stored). Earlier unused tokens
 * of the same purpose for the same address stop working: only the newest link counts.
 */
export async function issueAuthToken(
  db: DB,
  input: IssueTokenInput,
  now: number = Date.now(),
): Promise<string> {
  const token = crypto.randomBytes(32).toString("base64url");
  const nowIso = new Date(now).toISOString();
  await db
    .updateTable("auth_tokens")
    .set({ used_at: nowIso })
    .where("purpose", "=", input.purpose)
    .where("email", "=", input.email)
    .where("used_at", "is", null)
    .execute();
  await db
    .insertInto("auth_tokens")
    .values({
      token_hash: hashAuthToken(token),
      purpose: input.purpose,
      user_id: input.userId ?? null,
      email: input.email,
      role: input.role ?? null,
      expires_at: new Date(now + TOKEN_LIFETIME_MS[input.purpose]).toISOString(),
      created_at: nowIso,
    })
    .execute();
  return token;
}

export interface AuthTokenRow {
  id: number;
  purpose: TokenPurpose;
  user_id: number | null;
  email: string;
  role: Role | null;
  expires_at: string;
}

export type TokenCheck =
  { status: "valid"; token: AuthTokenRow } | { status: "used" | "expired" | "unknown" };

/** Looks a token up without using it (to decide which page to show). */
export async function checkAuthToken(
  db: DB,
  purpose: TokenPurpose,
  token: string | null | undefined,
  now: number = Date.now(),
): Promise<TokenCheck> {
  if (!token || token.length > 200) return { status: "unknown" };
  const row = await db
    .selectFrom("auth_tokens")
    .select(["id", "purpose", "user_id", "email", "role", "expires_at", "used_at"])
    .where("token_hash", "=", hashAuthToken(token))
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  if (!row) return { status: "unknown" };
  if (row.used_at) return { status: "used" };
  if (Date.parse(row.expires_at) <= now) return { status: "expired" };
  const { used_at: _u, ...rest } = row;
  return { status: "valid", token: rest };
}

/**
 * Uses a token: checks it and marks it used in one conditional update, so two requests racing
 * with the same link cannot both succeed. Call it inside the transaction that acts on it.
 */
export async function consumeAuthToken(
  db: DB,
  purpose: TokenPurpose,
  token: string | null | undefined,
  now: number = Date.now(),
): Promise<TokenCheck> {
  const check = await checkAuthToken(db, purpose, token, now);
  if (check.status !== "valid") return check;
  const result = await db
    .updateTable("auth_tokens")
    .set({ used_at: new Date(now).toISOString() })
    .where("id", "=", check.token.id)
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { status: "used" };
  return check;
}
