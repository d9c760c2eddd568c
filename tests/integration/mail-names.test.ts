// Issue 12 item 7: a display name such as "URGENT: your CDA proposal is suspended, re-verify at
// http://…" was sent verbatim, from the CDA's address, to any address. Now a message to an address
// nobody has confirmed carries no name a user chose, and every name in mail is neutralised (no
// links, one line, at most MAIL_NAME_MAX characters).
import { beforeEach, describe, expect, it } from "vitest";
import * as forgot from "~/routes/forgot-password";
import * as register from "~/routes/register";
import { getDb } from "~/services/db.server";
import { MAIL_NAME_MAX, neutraliseMailName } from "~/services/mail-templates";
import { createUser } from "../support/factories";
import { callAction } from "../support/remix";

const db = () => getDb();
const PHISH = "URGENT: your CDA proposal is suspended, re-verify at http://evil.example/x";

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});

async function mailTo(email: string) {
  return db()
    .selectFrom("mail_outbox")
    .select(["subject", "text_body"])
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
}

function expectNoInjection(text: string) {
  expect(text).not.toContain("URGENT");
  expect(text).not.toContain("evil.example");
  expect(text).not.toMatch(/https?:\/\/(?!localhost:3000\/)/);
}

describe("no user-chosen words to an address nobody confirmed", () => {
  it("a registration in someone else's name and address greets them without the chosen name", async () => {
    const victim = `victim.${Math.random().toString(36).slice(2)}@example.cn`;
    await callAction(register.action, "/register", {
      displayName: PHISH.slice(0, 80),
      email: victim,
      password: "a-long-enough-secret",
      confirmPassword: "a-long-enough-secret",
      locale: "en",
    });
    const mail = await mailTo(victim);
    expect(mail.text_body).toMatch(/^Dear Sir or Madam,/);
    expectNoInjection(mail.subject + mail.text_body);
  });

  it("a reset requested for an unconfirmed account leaves its name out too", async () => {
    const user = await createUser("applicant", { displayName: PHISH, verified: false });
    await callAction(forgot.action, "/forgot-password", { email: user.email });
    const mail = await mailTo(user.email);
    expect(mail.text_body).toMatch(/^Dear Sir or Madam,/);
    expectNoInjection(mail.text_body);
  });

  it("the Chinese message greets 尊敬的用户", async () => {
    const user = await createUser("applicant", {
      displayName: PHISH,
      verified: false,
      locale: "zh-Hans",
    });
    await callAction(forgot.action, "/forgot-password", { email: user.email });
    expect((await mailTo(user.email)).text_body).toMatch(/^尊敬的用户，您好：/);
  });
});

describe("names in mail to a confirmed address", () => {
  it("are kept, without links, and cut to length", async () => {
    const user = await createUser("applicant", { displayName: PHISH });
    await callAction(forgot.action, "/forgot-password", { email: user.email });
    const text = (await mailTo(user.email)).text_body;
    const greeting = text.split("\n")[0]!;
    expect(greeting).toMatch(/^Dear URGENT: your CDA proposal is suspended/);
    expect(greeting).not.toContain("http");
    expect(greeting).not.toContain("evil.example");
    expect([...greeting.replace(/^Dear |,$/g, "")].length).toBeLessThanOrEqual(MAIL_NAME_MAX);
    const plain = await createUser("applicant", { displayName: "Li Wei 李伟" });
    await callAction(forgot.action, "/forgot-password", { email: plain.email });
    expect((await mailTo(plain.email)).text_body).toMatch(/^Dear Li Wei 李伟,/);
  });
});

describe("neutraliseMailName", () => {
  it.each([
    ["Li Wei 李伟", "Li Wei 李伟"],
    ["Huawei Technologies Co., Ltd.", "Huawei Technologies Co., Ltd."],
    ["visit http://evil.example/x now", "visit evil example/x now"],
    ["see www.evil.example", "see evil example"],
    ["mail me: boss@evil.example", "mail me: boss evil example"],
    ["javascript:alert(1)", "alert(1)"],
    ["line one\nline two\r\nthree", "line one line two three"],
    ["right\u202Eto-left\u200B zero", "right to-left zero"],
    ["ｅｖｉｌ．ｅｘａｍｐｌｅ", "evil example"],
    ["", ""],
  ])("%j → %j", (input, output) => {
    expect(neutraliseMailName(input)).toBe(output);
  });

  it("cuts long names with an ellipsis", () => {
    const out = neutraliseMailName("王".repeat(200));
    expect([...out]).toHaveLength(MAIL_NAME_MAX);
    expect(out.endsWith("…")).toBe(true);
  });
});
