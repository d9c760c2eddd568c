// npm run test:crash — crash safety of submission, against the built server (run `npm run build`
// first; this script builds nothing).
//  1. A temporary database gets an open call and 200 applicants, each with a complete draft and a
//     session (scripts/crash-test-prepare.ts, through the app's own code).
//  2. `node server.mjs` starts on a free port; every applicant opens the check-answers page (for
//     the form's one-time submission key) and then all 200 submit at once.
//  3. Midway (after CRASH_AFTER acknowledged submissions) the server is killed with SIGKILL; with
//     CRASH_WORKERS=N (N > 1) the server is a cluster of N workers and one worker is killed instead,
//     while the others go on answering and the cluster's primary starts a new one.
//  4. It is restarted on the same files (a cluster is not: it recovers by itself), and the script
//     proves that every submission the server
//     acknowledged (303 to the confirmation page) is there and whole (status submitted,
//     reference, snapshot that parses, audit row), that every reference a confirmation page
//     showed is the stored one, that no reference was issued twice, and that references are
//     gap-free. Then every applicant retries with the same key (what a browser does): nobody gets
//     a second reference, and all 200 end up submitted once, numbered 1..200.
//
// On PostgreSQL (docs/decisions/0025-scale-out-tests.md): CRASH_DATABASE=postgres runs the same on
// a fresh database of the local cluster (scripts/scale-out.mjs prepares it; dropped afterwards).
// CRASH_SERVERS=2 (PostgreSQL implied) is issue 16's scale-out layout: two servers (one process
// each) on that database behind Debian's nginx, round-robin; every request goes through nginx,
// and one of the two servers is killed with SIGKILL midway while the other goes on answering; it
// is restarted after the burst and the checks run as above.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import Database from "better-sqlite3";
import pg from "pg";
import { freePort, freshDatabase, preparePostgres, startNginx } from "./scale-out.mjs";

const COUNT = Number(process.env.CRASH_COUNT ?? 200);
const CRASH_AFTER = Number(process.env.CRASH_AFTER ?? Math.floor(COUNT / 3));
const WORKERS = Number(process.env.CRASH_WORKERS ?? 1);
const SERVERS = Number(process.env.CRASH_SERVERS ?? 1);
const POSTGRES = process.env.CRASH_DATABASE === "postgres" || SERVERS > 1;
if (SERVERS > 1 && WORKERS > 1) {
  console.error("crash-test: CRASH_SERVERS > 1 runs one process per server (CRASH_WORKERS=1)");
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const started = Date.now();

if (!fs.existsSync(path.join(root, "build/server/index.js"))) {
  console.error("crash-test: build/server/index.js is missing; run `npm run build` first.");
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-crash-"));
const env = {
  ...process.env,
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  DATABASE_PATH: path.join(dir, "portal.db"),
  UPLOAD_DIR: path.join(dir, "uploads"),
  SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
  SEED_DEMO: "off",
  WEB_CONCURRENCY: String(WORKERS),
  SMTP_URL: "",
  LOG_LEVEL: "warn",
};

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
};
const log = (...args) =>
  console.log(`[crash-test ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);

let server = null;
/** With CRASH_SERVERS > 1: every app server ({ proc, port }) and nginx in front of them. */
const servers = [];
let nginx = null;
let database = null;
const serverLog = fs.openSync(path.join(dir, "server.log"), "a");

/** GET /healthz on one server's own port, under the public host (any other host is refused). */
function healthy(port, host) {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port, path: "/healthz", headers: { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
  });
}

function spawnServer(port, extraEnv = {}) {
  return spawn(process.execPath, ["server.mjs"], {
    cwd: root,
    env: { ...env, PORT: String(port), ...extraEnv },
    stdio: ["ignore", serverLog, serverLog],
  });
}

async function waitHealthy(proc, port, host) {
  // A hang guard, not a speed target: a cluster starts three processes, slowly on a busy machine.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (hasExited(proc)) throw new Error(`server exited with ${proc.exitCode ?? proc.signalCode}`);
    if (await healthy(port, host)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become healthy within 180 s");
}

async function startServer(port) {
  server = spawnServer(port);
  await waitHealthy(server, port, `127.0.0.1:${port}`);
}

/** Server i of the scale-out layout, on its own port, answering for nginx's address. */
async function startScaleOutServer(i) {
  const entry = servers[i];
  // Each server its own upload directory: documents live in PostgreSQL (the database store,
  // docs/decisions/0024-document-store.md), so neither needs the other's disk.
  entry.proc = spawnServer(entry.port, { UPLOAD_DIR: path.join(dir, `uploads-${i + 1}`) });
  await waitHealthy(entry.proc, entry.port, new URL(env.PUBLIC_URL).host);
}

/** The cluster's workers: the server's child processes (Linux: read from /proc). */
function workerPids() {
  if (!server) return [];
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: the command may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === server.pid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Waits until the cluster has its WORKERS workers again and answers. */
async function clusterRecovered(base) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (hasExited(server)) throw new Error("the cluster's primary exited");
    if (workerPids().length === WORKERS) {
      const res = await fetch(`${base}/healthz`).catch(() => null);
      if (res?.ok) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the cluster did not get back to ${WORKERS} workers within 60 s`);
}

