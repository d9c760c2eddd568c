// Staff administration: who may open /admin pages, staff invitations, disabling accounts, roles,
// and the mail outbox the demo relies on.
import { beforeEach, describe, expect, it } from "vitest";
import type { Role } from "~db/schema";
import * as acceptInvite from "~/routes/accept-invite";
import * as adminHub from "~/routes/admin._index";
import * as outboxMessage from "~/routes/admin.outbox.$id";
import * as outbox from "~/routes/admin.outbox._index";
import * as adminUsers from "~/routes/admin.users";
import * as login from "~/routes/login";
import { getDb } from "~/services/db.server";
import { sendMail, takeLiveText } from "~/services/mail.server";
import { createSession, getUser } from "~/services/session.server";
import { createUser, signedIn, TEST_PASSWORD } from "../support/factories";
import { callAction, callLoader, cookieFrom } from "../support/remix";

const db = () => getDb();

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});

function withCookie(cookie: string) {
  return new Request("http://localhost:3000/", { headers: { Cookie: cookie } });
}

async function sessionCount(userId: number) {
  const rows = await db()
    .selectFrom("sessions")
    .select("id_hash")
    .where("user_id", "=", userId)
    .execute();
  return rows.length;
}

async function auditFor(action: string, userId: number) {
  return db()
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", action)
    .where("entity_id", "=", String(userId))
    .orderBy("id", "desc")
    .executeTakeFirst();
}

describe("who may open the administration pages", () => {
  type Route = {
    name: string;
    path: string;
    run: (cookie?: string) => ReturnType<typeof callLoader>;
    allowed: Role[];
  };
  const routes: Route[] = [
    {
      name: "/admin",
      path: "/admin",
      run: (cookie) => callLoader(adminHub.loader, "/admin", { cookie }),
      allowed: ["official", "admin"],
    },
    {
      name: "/admin/users",
      path: "/admin/users",
      run: (cookie) => callLoader(adminUsers.loader, "/admin/users", { cookie }),
      allowed: ["admin"],
    },
    {
      name: "/admin/users (action)",
      path: "/admin/users",
      run: (cookie) =>
        callAction(
          adminUsers.action,
          "/admin/users",
          { intent: "invite", email: "x@cda.gov.pk", displayName: "X", role: "admin" },
          { cookie },
        ),
      allowed: ["admin"],
    },
    {
      name: "/admin/outbox",
      path: "/admin/outbox",
      run: (cookie) => callLoader(outbox.loader, "/admin/outbox", { cookie }),
      allowed: ["admin"],
    },
    {
      name: "/admin/outbox/:id",
      path: "/admin/outbox/1",
      run: (cookie) =>
        callLoader(outboxMessage.loader, "/admin/outbox/1", { cookie, params: { id: "1" } }),
      allowed: ["admin"],
    },
  ];

  for (const route of routes) {
    it(`${route.name}: a visitor is sent to sign in and comes back`, async () => {
      const res = await route.run();
      expect(res.status).toBe(302);
      expect(res.location).toBe(`/login?returnTo=${encodeURIComponent(route.path)}`);
    });
    for (const role of ["applicant", "reviewer", "official"] as const) {
      if (route.allowed.includes(role)) continue;
      it(`${route.name}: ${role} gets 403`, async () => {
        const { cookie } = await signedIn(role);
        const res = await route.run(cookie);
        expect(res.status).toBe(403);
      });
    }
  }

  it("the hub shows an official no admin-only links, and an admin the users and outbox pages", async () => {
    const official = await signedIn("official");
    const forOfficial = await callLoader(adminHub.loader, "/admin", { cookie: official.cookie });
    expect(forOfficial.status).toBe(200);
    const officialLinks = forOfficial.data.links.map((l: { href: string }) => l.href);
    expect(officialLinks).not.toContain("/admin/users");
    expect(officialLinks).not.toContain("/admin/outbox");
    const admin = await signedIn("admin");
    const forAdmin = await callLoader(adminHub.loader, "/admin", { cookie: admin.cookie });
    // Others add their pages to the hub; these two are admin-only.
    expect(forAdmin.data.links.map((l: { href: string }) => l.href)).toEqual(
      expect.arrayContaining(["/admin/users", "/admin/outbox"]),
    );
  });
});

