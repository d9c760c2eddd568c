// ASVS level 2 for staff, through the real routes: two-step verification (TOTP, RFC 6238) with
// recovery codes — required for admins, offered to other staff, required for them by
// MFA_REQUIRED_ROLES — the two-step sign-in that opens no session before the code, enrolment
// forced after the password, and the list of signed-in sessions with ending one or all others.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as account from "~/routes/account";
import * as security from "~/routes/account_.security";
import * as adminIndex from "~/routes/admin._index";
import * as adminUsers from "~/routes/admin.users";
import * as login from "~/routes/login";
import * as loginCode from "~/routes/login_.code";
import { getDb } from "~/services/db.server";
import { resetEnvCache } from "~/services/env.server";
import { getUser } from "~/services/session.server";
import { newTotpSecret, totpCode } from "~/services/totp.server";
import { createUser, signedIn, TEST_PASSWORD } from "../support/factories";
import { callAction, callLoader, cookieFrom } from "../support/remix";

const db = () => getDb();
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});
afterEach(() => {
  delete process.env.MFA_REQUIRED_ROLES;
  resetEnvCache();
});

async function passwordStep(email: string, userAgent = FIREFOX, returnTo?: string) {
  return callAction(
    login.action,
    "/login",
    { email, password: TEST_PASSWORD, ...(returnTo ? { returnTo } : {}) },
    { headers: { "User-Agent": userAgent } },
  );
}

async function enrolled(role: "official" | "admin" | "reviewer") {
  const user = await createUser(role);
  const secret = newTotpSecret();
  await db()
    .updateTable("users")
    .set({ totp_secret: secret, totp_enabled_at: new Date().toISOString() })
    .where("id", "=", user.id)
    .execute();
  return { user, secret };
}

const asRequest = (cookie: string) =>
  new Request("http://localhost:3000/", { headers: { Cookie: cookie } });

async function auditActions(userId: number) {
  const rows = await db()
    .selectFrom("audit_log")
    .select(["action", "after_json"])
    .where("entity_type", "=", "user")
    .where("entity_id", "=", String(userId))
    .orderBy("id")
    .execute();
  return rows.map((r) => r.action);
}

describe("two-step sign-in for enrolled staff", () => {
  it("the password opens no session; the code does, with a new id", async () => {
    const { user, secret } = await enrolled("official");
    const first = await passwordStep(user.email, FIREFOX, "/admin/calls");
    expect(first.status).toBe(302);
    expect(first.location).toBe("/login/code?returnTo=%2Fadmin%2Fcalls");
    const staged = cookieFrom(first.setCookie);
    // Nothing accepts the staged session: no user, every page sends to sign in.
    expect(await getUser(asRequest(staged))).toBeNull();
    expect((await callLoader(adminIndex.loader, "/admin", { cookie: staged })).location).toMatch(
      /^\/login\?/,
    );
    expect((await callLoader(login.loader, "/login", { cookie: staged })).location).toBe(
      "/login/code",
    );
    expect((await callLoader(loginCode.loader, "/login/code", { cookie: staged })).status).toBe(
      200,
    );

    const wrong = await callAction(
      loginCode.action,
      "/login/code",
      { code: "000000", returnTo: "/admin/calls" },
      { cookie: staged },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.data.errors.code).toBe("security.error.codeWrong");
    expect(await auditActions(user.id)).toContain("auth.second_factor_failed");

    const right = await callAction(
      loginCode.action,
      "/login/code",
      { code: totpCode(secret), returnTo: "/admin/calls" },
      { cookie: staged },
    );
    expect(right.status).toBe(302);
    expect(right.location).toBe("/admin/calls");
    const full = cookieFrom(right.setCookie);
    expect(full).not.toBe(staged);
    expect((await getUser(asRequest(full)))?.id).toBe(user.id);
    // The staged row is gone.
    expect(await getUser(asRequest(staged))).toBeNull();
    expect((await callLoader(loginCode.loader, "/login/code", { cookie: staged })).location).toBe(
      "/login",
    );
  });

  it("a code is good once: signing in again with the same code is refused", async () => {
    const { user, secret } = await enrolled("reviewer");
    const code = totpCode(secret);
    const a = cookieFrom((await passwordStep(user.email)).setCookie);
    expect(
      (await callAction(loginCode.action, "/login/code", { code }, { cookie: a })).status,
    ).toBe(302);
    const b = cookieFrom((await passwordStep(user.email)).setCookie);
    const again = await callAction(loginCode.action, "/login/code", { code }, { cookie: b });
    expect(again.status).toBe(400);
  });

  it("five wrong codes close the second step for the account", async () => {
    const { user, secret } = await enrolled("official");
    const staged = cookieFrom((await passwordStep(user.email)).setCookie);
    for (let i = 0; i < 5; i++)
      await callAction(loginCode.action, "/login/code", { code: "123456" }, { cookie: staged });
    const right = await callAction(
      loginCode.action,
      "/login/code",
      { code: totpCode(secret) },
      { cookie: staged },
    );
    expect(right.status).toBe(429);
  });

  it("a staged session ends after ten minutes", async () => {
    const { user, secret } = await enrolled("official");
    const staged = cookieFrom((await passwordStep(user.email)).setCookie);
    await db()
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("user_id", "=", user.id)
      .execute();
    const res = await callAction(
      loginCode.action,
      "/login/code",
      { code: totpCode(secret) },
      { cookie: staged },
    );
    expect(res.location).toBe("/login");
  });
});