/** A process killed by a signal has a null exitCode but a signalCode. */
function hasExited(proc) {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** Resolves when the process has exited (at once if it already has). */
function exited(proc) {
  if (!proc || hasExited(proc)) return Promise.resolve();
  return new Promise((resolve) => proc.once("exit", () => resolve(undefined)));
}

function stopServer(signal = "SIGTERM") {
  if (!server || hasExited(server)) return Promise.resolve();
  const proc = server;
  return new Promise((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill(signal);
  });
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const REFERENCE = /CDA-\d{4}-\d{4,}/;

async function main() {
  // The port first: the server's public address (PUBLIC_URL, required in production) names it,
  // and the prepared sessions are made under the same configuration.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  Object.assign(env, { PORT: String(port), PUBLIC_URL: base });
  if (POSTGRES) {
    database = await freshDatabase(preparePostgres(), "cda_crash");
    env.DATABASE_URL = database.url;
    log(`PostgreSQL database ${database.name}`);
  }
  log(`preparing ${COUNT} applicants with complete drafts in ${dir}`);
  const prepared = path.join(dir, "applicants.json");
  const prep = spawnSync(
    path.join(root, "node_modules/.bin/tsx"),
    ["scripts/crash-test-prepare.ts", prepared, String(COUNT)],
    { cwd: root, env, encoding: "utf8" },
  );
  if (prep.status !== 0) throw new Error(`prepare failed:\n${prep.stdout}\n${prep.stderr}`);
  const applicants = JSON.parse(fs.readFileSync(prepared, "utf8"));

  if (SERVERS > 1) {
    // nginx listens on the public address; the servers on ports of their own behind it.
    for (let i = 0; i < SERVERS; i++) servers.push({ proc: null, port: await freePort() });
    for (let i = 0; i < SERVERS; i++) await startScaleOutServer(i);
    const nginxDir = path.join(dir, "nginx");
    nginx = await startNginx({
      dir: nginxDir,
      port,
      upstreams: servers.map((s) => `127.0.0.1:${s.port}`),
    });
    log(
      `${SERVERS} servers (ports ${servers.map((s) => s.port).join(", ")}) behind nginx on ${base}`,
    );
  } else {
    await startServer(port);
    log(`server up on ${base}`);
  }
  await serverChecks(base);

  // Each applicant opens the check-answers page: the form carries its one-time submission key.
  const problemsBefore = problems.length;
  await mapLimit(applicants, 20, async (a) => {
    const res = await fetch(`${base}/proposals/${a.proposalId}/check`, {
      headers: { Cookie: a.cookie },
      redirect: "manual",
    });
    const html = await res.text();
    const m =
      /name="submissionKey"[^>]*value="([^"]+)"/.exec(html) ??
      /value="([^"]+)"[^>]*name="submissionKey"/.exec(html);
    check(
      res.status === 200 && m,
      `check page of proposal ${a.proposalId}: ${res.status}, key ${m ? "found" : "missing"}`,
    );
    a.submissionKey = m ? m[1] : crypto.randomBytes(18).toString("base64url");
  });
  if (problems.length > problemsBefore)
    throw new Error(`the check pages did not load:\n${problems.slice(problemsBefore).join("\n")}`);

  // 200 concurrent submissions; SIGKILL once CRASH_AFTER of them have been acknowledged.
  let acknowledged = 0;
  let killedAt = null;
  let killedWorker = null;
  let acknowledgedAfterKill = 0;
  /** Which server answered each submission (nginx's X-Upstream), to show both took part. */
  const answeredBy = new Map();
  const victim = SERVERS > 1 ? servers[SERVERS - 1] : null;
  const kill = () => {
    if (killedAt === null && victim) {
      killedAt = Date.now();
      victim.proc.kill("SIGKILL");
    } else if (killedAt === null && server) {
      killedAt = Date.now();
      if (WORKERS === 1) server.kill("SIGKILL");
      else {
        killedWorker = workerPids()[0] ?? null;
        if (killedWorker) process.kill(killedWorker, "SIGKILL");
      }
    }
  };
  const submit = (a) =>
    fetch(`${base}/proposals/${a.proposalId}/check`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Cookie: a.cookie,
        Origin: base,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        signatoryName: "Wang Li 王力",
        signatoryTitle: "Director",
        confirm: "yes",
        submissionKey: a.submissionKey,
      }),
    });
  const safety = setTimeout(kill, 20_000);
  await Promise.all(
    applicants.map(async (a) => {
      try {
        const res = await submit(a);
        await res.body?.cancel();
        const location = res.headers.get("location") ?? "";
        a.firstStatus = res.status;
        const upstream = res.headers.get("x-upstream");
        if (upstream) answeredBy.set(upstream, (answeredBy.get(upstream) ?? 0) + 1);
        if (res.status === 303 && location.endsWith(`/proposals/${a.proposalId}/confirmation`)) {
          a.acknowledged = true;
          acknowledged += 1;
          if (killedAt !== null) acknowledgedAfterKill += 1;
          if (acknowledged >= CRASH_AFTER) kill();
          // The browser follows the redirect: the confirmation page shows the reference.
          const page = await fetch(`${base}${location}`, { headers: { Cookie: a.cookie } });
          const m = REFERENCE.exec(await page.text());
          if (page.ok && m) a.shownReference = m[0];
        }
      } catch {
        a.lost = true; // the connection died with the server
      }
    }),
  );
  clearTimeout(safety);
  kill();
  if (victim) await exited(victim.proc);
  else if (WORKERS === 1) await stopServer("SIGKILL");
  const shown = applicants.filter((a) => a.shownReference).length;
  const killed = victim
    ? `server ${SERVERS} of ${SERVERS} (port ${victim.port})`
    : WORKERS === 1
      ? "the server"
      : `worker ${killedWorker} of ${WORKERS}`;
  log(
    `killed ${killed} with SIGKILL after ${CRASH_AFTER} acknowledged submissions; ${acknowledged} acknowledged in all (${shown} confirmation pages read, ${
      applicants.filter((a) => a.lost).length
    } requests lost, ${applicants.filter((a) => !a.acknowledged && !a.lost).length} refused)`,
  );
  if (victim)
    log(
      `answered by (nginx's X-Upstream): ${[...answeredBy].map(([u, n]) => `${u} ${n}`).join(", ")}; ${acknowledgedAfterKill} acknowledged after the kill; statuses ${JSON.stringify(
        Object.fromEntries(
          [...new Set(applicants.map((a) => a.firstStatus))].map((st) => [
            st,
            applicants.filter((a) => a.firstStatus === st).length,
          ]),
        ),
      )}`,
    );
  check(acknowledged > 0, "no submission was acknowledged before the kill");
  if (victim) {
    check(
      servers.every((s) => [...answeredBy.keys()].some((u) => u.includes(`:${s.port}`))),
      `not every server answered submissions: ${JSON.stringify([...answeredBy])}`,
    );
    check(acknowledgedAfterKill > 0, "the surviving server acknowledged nothing after the kill");
  } else if (WORKERS === 1)
    check(acknowledged < COUNT, "the kill came after every submission: not midway");
  else check(killedWorker !== null, "no worker of the cluster was found to kill");

  if (victim) {
    // The killed server starts again on the same database; nginx sends it requests again.
    await startScaleOutServer(SERVERS - 1);
    log("the killed server restarted");
  } else if (WORKERS === 1) {
    // Restart on the same files: recovery happens as the server opens the database.
    await startServer(port);
    log("server restarted");
  } else {
    // The cluster recovers by itself: its primary starts a worker in place of the killed one.
    await clusterRecovered(base);
    log(`the cluster is back to ${WORKERS} workers`);
  }
  await verify(applicants, "after the crash", false);

  // Every applicant retries with the same key, as a browser resending the form would.
  const refsBefore = new Map((await readProposals()).map((p) => [p.id, p.reference]));
  await mapLimit(applicants, 25, async (a) => {
    try {
      const res = await submit(a);
      await res.body?.cancel();
      a.retryStatus = res.status;
      check(
        res.status === 303 &&
          (res.headers.get("location") ?? "").endsWith(`/proposals/${a.proposalId}/confirmation`),
        `retry of proposal ${a.proposalId}: ${res.status} ${res.headers.get("location")}`,
      );
    } catch (error) {
      check(false, `retry of proposal ${a.proposalId} failed: ${error}`);
    }
  });
  for (const p of await readProposals()) {
    const before = refsBefore.get(p.id);
    if (before)
      check(
        p.reference === before,
        `proposal ${p.id} got a new reference on retry: ${before} → ${p.reference}`,
      );
  }
  await verify(applicants, "after the retries", true);
  const stopped = victim ? servers.map((s) => s.proc) : [server];
  if (victim)
    await Promise.all(
      stopped.map((proc) => {
        const done = exited(proc);
        proc.kill("SIGTERM");
        return done;
      }),
    );
  else await stopServer("SIGTERM");
  // A graceful stop: every worker finished and the server exited by itself, with success.
  for (const proc of stopped)
    check(
      proc.exitCode === 0,
      `SIGTERM: the server exited with ${proc.exitCode ?? proc.signalCode}`,
    );
}

