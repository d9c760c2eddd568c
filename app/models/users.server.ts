// Accounts: applicants who register themselves, staff invited by an admin. Each state change runs
// in one transaction with its audit row. E-mail addresses are stored lower-cased and trimmed.
import { sql } from "kysely";
import type { Locale, Role, User } from "~db/schema";
import { writeAudit, writeThrottledAudit } from "~/models/audit.server";
import { nowIso, type DB } from "~/services/db.server";
import { hitRateLimit, RATE_RULES } from "~/services/rate-limit.server";
import {
  createSession,
  destroySession,
  destroySessionByHandle,
  destroyUserSessions,
} from "~/services/session.server";
import { consumeAuthToken, issueAuthToken, type TokenCheck } from "./auth-tokens.server";
import { stageAfterPassword } from "./second-factor.server";

export interface ActorContext {
  actorId: number | null;
  actorEmail?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

export type UserStatus = "active" | "unverified" | "invited" | "disabled";

export function userStatus(
  u: Pick<User, "disabled_at" | "password_hash" | "email_verified_at">,
): UserStatus {
  if (u.disabled_at) return "disabled";
  if (!u.password_hash) return "invited";
  if (!u.email_verified_at) return "unverified";
  return "active";
}

/** What the audit log keeps about an account (never the password hash). */
function auditView(u: User) {
  return {
    email: u.email,
    role: u.role,
    display_name: u.display_name,
    locale: u.locale,
    status: userStatus(u),
  };
}

function audit(
  db: DB,
  ctx: ActorContext,
  action: string,
  user: User,
  before?: unknown,
  after?: unknown,
) {
  return writeAudit(db, {
    actorId: ctx.actorId,
    actorEmail: ctx.actorEmail ?? null,
    action,
    entityType: "user",
    entityId: user.id,
    before,
    after,
    ip: ctx.ip ?? null,
    requestId: ctx.requestId ?? null,
  });
}

export async function findUserByEmail(db: DB, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.trim().toLowerCase())
    .executeTakeFirst();
}

export async function getUserById(db: DB, id: number): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

function isUniqueViolation(err: unknown): boolean {
  return (
    !!err &&
    typeof err === "object" &&
    "code" in err &&
    // SQLite's constraint codes, or PostgreSQL's unique_violation.
    (String((err as { code: unknown }).code).startsWith("SQLITE_CONSTRAINT") ||
      (err as { code: unknown }).code === "23505")
  );
}

// ---------------------------------------------------------------------------------------------
// Applicants: registration and e-mail confirmation