describe("enrolment", () => {
  it("an admin without a second factor is sent to enrolment and can do nothing else until enrolled", async () => {
    const admin = await createUser("admin");
    const first = await passwordStep(admin.email);
    expect(first.location).toBe("/account/security");
    const staged = cookieFrom(first.setCookie);
    expect(await getUser(asRequest(staged))).toBeNull();
    expect((await callLoader(adminIndex.loader, "/admin", { cookie: staged })).location).toMatch(
      /^\/login\?/,
    );
    expect((await callLoader(login.loader, "/login", { cookie: staged })).location).toBe(
      "/account/security",
    );
    expect((await callLoader(account.loader, "/account", { cookie: staged })).status).toBe(302);
    // Ending sessions needs a full session.
    expect(
      (
        await callAction(
          security.action,
          "/account/security",
          { intent: "end-others" },
          {
            cookie: staged,
          },
        )
      ).status,
    ).toBe(403);

    const page = await callLoader(security.loader, "/account/security", { cookie: staged });
    expect(page.data.mode).toBe("enrol");
    expect(page.data.required).toBe(true);
    expect(page.data.pending).toBeNull();
    const start = await callAction(
      security.action,
      "/account/security",
      { intent: "start" },
      { cookie: staged },
    );
    expect(start.status).toBe(302);
    const withQr = await callLoader(security.loader, "/account/security", { cookie: staged });
    expect(withQr.data.pending.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    const { totp_pending_secret: secret } = await db()
      .selectFrom("users")
      .select("totp_pending_secret")
      .where("id", "=", admin.id)
      .executeTakeFirstOrThrow();
    expect(withQr.data.pending.secret.replace(/ /g, "")).toBe(secret);

    const wrong = await callAction(
      security.action,
      "/account/security",
      { intent: "confirm", code: "000000" },
      { cookie: staged },
    );
    expect(wrong.status).toBe(400);
    const ok = await callAction(
      security.action,
      "/account/security",
      { intent: "confirm", code: totpCode(secret!) },
      { cookie: staged },
    );
    expect(ok.status).toBe(200);
    expect(ok.data.recoveryCodes).toHaveLength(10);
    const full = cookieFrom(ok.setCookie);
    expect((await callLoader(adminIndex.loader, "/admin", { cookie: full })).status).toBe(200);
    expect(await auditActions(admin.id)).toContain("user.totp_enrolled");
    const stored = await db()
      .selectFrom("recovery_codes")
      .select("code_hash")
      .where("user_id", "=", admin.id)
      .execute();
    expect(stored).toHaveLength(10);
    for (const code of ok.data.recoveryCodes as string[])
      expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, ""));
  });

  it("officials and reviewers are offered it and sign in at once by default", async () => {
    const official = await createUser("official");
    const res = await passwordStep(official.email);
    expect(res.location).toBe("/admin");
    expect((await getUser(asRequest(cookieFrom(res.setCookie))))?.id).toBe(official.id);
    const page = await callLoader(security.loader, "/account/security", {
      cookie: cookieFrom(res.setCookie),
    });
    expect(page.data.offered).toBe(true);
    expect(page.data.required).toBe(false);
  });

  it("MFA_REQUIRED_ROLES makes it required for officials and reviewers too", async () => {
    process.env.MFA_REQUIRED_ROLES = "admin,official,reviewer";
    resetEnvCache();
    for (const role of ["official", "reviewer"] as const) {
      const u = await createUser(role);
      expect((await passwordStep(u.email)).location, role).toBe("/account/security");
    }
    const applicant = await createUser("applicant");
    expect((await passwordStep(applicant.email)).location).toBe("/proposals");
  });

  it("applicants are not offered two-step verification", async () => {
    const { cookie } = await signedIn("applicant");
    const page = await callLoader(security.loader, "/account/security", { cookie });
    expect(page.data.offered).toBe(false);
    const start = await callAction(
      security.action,
      "/account/security",
      { intent: "start" },
      { cookie },
    );
    expect(start.status).toBe(403);
  });
});

