// Sliding-window throttling over the rate_limit_events table: each attempt is one row (bucket,
// key, at); a key is limited while the rows of the last window reach the maximum. Keys are an
// account's normalised e-mail (whether or not the account exists, so the answer never tells) or a
// client address.
import type { AppLoadContext } from "@remix-run/node";
import type { DB } from "./db.server";

export interface RateRule {
  bucket: string;
  max: number;
  windowMs: number;
  /** Dictionary key of the message shown when the limit is reached. */
  message: "auth.error.throttled" | "auth.error.throttledHour";
}

const MINUTE = 60_000;

export const RATE_RULES = {
  /** Failed sign-ins per account (e-mail): 5 per 15 minutes. */
  signInAccount: {
    bucket: "sign-in:account",
    max: 5,
    windowMs: 15 * MINUTE,
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

/** The longest window: older events are of no use and are pruned as new ones arrive. */
const LONGEST_WINDOW_MS = Math.max(...Object.values(RATE_RULES).map((r) => r.windowMs));

/** The client address Express handed over in the load context ("unknown" under the dev server). */
export function clientAddress(context: AppLoadContext | undefined): string {
  return context?.ip || "unknown";
}

/** Whether `key` has used up its attempts in the rule's window ending at `now`. */
export async function isRateLimited(
  db: DB,
  rule: RateRule,
  key: string,
  now: number = Date.now(),
): Promise<boolean> {
  const since = new Date(now - rule.windowMs).toISOString();
  const row = await db
    .selectFrom("rate_limit_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("bucket", "=", rule.bucket)
    .where("key", "=", key)
    .where("at", ">", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0) >= rule.max;
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
