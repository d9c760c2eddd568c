// Webhooks through the real parts (issue 17 item 3): events written to the outbox by the owners
// of each change in the change's own transaction, the dispatcher's lease against a second
// dispatcher on its own connection, retries, the pause and the owner's mail, resume and redeliver,
// all against real receivers (node:http on port 0) on a real SQLite file.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "~/domain/command";
import { PAUSE_AFTER_FAILURES, type WebhookEvent } from "~/domain/webhooks";
import { recordDecision } from "~/models/board-decisions.server";
import { transitionCall } from "~/models/call-admin.server";
import { withdraw } from "~/models/proposal-lifecycle.server";
import { submitProposal, withdrawProposal } from "~/models/submission.server";
import {
  createEndpoint,
  enqueueEvent,
  redeliver,
  resumeEndpoint,
  runWebhookPass,
  type WebhookBody,
} from "~/models/webhooks.server";
import * as reviewPage from "~/routes/review.$proposalId";
import * as webhookPage from "~/routes/admin.webhooks.$id";
import * as webhooksIndex from "~/routes/admin.webhooks._index";
import * as adminProposal from "~/routes/admin.proposals.$id";
import { getDb } from "~/services/db.server";
import { verifyWebhookSignature } from "~/services/webhook-http.server";
import { createCall, createSubmittedProposal, createUser, signedIn } from "../support/factories";
import { callAction, callLoader } from "../support/remix";
import { completeReview } from "./review-fixtures";
import { DECLARATION, newKey, readyDraft } from "./submission-fixtures";

interface Received {
  id: string;
  event: string;
  body: string;
  verified: boolean;
}

const receivers: http.Server[] = [];
afterAll(async () => {
  for (const r of receivers) await new Promise((resolve) => r.close(resolve));
});

/**
 * A receiver on a free port: it records what it is sent (and whether the signature verifies with
 * `secret()`), and answers with `answer()` after `delayMs`.
 */
async function receiver(opts: { status?: () => number; delayMs?: number } = {}) {
  const received: Received[] = [];
  let secret = "";
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        id: String(req.headers["x-cda-webhook-id"]),
        event: String(req.headers["x-cda-webhook-event"]),
        body,
        verified: verifyWebhookSignature({
          secret,
          timestamp: (req.headers["x-cda-webhook-timestamp"] as string) ?? null,
          body,
          signature: (req.headers["x-cda-webhook-signature"] as string) ?? null,
          // The tests move the dispatcher's clock; the signature is what is checked here.
          toleranceSeconds: 10 * 86_400,
        }),
      });
      const status = opts.status?.() ?? 200;
      setTimeout(
        () => res.writeHead(status).end(status < 300 ? "thanks" : "broken"),
        opts.delayMs ?? 0,
      );
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  receivers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setSecret: (s: string) => (secret = s),
  };
}

async function adminActor(): Promise<Actor> {
  const admin = await createUser("admin");
  return { id: admin.id, email: admin.email, role: "admin", requestId: null, ip: null };
}

async function endpointFor(
  r: Awaited<ReturnType<typeof receiver>>,
  events: WebhookEvent[],
  owner?: { id: number },
) {
  const actor = await adminActor();
  const created = await createEndpoint(getDb(), actor, {
    url: r.url,
    description: "test receiver",
    events,
    ownerId: owner?.id ?? actor.id,
  });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  r.setSecret(created.secret);
  return { id: created.id, actor };
}

async function deliveries(endpointId: number) {
  return getDb()
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("endpoint_id", "=", endpointId)
    .orderBy("id")
    .execute();
}

/** Every pass of this file's dispatchers answers within the test (no real waiting): base 1 s. */
const fast = { retryBaseMs: 1000, timeoutMs: 2000, jitter: () => 0.5 };

