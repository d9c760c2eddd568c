// Accounts end to end through the real loaders and actions: registration, e-mail confirmation,
// sign-in (with throttling), sign-out, password reset and password change.
import { beforeEach, describe, expect, it } from "vitest";
import { issueAuthToken } from "~/models/auth-tokens.server";
import * as account from "~/routes/account";
import * as forgot from "~/routes/forgot-password";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as register from "~/routes/register";
import * as reset from "~/routes/reset-password";
import * as verify from "~/routes/verify-email._index";
import * as resend from "~/routes/verify-email.resend";
import { getDb } from "~/services/db.server";
import { takeLiveText } from "~/services/mail.server";
import { createSession, getUser } from "~/services/session.server";
import { createUser, signedIn, TEST_PASSWORD } from "../support/factories";
import { callAction, callLoader, cookieFrom } from "../support/remix";

const db = () => getDb();
const GOOD_PASSWORD = "a-long-enough-secret";

beforeEach(async () => {
  // Every test starts with a clean throttle (they all come from the same test address).
  await db().deleteFrom("rate_limit_events").execute();
});

async function lastMailTo(email: string) {
  return db()
    .selectFrom("mail_outbox")
    .selectAll()
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirst();
}

async function mailCount(email: string) {
  const rows = await db()
    .selectFrom("mail_outbox")
    .select("id")
    .where("to_address", "=", email)
    .execute();
  return rows.length;
}

function tokenFrom(text: string, path: string): string {
  const url = text.match(/https?:\/\/\S+/)?.[0];
  expect(url, "a link in the mail").toBeTruthy();
  const parsed = new URL(url!);
  expect(parsed.pathname).toBe(path);
  return parsed.searchParams.get("token")!;
}

function registration(overrides: Record<string, string> = {}) {
  return {
    displayName: "Li Wei 李伟",
    email: `li.wei.${Math.random().toString(36).slice(2)}@example.cn`,
    password: GOOD_PASSWORD,
    confirmPassword: GOOD_PASSWORD,
    locale: "zh-Hans",
    ...overrides,
  };
}

async function sessionCount(userId: number) {
  const rows = await db()
    .selectFrom("sessions")
    .select("id_hash")
    .where("user_id", "=", userId)
    .execute();
  return rows.length;
}

function withCookie(cookie: string) {
  return new Request("http://localhost:3000/", { headers: { Cookie: cookie } });
}