describe("recovery codes, turning off, resets", () => {
  async function enrolledThroughPage(role: "official" | "admin") {
    const { user, cookie } = await signedIn(role);
    await callAction(security.action, "/account/security", { intent: "start" }, { cookie });
    const { totp_pending_secret: secret } = await db()
      .selectFrom("users")
      .select("totp_pending_secret")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    const ok = await callAction(
      security.action,
      "/account/security",
      { intent: "confirm", code: totpCode(secret!) },
      { cookie },
    );
    return { user, cookie, secret: secret!, codes: ok.data.recoveryCodes as string[] };
  }

  it("a recovery code signs in once, and only once", async () => {
    const { user, codes } = await enrolledThroughPage("official");
    const staged = cookieFrom((await passwordStep(user.email)).setCookie);
    const used = await callAction(
      loginCode.action,
      "/login/code",
      { code: codes[3]!.toUpperCase() },
      { cookie: staged },
    );
    expect(used.status).toBe(302);
    expect(await auditActions(user.id)).toContain("user.recovery_code_used");
    const again = cookieFrom((await passwordStep(user.email)).setCookie);
    expect(
      (await callAction(loginCode.action, "/login/code", { code: codes[3]! }, { cookie: again }))
        .status,
    ).toBe(400);
  });

  it("new recovery codes replace the old ones, after a current code", async () => {
    const { user, cookie, secret, codes } = await enrolledThroughPage("official");
    const noCode = await callAction(
      security.action,
      "/account/security",
      { intent: "regenerate" },
      { cookie },
    );
    expect(noCode.status).toBe(400);
    const res = await callAction(
      security.action,
      "/account/security",
      { intent: "regenerate", code: totpCode(secret, Date.now() + 30_000) },
      { cookie },
    );
    expect(res.status).toBe(200);
    expect(res.data.recoveryCodes).toHaveLength(10);
    expect(res.data.recoveryCodes).not.toContain(codes[0]);
    const staged = cookieFrom((await passwordStep(user.email)).setCookie);
    expect(
      (await callAction(loginCode.action, "/login/code", { code: codes[0]! }, { cookie: staged }))
        .status,
    ).toBe(400);
    expect(await auditActions(user.id)).toContain("user.recovery_codes_regenerated");
  });

  it("an official may turn it off; an admin may not", async () => {
    const off = await enrolledThroughPage("official");
    const res = await callAction(
      security.action,
      "/account/security",
      { intent: "disable", code: totpCode(off.secret, Date.now() + 30_000) },
      { cookie: off.cookie },
    );
    expect(res.status).toBe(200);
    expect(await auditActions(off.user.id)).toContain("user.totp_disabled");
    expect((await passwordStep(off.user.email)).location).toBe("/admin");

    const admin = await enrolledThroughPage("admin");
    const refused = await callAction(
      security.action,
      "/account/security",
      { intent: "disable", code: totpCode(admin.secret, Date.now() + 30_000) },
      { cookie: admin.cookie },
    );
    expect(refused.status).toBe(400);
    const row = await db()
      .selectFrom("users")
      .select("totp_enabled_at")
      .where("id", "=", admin.user.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_enabled_at).not.toBeNull();
  });
});

describe("an admin's reset", () => {
  it("removes someone's second factor and ends their sessions; audited; not one's own", async () => {
    const { user: victim, secret } = await enrolled("official");
    const staged = cookieFrom((await passwordStep(victim.email)).setCookie);
    const session = await callAction(
      loginCode.action,
      "/login/code",
      { code: totpCode(secret) },
      { cookie: staged },
    );
    const theirs = cookieFrom(session.setCookie);
    const { user: admin, cookie } = await signedIn("admin");
    const res = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "reset-2fa", userId: String(victim.id) },
      { cookie },
    );
    expect(res.status).toBe(200);
    expect(await getUser(asRequest(theirs))).toBeNull();
    expect(await auditActions(victim.id)).toContain("user.totp_reset");
    // Officials are not required by default: the next sign-in is a full session at once.
    expect((await passwordStep(victim.email)).location).toBe("/admin");
    const own = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "reset-2fa", userId: String(admin.id) },
      { cookie },
    );
    expect(own.status).toBe(400);
  });
});

