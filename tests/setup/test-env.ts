// Runs before every integration test file: its own SQLite file in its own temp directory, a copy
// of the template that tests/setup/template-db.ts migrated once for the whole run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-test-"));
const file = path.join(dir, "portal.db");
fs.copyFileSync(inject("templateDatabase"), file);
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_PATH: file,
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
});