describe("registration", () => {
  it("an empty form lists a message for every required field", async () => {
    const res = await callAction(register.action, "/register", {});
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({
      displayName: "auth.error.nameRequired",
      email: "auth.error.emailRequired",
      password: "auth.error.passwordRequired",
      confirmPassword: "auth.error.confirmRequired",
      locale: "auth.error.localeChoose",
    });
    // Summary order follows the page order.
    expect(Object.keys(res.data.errors)).toEqual([
      "displayName",
      "email",
      "password",
      "confirmPassword",
      "locale",
    ]);
  });

  it.each([
    ["displayName", { displayName: "x".repeat(201) }, "auth.error.nameTooLong"],
    ["email", { email: "not-an-email" }, "validation.email"],
    ["email", { email: `${"a".repeat(250)}@example.cn` }, "auth.error.emailTooLong"],
    ["password", { password: "short", confirmPassword: "short" }, "auth.error.passwordTooShort"],
    [
      "password",
      {
        email: "same.as.password@example.cn",
        password: "Same.As.Password@example.cn",
        confirmPassword: "Same.As.Password@example.cn",
      },
      "auth.error.passwordIsEmail",
    ],
    [
      "confirmPassword",
      { confirmPassword: "something-else-entirely" },
      "auth.error.confirmMismatch",
    ],
    ["locale", { locale: "fr" }, "auth.error.localeChoose"],
  ])("a bad %s shows its message and keeps what was typed", async (field, bad, message) => {
    const fields = registration(bad);
    const res = await callAction(register.action, "/register", fields);
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({ [field]: message });
    expect(res.data.values).toEqual({
      displayName: fields.displayName,
      email: fields.email,
      locale: fields.locale,
    });
    // Passwords are never sent back to the page.
    expect(JSON.stringify(res.data)).not.toContain(fields.password);
    expect(await findUser(fields.email)).toBeUndefined();
  });

  it("creates an unverified applicant, sends the confirmation mail in the chosen language, and shows 'Check your email'", async () => {
    const fields = registration({ email: "New.Applicant@Example.CN" });
    const res = await callAction(register.action, "/register", fields);
    expect(res.status).toBe(200);
    expect(res.data.sent).toEqual({ email: "new.applicant@example.cn" });
    const user = await findUser("new.applicant@example.cn");
    expect(user).toMatchObject({
      role: "applicant",
      display_name: "Li Wei 李伟",
      locale: "zh-Hans",
      email_verified_at: null,
      disabled_at: null,
    });
    expect(user!.password_hash).toMatch(/^scrypt\$/);
    const mail = await lastMailTo("new.applicant@example.cn");
    expect(mail).toMatchObject({ template: "verify_email", locale: "zh-Hans", status: "stored" });
    expect(mail!.subject).toBe("请确认您的电子邮箱");
    // Stored without its secret; the live link is handed out once (the outbox view, no SMTP).
    expect(mail!.text_body).toContain("http://localhost:3000/verify-email?token=REDACTED");
    expect(await takeLiveText(db(), mail!)).toMatch(
      /http:\/\/localhost:3000\/verify-email\?token=[\w-]{43}/,
    );
    const audit = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "user.registered")
      .where("entity_id", "=", String(user!.id))
      .executeTakeFirst();
    expect(audit?.request_id).toBe("test-request");
    expect(audit?.after_json).not.toContain("scrypt");
  });

  it("the language defaults to the page language", async () => {
    const res = await callLoader(register.loader, "/register", {
      headers: { Cookie: "lang=zh-Hans" },
    });
    expect(res.data.defaultLocale).toBe("zh-Hans");
  });

  it("a duplicate email (any case) is refused at the email field, keeping the typed values", async () => {
    const existing = await createUser("applicant", { email: "taken@example.cn" });
    const fields = registration({ email: "TAKEN@example.cn" });
    const res = await callAction(register.action, "/register", fields);
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({ email: "auth.error.emailTaken" });
    expect(res.data.emailTaken).toBe(true);
    expect(res.data.values.displayName).toBe(fields.displayName);
    const users = await db()
      .selectFrom("users")
      .select("id")
      .where("email", "=", "taken@example.cn")
      .execute();
    expect(users).toEqual([{ id: existing.id }]);
    expect(await mailCount("taken@example.cn")).toBe(0);
  });

  it("a filled honeypot creates nothing but answers like a success", async () => {
    const fields = registration({ websiteUrl: "http://spam.example" });
    const res = await callAction(register.action, "/register", fields);
    expect(res.data.sent).toBeTruthy();
    expect(await findUser(fields.email)).toBeUndefined();
  });

  it("a signed-in user opening /register goes to their home page", async () => {
    const { cookie } = await signedIn("applicant");
    const res = await callLoader(register.loader, "/register", { cookie });
    expect(res.location).toBe("/proposals");
  });
});

async function findUser(email: string) {
  return db().selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
}

async function registerAndGetToken(email: string) {
  await callAction(register.action, "/register", registration({ email }));
  const mail = await lastMailTo(email);
  return tokenFrom((await takeLiveText(db(), mail!))!, "/verify-email");
}

