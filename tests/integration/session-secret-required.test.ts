// Issue 16: with DATABASE_URL several app servers share one database, and each must accept the
// sessions the others signed: start-up refuses without SESSION_SECRET instead of letting each
// server invent its own. SQLite alone still makes one and keeps it beside the database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getEnv, resetEnvCache } from "~/services/env.server";

const env = process.env as Record<string, string | undefined>;
const SAVED = { ...env };
const KEYS = ["DATABASE_URL", "SESSION_SECRET", "DATABASE_PATH"];

afterEach(() => {
  for (const key of KEYS) {
    if (SAVED[key] === undefined) delete env[key];
    else env[key] = SAVED[key];
  }
  resetEnvCache();
});

const SECRET = "a-shared-secret-of-more-than-32-characters-0001";

describe("SESSION_SECRET and DATABASE_URL", () => {
  it("refuses to start on PostgreSQL without SESSION_SECRET, saying why", () => {
    env.DATABASE_URL = "postgres://portal@db.internal:5432/portal";
    delete env.SESSION_SECRET;
    resetEnvCache();
    expect(() => getEnv()).toThrow(/SESSION_SECRET: required with DATABASE_URL/);
    expect(() => getEnv()).toThrow(/every\s+server/);
  });

  it("starts on PostgreSQL with it, every server signing with the same secrets", () => {
    env.DATABASE_URL = "postgres://portal@db.internal:5432/portal";
    env.SESSION_SECRET = `${SECRET}, an-older-secret-still-accepted-while-rotating`;
    resetEnvCache();
    expect(getEnv().SESSION_SECRETS).toEqual([
      SECRET,
      "an-older-secret-still-accepted-while-rotating",
    ]);
  });

  it("on SQLite alone still makes a secret and keeps it beside the database", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-secret-"));
    try {
      delete env.DATABASE_URL;
      delete env.SESSION_SECRET;
      env.DATABASE_PATH = path.join(dir, "portal.db");
      resetEnvCache();
      const [made] = getEnv().SESSION_SECRETS;
      expect(made).toMatch(/^[0-9a-f]{64}$/);
      expect(fs.readFileSync(path.join(dir, "session-secret"), "utf8").trim()).toBe(made);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
