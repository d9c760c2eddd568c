// Accounts of a test's own, written straight into the server's database (as a confirmed
// registration would leave them): a test that starts proposals must not share an account with
// the journeys in other files, whose counts it would change, nor run into the limit on drafts one
// account may hold (MAX_DRAFTS_PER_ACCOUNT, issue 12).
import { randomBytes } from "node:crypto";
import SQLite from "better-sqlite3";
import { inject } from "vitest";
import { hashPassword } from "~/services/password.server";

export interface Account {
  email: string;
  password: string;
}

export async function createApplicant(
  opts: { prefix?: string; name?: string; locale?: "en" | "zh-Hans" } = {},
): Promise<Account> {
  const email = `${opts.prefix ?? "applicant"}.${Date.now()}.${randomBytes(3).toString("hex")}@example.cn`;
  const password = "own-account-2026-secure";
  const hash = await hashPassword(password);
  const db = new SQLite(inject("databasePath"), { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    db.prepare(
      `insert into users (email, password_hash, role, display_name, locale, email_verified_at)
       values (?, ?, 'applicant', ?, ?, ?)`,
    ).run(
      email,
      hash,
      opts.name ?? "Test Applicant",
      opts.locale ?? "en",
      new Date().toISOString(),
    );
  } finally {
    db.close();
  }
  return { email, password };
}