describe("email confirmation", () => {
  it("the link confirms once; used twice it shows a clear page with a new-link form", async () => {
    const token = await registerAndGetToken("confirm.me@example.cn");
    // Opening the link (GET) changes nothing.
    const page = await callLoader(verify.loader, `/verify-email?token=${token}`);
    expect(page.data).toMatchObject({ status: "valid", email: "confirm.me@example.cn" });
    expect((await findUser("confirm.me@example.cn"))!.email_verified_at).toBeNull();

    const first = await callAction(verify.action, "/verify-email?index", { token });
    expect(first.status).toBe(302);
    expect(first.location).toBe("/login?verified=1");
    expect((await findUser("confirm.me@example.cn"))!.email_verified_at).not.toBeNull();

    const second = await callAction(verify.action, "/verify-email?index", { token });
    expect(second.status).toBe(410);
    expect(second.data).toEqual({ status: "used" });
    const again = await callLoader(verify.loader, `/verify-email?token=${token}`);
    expect(again.status).toBe(410);
    expect(again.data).toEqual({ status: "used" });
  });

  it("an expired link (older than 48 hours) is refused", async () => {
    const user = await createUser("applicant", { verified: false });
    const token = await issueAuthToken(
      db(),
      { purpose: "verify_email", email: user.email, userId: user.id },
      Date.now() - 49 * 60 * 60 * 1000,
    );
    const page = await callLoader(verify.loader, `/verify-email?token=${token}`);
    expect(page.data).toEqual({ status: "expired" });
    const post = await callAction(verify.action, "/verify-email?index", { token });
    expect(post.data).toEqual({ status: "expired" });
    expect((await findUser(user.email))!.email_verified_at).toBeNull();
  });

  it("a made-up or missing token is unknown", async () => {
    expect((await callLoader(verify.loader, "/verify-email?token=nonsense")).data).toEqual({
      status: "unknown",
    });
    expect((await callLoader(verify.loader, "/verify-email")).data).toEqual({ status: "unknown" });
  });

  it("a new link replaces the old one; the answer is the same for unknown addresses", async () => {
    const oldToken = await registerAndGetToken("resend.me@example.cn");
    const res = await callAction(resend.action, "/verify-email/resend", {
      email: "resend.me@example.cn",
    });
    const unknown = await callAction(resend.action, "/verify-email/resend", {
      email: "nobody.here@example.cn",
    });
    expect(res.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(unknown.data).toEqual(res.data);
    expect(await mailCount("resend.me@example.cn")).toBe(2);
    expect(await mailCount("nobody.here@example.cn")).toBe(0);
    const newToken = tokenFrom(
      (await takeLiveText(db(), (await lastMailTo("resend.me@example.cn"))!))!,
      "/verify-email",
    );
    expect(newToken).not.toBe(oldToken);
    expect((await callLoader(verify.loader, `/verify-email?token=${oldToken}`)).data.status).toBe(
      "used",
    );
    expect((await callLoader(verify.loader, `/verify-email?token=${newToken}`)).data.status).toBe(
      "valid",
    );
  });

  it("only the SHA-256 of a token is stored", async () => {
    const token = await registerAndGetToken("hash.check@example.cn");
    const rows = await db().selectFrom("auth_tokens").select("token_hash").execute();
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });
});

describe("sign-in", () => {
  it("a wrong password and an unknown email give the identical answer", async () => {
    const user = await createUser("applicant");
    const wrong = await callAction(login.action, "/login", {
      email: user.email,
      password: "not the password",
    });
    const unknown = await callAction(login.action, "/login", {
      email: "no.such.account@example.cn",
      password: "not the password",
    });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.data.errors).toEqual({ email: "auth.error.loginFailed" });
    expect(unknown.data.errors).toEqual(wrong.data.errors);
    expect(Object.keys(unknown.data)).toEqual(Object.keys(wrong.data));
    expect(wrong.setCookie).toBeNull();
  });

  it("a correct sign-in starts a session and goes to the role's home page or returnTo", async () => {
    const user = await createUser("reviewer", { locale: "zh-Hans" });
    const res = await callAction(login.action, "/login", {
      email: user.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/review");
    expect(res.setCookie).toContain("lang=zh-Hans");
    const me = await getUser(withCookie(cookieFrom(res.setCookie)));
    expect(me?.id).toBe(user.id);

    const back = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
      returnTo: "/review/12",
    });
    expect(back.location).toBe("/review/12");
    const evil = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
      returnTo: "//evil.example/steal",
    });
    expect(evil.location).toBe("/review");
  });

  it("an unverified account is told to confirm only after the correct password", async () => {
    const user = await createUser("applicant", { verified: false });
    const wrong = await callAction(login.action, "/login", {
      email: user.email,
      password: "nope nope nope",
    });
    expect(wrong.data.errors).toEqual({ email: "auth.error.loginFailed" });
    const right = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(right.status).toBe(400);
    expect(right.data.unverified).toEqual({ email: user.email });
    expect(right.setCookie).toBeNull();
  });

  it("a disabled account is refused with the generic message, even with the right password", async () => {
    const user = await createUser("applicant", { disabled: true });
    const res = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({ email: "auth.error.loginFailed" });
    expect(res.setCookie).toBeNull();
  });

  it("empty fields get their own messages", async () => {
    const res = await callAction(login.action, "/login", { email: "", password: "" });
    expect(res.data.errors).toEqual({
      email: "auth.error.emailRequired",
      password: "auth.error.loginPasswordRequired",
    });
  });

  it("after 5 failures for an account from one address, even the right password from there is refused for 15 minutes", async () => {
    const user = await createUser("applicant");
    for (let i = 0; i < 5; i++) {
      const res = await callAction(login.action, "/login", {
        email: user.email,
        password: `wrong-${i}-password`,
      });
      expect(res.data.errors.email).toBe("auth.error.loginFailed");
    }
    const blocked = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.data.errors).toEqual({ email: "auth.error.throttled" });
    expect(blocked.setCookie).toBeNull();

    // An unknown address is throttled exactly the same way: the message reveals nothing.
    for (let i = 0; i < 5; i++) {
      await callAction(login.action, "/login", {
        email: "ghost@example.cn",
        password: `wrong-${i}-password`,
      });
    }
    const ghost = await callAction(login.action, "/login", {
      email: "ghost@example.cn",
      password: "anything-at-all",
    });
    expect(ghost.status).toBe(429);
    expect(ghost.data).toEqual({ ...blocked.data, values: { email: "ghost@example.cn" } });

    // Once the window has passed, the account can sign in again.
    await db()
      .updateTable("rate_limit_events")
      .set({ at: new Date(Date.now() - 16 * 60 * 1000).toISOString() })
      .execute();
    const later = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(later.status).toBe(302);
  });

  it("30 failures from one address block sign-in from it for any account", async () => {
    const user = await createUser("applicant");
    for (let i = 0; i < 30; i++) {
      await callAction(login.action, "/login", {
        email: `spray${i}@example.cn`,
        password: "password-spraying",
      });
    }
    const res = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(429);
    expect(res.data.errors).toEqual({ email: "auth.error.throttled" });
  });

  it("registration and reset requests are limited to 10 an hour per address", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await callAction(register.action, "/register", { email: "x" });
      expect(res.status).toBe(400);
    }
    const blocked = await callAction(register.action, "/register", registration());
    expect(blocked.status).toBe(429);
    expect(blocked.data.errors).toEqual({ email: "auth.error.throttledHour" });

    for (let i = 0; i < 10; i++) {
      const res = await callAction(forgot.action, "/forgot-password", {
        email: `someone${i}@example.cn`,
      });
      expect(res.status).toBe(200);
    }
    const tooMany = await callAction(forgot.action, "/forgot-password", {
      email: "someone@example.cn",
    });
    expect(tooMany.status).toBe(429);
    expect(tooMany.data.errors).toEqual({ email: "auth.error.throttledHour" });
  });

  it("a signed-in visitor to /login is sent on (to returnTo when safe)", async () => {
    const { cookie } = await signedIn("official");
    expect((await callLoader(login.loader, "/login", { cookie })).location).toBe("/admin");
    expect(
      (await callLoader(login.loader, "/login?returnTo=%2Fboard%2Fx", { cookie })).location,
    ).toBe("/board/x");
  });
});