describe("the outbox: events written in the change's own transaction", () => {
  it("writes nothing when the change rolls back, and one delivery per endpoint when it commits", async () => {
    const a = await receiver();
    const b = await receiver();
    const other = await receiver();
    const ea = await endpointFor(a, ["proposal.withdrawn"]);
    const eb = await endpointFor(b, ["proposal.withdrawn", "call.opened"]);
    const eo = await endpointFor(other, ["call.opened"]);
    const { call } = await createCall();
    const { proposal, owner } = await createSubmittedProposal(call.id);

    // The withdrawal runs, then its transaction fails: the proposal and the outbox are as before.
    await expect(
      getDb()
        .transaction()
        .execute(async (trx) => {
          const r = await withdraw(trx, {
            proposalId: proposal.id,
            ownerId: owner.id,
            reason: null,
            actor: { id: owner.id },
          });
          expect(r.ok).toBe(true);
          expect(await trx.selectFrom("webhook_deliveries").selectAll().execute()).not.toHaveLength(
            0,
          );
          throw new Error("the change fails after the event was written");
        }),
    ).rejects.toThrow("the change fails");
    expect((await deliveries(ea.id)).length + (await deliveries(eb.id)).length).toBe(0);

    const done = await withdrawProposal(getDb(), { proposalId: proposal.id, userId: owner.id });
    expect(done.ok).toBe(true);
    const [da] = await deliveries(ea.id);
    const [db] = await deliveries(eb.id);
    expect(await deliveries(eo.id)).toHaveLength(0);
    expect(da!.uuid).not.toBe(db!.uuid);
    const body = JSON.parse(da!.body) as WebhookBody;
    expect(body).toMatchObject({
      id: da!.uuid,
      type: "proposal.withdrawn",
      data: {
        proposal: { id: proposal.id, reference: proposal.reference },
        call: { id: call.id, slug: call.slug },
        previous_status: "submitted",
      },
    });
  });

  it("is written by every transition that has an event, with ids and public-safe facts only", async () => {
    const r = await receiver();
    const all: WebhookEvent[] = [
      "proposal.submitted",
      "proposal.withdrawn",
      "review.submitted",
      "decision.recorded",
      "decisions.published",
      "call.opened",
      "call.closed",
    ];
    const endpoint = await endpointFor(r, all);
    const db = getDb();
    const { call, criteria } = await createCall({ status: "draft" });
    const official = await signedIn("official");
    const officialActor: Actor = { ...official.user, requestId: null, ip: null };
    expect((await transitionCall(db, call.id, "open", officialActor)).ok).toBe(true);

    // Submitted through the real submission (group commit, savepoint) …
    const applicant = await createUser("applicant");
    const draft = await readyDraft(applicant.id, call.id);
    const submitted = await submitProposal(db, {
      proposalId: draft.id,
      userId: applicant.id,
      submissionKey: newKey(),
      declaration: DECLARATION,
    });
    expect(submitted.ok).toBe(true);
    // … reviewed through the review page's action …
    const reviewer = await signedIn("reviewer");
    for (const [fields, cookie, route] of [
      [{ intent: "assign", reviewerId: String(reviewer.user.id) }, official.cookie, "admin"],
      [{ intent: "attest" }, reviewer.cookie, "review"],
      [{ intent: "submit", ...completeReview(criteria) }, reviewer.cookie, "review"],
    ] as const) {
      const res =
        route === "admin"
          ? await callAction(adminProposal.action, `/admin/proposals/${draft.id}`, fields, {
              cookie,
              params: { id: String(draft.id) },
            })
          : await callAction(reviewPage.action, `/review/${draft.id}`, fields, {
              cookie,
              params: { proposalId: String(draft.id) },
            });
      expect(res.status, JSON.stringify(res.data)).toBe(302);
    }
    expect((await transitionCall(db, call.id, "closed", officialActor)).ok).toBe(true);
    const decided = await recordDecision(db, {
      call,
      proposalId: draft.id,
      values: { outcome: "rejected", reason: "Below the qualifying score" },
      actor: official.user,
    });
    expect(decided.ok, JSON.stringify(decided)).toBe(true);
    expect((await transitionCall(db, call.id, "decided", officialActor)).ok).toBe(true);

    const bodies = (await deliveries(endpoint.id)).map((d) => JSON.parse(d.body) as WebhookBody);
    expect(bodies.map((b) => b.type)).toEqual([
      "call.opened",
      "proposal.submitted",
      "review.submitted",
      "call.closed",
      "decision.recorded",
      "decisions.published",
    ]);
    const reference = submitted.ok ? submitted.reference : null;
    expect(bodies[1]!.data).toMatchObject({
      proposal: { id: draft.id, reference },
      call: { id: call.id, slug: call.slug },
    });
    expect(bodies[2]!.data).toMatchObject({ proposal: { id: draft.id, reference } });
    expect(bodies[4]!.data).toMatchObject({ change: "recorded", proposal: { id: draft.id } });
    expect(bodies[5]!.data).toMatchObject({
      counts: { shortlisted: 0, reserve: 0, rejected: 1 },
      proposals: [],
    });
    // Nothing confidential: no company, no reviewer, no outcome before publication, no reason.
    const text = JSON.stringify(bodies);
    for (const secret of [
      "Below the qualifying score",
      reviewer.user.email,
      reviewer.user.display_name,
      applicant.email,
      "A solid proposal overall.",
    ])
      expect(text).not.toContain(secret);
    expect(JSON.stringify(bodies[4])).not.toContain("rejected");
  });
});

