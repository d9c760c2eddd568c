// ASVS 7.1.3/7.2: failed sign-ins, the throttle's lockout and access refusals to proposals,
// exports and staff pages are audited — by the access policy in one place for refusals — and
// throttled (one row per kind, actor and target per minute, the count of the minute before on
// the next row) so that a script cannot flood the log.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { writeThrottledAudit } from "~/models/audit.server";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as adminUsers from "~/routes/admin.users";
import * as board from "~/routes/board.$slug._index";
import * as exportCsv from "~/routes/board.$slug.export[.csv]";
import * as login from "~/routes/login";
import * as proposalPage from "~/routes/proposals.$id._index";
import { getDb } from "~/services/db.server";
import { createCall, createSubmittedProposal, createUser, signedIn } from "../support/factories";
import { callAction, callLoader } from "../support/remix";

const db = () => getDb();

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});

async function rowsFor(action: string, where: { actorId?: number; entityId?: string }) {
  let q = db().selectFrom("audit_log").selectAll().where("action", "=", action);
  if (where.actorId !== undefined) q = q.where("actor_id", "=", where.actorId);
  if (where.entityId !== undefined) q = q.where("entity_id", "=", where.entityId);
  return q.orderBy("id").execute();
}

describe("access refusals are audited by the access policy", () => {
  it("another applicant's proposal: 404, and one audit row however often it is tried", async () => {
    const { call } = await createCall();
    const { proposal } = await createSubmittedProposal(call.id);
    const { user: rival, cookie } = await signedIn("applicant");
    for (let i = 0; i < 25; i++) {
      const res = await callLoader(proposalPage.loader, `/proposals/${proposal.id}`, {
        cookie,
        params: { id: String(proposal.id) },
      });
      expect(res.status).toBe(404);
    }
    const rows = await rowsFor("access.refused", {
      actorId: rival.id,
      entityId: String(proposal.id),
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.entity_type).toBe("proposal");
    expect(rows[0]!.proposal_id).toBe(proposal.id);
    expect(JSON.parse(rows[0]!.after_json!)).toMatchObject({ capability: "own" });
  });

  it("a reviewer on an official's proposal page, the board and an export", async () => {
    const { call } = await createCall();
    const { proposal } = await createSubmittedProposal(call.id);
    const { user: reviewer, cookie } = await signedIn("reviewer");
    const page = await callLoader(adminProposal.loader, `/admin/proposals/${proposal.id}`, {
      cookie,
      params: { id: String(proposal.id) },
    });
    expect(page.status).toBe(403);
    const boardRes = await callLoader(board.loader, `/board/${call.slug}`, {
      cookie,
      params: { slug: call.slug },
    });
    expect(boardRes.status).toBe(403);
    const csv = await callLoader(exportCsv.loader, `/board/${call.slug}/export.csv`, {
      cookie,
      params: { slug: call.slug },
    });
    expect(csv.status).toBe(403);
    const rows = await rowsFor("access.refused", { actorId: reviewer.id });
    expect(rows.map((r) => [r.entity_type, r.entity_id])).toEqual([
      ["page", `/admin/proposals/${proposal.id}`],
      ["page", `/board/${call.slug}`],
      ["export", `/board/${call.slug}/export.csv`],
    ]);
  });

  it("an official on the admins' user list", async () => {
    const { user, cookie } = await signedIn("official");
    expect((await callLoader(adminUsers.loader, "/admin/users", { cookie })).status).toBe(403);
    expect(await rowsFor("access.refused", { actorId: user.id })).toHaveLength(1);
  });

  it("an allowed request writes nothing", async () => {
    const { call } = await createCall();
    const { user, cookie } = await signedIn("official");
    const res = await callLoader(board.loader, `/board/${call.slug}`, {
      cookie,
      params: { slug: call.slug },
    });
    expect(res.status).toBe(200);
    expect(await rowsFor("access.refused", { actorId: user.id })).toEqual([]);
  });
});

describe("failed sign-ins and the lockout are audited, throttled", () => {
  it("twelve wrong passwords: one failure row and one lockout row", async () => {
    const user = await createUser("official");
    // The audit keeps one row per minute; the clock stands at the start of one, so that twelve
    // slow sign-ins on a busy machine never straddle two minutes (which gave two rows once).
    const minute = 60_000;
    vi.useFakeTimers({ toFake: ["Date"], now: Math.floor(Date.now() / minute) * minute + 1_000 });
    try {
      for (let i = 0; i < 12; i++)
        await callAction(login.action, "/login", { email: user.email, password: `wrong-${i}-pw` });
    } finally {
      vi.useRealTimers();
    }
    const failed = await rowsFor("auth.sign_in_failed", { entityId: String(user.id) });
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!.after_json!)).toMatchObject({
      email: user.email,
      known_account: true,
    });
    expect(failed[0]!.ip).toBe("127.0.0.1");
    const locked = await rowsFor("auth.sign_in_throttled", { entityId: String(user.id) });
    expect(locked).toHaveLength(1);
  });

  it("an unknown e-mail is audited too, without an account", async () => {
    const email = `nobody.${Date.now()}@example.test`;
    await callAction(login.action, "/login", { email, password: "whatever-it-is" });
    const rows = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "auth.sign_in_failed")
      .where("after_json", "like", `%${email}%`)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.entity_id).toBeNull();
  });
});

describe("the audit throttle", () => {
  it("writes one row a minute per key and reports the count of the minute before", async () => {
    const key = `test:${Math.random()}`;
    const entry = { actorId: null, action: "test.throttled", entityType: "test", entityId: key };
    const t0 = Date.UTC(2026, 11, 2, 10, 0, 5);
    const written: boolean[] = [];
    for (let i = 0; i < 7; i++) written.push(await writeThrottledAudit(db(), key, entry, t0 + i));
    expect(written).toEqual([true, false, false, false, false, false, false]);
    expect(await writeThrottledAudit(db(), key, entry, t0 + 61_000)).toBe(true);
    const other = { ...entry, entityId: `${key}:other` };
    expect(await writeThrottledAudit(db(), `${key}:other`, other, t0 + 61_000)).toBe(true);
    const rows = await rowsFor("test.throttled", { entityId: key });
    expect(rows).toHaveLength(2);
    expect(rows[0]!.after_json).toBeNull();
    expect(JSON.parse(rows[1]!.after_json!)).toEqual({ previous_minute_count: 7 });
  });
});