export async function registerApplicant(
  db: DB,
  input: { email: string; displayName: string; passwordHash: string; locale: Locale },
  ctx: Omit<ActorContext, "actorId">,
): Promise<{ status: "created"; user: User; token: string } | { status: "taken" }> {
  if (await findUserByEmail(db, input.email)) return { status: "taken" };
  try {
    return await db.transaction().execute(async (trx) => {
      const now = nowIso();
      const user = await trx
        .insertInto("users")
        .values({
          email: input.email,
          password_hash: input.passwordHash,
          role: "applicant",
          display_name: input.displayName,
          locale: input.locale,
          password_changed_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const token = await issueAuthToken(trx, {
        purpose: "verify_email",
        email: user.email,
        userId: user.id,
      });
      await audit(
        trx,
        { ...ctx, actorId: user.id, actorEmail: user.email },
        "user.registered",
        user,
        null,
        auditView(user),
      );
      return { status: "created" as const, user, token };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { status: "taken" };
    throw err;
  }
}

/** A fresh confirmation link for an enabled account that still needs one, else null. */
export async function issueVerificationLink(
  db: DB,
  email: string,
): Promise<{ user: User; token: string } | null> {
  const user = await findUserByEmail(db, email);
  if (!user || user.disabled_at || user.email_verified_at || !user.password_hash) return null;
  const token = await db
    .transaction()
    .execute((trx) =>
      issueAuthToken(trx, { purpose: "verify_email", email: user.email, userId: user.id }),
    );
  return { user, token };
}

export async function confirmEmail(
  db: DB,
  token: string,
  ctx: Omit<ActorContext, "actorId">,
): Promise<TokenCheck & { user?: User }> {
  return db.transaction().execute(async (trx) => {
    const check = await consumeAuthToken(trx, "verify_email", token);
    if (check.status !== "valid" || check.token.user_id == null) return check;
    const before = await getUserById(trx, check.token.user_id);
    if (!before) return { status: "unknown" as const };
    if (!before.email_verified_at) {
      const now = nowIso();
      await trx
        .updateTable("users")
        .set({ email_verified_at: now, updated_at: now })
        .where("id", "=", before.id)
        .execute();
      const after = (await getUserById(trx, before.id))!;
      await audit(
        trx,
        { ...ctx, actorId: before.id, actorEmail: before.email },
        "user.email_verified",
        before,
        auditView(before),
        auditView(after),
      );
      return { ...check, user: after };
    }
    return { ...check, user: before };
  });
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

export async function signIn(
  db: DB,
  user: Pick<User, "id" | "email">,
  ctx: Omit<ActorContext, "actorId"> & { request: Request },
  secondFactor: "totp" | "recovery_code" | null = null,
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    // Any session the browser already had ends (a staged one too): a sign-in always starts a new
    // session id.
    await destroySession(ctx.request, trx);
    const setCookie = await createSession(trx, user.id, { request: ctx.request });
    await writeAudit(trx, {
      actorId: user.id,
      actorEmail: user.email,
      action: "user.signed_in",
      entityType: "user",
      entityId: user.id,
      after: secondFactor ? { second_factor: secondFactor } : undefined,
      ip: ctx.ip ?? null,
      requestId: ctx.requestId ?? null,
    });
    return setCookie;
  });
}

/**
 * After a correct password: a full session, or — for someone enrolled in two-step verification, or
 * whose role requires it — a staged session that only opens the second step or enrolment
 * (docs/decisions/0011). Returns the Set-Cookie header and which it is.
 */
export async function signInWithPassword(
  db: DB,
  user: Pick<User, "id" | "email" | "role" | "totp_enabled_at">,
  ctx: Omit<ActorContext, "actorId"> & { request: Request },
): Promise<{ setCookie: string; stage: "full" | "totp" | "enrol" }> {
  const stage = stageAfterPassword(user);
  if (stage === "full") return { setCookie: await signIn(db, user, ctx), stage };
  const setCookie = await db.transaction().execute(async (trx) => {
    await destroySession(ctx.request, trx);
    return createSession(trx, user.id, { stage, request: ctx.request });
  });
  return { setCookie, stage };
}

/**
 * Audits a refused sign-in (ASVS 7.1.3/7.2.1): a wrong password or an unknown or disabled account
 * ("sign_in_failed"), or a sign-in refused because the throttle is closed ("sign_in_throttled",
 * the lockout notice). At most one row a minute per kind, e-mail and address, with the count of
 * the minute before on the next row, so that a password-spraying script cannot flood the log.
 */
export async function auditRefusedSignIn(
  db: DB,
  kind: "sign_in_failed" | "sign_in_throttled",
  email: string,
  user: Pick<User, "id" | "email"> | undefined,
  ctx: Omit<ActorContext, "actorId">,
): Promise<void> {
  await writeThrottledAudit(db, `${kind}:${email}:${ctx.ip ?? ""}`, {
    actorId: null,
    actorEmail: null,
    action: `auth.${kind}`,
    entityType: "user",
    entityId: user?.id ?? null,
    after: { email: email.slice(0, 254), known_account: !!user },
    ip: ctx.ip ?? null,
    requestId: ctx.requestId ?? null,
  });
}

/**
 * Records that an account is under a guessing attack (its failures from every address reached
 * the notice threshold): the audit row, and whether its owner is to be e-mailed now — at most once
 * per notice window (RATE_RULES.signInNotice), so the attacker cannot flood the owner's inbox.
 * The caller sends the mail after the commit.
 */
export async function noticeSignInAttack(
  db: DB,
  user: Pick<User, "id" | "email">,
  ctx: Omit<ActorContext, "actorId"> & { failures: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (await hitRateLimit(trx, RATE_RULES.signInNotice, String(user.id))) return false;
    await writeAudit(trx, {
      actorId: null,
      action: "user.sign_in_attack_noticed",
      entityType: "user",
      entityId: user.id,
      after: { failures: ctx.failures, windowMinutes: RATE_RULES.signInAccount.windowMs / 60_000 },
      ip: ctx.ip ?? null,
      requestId: ctx.requestId ?? null,
    });
    return true;
  });
}

export async function signOut(
  db: DB,
  request: Request,
  user: Pick<User, "id" | "email"> | null,
  ctx: Omit<ActorContext, "actorId">,
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const setCookie = await destroySession(request, trx);
    if (user) {
      await writeAudit(trx, {
        actorId: user.id,
        actorEmail: user.email,
        action: "user.signed_out",
        entityType: "user",
        entityId: user.id,
        ip: ctx.ip ?? null,
        requestId: ctx.requestId ?? null,
      });
    }
    return setCookie;
  });
}