describe("the dispatcher", () => {
  // Each test starts from an empty outbox: the endpoints of the tests before it are not its own.
  beforeEach(async () => {
    const db = getDb();
    await db.deleteFrom("webhook_attempts").execute();
    await db.deleteFrom("webhook_deliveries").execute();
    await db.deleteFrom("webhook_endpoints").execute();
  });

  it("two dispatchers at once never send one delivery twice", async () => {
    // Both on this process's one connection (better-sqlite3 is synchronous: a second connection in
    // the same thread would wait on the first's lock forever); the passes interleave at every
    // await, so the second claims while the first's deliveries are in flight. Separate processes
    // are proved by tests/e2e/webhooks.e2e.ts (a two-worker cluster).
    const r = await receiver({ delayMs: 150 });
    const endpoint = await endpointFor(r, ["call.opened"]);
    for (let i = 0; i < 6; i++)
      await getDb()
        .transaction()
        .execute((trx) => enqueueEvent(trx, "call.opened", () => ({ n: i })));
    const [a, b] = await Promise.all([
      runWebhookPass(getDb(), { owner: "dispatcher-a", batch: 3, ...fast }),
      runWebhookPass(getDb(), { owner: "dispatcher-b", batch: 3, ...fast }),
    ]);
    expect(a.claimed).toBe(3);
    expect(b.claimed).toBe(3);
    expect(a.delivered + b.delivered).toBe(6);
    // Another pass finds nothing left to send.
    expect((await runWebhookPass(getDb(), { owner: "dispatcher-c", ...fast })).claimed).toBe(0);
    const ids = r.received.map((x) => x.id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toHaveLength(6);
    expect(r.received.every((x) => x.verified)).toBe(true);
    const rows = await deliveries(endpoint.id);
    expect(rows.every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
    expect(new Set(rows.map((d) => d.uuid))).toEqual(new Set(ids));
  });

  it("takes over a delivery whose dispatcher died (its lease ran out), not one still leased", async () => {
    const r = await receiver();
    const endpoint = await endpointFor(r, ["call.closed"]);
    const t0 = new Date();
    await getDb()
      .transaction()
      .execute((trx) => enqueueEvent(trx, "call.closed", () => ({}), t0));
    const [row] = await deliveries(endpoint.id);
    // A dispatcher claimed it and died before it could send.
    await getDb()
      .updateTable("webhook_deliveries")
      .set({ lease_owner: "dead", lease_until: new Date(t0.getTime() + 30_000).toISOString() })
      .where("id", "=", row!.id)
      .execute();
    const during = await runWebhookPass(getDb(), { owner: "alive", now: () => t0, ...fast });
    expect(during.claimed).toBe(0);
    const after = await runWebhookPass(getDb(), {
      owner: "alive",
      now: () => new Date(t0.getTime() + 31_000),
      ...fast,
    });
    expect(after.delivered).toBe(1);
    expect(r.received).toHaveLength(1);
  });

  it("retries a failing receiver with backoff and never sends an acknowledged delivery again", async () => {
    let calls = 0;
    const r = await receiver({ status: () => (++calls <= 3 ? 500 : 204) });
    const endpoint = await endpointFor(r, ["call.opened"]);
    const t0 = new Date();
    await getDb()
      .transaction()
      .execute((trx) => enqueueEvent(trx, "call.opened", () => ({}), t0));
    let clock = t0;
    const pass = () => runWebhookPass(getDb(), { owner: "d", now: () => clock, ...fast });
    expect((await pass()).failed).toBe(1);
    // Not due again before its backoff (1 s after the first failure).
    expect((await pass()).claimed).toBe(0);
    for (const wait of [1000, 2000]) {
      clock = new Date(clock.getTime() + wait);
      expect((await pass()).failed).toBe(1);
    }
    clock = new Date(clock.getTime() + 4000);
    expect((await pass()).delivered).toBe(1);
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 3_600_000);
      expect((await pass()).claimed).toBe(0);
    }
    expect(r.received).toHaveLength(4);
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1);
    const attempts = await getDb()
      .selectFrom("webhook_attempts")
      .innerJoin("webhook_deliveries", "webhook_deliveries.id", "webhook_attempts.delivery_id")
      .select(["attempt", "status_code", "response_excerpt"])
      .where("endpoint_id", "=", endpoint.id)
      .orderBy("attempt")
      .execute();
    expect(attempts).toEqual([
      { attempt: 1, status_code: 500, response_excerpt: "broken" },
      { attempt: 2, status_code: 500, response_excerpt: "broken" },
      { attempt: 3, status_code: 500, response_excerpt: "broken" },
      { attempt: 4, status_code: 204, response_excerpt: null },
    ]);
  });

  it("pauses an endpoint that keeps failing, tells its owner once, and resumes and redelivers", async () => {
    let healthy = false;
    const r = await receiver({ status: () => (healthy ? 200 : 503) });
    const owner = await createUser("official", { locale: "zh-Hans" });
    const endpoint = await endpointFor(r, ["call.opened"], owner);
    const t0 = new Date();
    await getDb()
      .transaction()
      .execute((trx) => enqueueEvent(trx, "call.opened", () => ({}), t0));
    let clock = t0;
    const pass = () => runWebhookPass(getDb(), { owner: "d", now: () => clock, ...fast });
    for (let i = 1; i <= PAUSE_AFTER_FAILURES; i++) {
      const run = await pass();
      expect(run.failed, `attempt ${i}`).toBe(1);
      expect(run.paused).toBe(i === PAUSE_AFTER_FAILURES ? 1 : 0);
      clock = new Date(clock.getTime() + 61 * 60_000);
    }
    const paused = await getDb()
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", endpoint.id)
      .executeTakeFirstOrThrow();
    expect(paused).toMatchObject({ status: "paused", paused_reason: "failures" });
    // Paused: nothing more is sent, however often the dispatcher runs; the owner is told once.
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 61 * 60_000);
      expect((await pass()).claimed).toBe(0);
    }
    expect(r.received).toHaveLength(PAUSE_AFTER_FAILURES);
    const mails = await getDb()
      .selectFrom("mail_outbox")
      .selectAll()
      .where("template", "=", "webhook_paused")
      .where("recipient_id", "=", owner.id)
      .execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to_address).toBe(owner.email);
    expect(mails[0]!.locale).toBe("zh-Hans");
    expect(mails[0]!.text_body).toContain(r.url);
    expect(mails[0]!.text_body).toContain(`/admin/webhooks/${endpoint.id}`);
    const audit = await getDb()
      .selectFrom("audit_log")
      .select("action")
      .where("entity_type", "=", "webhook_endpoint")
      .where("entity_id", "=", String(endpoint.id))
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["webhook.create", "webhook.paused"]);

    // Events go on being recorded while it is paused; resuming sends them all.
    await getDb()
      .transaction()
      .execute((trx) => enqueueEvent(trx, "call.opened", () => ({ later: true }), clock));
    healthy = true;
    const resumed = await resumeEndpoint(getDb(), endpoint.actor, endpoint.id, clock);
    expect(resumed).toMatchObject({ ok: true, pending: 2 });
    expect((await pass()).delivered).toBe(2);

    // A delivery given up after its day is sent again only when an admin asks.
    healthy = false;
    await getDb()
      .transaction()
      .execute((trx) => enqueueEvent(trx, "call.opened", () => ({ last: true }), clock));
    expect((await pass()).failed).toBe(1);
    clock = new Date(clock.getTime() + 25 * 3_600_000);
    const expired = await pass();
    expect(expired.paused).toBe(1);
    const rows = await deliveries(endpoint.id);
    const failed = rows.find((d) => d.status === "failed")!;
    expect(failed).toBeTruthy();
    healthy = true;
    // An acknowledged delivery is never redelivered.
    const acknowledged = rows.find((d) => d.status === "delivered")!;
    expect((await redeliver(getDb(), endpoint.actor, endpoint.id, acknowledged.id)).ok).toBe(false);
    expect((await resumeEndpoint(getDb(), endpoint.actor, endpoint.id, clock)).ok).toBe(true);
    expect((await redeliver(getDb(), endpoint.actor, endpoint.id, failed.id, clock)).ok).toBe(true);
    expect((await pass()).delivered).toBe(1);
    // Two pauses, two messages: one per pause.
    const after = await getDb()
      .selectFrom("mail_outbox")
      .select("id")
      .where("template", "=", "webhook_paused")
      .where("recipient_id", "=", owner.id)
      .execute();
    expect(after).toHaveLength(2);
    expect(new Set(r.received.filter((x) => x.verified).map((x) => x.id)).size).toBe(3);
  });
});

