// Vitest globalSetup of the integration project: migrates one database once per run; every test
// file then starts from a copy of it (tests/setup/test-env.ts) instead of migrating its own. On
// SQLite the template is a file; on PostgreSQL (TEST_DATABASE_URL, npm run test:pg) a database
// that each file clones with CREATE DATABASE … TEMPLATE.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateToLatest, openDatabase, openPostgres } from "~/services/db.server";
import { databaseUrl, freshDatabaseName, onServer, testServerUrl } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated, empty database file that test files copy; never opened by a test itself. */
    templateDatabase: string;
    /** On PostgreSQL: the migrated template database's name (and "" on SQLite). */
    templatePostgresDatabase: string;
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

  const server = testServerUrl();
  let template = "";
  if (server) {
    template = freshDatabaseName("cda_template");
    await onServer(server, `create database ${template}`);
    const postgres = openPostgres(databaseUrl(server, template), { max: 1 });
    await migrateToLatest(postgres.db);
    // Nobody may be connected to a template while it is copied.
    await postgres.db.destroy();
  }
  project.provide("templatePostgresDatabase", template);

  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (server && template) await onServer(server, `drop database if exists ${template}`);
  };
}
