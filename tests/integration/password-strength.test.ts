// ASVS 2.1.7: common and breached-pattern passwords are refused wherever a password is chosen
// (registration, reset, change, invitation), on the server, with a message that says why in both
// languages. Through the real actions.
import { beforeEach, describe, expect, it } from "vitest";
import { dictionaries } from "~/i18n/catalog.server";
import { issueAuthToken } from "~/models/auth-tokens.server";
import * as account from "~/routes/account";
import * as acceptInvite from "~/routes/accept-invite";
import * as register from "~/routes/register";
import * as reset from "~/routes/reset-password";
import { getDb } from "~/services/db.server";
import { passwordStrength, passwordWarnings } from "~/services/password-strength.server";
import { createUser, signedIn, TEST_PASSWORD } from "../support/factories";
import { callAction } from "../support/remix";

beforeEach(async () => {
  await getDb().deleteFrom("rate_limit_events").execute();
});

/** At least 10 characters (the old rule let each of them through), all easy to guess. */
const WEAK = ["Passw0rd2024!", "qwertyuiop123", "1234567890ab", "iloveyou2025"];

describe("weak passwords are refused with a reason", () => {
  it.each(WEAK)("registration refuses %s and creates no account", async (pw) => {
    const email = `weak.${Math.random().toString(36).slice(2)}@example.cn`;
    const res = await callAction(register.action, "/register", {
      displayName: "Wang Fang",
      email,
      password: pw,
      confirmPassword: pw,
      locale: "en",
    });
    expect(res.status).toBe(400);
    expect(res.data.errors.password).toMatch(/^auth\.error\.passwordWeak/);
    const user = await getDb()
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirst();
    expect(user).toBeUndefined();
  });

  it("a password made of the account's own name is refused", async () => {
    const res = await callAction(register.action, "/register", {
      displayName: "Zhang Xiaoming",
      email: `zhangxiaoming@example.cn`,
      password: "zhangxiaoming1",
      confirmPassword: "zhangxiaoming1",
      locale: "en",
    });
    expect(res.status).toBe(400);
    expect(res.data.errors.password).toMatch(/^auth\.error\.passwordWeak/);
  });

  it("a password change refuses a weak new password and keeps the old one", async () => {
    const { user, cookie } = await signedIn("official");
    const res = await callAction(
      account.action,
      "/account",
      {
        intent: "password",
        currentPassword: TEST_PASSWORD,
        newPassword: "Password12345",
        confirmNewPassword: "Password12345",
      },
      { cookie },
    );
    expect(res.status).toBe(400);
    expect(res.data.errors.newPassword).toMatch(/^auth\.error\.passwordWeak/);
    const after = await getDb()
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(user.password_hash);
  });

  it("a reset link refuses a weak password and stays usable", async () => {
    const user = await createUser("applicant");
    const token = await issueAuthToken(getDb(), {
      purpose: "reset_password",
      email: user.email,
      userId: user.id,
    });
    const weak = await callAction(reset.action, "/reset-password", {
      token,
      password: "letmein12345",
      confirmPassword: "letmein12345",
    });
    expect(weak.status).toBe(400);
    expect(weak.data.errors.password).toMatch(/^auth\.error\.passwordWeak/);
    const strong = await callAction(reset.action, "/reset-password", {
      token,
      password: "violet lantern river 42",
      confirmPassword: "violet lantern river 42",
    });
    expect(strong.status).toBe(302);
  });

  it("an invitation refuses a weak password", async () => {
    const db = getDb();
    const invited = await db
      .insertInto("users")
      .values({ email: `inv.${Date.now()}@cda.test`, role: "reviewer", display_name: "R" })
      .returningAll()
      .executeTakeFirstOrThrow();
    const token = await issueAuthToken(db, {
      purpose: "invite",
      email: invited.email,
      userId: invited.id,
      role: "reviewer",
    });
    const res = await callAction(acceptInvite.action, "/accept-invite", {
      token,
      displayName: "Reviewer Ren",
      password: "abc123abc123",
      confirmPassword: "abc123abc123",
    });
    expect(res.status).toBe(400);
    expect(res.data.errors.password).toMatch(/^auth\.error\.passwordWeak/);
  });

  it("strong passphrases pass", () => {
    for (const pw of [
      "violet lantern river 42",
      "correct horse battery staple",
      "demo-password-2026",
    ])
      expect(passwordStrength(pw).score, pw).toBeGreaterThanOrEqual(3);
  });

  it("every warning zxcvbn can give has a sentence in English and in Chinese", () => {
    for (const w of passwordWarnings())
      for (const locale of ["en", "zh-Hans"] as const)
        expect(dictionaries[locale], `${locale} auth.error.passwordWeak.${w}`).toHaveProperty([
          `auth.error.passwordWeak.${w}`,
        ]);
  });
});
