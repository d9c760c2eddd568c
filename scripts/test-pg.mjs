#!/usr/bin/env node
// npm run test:pg: the integration suite on PostgreSQL (docs/decisions/0019-postgresql.md).
// Uses TEST_DATABASE_URL when set (a role that may CREATE DATABASE); otherwise the local
// PostgreSQL 15 cluster: installed with apt-get when missing and started when down (as root, as
// on CI), with a test role created on first use (scripts/scale-out.mjs, shared with the crash
// test and the scale-out tests). Extra arguments go to vitest (file filters).
import { execFileSync, spawnSync } from "node:child_process";
import { preparePostgres } from "./scale-out.mjs";

function asPostgres(sql) {
  return execFileSync("su", ["postgres", "-c", `psql -qAtX -v ON_ERROR_STOP=1 -c "${sql}"`], {
    stdio: ["ignore", "pipe", "inherit"],
  })
    .toString()
    .trim();
}

/** Whether the cluster holds any database besides its own and the test runs' (cda_…). */
function holdsOtherDatabases() {
  const others = asPostgres(
    "select count(*) from pg_database where datname not in ('postgres', 'template0', 'template1') and datname not like 'cda\\_%'",
  );
  return others !== "0";
}

// Durability a test run does not need, on the local cluster this script manages when it holds
// nothing but test databases (never on a TEST_DATABASE_URL server, nor on a cluster with other
// databases: either may hold someone's data). Every test database is thrown away, so a power cut
// may lose it: no fsync, no wait for the WAL flush at commit, no full-page images after a
// checkpoint. 400 one-row commits took 5.7–8.0 ms each durable and 1.7–2.8 ms each so, on this
// 2-core machine under load (decision 0019). All three take effect on a reload: no restart, so a
// run already going on this cluster is not cut off. ALTER SYSTEM writes postgresql.auto.conf,
// so the settings stay for the next run.
const TEST_SETTINGS = { fsync: "off", synchronous_commit: "off", full_page_writes: "off" };

function configureForTests() {
  if (process.env.TEST_DATABASE_URL) return;
  if (process.getuid?.() !== 0) {
    console.log("Not root: the cluster keeps its durability settings (a slower run).");
    return;
  }
  if (holdsOtherDatabases()) {
    console.log("The cluster holds other databases: left durable.");
    return;
  }
  const names = Object.keys(TEST_SETTINGS)
    .map((name) => `'${name}'`)
    .join(",");
  const current = Object.fromEntries(
    asPostgres(`select name, setting from pg_settings where name in (${names})`)
      .split("\n")
      .map((line) => line.split("|")),
  );
  const changes = Object.entries(TEST_SETTINGS).filter(([name, value]) => current[name] !== value);
  if (changes.length === 0) return;
  for (const [name, value] of changes) asPostgres(`alter system set ${name} = ${value}`);
  asPostgres("select pg_reload_conf()");
  console.log(`Local test cluster: ${changes.map(([n, v]) => `${n}=${v}`).join(", ")} (reloaded).`);
}

let url;
try {
  url = preparePostgres();
  configureForTests();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const result = spawnSync(
  "npx",
  ["vitest", "run", "--project", "integration", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, TEST_DATABASE_URL: url } },
);
process.exit(result.status ?? 1);
