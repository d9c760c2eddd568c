// Issue 12 item 2: five wrong passwords from one address used to make the real owner, from
// another address with the right password, get 429 for 15 minutes, renewable forever. Now the
// attacker's address is refused for that account, the account as such is only slowed down
// (growing, capped delays, recorded here instead of waited out), and the owner is e-mailed once
// per notice window with an audit row.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as login from "~/routes/login";
import { getDb } from "~/services/db.server";
import {
  SIGN_IN_DELAY_MAX_MS,
  SIGN_IN_NOTICE_AFTER,
  signInDelayMs,
  signInSlowdown,
} from "~/services/rate-limit.server";
import { createUser, TEST_PASSWORD } from "../support/factories";
import { callAction } from "../support/remix";

const db = () => getDb();
const ATTACKER = { ip: "203.0.113.7" };
const OWNER = { ip: "198.51.100.20" };
const realSleep = signInSlowdown.sleep;
let delays: number[] = [];

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
  delays = [];
  signInSlowdown.sleep = async (ms) => {
    delays.push(ms);
  };
});
afterEach(() => {
  signInSlowdown.sleep = realSleep;
});

function attempt(email: string, password: string, context: { ip: string }) {
  return callAction(login.action, "/login", { email, password }, { context });
}

async function mailsTo(email: string, template: string) {
  return db()
    .selectFrom("mail_outbox")
    .select(["id", "text_body"])
    .where("to_address", "=", email)
    .where("template", "=", template)
    .execute();
}

describe("an attacker cannot lock the owner out", () => {
  it("50 wrong passwords from address A: A is refused, the owner from B signs in with the right one", async () => {
    const owner = await createUser("official");
    const answers: number[] = [];
    for (let i = 0; i < 50; i++)
      answers.push((await attempt(owner.email, `wrong-${i}-password`, ATTACKER)).status);
    expect(answers.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(answers.slice(5).every((s) => s === 429)).toBe(true);

    const res = await attempt(owner.email, TEST_PASSWORD, OWNER);
    expect(res.status).toBe(302);
    expect(res.setCookie).toMatch(/session=/);
  });

  it("guesses spread over many addresses slow every attempt down but never refuse the owner", async () => {
    const owner = await createUser("applicant");
    for (let i = 0; i < 30; i++)
      await attempt(owner.email, `wrong-${i}-password`, { ip: `203.0.113.${i}` });
    // The delays grew and stayed capped.
    expect(delays.length).toBeGreaterThan(10);
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(Math.max(...delays)).toBe(SIGN_IN_DELAY_MAX_MS);

    delays = [];
    const res = await attempt(owner.email, TEST_PASSWORD, OWNER);
    expect(res.status).toBe(302);
    expect(delays).toEqual([SIGN_IN_DELAY_MAX_MS]);
    // Signed in: the account's slowdown starts again from nothing.
    delays = [];
    await attempt(owner.email, "wrong-again-password", { ip: "203.0.113.200" });
    expect(delays).toEqual([]);
  });

  it("the delay is none at first, then doubles up to its cap", () => {
    expect([0, 5, 6, 7, 8, 20].map(signInDelayMs)).toEqual([
      0,
      0,
      500,
      1000,
      2000,
      SIGN_IN_DELAY_MAX_MS,
    ]);
  });
});

describe("the owner is told", () => {
  it("once per window by e-mail, with an audit row, however long the attack goes on", async () => {
    const owner = await createUser("reviewer");
    for (let i = 0; i < SIGN_IN_NOTICE_AFTER - 1; i++)
      await attempt(owner.email, `wrong-${i}-password`, { ip: `192.0.2.${i}` });
    expect(await mailsTo(owner.email, "sign_in_attack")).toHaveLength(0);
    for (let i = 0; i < 20; i++)
      await attempt(owner.email, `wrong-${i}-password`, { ip: `192.0.2.${100 + i}` });
    const mails = await mailsTo(owner.email, "sign_in_attack");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text_body).toContain(`${SIGN_IN_NOTICE_AFTER} failed attempts`);
    const audit = await db()
      .selectFrom("audit_log")
      .select(["action", "after_json"])
      .where("entity_type", "=", "user")
      .where("entity_id", "=", String(owner.id))
      .where("action", "=", "user.sign_in_attack_noticed")
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ failures: SIGN_IN_NOTICE_AFTER });
  });

  it("nobody is e-mailed for an address without an account, and the answers are the same", async () => {
    const before = await db()
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++)
      statuses.push(
        (await attempt("nobody@example.cn", `wrong-${i}-password`, { ip: `192.0.2.${i}` })).status,
      );
    expect(statuses.every((s) => s === 400)).toBe(true);
    const after = await db()
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