describe("sign-out", () => {
  it("POST ends the session and goes home; GET changes nothing", async () => {
    const { user, cookie } = await signedIn("applicant");
    const get = await callLoader(logout.loader, "/logout", { cookie });
    expect(get.location).toBe("/");
    expect(await sessionCount(user.id)).toBe(1);
    const res = await callAction(logout.action, "/logout", {}, { cookie });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/");
    expect(res.setCookie).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect(await getUser(withCookie(cookie))).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });
});

describe("password reset", () => {
  it("mails a one-hour link; a new password ends every session and sends them to sign in", async () => {
    const user = await createUser("applicant", { email: "forgetful@example.cn" });
    const cookie1 = cookieFrom(await createSession(db(), user.id));
    await createSession(db(), user.id);

    const res = await callAction(forgot.action, "/forgot-password", {
      email: "Forgetful@example.cn",
    });
    const unknown = await callAction(forgot.action, "/forgot-password", {
      email: "nobody@example.cn",
    });
    expect(res.data).toEqual({ sent: true });
    expect(unknown.data).toEqual(res.data);
    expect(await mailCount("nobody@example.cn")).toBe(0);
    const mail = await lastMailTo("forgetful@example.cn");
    expect(mail?.template).toBe("reset_password");
    const token = tokenFrom((await takeLiveText(db(), mail!))!, "/reset-password");
    const tokenRow = await db()
      .selectFrom("auth_tokens")
      .selectAll()
      .where("purpose", "=", "reset_password")
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    const lifetime = Date.parse(tokenRow.expires_at) - Date.parse(tokenRow.created_at);
    expect(lifetime).toBe(60 * 60 * 1000);

    const page = await callLoader(reset.loader, `/reset-password?token=${token}`);
    expect(page.data).toMatchObject({ invalid: null, email: "forgetful@example.cn" });

    const bad = await callAction(reset.action, "/reset-password", {
      token,
      password: "brand-new-password",
      confirmPassword: "different-password",
    });
    expect(bad.status).toBe(400);
    expect(bad.data.errors).toEqual({ confirmPassword: "auth.error.confirmMismatch" });

    const ok = await callAction(reset.action, "/reset-password", {
      token,
      password: "brand-new-password",
      confirmPassword: "brand-new-password",
    });
    expect(ok.status).toBe(302);
    expect(ok.location).toBe("/login?reset=1");
    expect(ok.setCookie).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
    expect(await getUser(withCookie(cookie1))).toBeNull();
    expect((await lastMailTo("forgetful@example.cn"))?.template).toBe("password_changed");

    const oldPw = await callAction(login.action, "/login", {
      email: user.email,
      password: TEST_PASSWORD,
    });
    expect(oldPw.data.errors).toEqual({ email: "auth.error.loginFailed" });
    const newPw = await callAction(login.action, "/login", {
      email: user.email,
      password: "brand-new-password",
    });
    expect(newPw.status).toBe(302);

    const reuse = await callAction(reset.action, "/reset-password", {
      token,
      password: "another-new-password",
      confirmPassword: "another-new-password",
    });
    expect(reuse.status).toBe(410);
    expect(reuse.data).toEqual({ invalid: "used" });
  });

  it("an expired reset link is refused", async () => {
    const user = await createUser("applicant");
    const token = await issueAuthToken(
      db(),
      { purpose: "reset_password", email: user.email, userId: user.id },
      Date.now() - 61 * 60 * 1000,
    );
    expect((await callLoader(reset.loader, `/reset-password?token=${token}`)).data).toEqual({
      invalid: "expired",
    });
    const res = await callAction(reset.action, "/reset-password", {
      token,
      password: "brand-new-password",
      confirmPassword: "brand-new-password",
    });
    expect(res.data).toEqual({ invalid: "expired" });
  });

  it("a reset token cannot confirm an email address, nor the other way round", async () => {
    const token = await registerAndGetToken("purpose.check@example.cn");
    expect((await callLoader(reset.loader, `/reset-password?token=${token}`)).data).toEqual({
      invalid: "unknown",
    });
  });
});

