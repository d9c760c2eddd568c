// "Stay signed in": the keep-alive route refreshes a live session's last-seen time, and tells a
// page whose session has already ended (idle, or signed out) with a 401 rather than a redirect.
// Also the session cookie's attributes, the absolute lifetime and a fresh id at every sign-in.
import { describe, expect, it, vi } from "vitest";
import { loader as accountLoader } from "~/routes/account";
import { action as loginAction } from "~/routes/login";
import { action as keepAlive } from "~/routes/session.keep-alive";
import { getDb, nowIso } from "~/services/db.server";
import { APPLICANT_IDLE_TIMEOUT_MS, STAFF_IDLE_TIMEOUT_MS } from "~/services/session.server";
import { loader as rootLoader } from "~/root";
import { signedIn, TEST_PASSWORD } from "../support/factories";
import { callAction, callLoader, cookieFrom } from "../support/remix";

async function ageSessions(userId: number, minutes: number) {
  await getDb()
    .updateTable("sessions")
    .set({ last_seen_at: new Date(Date.now() - minutes * 60_000).toISOString() })
    .where("user_id", "=", userId)
    .execute();
}

describe("session keep-alive", () => {
  it("extends a session that the warning is about to end", async () => {
    const { user, cookie } = await signedIn("applicant");
    await ageSessions(user.id, 55);
    const res = await callAction(keepAlive, "/session/keep-alive", {}, { cookie });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: true, idleTimeoutMs: APPLICANT_IDLE_TIMEOUT_MS });
    const row = await getDb()
      .selectFrom("sessions")
      .select("last_seen_at")
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(Date.now() - Date.parse(row.last_seen_at)).toBeLessThan(10_000);
  });

  it("answers 401 once the idle timeout has passed, and the session is gone", async () => {
    const { user, cookie } = await signedIn("reviewer");
    await ageSessions(user.id, 61);
    const res = await callAction(keepAlive, "/session/keep-alive", {}, { cookie });
    expect(res.status).toBe(401);
    const left = await getDb()
      .selectFrom("sessions")
      .select("id_hash")
      .where("user_id", "=", user.id)
      .execute();
    expect(left).toEqual([]);
  });

  it("answers 401 without a session cookie", async () => {
    const res = await callAction(keepAlive, "/session/keep-alive", {});
    expect(res.status).toBe(401);
  });
});

describe("idle timeout by role", () => {
  it("is 30 minutes for staff and 60 for applicants", () => {
    expect(STAFF_IDLE_TIMEOUT_MS).toBe(30 * 60_000);
    expect(APPLICANT_IDLE_TIMEOUT_MS).toBe(60 * 60_000);
  });

  it.each(["reviewer", "official", "admin"] as const)(
    "ends a %s's session after 31 idle minutes",
    async (role) => {
      const { user, cookie } = await signedIn(role);
      await ageSessions(user.id, 31);
      const page = await callLoader(accountLoader, "/account", { cookie });
      expect(page.status).toBe(302);
      expect(page.location).toMatch(/^\/login\?returnTo=/);
      const left = await getDb()
        .selectFrom("sessions")
        .select("id_hash")
        .where("user_id", "=", user.id)
        .execute();
      expect(left).toEqual([]);
    },
  );

  it("keeps an applicant's session after 31 idle minutes, and ends it after 61", async () => {
    const { user, cookie } = await signedIn("applicant");
    await ageSessions(user.id, 31);
    expect((await callLoader(accountLoader, "/account", { cookie })).status).toBe(200);
    await ageSessions(user.id, 61);
    expect((await callLoader(accountLoader, "/account", { cookie })).status).toBe(302);
  });

  it("tells each page the timeout of its user's role, so the warning comes in time", async () => {
    const staff = await signedIn("official");
    const applicant = await signedIn("applicant");
    const forStaff = await callLoader(rootLoader, "/", { cookie: staff.cookie });
    const forApplicant = await callLoader(rootLoader, "/", { cookie: applicant.cookie });
    expect(forStaff.data.idleTimeoutMs).toBe(STAFF_IDLE_TIMEOUT_MS);
    expect(forApplicant.data.idleTimeoutMs).toBe(APPLICANT_IDLE_TIMEOUT_MS);
    const alive = await callAction(keepAlive, "/session/keep-alive", {}, { cookie: staff.cookie });
    expect(alive.data).toEqual({ ok: true, idleTimeoutMs: STAFF_IDLE_TIMEOUT_MS });
  });
});

describe("session cookie", () => {
  it("is httpOnly, SameSite=Lax, for the whole site, and lives at most the absolute lifetime", async () => {
    const { createSession } = await import("~/services/session.server");
    const { user } = await signedIn("applicant");
    const header = await createSession(getDb(), user.id);
    expect(header).toMatch(/^__session=/);
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).toMatch(/; Path=\//);
    expect(header).toMatch(/; Max-Age=43200/);
    expect(header).not.toMatch(/; Secure/i);
  });

  it("is Secure in production over https", async () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, PUBLIC_URL: process.env.PUBLIC_URL };
    const { resetEnvCache } = await import("~/services/env.server");
    try {
      Object.assign(process.env, { NODE_ENV: "production", PUBLIC_URL: "https://portal.example" });
      resetEnvCache();
      vi.resetModules();
      const fresh = await import("~/services/session.server");
      const { user } = await signedIn("applicant");
      const header = await fresh.createSession(getDb(), user.id);
      expect(header).toMatch(/; Secure/i);
      expect(header).toMatch(/; HttpOnly/i);
    } finally {
      process.env.NODE_ENV = saved.NODE_ENV;
      if (saved.PUBLIC_URL === undefined) delete process.env.PUBLIC_URL;
      else process.env.PUBLIC_URL = saved.PUBLIC_URL;
      resetEnvCache();
      vi.resetModules();
    }
  });
});

describe("session lifetime and fixation", () => {
  it("ends a session at its absolute lifetime, however active it was", async () => {
    const { user, cookie } = await signedIn("official");
    await getDb()
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString(), last_seen_at: nowIso() })
      .where("user_id", "=", user.id)
      .execute();
    const res = await callAction(keepAlive, "/session/keep-alive", {}, { cookie });
    expect(res.status).toBe(401);
    const page = await callLoader(accountLoader, "/account", { cookie });
    expect(page.status).toBe(302);
    expect(page.location).toMatch(/^\/login\?returnTo=/);
  });

  it("gives a new session id at sign-in, never the one the browser brought", async () => {
    const { user, cookie } = await signedIn("applicant");
    for (const brought of [cookie, "__session=attacker-chosen-value"]) {
      const res = await callAction(
        loginAction,
        "/login",
        { email: user.email, password: TEST_PASSWORD },
        { cookie: brought },
      );
      expect(res.status).toBe(302);
      const fresh = cookieFrom(res.setCookie);
      expect(fresh).not.toBe(brought);
      const alive = await callAction(keepAlive, "/session/keep-alive", {}, { cookie: fresh });
      expect(alive.status).toBe(200);
    }
  });
});