describe("signed-in sessions", () => {
  it("lists the user's browsers, this one first, and ends one of the others", async () => {
    const user = await createUser("applicant");
    const firefox = cookieFrom((await passwordStep(user.email, FIREFOX)).setCookie);
    const chrome = cookieFrom((await passwordStep(user.email, CHROME)).setCookie);
    const page = await callLoader(security.loader, "/account/security", { cookie: chrome });
    expect(page.status).toBe(200);
    const sessions = page.data.sessions as { handle: string; device: string; current: boolean }[];
    expect(sessions.map((s) => [s.device, s.current])).toEqual([
      ["Chrome on Linux", true],
      ["Firefox on Windows", false],
    ]);
    const res = await callAction(
      security.action,
      "/account/security",
      { intent: "end-session", session: sessions[1]!.handle },
      { cookie: chrome },
    );
    expect(res.status).toBe(200);
    expect(await getUser(asRequest(firefox))).toBeNull();
    expect((await getUser(asRequest(chrome)))?.id).toBe(user.id);
    expect(await auditActions(user.id)).toContain("user.session_ended");
  });

  it("ends every other session at once, and one's own by its handle signs out", async () => {
    const user = await createUser("official");
    const a = cookieFrom((await passwordStep(user.email, FIREFOX)).setCookie);
    const b = cookieFrom((await passwordStep(user.email, CHROME)).setCookie);
    const c = cookieFrom((await passwordStep(user.email, CHROME)).setCookie);
    await callAction(security.action, "/account/security", { intent: "end-others" }, { cookie: c });
    expect(await getUser(asRequest(a))).toBeNull();
    expect(await getUser(asRequest(b))).toBeNull();
    const page = await callLoader(security.loader, "/account/security", { cookie: c });
    expect(page.data.sessions).toHaveLength(1);
    const own = await callAction(
      security.action,
      "/account/security",
      { intent: "end-session", session: page.data.sessions[0].handle },
      { cookie: c },
    );
    expect(own.location).toBe("/login");
    expect(await getUser(asRequest(c))).toBeNull();
  });

  it("signs out everywhere, here included", async () => {
    const user = await createUser("reviewer");
    const a = cookieFrom((await passwordStep(user.email, FIREFOX)).setCookie);
    const b = cookieFrom((await passwordStep(user.email, CHROME)).setCookie);
    const res = await callAction(
      security.action,
      "/account/security",
      { intent: "end-all" },
      { cookie: b },
    );
    expect(res.location).toBe("/login");
    expect(await getUser(asRequest(a))).toBeNull();
    expect(await getUser(asRequest(b))).toBeNull();
  });

  it("cannot end another user's session", async () => {
    const victim = await createUser("official");
    const theirs = cookieFrom((await passwordStep(victim.email)).setCookie);
    const theirPage = await callLoader(security.loader, "/account/security", { cookie: theirs });
    const handle = theirPage.data.sessions[0].handle as string;
    const { cookie } = await signedIn("official");
    await callAction(
      security.action,
      "/account/security",
      { intent: "end-session", session: handle },
      { cookie },
    );
    expect((await getUser(asRequest(theirs)))?.id).toBe(victim.id);
  });

  it("a password change ends the others, and the list shows only this browser", async () => {
    const user = await createUser("reviewer");
    const other = cookieFrom((await passwordStep(user.email, FIREFOX)).setCookie);
    const mine = cookieFrom((await passwordStep(user.email, CHROME)).setCookie);
    const res = await callAction(
      account.action,
      "/account",
      {
        intent: "password",
        currentPassword: TEST_PASSWORD,
        newPassword: "violet lantern river 42",
        confirmNewPassword: "violet lantern river 42",
      },
      { cookie: mine },
    );
    expect(res.status).toBe(200);
    expect(await getUser(asRequest(other))).toBeNull();
    const page = await callLoader(security.loader, "/account/security", { cookie: mine });
    expect(page.data.sessions).toHaveLength(1);
  });
});
