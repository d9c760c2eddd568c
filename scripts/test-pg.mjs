#!/usr/bin/env node
// npm run test:pg: the integration suite on PostgreSQL (docs/decisions/0019-postgresql.md).
// Uses TEST_DATABASE_URL when set (a role that may CREATE DATABASE); otherwise the local
// PostgreSQL 15 cluster: installed with apt-get when missing and started when down (as root, as
// on CI), with a test role created on first use (scripts/scale-out.mjs, shared with the crash
// test and the scale-out tests). Extra arguments go to vitest (file filters).
import { spawnSync } from "node:child_process";
import { preparePostgres } from "./scale-out.mjs";

let url;
try {
  url = preparePostgres();
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
