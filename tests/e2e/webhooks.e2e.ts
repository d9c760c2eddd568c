// Issue 17's "done when" for webhooks: receivers started here (node:http on port 0) get each event
// exactly once across a server restart, and a receiver that fails three times first gets it on
// the fourth attempt. The server is the built one (`node server.mjs`, production) as a cluster of
// two workers, so two dispatchers in two processes compete for the same outbox; it is killed with
// SIGKILL (its whole process group: the primary and its workers) and started again on the same
// files. Events are caused by the portal's own model functions from this process, on the same
// SQLite file (the test plays the officials and the applicant; the server only dispatches).
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Received {
  id: string;
  event: string;
  status: number;
  verified: boolean;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-webhooks-"));
const sessionSecret = crypto.randomBytes(32).toString("hex");
let port = 0;
let server: ChildProcess | undefined;
const receivers: http.Server[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port: p } = srv.address() as AddressInfo;
      srv.close(() => resolve(p));
    });
  });
}

const serverEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: "production" as const,
  HOST: "127.0.0.1",
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATABASE_PATH: path.join(dir, "portal.db"),
  UPLOAD_DIR: path.join(dir, "uploads"),
  SESSION_SECRET: sessionSecret,
  SEED_DEMO: "off",
  SMTP_URL: "",
  LOG_LEVEL: "warn",
  WEB_CONCURRENCY: "2",
  REMINDER_INTERVAL_SECONDS: "0",
  WEBHOOK_INTERVAL_SECONDS: "1",
  WEBHOOK_RETRY_BASE_SECONDS: "1",
  WEBHOOK_ALLOW_LOOPBACK: "on",
});