describe("staff invitations", () => {
  it("invite → mail with link → accept → a signed-in staff user with that role", async () => {
    const admin = await signedIn("admin", { displayName: "Ayesha Khan" });
    const bad = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "invite", email: "nope", displayName: "", role: "boss" },
      { cookie: admin.cookie },
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors).toEqual({
      email: "validation.email",
      displayName: "auth.error.nameRequired",
      role: "validation.choose",
    });
    expect(bad.data.values).toEqual({ email: "nope", displayName: "", role: "boss" });

    const res = await callAction(
      adminUsers.action,
      "/admin/users",
      {
        intent: "invite",
        email: "Imran.Ali@CDA.gov.pk",
        displayName: "Imran Ali",
        role: "official",
      },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(200);
    expect(res.data.notice).toContain("imran.ali@cda.gov.pk");
    const pending = await db()
      .selectFrom("users")
      .selectAll()
      .where("email", "=", "imran.ali@cda.gov.pk")
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({
      role: "official",
      password_hash: null,
      email_verified_at: null,
    });
    const invited = await auditFor("user.invited", pending.id);
    expect(invited?.actor_id).toBe(admin.user.id);

    // The invitation is readable in the outbox, with a clickable link.
    const list = await callLoader(outbox.loader, "/admin/outbox", { cookie: admin.cookie });
    const msg = list.data.messages[0];
    expect(msg).toMatchObject({ to_address: "imran.ali@cda.gov.pk", template: "staff_invite" });
    const page = await callLoader(outboxMessage.loader, `/admin/outbox/${msg.id}`, {
      cookie: admin.cookie,
      params: { id: String(msg.id) },
    });
    expect(page.data.message.text_body).toContain("Ayesha Khan has invited you");
    expect(page.data.origin).toBe("http://localhost:3000");
    expect(page.data.shownOnce).toBe(true);
    const link = new URL(page.data.message.text_body.match(/https?:\/\/\S+/)[0]);
    expect(link.pathname).toBe("/accept-invite");
    // Shown once: the next look finds the link removed.
    const secondLook = await callLoader(outboxMessage.loader, `/admin/outbox/${msg.id}`, {
      cookie: admin.cookie,
      params: { id: String(msg.id) },
    });
    expect(secondLook.data).toMatchObject({ shownOnce: false, redacted: true });
    expect(secondLook.data.message.text_body).toContain("/accept-invite?token=REDACTED");
    const token = link.searchParams.get("token")!;

    const form = await callLoader(acceptInvite.loader, `/accept-invite?token=${token}`);
    expect(form.data).toMatchObject({
      invalid: null,
      email: "imran.ali@cda.gov.pk",
      role: "official",
      displayName: "Imran Ali",
    });
    const mismatch = await callAction(acceptInvite.action, "/accept-invite", {
      token,
      displayName: "Imran Ali",
      password: "imran-password-1",
      confirmPassword: "imran-password-2",
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.data.errors).toEqual({ confirmPassword: "auth.error.confirmMismatch" });

    const accepted = await callAction(acceptInvite.action, "/accept-invite", {
      token,
      displayName: "Imran Ali (Planning)",
      password: "imran-password-1",
      confirmPassword: "imran-password-1",
    });
    expect(accepted.status).toBe(302);
    expect(accepted.location).toBe("/admin");
    const me = await getUser(withCookie(cookieFrom(accepted.setCookie)));
    expect(me).toMatchObject({ role: "official", display_name: "Imran Ali (Planning)" });
    const user = await db()
      .selectFrom("users")
      .selectAll()
      .where("id", "=", pending.id)
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).not.toBeNull();

    const again = await callAction(acceptInvite.action, "/accept-invite", {
      token,
      displayName: "Someone Else",
      password: "other-password-1",
      confirmPassword: "other-password-1",
    });
    expect(again.status).toBe(410);
    expect(again.data).toEqual({ invalid: "used" });

    const signIn = await callAction(login.action, "/login", {
      email: "imran.ali@cda.gov.pk",
      password: "imran-password-1",
    });
    expect(signIn.location).toBe("/admin");
  });

  it("an address that already has an account cannot be invited", async () => {
    const admin = await signedIn("admin");
    const applicant = await createUser("applicant");
    const res = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "invite", email: applicant.email, displayName: "Someone", role: "reviewer" },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({ email: "auth.error.emailTaken" });
    const still = await db()
      .selectFrom("users")
      .select("role")
      .where("id", "=", applicant.id)
      .executeTakeFirstOrThrow();
    expect(still.role).toBe("applicant");
  });

  it("an invitation older than 7 days no longer works", async () => {
    const admin = await signedIn("admin");
    await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "invite", email: "late@cda.gov.pk", displayName: "Late Comer", role: "reviewer" },
      { cookie: admin.cookie },
    );
    const mail = await db()
      .selectFrom("mail_outbox")
      .select(["id", "text_body"])
      .where("to_address", "=", "late@cda.gov.pk")
      .executeTakeFirstOrThrow();
    const live = (await takeLiveText(db(), mail))!;
    const token = new URL(live.match(/https?:\/\/\S+/)![0]).searchParams.get("token")!;
    await db()
      .updateTable("auth_tokens")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("email", "=", "late@cda.gov.pk")
      .execute();
    const res = await callLoader(acceptInvite.loader, `/accept-invite?token=${token}`);
    expect(res.status).toBe(410);
    expect(res.data).toEqual({ invalid: "expired" });
  });
});

