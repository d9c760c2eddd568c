// Runs before every integration test file: its own database, a copy of the template that
// tests/setup/template-db.ts migrated once for the whole run. SQLite: its own file in its own temp
// directory. PostgreSQL (npm run test:pg): its own database made from the template database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { databaseUrl, dropDatabase, freshDatabaseName, onServer, testServerUrl } from "./postgres";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-test-"));
const file = path.join(dir, "portal.db");
fs.copyFileSync(inject("templateDatabase"), file);

const server = testServerUrl();
const database = server ? freshDatabaseName("cda_test") : "";
if (server) {
  await onServer(
    server,
    `create database ${database} template ${inject("templatePostgresDatabase")}`,
  );
}

Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_PATH: file,
  DATABASE_URL: server ? databaseUrl(server, database) : "",
  UPLOAD_DIR: path.join(dir, "uploads"),
  SESSION_SECRET: "test-secret-test-secret-test-secret-0123456789",
  SMTP_URL: "",
  SEED_DEMO: "off",
});

await import("~/i18n/catalog.server");
const { closeDb } = await import("~/services/db.server");

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
  if (server) await dropDatabase(server, database);
});
