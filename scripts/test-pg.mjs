#!/usr/bin/env node
// npm run test:pg: the integration suite on PostgreSQL (docs/decisions/0019-postgresql.md).
// Uses TEST_DATABASE_URL when set (a role that may CREATE DATABASE); otherwise the local
// PostgreSQL 15 cluster: installed with apt-get when missing and started when down (as root, as
// on CI), with a test role created on first use. Extra arguments go to vitest (file filters).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";

const LOCAL = "postgres://cda_test:cda_test@127.0.0.1:5432/postgres";

function run(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ["ignore", "pipe", "inherit"], ...options })
    .toString()
    .trim();
}

function asPostgres(sql) {
  return run("su", ["postgres", "-c", `psql -qAtX -v ON_ERROR_STOP=1 -c "${sql}"`]);
}

function prepareLocalCluster() {
  const isRoot = process.getuid?.() === 0;
  const hasCluster = () => fs.existsSync("/usr/bin/pg_ctlcluster") && listClusters().length > 0;
  if (!hasCluster()) {
    if (!isRoot) {
      console.error(
        "PostgreSQL is not installed: run `apt-get install -y postgresql` as root, " +
          "or set TEST_DATABASE_URL to a server where this role may create databases.",
      );
      process.exit(1);
    }
    console.log("Installing PostgreSQL (apt-get install -y postgresql)…");
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  const [version, name, , status] = listClusters()[0];
  if (status !== "online") {
    if (!isRoot) {
      console.error(
        `PostgreSQL ${version}/${name} is down: run \`pg_ctlcluster ${version} ${name} start\` as root.`,
      );
      process.exit(1);
    }
    run("pg_ctlcluster", [version, name, "start"]);
  }
  if (isRoot && asPostgres("select 1 from pg_roles where rolname = 'cda_test'") !== "1") {
    asPostgres("create role cda_test login password 'cda_test' createdb");
  }
}

/** pg_lsclusters' rows: version, name, port, status, … */
function listClusters() {
  return run("pg_lsclusters", ["--no-header"])
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
}

let url = process.env.TEST_DATABASE_URL;
if (!url) {
  prepareLocalCluster();
  url = LOCAL;
}

const result = spawnSync(
  "npx",
  ["vitest", "run", "--project", "integration", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, TEST_DATABASE_URL: url } },
);
process.exit(result.status ?? 1);