/** Ends one of the user's own sessions from the list of signed-in sessions; audited. */
export async function endOwnSession(
  db: DB,
  userId: number,
  handle: string,
  ctx: ActorContext,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ended = await destroySessionByHandle(trx, userId, handle);
    if (ended) {
      await writeAudit(trx, {
        actorId: ctx.actorId,
        actorEmail: ctx.actorEmail ?? null,
        action: "user.session_ended",
        entityType: "user",
        entityId: userId,
        after: { session: handle },
        ip: ctx.ip ?? null,
        requestId: ctx.requestId ?? null,
      });
    }
    return ended;
  });
}

/** Ends every session of the user but the request's own; audited. */
export async function endOtherSessions(
  db: DB,
  userId: number,
  request: Request,
  ctx: ActorContext,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await destroyUserSessions(trx, userId, request);
    await writeAudit(trx, {
      actorId: ctx.actorId,
      actorEmail: ctx.actorEmail ?? null,
      action: "user.sessions_ended",
      entityType: "user",
      entityId: userId,
      after: { sessions_ended: "all other" },
      ip: ctx.ip ?? null,
      requestId: ctx.requestId ?? null,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Passwords

/** A reset link for an enabled account that has a password, else null (the page says the same). */
export async function issuePasswordResetLink(
  db: DB,
  email: string,
): Promise<{ user: User; token: string } | null> {
  const user = await findUserByEmail(db, email);
  if (!user || user.disabled_at || !user.password_hash) return null;
  const token = await db
    .transaction()
    .execute((trx) =>
      issueAuthToken(trx, { purpose: "reset_password", email: user.email, userId: user.id }),
    );
  return { user, token };
}

/**
 * Sets a new password from a reset link: ends every session of the account (whoever had it is
 * out), and confirms the e-mail address, since the link proved the person reads that mailbox.
 */
export async function resetPasswordWithToken(
  db: DB,
  token: string,
  passwordHash: string,
  ctx: Omit<ActorContext, "actorId">,
): Promise<TokenCheck & { user?: User }> {
  return db.transaction().execute(async (trx) => {
    const check = await consumeAuthToken(trx, "reset_password", token);
    if (check.status !== "valid" || check.token.user_id == null) return check;
    const before = await getUserById(trx, check.token.user_id);
    if (!before || before.disabled_at) return { status: "unknown" as const };
    const now = nowIso();
    await trx
      .updateTable("users")
      .set({
        password_hash: passwordHash,
        password_changed_at: now,
        email_verified_at: before.email_verified_at ?? now,
        updated_at: now,
      })
      .where("id", "=", before.id)
      .execute();
    await destroyUserSessions(trx, before.id);
    const after = (await getUserById(trx, before.id))!;
    await audit(
      trx,
      { ...ctx, actorId: before.id, actorEmail: before.email },
      "user.password_reset",
      before,
      auditView(before),
      { ...auditView(after), sessions_ended: "all" },
    );
    return { ...check, user: after };
  });
}

/** A signed-in user's own password change: every other session of theirs ends. */
export async function changePassword(
  db: DB,
  userId: number,
  passwordHash: string,
  request: Request,
  ctx: ActorContext,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = (await getUserById(trx, userId))!;
    const now = nowIso();
    await trx
      .updateTable("users")
      .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
      .where("id", "=", userId)
      .execute();
    await destroyUserSessions(trx, userId, request);
    await audit(trx, ctx, "user.password_changed", before, undefined, {
      sessions_ended: "all other",
    });
  });
}

export async function updateAccountDetails(
  db: DB,
  userId: number,
  input: { displayName: string; locale: Locale },
  ctx: ActorContext,
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const before = (await getUserById(trx, userId))!;
    await trx
      .updateTable("users")
      .set({ display_name: input.displayName, locale: input.locale, updated_at: nowIso() })
      .where("id", "=", userId)
      .execute();
    const after = (await getUserById(trx, userId))!;
    await audit(trx, ctx, "user.details_changed", after, auditView(before), auditView(after));
    return after;
  });
}

