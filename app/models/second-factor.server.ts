// Two-step verification for staff (TOTP, RFC 6238) and its recovery codes: enrolment, the second
// step of signing in, new recovery codes, turning it off and an admin's reset. Each change runs in
// one transaction with its audit row. The codes and rules are app/services/totp.server.ts and
// app/domain/second-factor.ts; MFA_REQUIRED_ROLES says which staff roles must use it.
import type { User } from "~db/schema";
import { secondFactorRequired, signInStage, type StaffRole } from "~/domain/second-factor";
import { writeAudit, writeThrottledAudit } from "~/models/audit.server";
import { nowIso, type DB } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import {
  hashRecoveryCode,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeMatches,
} from "~/services/totp.server";
import type { RateRule } from "~/services/rate-limit.server";
import { destroyUserSessions } from "~/services/session.server";
import type { ActorContext } from "./users.server";

export function requiredRoles(): readonly StaffRole[] {
  return getEnv().MFA_REQUIRED_ROLES;
}

export function mustUseSecondFactor(role: User["role"]): boolean {
  return secondFactorRequired(role, requiredRoles());
}

/** What a correct password opens for this account (see domain/second-factor.ts signInStage). */
export function stageAfterPassword(user: Pick<User, "role" | "totp_enabled_at">) {
  return signInStage({
    role: user.role,
    totpEnabled: !!user.totp_enabled_at,
    requiredRoles: requiredRoles(),
  });
}

export interface SecondFactorStatus {
  enabledAt: string | null;
  required: boolean;
  pendingSecret: string | null;
  recoveryCodesLeft: number;
}

export async function secondFactorStatus(db: DB, userId: number): Promise<SecondFactorStatus> {
  const user = await db
    .selectFrom("users")
    .select(["role", "totp_enabled_at", "totp_pending_secret"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  const left = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return {
    enabledAt: user.totp_enabled_at,
    required: mustUseSecondFactor(user.role),
    pendingSecret: user.totp_pending_secret,
    recoveryCodesLeft: Number(left?.n ?? 0),
  };
}

function audit(db: DB, ctx: ActorContext, action: string, userId: number, after?: unknown) {
  return writeAudit(db, {
    actorId: ctx.actorId,
    actorEmail: ctx.actorEmail ?? null,
    action,
    entityType: "user",
    entityId: userId,
    after,
    ip: ctx.ip ?? null,
    requestId: ctx.requestId ?? null,
  });
}

/** Starts (or restarts) enrolment: a new secret waits for its first code. Returns the secret. */
export async function startTotpEnrolment(db: DB, userId: number): Promise<string> {
  const secret = newTotpSecret();
  await db
    .updateTable("users")
    .set({ totp_pending_secret: secret, updated_at: nowIso() })
    .where("id", "=", userId)
    .where("totp_enabled_at", "is", null)
    .execute();
  return secret;
}

async function replaceRecoveryCodes(db: DB, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("recovery_codes")
    .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c) })))
    .execute();
  return codes;
}

export type EnrolResult =
  { ok: true; recoveryCodes: string[] } | { ok: false; reason: "no_pending" | "wrong_code" };

/** Confirms enrolment with the first code from the app: turns it on, issues recovery codes. */
export async function confirmTotpEnrolment(
  db: DB,
  userId: number,
  code: string,
  ctx: ActorContext,
): Promise<EnrolResult> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select(["totp_pending_secret", "totp_enabled_at"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    if (!user.totp_pending_secret || user.totp_enabled_at)
      return { ok: false as const, reason: "no_pending" as const };
    const step = matchTotp(user.totp_pending_secret, code, null);
    if (step === null) return { ok: false as const, reason: "wrong_code" as const };
    const now = nowIso();
    await trx
      .updateTable("users")
      .set({
        totp_secret: user.totp_pending_secret,
        totp_pending_secret: null,
        totp_enabled_at: now,
        totp_last_step: step,
        updated_at: now,
      })
      .where("id", "=", userId)
      .execute();
    const recoveryCodes = await replaceRecoveryCodes(trx, userId);
    await audit(trx, ctx, "user.totp_enrolled", userId, {
      recovery_codes: recoveryCodes.length,
    });
    return { ok: true as const, recoveryCodes };
  });
}

