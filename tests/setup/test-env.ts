// Runs before every test file: a fresh, migrated SQLite file in its own temp directory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-test-"));
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_PATH: path.join(dir, "portal.db"),
  UPLOAD_DIR: path.join(dir, "uploads"),
  SESSION_SECRET: "test-secret-test-secret-test-secret-0123456789",
  SMTP_URL: "",
  SEED_DEMO: "off",
});

await import("~/i18n/catalog.server");
const { closeDb, getDb, migrateToLatest } = await import("~/services/db.server");
await migrateToLatest(getDb());

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});