async function startServer() {
  const out = fs.openSync(path.join(dir, "server.log"), "a");
  // Its own process group, so that one kill reaches the primary and both workers.
  const proc = spawn(process.execPath, ["server.mjs"], {
    env: serverEnv(),
    stdio: ["ignore", out, out],
    detached: true,
  });
  server = proc;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`server exited:\n${fs.readFileSync(path.join(dir, "server.log"), "utf8")}`);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    if (res?.ok) return;
    if (Date.now() > deadline) throw new Error("the server did not answer in 180 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Kills the server's process group (by the id of the process this test started). */
async function killServer(signal: NodeJS.Signals) {
  const proc = server;
  if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  process.kill(-proc.pid, signal);
  await exited;
  // The workers are gone too once nothing in the group is left.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(-proc.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server's workers did not stop");
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A receiver on a free port that verifies every signature; `fail(n)` answers the n-th request. */
async function receiver(fail: (n: number) => boolean) {
  const received: Received[] = [];
  let secret = "";
  const { verifyWebhookSignature } = await import("~/services/webhook-http.server");
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const status = fail(received.length + 1) ? 500 : 200;
      received.push({
        id: String(req.headers["x-cda-webhook-id"]),
        event: String(req.headers["x-cda-webhook-event"]),
        status,
        verified: verifyWebhookSignature({
          secret,
          timestamp: (req.headers["x-cda-webhook-timestamp"] as string) ?? null,
          body,
          signature: (req.headers["x-cda-webhook-signature"] as string) ?? null,
        }),
      });
      res.writeHead(status).end(status === 200 ? "ok" : "try again");
    });
  });
  srv.listen(0, "127.0.0.1");
  await new Promise((resolve) => srv.once("listening", resolve));
  receivers.push(srv);
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hooks/cda`,
    received,
    setSecret: (s: string) => (secret = s),
  };
}

beforeAll(async () => {
  if (!fs.existsSync("build/server/index.js"))
    throw new Error("No server build found: run `npm run build` first.");
  port = await freePort();
  // This process works on the server's database with the portal's own code.
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_PATH: path.join(dir, "portal.db"),
    UPLOAD_DIR: path.join(dir, "uploads"),
    SESSION_SECRET: sessionSecret,
    SMTP_URL: "",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SEED_DEMO: "off",
  });
  (await import("~/services/env.server")).resetEnvCache();
  await import("~/i18n/catalog.server");
  await startServer();
}, 240_000);

afterAll(async () => {
  await killServer("SIGTERM");
  for (const r of receivers) r.closeAllConnections();
  for (const r of receivers) await new Promise((resolve) => r.close(resolve));
  const { closeDb } = await import("~/services/db.server");
  await closeDb();
  if (process.env.KEEP_E2E_DIR) console.log(`webhook test files kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("webhooks against the built server", () => {
  it("delivers each event exactly once across a restart, and to a receiver that fails three times first", async () => {
    const { getDb } = await import("~/services/db.server");
    const { createEndpoint } = await import("~/models/webhooks.server");
    const { transitionCall } = await import("~/models/call-admin.server");
    const { submitProposal, withdrawProposal } = await import("~/models/submission.server");
    const factories = await import("../support/factories");
    const { DECLARATION, newKey, readyDraft } = await import("../integration/submission-fixtures");
    const db = getDb();

    const steady = await receiver(() => false);
    const flaky = await receiver((n) => n <= 3);
    const admin = await factories.createUser("admin");
    const actor = { id: admin.id, email: admin.email, role: "admin" as const };
    for (const r of [steady, flaky]) {
      const created = await createEndpoint(db, actor, {
        url: r.url,
        description: "e2e receiver",
        events: ["proposal.submitted", "proposal.withdrawn", "call.opened", "call.closed"],
        ownerId: admin.id,
      });
      if (!created.ok) throw new Error(JSON.stringify(created.errors));
      r.setSecret(created.secret);
    }
    const allDelivered = async (count: number) => {
      const rows = await db.selectFrom("webhook_deliveries").select("status").execute();
      return rows.length === count && rows.every((r) => r.status === "delivered");
    };

    // 1. The call opens while the server runs: both receivers get it, the flaky one at the 4th try.
    const { call } = await factories.createCall({ status: "draft" });
    expect((await transitionCall(db, call.id, "open", actor)).ok).toBe(true);
    await waitFor("the opening to reach both receivers", () => allDelivered(2));

    // 2. The server dies (SIGKILL, nothing in flight); meanwhile an applicant submits and withdraws.
    await killServer("SIGKILL");
    const applicant = await factories.createUser("applicant");
    const draft = await readyDraft(applicant.id, call.id);
    const submitted = await submitProposal(db, {
      proposalId: draft.id,
      userId: applicant.id,
      submissionKey: newKey(),
      declaration: DECLARATION,
    });
    expect(submitted.ok).toBe(true);
    expect((await withdrawProposal(db, { proposalId: draft.id, userId: applicant.id })).ok).toBe(
      true,
    );

    // 3. Started again on the same files: what was written while it was down goes out, once.
    await startServer();
    await waitFor("the events written while the server was down", () => allDelivered(6));
    // 4. One more event after the restart: its delivery proves the dispatchers went on passing
    //    over the outbox after every earlier delivery was acknowledged.
    expect((await transitionCall(db, call.id, "closed", actor)).ok).toBe(true);
    await waitFor("the closing", () => allDelivered(8));

    const expected = ["call.opened", "proposal.submitted", "proposal.withdrawn", "call.closed"];
    for (const r of [steady, flaky]) {
      const acknowledged = r.received.filter((x) => x.status === 200);
      expect(acknowledged.map((x) => x.event).sort()).toEqual([...expected].sort());
      expect(new Set(acknowledged.map((x) => x.id)).size).toBe(4);
      expect(r.received.every((x) => x.verified)).toBe(true);
    }
    expect(steady.received).toHaveLength(4);
    // The flaky receiver: three refusals of the opening, then each event once.
    expect(flaky.received).toHaveLength(7);
    expect(flaky.received.slice(0, 4).map((x) => [x.event, x.status])).toEqual([
      ["call.opened", 500],
      ["call.opened", 500],
      ["call.opened", 500],
      ["call.opened", 200],
    ]);
    expect(new Set(flaky.received.slice(0, 4).map((x) => x.id)).size).toBe(1);
    const attempts = await db
      .selectFrom("webhook_attempts")
      .innerJoin("webhook_deliveries", "webhook_deliveries.id", "webhook_attempts.delivery_id")
      .select(["webhook_deliveries.uuid", "webhook_attempts.status_code"])
      .where("webhook_deliveries.uuid", "=", flaky.received[0]!.id)
      .orderBy("webhook_attempts.attempt")
      .execute();
    expect(attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);
  }, 600_000);
});
