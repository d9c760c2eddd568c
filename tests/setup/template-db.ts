// Vitest globalSetup of the integration project: migrates one SQLite file once per run; every
// test file then starts from a copy of it (tests/setup/test-env.ts) instead of migrating its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateToLatest, openDatabase } from "~/services/db.server";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated, empty database file that test files copy; never opened by a test itself. */
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-template-"));
  const file = path.join(dir, "template.db");
  const { db, sqlite } = openDatabase(file);
  await migrateToLatest(db);
  // Everything into the main file, so that copying that one file copies the whole database.
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await db.destroy();
  for (const side of ["-wal", "-shm"]) fs.rmSync(file + side, { force: true });
  project.provide("templateDatabase", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