/**
 * While the real server is up: its security headers, the cross-site POST refusal, and an error
 * page that shows a reference (the request id, also in the log) and never a stack trace or SQL.
 */
async function serverChecks(base) {
  const home = await fetch(`${base}/`);
  await home.text();
  const csp = home.headers.get("content-security-policy") ?? "";
  check(/script-src 'nonce-[^']+'/.test(csp) && !csp.includes("unsafe-inline"), `CSP: ${csp}`);
  check(csp.includes("frame-ancestors 'none'"), "CSP lacks frame-ancestors 'none'");
  check(home.headers.get("x-content-type-options") === "nosniff", "no nosniff header");
  check(!!home.headers.get("referrer-policy"), "no Referrer-Policy header");
  check(!!home.headers.get("permissions-policy"), "no Permissions-Policy header");
  check(!home.headers.get("x-powered-by"), "X-Powered-By is sent");
  for (const headers of [
    { Origin: "https://attacker.example" },
    { "Sec-Fetch-Site": "cross-site" },
  ]) {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.test&password=x",
    });
    await res.text();
    check(
      res.status === 403,
      `cross-site POST (${JSON.stringify(headers)}) answered ${res.status}`,
    );
  }
  // A body the form parser cannot read: whatever the status, no internals reach the page.
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "text/plain" },
    body: "'; select * from users; --",
  });
  const body = await res.text();
  check(
    !/\bat [\w.<>]+ \(|node_modules|SQLITE_|TypeError|select \* from/i.test(body),
    `an error page shows internals (status ${res.status})`,
  );
  if (res.status >= 500) {
    const id = res.headers.get("x-request-id") ?? "";
    check(
      id && body.includes(id),
      `a 5xx page (POST /login, text/plain) does not show its request id ${id}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    check(
      fs.readFileSync(path.join(dir, "server.log"), "utf8").includes(id),
      "a 5xx is not logged with its request id",
    );
    log(`note: a text/plain POST to /login answers ${res.status} (reference ${id})`);
  }
}

/**
 * The database, read only: `all(sql)` returns rows (SQLite through better-sqlite3, PostgreSQL
 * through pg with bigints as numbers: ids and counters here are small), `integrity()` SQLite's
 * integrity check (PostgreSQL has none to run: its WAL recovery is the server's own business).
 */
async function openDb() {
  if (POSTGRES) {
    const client = new pg.Client({
      connectionString: env.DATABASE_URL,
      types: {
        getTypeParser: (oid, format) =>
          oid === 20 ? (v) => Number(v) : pg.types.getTypeParser(oid, format),
      },
    });
    await client.connect();
    return {
      all: async (sql) => (await client.query(sql)).rows,
      integrity: async () => true,
      close: () => client.end(),
    };
  }
  const db = new Database(env.DATABASE_PATH, { readonly: true, fileMustExist: true });
  return {
    all: async (sql) => db.prepare(sql).all(),
    integrity: async () => db.pragma("integrity_check", { simple: true }) === "ok",
    close: async () => db.close(),
  };
}

async function readProposals() {
  const db = await openDb();
  try {
    return await db.all("select * from proposals order by id");
  } finally {
    await db.close();
  }
}

async function verify(applicants, when, allSubmitted) {
  const problemsBefore = problems.length;
  const db = await openDb();
  try {
    check(await db.integrity(), `${when}: integrity_check failed`);
    const byId = new Map((await db.all("select * from proposals")).map((p) => [p.id, p]));
    const audited = new Set(
      (await db.all("select proposal_id from audit_log where action = 'proposal.submit'")).map(
        (r) => r.proposal_id,
      ),
    );
    const counters = new Map(
      (await db.all("select year, last_value from reference_counters")).map((r) => [
        Number(r.year),
        r.last_value,
      ]),
    );
    for (const a of applicants) {
      const p = byId.get(a.proposalId);
      if (!p) {
        check(false, `${when}: proposal ${a.proposalId} is missing`);
        continue;
      }
      const mustBeSubmitted = allSubmitted || a.acknowledged;
      if (p.status === "draft") {
        check(!mustBeSubmitted, `${when}: proposal ${p.id} was acknowledged but is still a draft`);
        check(
          p.reference === null && p.snapshot_json === null && p.submitted_at === null,
          `${when}: draft ${p.id} is half submitted (reference ${p.reference})`,
        );
        check(!audited.has(p.id), `${when}: draft ${p.id} has a submission audit row`);
        continue;
      }
      check(p.status === "submitted", `${when}: proposal ${p.id} has status ${p.status}`);
      check(REFERENCE.test(p.reference ?? ""), `${when}: proposal ${p.id} has no reference`);
      check(!!p.submitted_at, `${when}: proposal ${p.id} has no submission time`);
      let snapshot = null;
      try {
        snapshot = JSON.parse(p.snapshot_json ?? "null");
      } catch {
        snapshot = null;
      }
      check(
        snapshot && typeof snapshot === "object" && Object.keys(snapshot).length > 0,
        `${when}: proposal ${p.id} has no readable snapshot`,
      );
      check(audited.has(p.id), `${when}: proposal ${p.id} has no 'proposal.submit' audit row`);
      if (a.shownReference)
        check(
          a.shownReference === p.reference,
          `${when}: proposal ${p.id} showed ${a.shownReference} but stores ${p.reference}`,
        );
    }
    const refs = [...byId.values()].map((p) => p.reference).filter(Boolean);
    check(new Set(refs).size === refs.length, `${when}: a reference was issued twice`);
    // Gap-free per year, and the counter agrees with what was issued.
    const byYear = new Map();
    for (const r of refs) {
      const [, year, n] = /CDA-(\d{4})-(\d+)/.exec(r);
      if (!byYear.has(year)) byYear.set(year, []);
      byYear.get(year).push(Number(n));
    }
    for (const [year, numbers] of byYear) {
      numbers.sort((x, y) => x - y);
      const gaps = numbers.filter((n, i) => n !== i + 1);
      check(
        gaps.length === 0,
        `${when}: references of ${year} are not 1..${numbers.length} (first gap near ${gaps[0]})`,
      );
      const counter = counters.get(Number(year));
      check(
        counter === numbers.length,
        `${when}: counter for ${year} is ${counter}, ${numbers.length} references issued`,
      );
    }
    const submitted = refs.length;
    log(
      `${when}: ${submitted} submitted, whole, unique and gap-free: ${problems.length === problemsBefore ? "yes" : "NO"}`,
    );
    if (allSubmitted)
      check(
        submitted === applicants.length,
        `${when}: ${submitted} of ${applicants.length} submitted`,
      );
  } finally {
    await db.close();
  }
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  problems.push(String(error?.stack ?? error));
} finally {
  await stopServer("SIGKILL").catch(() => undefined);
  for (const s of servers)
    if (s.proc && !hasExited(s.proc)) {
      const done = exited(s.proc);
      s.proc.kill("SIGKILL");
      await done;
    }
  await nginx?.stop();
  // The database is dropped when the run passed, kept (like the files) when it failed.
  if (database && !problems.length) await database.drop().catch(() => undefined);
  else if (database) console.error(`PostgreSQL database kept: ${database.name}`);
  fs.closeSync(serverLog);
  if (problems.length) {
    exitCode = 1;
    console.error(
      `crash-test FAILED (${problems.length} problems):\n- ${problems.slice(0, 50).join("\n- ")}`,
    );
    const tail = fs
      .readFileSync(path.join(dir, "server.log"), "utf8")
      .split("\n")
      .slice(-20)
      .join("\n");
    console.error(`server log (last lines):\n${tail}`);
    console.error(`files kept in ${dir}`);
  } else {
    log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(exitCode);
