// How the races on PostgreSQL are made deterministic (docs/decisions/0019): a third connection
// holds a row lock the racers need, the test waits until PostgreSQL shows them waiting for a lock
// (pg_stat_activity), then lets go. Never a sleep.
import { sql } from "kysely";
import { getDb, openPostgres, type DB } from "~/services/db.server";

/** A second app server's pool and the lock holder's connection on the test's database. */
export function openRacers(): { second: DB; blocker: DB } {
  return {
    second: openPostgres(process.env.DATABASE_URL!, { max: 2 }).db,
    blocker: openPostgres(process.env.DATABASE_URL!, { max: 1 }).db,
  };
}

/** Resolves once `count` sessions of this database are waiting for a lock. */
export async function lockWaiters(count: number): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(getDb());
    if (rows[0]!.n >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Runs `racers` while `blocker` holds `lock` (a statement taking a row lock) in an open
 * transaction; releases it once all of them wait on a lock. `staged`: each racer starts only once
 * the ones before it are waiting, so that they reach the lock in the order given.
 */
export async function race<T>(
  blocker: DB,
  lock: (trx: DB) => Promise<unknown>,
  racers: (() => Promise<T>)[],
  options: { staged?: boolean } = {},
) {
  let release!: () => void;
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const holding = blocker.transaction().execute(async (trx) => {
    await lock(trx);
    locked();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await held;
  const running: Promise<T>[] = [];
  for (const run of racers) {
    running.push(run());
    if (options.staged) await lockWaiters(running.length);
  }
  // Settled promises are observed at once: a racer failing early must not go unhandled.
  const settled = Promise.allSettled(running);
  await lockWaiters(racers.length);
  release();
  await holding;
  return settled;
}

/** The value of a fulfilled result, or the failure as a readable error. */
export function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === "rejected") throw new Error(`racer failed: ${String(result.reason)}`);
  return result.value;
}