describe("account page", () => {
  it("needs a signed-in user", async () => {
    const res = await callLoader(account.loader, "/account");
    expect(res.location).toBe("/login?returnTo=%2Faccount");
  });

  it("shows name, email, role and language; saving the language also sets the lang cookie", async () => {
    const { user, cookie } = await signedIn("applicant", { displayName: "Wang Fang" });
    const page = await callLoader(account.loader, "/account", { cookie });
    expect(page.data).toEqual({
      email: user.email,
      displayName: "Wang Fang",
      role: "applicant",
      locale: "en",
    });
    const bad = await callAction(
      account.action,
      "/account",
      { intent: "details", displayName: "", locale: "zh-Hans" },
      { cookie },
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors).toEqual({ displayName: "auth.error.nameRequired" });
    expect(bad.data.values).toEqual({ displayName: "", locale: "zh-Hans" });

    const res = await callAction(
      account.action,
      "/account",
      { intent: "details", displayName: "王芳", locale: "zh-Hans" },
      { cookie },
    );
    expect(res.status).toBe(200);
    expect(res.data.saved).toBe(true);
    expect(res.setCookie).toContain("lang=zh-Hans");
    expect(await findUser(user.email)).toMatchObject({ display_name: "王芳", locale: "zh-Hans" });
  });

  it("changing the password needs the current one, ends the other sessions and sends a notice", async () => {
    const { user, cookie } = await signedIn("applicant");
    const other = cookieFrom(await createSession(db(), user.id));

    const wrong = await callAction(
      account.action,
      "/account",
      {
        intent: "password",
        currentPassword: "not-my-password",
        newPassword: "a-new-password-1",
        confirmNewPassword: "a-new-password-1",
      },
      { cookie },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.data.errors).toEqual({ currentPassword: "auth.error.currentPasswordWrong" });

    const tooShort = await callAction(
      account.action,
      "/account",
      {
        intent: "password",
        currentPassword: TEST_PASSWORD,
        newPassword: "short",
        confirmNewPassword: "short",
      },
      { cookie },
    );
    expect(tooShort.data.errors).toEqual({ newPassword: "auth.error.passwordTooShort" });

    const ok = await callAction(
      account.action,
      "/account",
      {
        intent: "password",
        currentPassword: TEST_PASSWORD,
        newPassword: "a-new-password-1",
        confirmNewPassword: "a-new-password-1",
      },
      { cookie },
    );
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ form: "password", saved: true });
    expect(await getUser(withCookie(cookie))).not.toBeNull();
    expect(await getUser(withCookie(other))).toBeNull();
    expect(await sessionCount(user.id)).toBe(1);
    const mail = await lastMailTo(user.email);
    expect(mail?.template).toBe("password_changed");
    const audit = await db()
      .selectFrom("audit_log")
      .select(["action", "actor_id"])
      .where("action", "=", "user.password_changed")
      .where("entity_id", "=", String(user.id))
      .executeTakeFirst();
    expect(audit).toEqual({ action: "user.password_changed", actor_id: user.id });
    const signIn = await callAction(login.action, "/login", {
      email: user.email,
      password: "a-new-password-1",
    });
    expect(signIn.status).toBe(302);
  });
});
