// Sliding-window throttling over the rate_limit_events table: each attempt is one row (bucket,
// key, at); a key is limited while the rows of the last window reach the maximum. Keys are an
// account's normalised e-mail (whether or not the account exists, so the answer never tells), a
// client address, or both.
//
// Sign-in (issue 12 item 2, docs/decisions/0009): failures are refused per client address and per
// account-and-address, never per account alone — an attacker elsewhere must not be able to lock
// the owner out. Per account, failures from every address only slow each further attempt down
// (growing delays, capped), and the owner is told by e-mail, at most once per notice window.
import type { AppLoadContext } from "@remix-run/node";
import type { DB } from "./db.server";
import { lockKey } from "./sql-dialect.server";

export interface RateRule {
  bucket: string;
  max: number;
  windowMs: number;
  /** Dictionary key of the message shown when the limit is reached. */
  message: "auth.error.throttled" | "auth.error.throttledHour";
}

const MINUTE = 60_000;

export const RATE_RULES = {
  /**
   * Failed sign-ins per account (e-mail) from every address: never refused (`max` is where the
   * slowdown starts, see signInDelayMs); counted for the slowdown and the owner's notice.
   */
  signInAccount: {
    bucket: "sign-in:account",
    max: 5,
    windowMs: 15 * MINUTE,
    message: "auth.error.throttled",
  },
  /** Failed sign-ins per account from one client address: 5 per 15 minutes, then refused. */
  signInAccountAddress: {
    bucket: "sign-in:account-address",
    max: 5,
    windowMs: 15 * MINUTE,
    message: "auth.error.throttled",
  },
  /** "Your account is under attack" e-mails per account: one an hour. */
  signInNotice: {
    bucket: "sign-in:notice",
    max: 1,
    windowMs: 60 * MINUTE,
    message: "auth.error.throttled",
  },
  /** Failed sign-ins per client address: 30 per 15 minutes. */
  signInAddress: {
    bucket: "sign-in:address",
    max: 30,
    windowMs: 15 * MINUTE,
    message: "auth.error.throttled",
  },
  /** Registration requests per client address: 10 per hour. */
  register: {
    bucket: "register:address",
    max: 10,
    windowMs: 60 * MINUTE,
    message: "auth.error.throttledHour",
  },
  /** Password-reset and new-confirmation-link requests per client address: 10 per hour. */
  emailLink: {
    bucket: "email-link:address",
    max: 10,
    windowMs: 60 * MINUTE,
    message: "auth.error.throttledHour",
  },
} as const satisfies Record<string, RateRule>;

/** Failures on one account (from every address) at which its owner is told of the attack. */
export const SIGN_IN_NOTICE_AFTER = 10;
const SIGN_IN_DELAY_BASE_MS = 500;
export const SIGN_IN_DELAY_MAX_MS = 8_000;

/**
 * How long a sign-in for an account waits before its password is checked, given the account's
 * failures in the window: none up to RATE_RULES.signInAccount.max, then 0.5 s doubling with each
 * failure, at most 8 s. Slows a distributed guesser down without ever refusing the owner.
 */
export function signInDelayMs(failures: number): number {
  const over = failures - RATE_RULES.signInAccount.max;
  if (over <= 0) return 0;
  return Math.min(SIGN_IN_DELAY_BASE_MS * 2 ** (over - 1), SIGN_IN_DELAY_MAX_MS);
}

/** The pause itself; tests replace `sleep` to record the delays instead of waiting them out. */
export const signInSlowdown = {
  sleep: (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The key of the per-account-and-address rule. */
export function accountAddressKey(email: string, address: string): string {
  return `${address} ${email}`;
}

/** The longest window: older events are of no use and are pruned as new ones arrive. */
const LONGEST_WINDOW_MS = Math.max(...Object.values(RATE_RULES).map((r) => r.windowMs));

/** The client address Express handed over in the load context ("unknown" under the dev server). */
export function clientAddress(context: AppLoadContext | undefined): string {
  return context?.ip || "unknown";
}

/** How many attempts `key` made in the rule's window ending at `now`. */
export async function countAttempts(
  db: DB,
  rule: RateRule,
  key: string,
  now: number = Date.now(),
): Promise<number> {
  const since = new Date(now - rule.windowMs).toISOString();
  const row = await db
    .selectFrom("rate_limit_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("bucket", "=", rule.bucket)
    .where("key", "=", key)
    .where("at", ">", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether `key` has used up its attempts in the rule's window ending at `now`. */
export async function isRateLimited(
  db: DB,
  rule: RateRule,
  key: string,
  now: number = Date.now(),
): Promise<boolean> {
  return (await countAttempts(db, rule, key, now)) >= rule.max;
}

/** Records one attempt against `key`. */
export async function recordAttempt(
  db: DB,
  rule: RateRule,
  key: string,
  now: number = Date.now(),
): Promise<void> {
  await db
    .deleteFrom("rate_limit_events")
    .where("at", "<", new Date(now - LONGEST_WINDOW_MS).toISOString())
    .execute();
  await db
    .insertInto("rate_limit_events")
    .values({ bucket: rule.bucket, key, at: new Date(now).toISOString() })
    .execute();
}

/** Forgets the attempts against `key` (a successful sign-in clears the account's failures). */
export async function clearAttempts(db: DB, rule: RateRule, key: string): Promise<void> {
  await db
    .deleteFrom("rate_limit_events")
    .where("bucket", "=", rule.bucket)
    .where("key", "=", key)
    .execute();
}

/**
 * Checks and counts one request in a single step (registration, reset requests): returns true when
 * the request must be refused. A refused request is not counted, so the window does slide open.
 */
export async function hitRateLimit(
  db: DB,
  rule: RateRule,
  key: string,
  now: number = Date.now(),
): Promise<boolean> {
  if (await isRateLimited(db, rule, key, now)) return true;
  await recordAttempt(db, rule, key, now);
  return false;
}

/**
 * The read-only API (issue 17): requests per token per minute (API_RATE_LIMIT_PER_MINUTE), one
 * row per request, so that every worker process shares the count.
 */
export function apiRateRule(max: number): RateRule {
  return { bucket: "api:token", max, windowMs: MINUTE, message: "auth.error.throttled" };
}

/**
 * Checks and counts one API request in one write transaction (BEGIN IMMEDIATE on SQLite, the
 * key's advisory lock on PostgreSQL: no two processes can both take the last request of a
 * window). Answers whether it is refused, how many requests
 * remain, and when refused, the seconds until the oldest request of the window leaves it.
 */
export async function takeApiRequest(
  db: DB,
  rule: RateRule,
  key: string,
  now: number = Date.now(),
): Promise<{ limited: boolean; remaining: number; retryAfter: number }> {
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, `rate:${rule.bucket}:${key}`);
    const since = new Date(now - rule.windowMs).toISOString();
    const row = await trx
      .selectFrom("rate_limit_events")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("at").as("oldest")])
      .where("bucket", "=", rule.bucket)
      .where("key", "=", key)
      .where("at", ">", since)
      .executeTakeFirst();
    const used = Number(row?.n ?? 0);
    if (used >= rule.max) {
      const oldest = row?.oldest ? Date.parse(String(row.oldest)) : now;
      const retryAfter = Math.max(1, Math.ceil((oldest + rule.windowMs - now) / 1000));
      return { limited: true, remaining: 0, retryAfter };
    }
    await recordAttempt(trx, rule, key, now);
    return { limited: false, remaining: rule.max - used - 1, retryAfter: 0 };
  });
}