describe("the admin pages", () => {
  it("registers an endpoint, shows its secret once and keeps it only encrypted, audited", async () => {
    const admin = await signedIn("admin");
    const r = await receiver();
    const res = await callAction<{ created?: { id: number; secret: string } }>(
      webhooksIndex.action,
      "/admin/webhooks?index",
      {
        url: r.url,
        description: "CDA records",
        events: ["call.opened", "decisions.published"],
        ownerId: String(admin.user.id),
      },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(200);
    const { id, secret } = res.data.created!;
    expect(secret).toMatch(/^whsec_/);
    const row = await getDb()
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.secret_encrypted).not.toContain(secret.slice(6));
    expect(JSON.parse(row.events_json)).toEqual(["decisions.published", "call.opened"]);
    const audit = await getDb()
      .selectFrom("audit_log")
      .select(["action", "after_json", "actor_id"])
      .where("entity_type", "=", "webhook_endpoint")
      .where("entity_id", "=", String(id))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: "webhook.create", actor_id: admin.user.id });
    expect(audit.after_json).not.toContain(secret.slice(6));
    // The page never shows it again.
    const page = await callLoader(webhookPage.loader, `/admin/webhooks/${id}`, {
      cookie: admin.cookie,
      params: { id: String(id) },
    });
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.data)).not.toContain(secret.slice(6));
  });

  it("refuses a private address with a message beside the field and keeps what was typed", async () => {
    const admin = await signedIn("admin");
    const before = await getDb().selectFrom("webhook_endpoints").select("id").execute();
    const res = await callAction<{ errors: Record<string, string>; values: { url: string } }>(
      webhooksIndex.action,
      "/admin/webhooks?index",
      { url: "https://169.254.169.254/latest/meta-data", ownerId: String(admin.user.id) },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(400);
    expect(res.data.errors.url).toContain("webhooks.error.privateAddress");
    expect(res.data.errors.events).toContain("webhooks.error.events");
    expect(res.data.values.url).toBe("https://169.254.169.254/latest/meta-data");
    expect(await getDb().selectFrom("webhook_endpoints").select("id").execute()).toHaveLength(
      before.length,
    );
  });
});