/** New recovery codes (the old ones stop working). */
export async function regenerateRecoveryCodes(
  db: DB,
  userId: number,
  ctx: ActorContext,
): Promise<string[] | null> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select("totp_enabled_at")
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    if (!user.totp_enabled_at) return null;
    const codes = await replaceRecoveryCodes(trx, userId);
    await audit(trx, ctx, "user.recovery_codes_regenerated", userId, {
      recovery_codes: codes.length,
    });
    return codes;
  });
}

/**
 * Turns two-step verification off: by the user themself (refused while their role requires it),
 * or as an admin's reset for someone who lost their phone, which also ends that person's sessions
 * (they enrol again at their next sign-in if their role requires it).
 */
export async function removeSecondFactor(
  db: DB,
  userId: number,
  ctx: ActorContext,
  by: "self" | "admin",
): Promise<{ ok: true } | { ok: false; reason: "required" | "not_enrolled" | "not_found" }> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select(["role", "totp_enabled_at", "totp_pending_secret"])
      .where("id", "=", userId)
      .executeTakeFirst();
    if (!user) return { ok: false as const, reason: "not_found" as const };
    if (!user.totp_enabled_at && !user.totp_pending_secret)
      return { ok: false as const, reason: "not_enrolled" as const };
    if (by === "self" && mustUseSecondFactor(user.role))
      return { ok: false as const, reason: "required" as const };
    await trx
      .updateTable("users")
      .set({
        totp_secret: null,
        totp_pending_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        updated_at: nowIso(),
      })
      .where("id", "=", userId)
      .execute();
    await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
    if (by === "admin") await destroyUserSessions(trx, userId);
    await audit(
      trx,
      ctx,
      by === "admin" ? "user.totp_reset" : "user.totp_disabled",
      userId,
      by === "admin" ? { sessions_ended: "all" } : undefined,
    );
    return { ok: true as const };
  });
}

/**
 * Checks a second-step code: a TOTP code for a later time step than the last accepted, or an
 * unused recovery code (which is then used up). Returns what matched, or null; a failure is
 * audited (at most one row a minute per account).
 */
export async function verifySecondFactor(
  db: DB,
  user: Pick<User, "id" | "email">,
  code: string,
  ctx: ActorContext,
): Promise<"totp" | "recovery_code" | null> {
  const result = await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("users")
      .select(["totp_secret", "totp_last_step"])
      .where("id", "=", user.id)
      .executeTakeFirst();
    if (!row?.totp_secret) return null;
    if (looksLikeRecoveryCode(code)) {
      const codes = await trx
        .selectFrom("recovery_codes")
        .select(["id", "code_hash"])
        .where("user_id", "=", user.id)
        .where("used_at", "is", null)
        .execute();
      const hit = codes.find((c) => recoveryCodeMatches(code, c.code_hash));
      if (!hit) return null;
      await trx
        .updateTable("recovery_codes")
        .set({ used_at: nowIso() })
        .where("id", "=", hit.id)
        .execute();
      await audit(trx, ctx, "user.recovery_code_used", user.id, {
        recovery_codes_left: codes.length - 1,
      });
      return "recovery_code" as const;
    }
    const step = matchTotp(row.totp_secret, code, row.totp_last_step);
    if (step === null) return null;
    await trx
      .updateTable("users")
      .set({ totp_last_step: step })
      .where("id", "=", user.id)
      .execute();
    return "totp" as const;
  });
  if (!result) {
    await writeThrottledAudit(db, `second_factor_failed:${user.id}`, {
      actorId: user.id,
      actorEmail: user.email,
      action: "auth.second_factor_failed",
      entityType: "user",
      entityId: user.id,
      ip: ctx.ip ?? null,
      requestId: ctx.requestId ?? null,
    });
  }
  return result;
}

/** Wrong second-step codes per account: 5 per 15 minutes, then the sign-in must wait. */
export const SECOND_FACTOR_RULE = {
  bucket: "second-factor:account",
  max: 5,
  windowMs: 15 * 60_000,
  message: "auth.error.throttled",
} as const satisfies RateRule;