/**
 * The language just chosen (the switch, or the page language at sign-in after a choice) becomes
 * the account's stored preference, which mail and later sign-ins use (issue 14, point 6). Nothing
 * is written when it is already the preference.
 */
export async function setPreferredLanguage(
  db: DB,
  userId: number,
  locale: Locale,
  ctx: ActorContext,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await getUserById(trx, userId);
    if (!before || before.locale === locale) return false;
    const result = await trx
      .updateTable("users")
      .set({ locale, updated_at: nowIso() })
      .where("id", "=", userId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new Error("language not saved");
    const after = (await getUserById(trx, userId))!;
    await audit(trx, ctx, "user.language_changed", after, { locale: before.locale }, { locale });
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff administration (admins)

export interface UserListFilter {
  role?: Role;
  q?: string;
  limit?: number;
  offset?: number;
}

export async function listUsers(db: DB, filter: UserListFilter = {}) {
  let query = db
    .selectFrom("users")
    .select([
      "id",
      "email",
      "display_name",
      "role",
      "locale",
      "email_verified_at",
      "disabled_at",
      "password_hash",
      "created_at",
      "totp_enabled_at",
    ]);
  if (filter.role) query = query.where("role", "=", filter.role);
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(sql<string>`lower(email)`, "like", sql<string>`${like} escape '\\'`),
        eb(sql<string>`lower(display_name)`, "like", sql<string>`${like} escape '\\'`),
      ]),
    );
  }
  const rows = await query
    .orderBy(
      sql`case role when 'admin' then 0 when 'official' then 1 when 'reviewer' then 2 else 3 end`,
    )
    .orderBy("email")
    .limit(filter.limit ?? 200)
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map(({ password_hash, ...u }) => ({
    ...u,
    status: userStatus({ ...u, password_hash }),
  }));
}

/**
 * Invites a member of staff: the account is created at once without a password ("invited"), so
 * that the admin sees it in the list and the invitation can carry the name; the invitee chooses a
 * password through the link. Inviting an address that is still only invited sends a new link.
 */