describe("disabling and roles", () => {
  it("a disabled account loses its sessions at once and cannot sign in; re-enabled it can", async () => {
    const admin = await signedIn("admin");
    const { user, cookie } = await signedIn("reviewer");
    await createSession(db(), user.id);
    expect(await sessionCount(user.id)).toBe(2);

    const res = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "disable", userId: String(user.id) },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(200);
    expect(res.data.notice).toContain("disabled");
    expect(await sessionCount(user.id)).toBe(0);
    expect(await getUser(withCookie(cookie))).toBeNull();

    const signIn = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(signIn.status).toBe(400);
    expect(signIn.data.errors).toEqual({ email: "auth.error.loginFailed" });

    const audit = await auditFor("user.disabled", user.id);
    expect(audit?.actor_id).toBe(admin.user.id);
    expect(JSON.parse(audit!.before_json!)).toMatchObject({ status: "active" });
    expect(JSON.parse(audit!.after_json!)).toMatchObject({ status: "disabled" });

    const list = await callLoader(adminUsers.loader, "/admin/users?role=reviewer", {
      cookie: admin.cookie,
    });
    const row = list.data.users.find((u: { id: number }) => u.id === user.id);
    expect(row.status).toBe("disabled");
    expect(list.data.users.every((u: { role: string }) => u.role === "reviewer")).toBe(true);
    expect(JSON.stringify(list.data)).not.toContain("scrypt");

    const enable = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "enable", userId: String(user.id) },
      { cookie: admin.cookie },
    );
    expect(enable.status).toBe(200);
    expect(await auditFor("user.enabled", user.id)).toBeTruthy();
    const back = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(back.status).toBe(302);
  });

  it("an admin cannot disable themselves or change their own role", async () => {
    const admin = await signedIn("admin");
    const disable = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "disable", userId: String(admin.user.id) },
      { cookie: admin.cookie },
    );
    expect(disable.status).toBe(400);
    expect(disable.data.problem).toMatch(/your own account/);
    const role = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "role", userId: String(admin.user.id), role: "reviewer" },
      { cookie: admin.cookie },
    );
    expect(role.status).toBe(400);
    expect(await getUser(withCookie(admin.cookie))).toMatchObject({ role: "admin" });
  });

  it("a staff member's role changes, audited with before and after; applicants' roles do not", async () => {
    const admin = await signedIn("admin");
    const reviewer = await signedIn("reviewer");
    const res = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "role", userId: String(reviewer.user.id), role: "official" },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(200);
    // Takes effect on the reviewer's live session at once.
    expect(await getUser(withCookie(reviewer.cookie))).toMatchObject({ role: "official" });
    const audit = await auditFor("user.role_changed", reviewer.user.id);
    expect(JSON.parse(audit!.before_json!).role).toBe("reviewer");
    expect(JSON.parse(audit!.after_json!).role).toBe("official");
    expect(audit!.request_id).toBe("test-request");

    const applicant = await createUser("applicant");
    const refused = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "role", userId: String(applicant.id), role: "admin" },
      { cookie: admin.cookie },
    );
    expect(refused.status).toBe(400);
    const bogus = await callAction(
      adminUsers.action,
      "/admin/users",
      { intent: "role", userId: String(reviewer.user.id), role: "applicant" },
      { cookie: admin.cookie },
    );
    expect(bogus.status).toBe(400);
    const unchanged = await db()
      .selectFrom("users")
      .select("role")
      .where("id", "=", applicant.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.role).toBe("applicant");
  });
});

describe("mail outbox", () => {
  it("lists messages newest first and shows one message; an unknown id is 404", async () => {
    const admin = await signedIn("admin");
    await sendMail(db(), {
      to: "first@example.cn",
      template: "reset_password",
      locale: "en",
      vars: { name: "First", link: "http://localhost:3000/reset-password?token=abc" },
    });
    const second = await sendMail(db(), {
      to: "second@example.cn",
      template: "verify_email",
      locale: "zh-Hans",
      vars: { name: "第二", link: "http://localhost:3000/verify-email?token=def" },
    });
    const list = await callLoader(outbox.loader, "/admin/outbox", { cookie: admin.cookie });
    expect(list.data.messages[0]).toMatchObject({
      id: second.id,
      to_address: "second@example.cn",
      subject: "请确认您的电子邮箱",
      template: "verify_email",
      status: "stored",
    });
    expect(list.data.messages[1].to_address).toBe("first@example.cn");
    const one = await callLoader(outboxMessage.loader, `/admin/outbox/${second.id}`, {
      cookie: admin.cookie,
      params: { id: String(second.id) },
    });
    expect(one.data.message.text_body).toContain("http://localhost:3000/verify-email?token=def");
    const missing = await callLoader(outboxMessage.loader, "/admin/outbox/999999", {
      cookie: admin.cookie,
      params: { id: "999999" },
    });
    expect(missing.status).toBe(404);
  });
});