export async function inviteStaff(
  db: DB,
  input: { email: string; displayName: string; role: Exclude<Role, "applicant"> },
  ctx: ActorContext,
): Promise<{ status: "invited"; user: User; token: string } | { status: "exists" }> {
  return db.transaction().execute(async (trx) => {
    const existing = await findUserByEmail(trx, input.email);
    if (existing && (existing.password_hash || existing.role === "applicant")) {
      return { status: "exists" as const };
    }
    const now = nowIso();
    let user: User;
    if (existing) {
      user = await trx
        .updateTable("users")
        .set({
          display_name: input.displayName,
          role: input.role,
          disabled_at: null,
          updated_at: now,
        })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      user = await trx
        .insertInto("users")
        .values({
          email: input.email,
          password_hash: null,
          role: input.role,
          display_name: input.displayName,
          locale: "en",
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const token = await issueAuthToken(trx, {
      purpose: "invite",
      email: user.email,
      userId: user.id,
      role: input.role,
    });
    await audit(
      trx,
      ctx,
      "user.invited",
      user,
      existing ? auditView(existing) : null,
      auditView(user),
    );
    return { status: "invited" as const, user, token };
  });
}

/** The invitee sets name and password; the account is confirmed and signed in. */
export async function acceptInvite(
  db: DB,
  token: string,
  input: { displayName: string; passwordHash: string },
  ctx: Omit<ActorContext, "actorId">,
): Promise<TokenCheck & { user?: User; setCookie?: string; stage?: "full" | "totp" | "enrol" }> {
  return db.transaction().execute(async (trx) => {
    const check = await consumeAuthToken(trx, "invite", token);
    if (check.status !== "valid" || check.token.user_id == null) return check;
    const before = await getUserById(trx, check.token.user_id);
    if (!before || before.disabled_at || before.password_hash) return { status: "used" as const };
    const now = nowIso();
    const after = await trx
      .updateTable("users")
      .set({
        display_name: input.displayName,
        password_hash: input.passwordHash,
        password_changed_at: now,
        email_verified_at: now,
        role: check.token.role && check.token.role !== "applicant" ? check.token.role : before.role,
        updated_at: now,
      })
      .where("id", "=", before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(
      trx,
      { ...ctx, actorId: after.id, actorEmail: after.email },
      "user.invite_accepted",
      after,
      auditView(before),
      auditView(after),
    );
    // An admin (or a role MFA_REQUIRED_ROLES names) sets up two-step verification before anything.
    const stage = stageAfterPassword(after);
    const setCookie = await createSession(trx, after.id, {
      stage: stage === "full" ? undefined : stage,
    });
    return { ...check, user: after, setCookie, stage };
  });
}

export type AdminChangeResult =
  | { ok: true; user: User }
  | { ok: false; reason: "not_found" | "self" | "not_staff" | "unchanged" };

/** Disables or re-enables an account; disabling ends its sessions at once. Not one's own. */
export async function setUserDisabled(
  db: DB,
  userId: number,
  disabled: boolean,
  ctx: ActorContext,
): Promise<AdminChangeResult> {
  return db.transaction().execute(async (trx) => {
    const before = await getUserById(trx, userId);
    if (!before) return { ok: false as const, reason: "not_found" as const };
    if (before.id === ctx.actorId) return { ok: false as const, reason: "self" as const };
    if (!!before.disabled_at === disabled)
      return { ok: false as const, reason: "unchanged" as const };
    const now = nowIso();
    const after = await trx
      .updateTable("users")
      .set({ disabled_at: disabled ? now : null, updated_at: now })
      .where("id", "=", userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (disabled) {
      await destroyUserSessions(trx, userId);
      // An outstanding invitation or reset link must not bring the account back.
      await trx
        .updateTable("auth_tokens")
        .set({ used_at: now })
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .execute();
    }
    await audit(
      trx,
      ctx,
      disabled ? "user.disabled" : "user.enabled",
      after,
      auditView(before),
      disabled ? { ...auditView(after), sessions_ended: "all" } : auditView(after),
    );
    return { ok: true as const, user: after };
  });
}

/** Changes a staff member's role (reviewer, official, admin). Not one's own; not applicants. */
export async function changeStaffRole(
  db: DB,
  userId: number,
  role: Exclude<Role, "applicant">,
  ctx: ActorContext,
): Promise<AdminChangeResult> {
  return db.transaction().execute(async (trx) => {
    const before = await getUserById(trx, userId);
    if (!before) return { ok: false as const, reason: "not_found" as const };
    if (before.id === ctx.actorId) return { ok: false as const, reason: "self" as const };
    if (before.role === "applicant") return { ok: false as const, reason: "not_staff" as const };
    if (before.role === role) return { ok: false as const, reason: "unchanged" as const };
    const after = await trx
      .updateTable("users")
      .set({ role, updated_at: nowIso() })
      .where("id", "=", userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Pending invitation links carry the role too: keep them in step.
    await trx
      .updateTable("auth_tokens")
      .set({ role })
      .where("user_id", "=", userId)
      .where("purpose", "=", "invite")
      .where("used_at", "is", null)
      .execute();
    await audit(trx, ctx, "user.role_changed", after, auditView(before), auditView(after));
    return { ok: true as const, user: after };
  });
}
