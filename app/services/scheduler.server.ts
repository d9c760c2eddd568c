// Scheduled jobs inside the server (reminders, and any later one). Every worker process of the
// cluster, and every app server on a shared database, runs the same code; a job's pass runs only
// in the process that holds its lease in job_leases (issue 18, docs/decisions/0017), so it runs
// about once per interval in all, not once per process. Passes must still be idempotent: a lease
// can lapse while a slow pass runs, and a process can die in the middle of one.
import os from "node:os";
import type { DB } from "./db.server";

/** This process, as a lease holder. */
export const LEASE_HOLDER = `${os.hostname()}:${process.pid}`;

/**
 * Takes the lease `name` for `ttlMs` when it is free (never taken, or lapsed) or already ours; one
 * statement, so two processes asking at once cannot both get it. True when we hold it now.
 */
export async function acquireLease(
  db: DB,
  name: string,
  ttlMs: number,
  holder = LEASE_HOLDER,
  now = Date.now(),
): Promise<boolean> {
  const at = new Date(now).toISOString();
  const until = new Date(now + ttlMs).toISOString();
  const result = await db
    .insertInto("job_leases")
    .values({ name, holder, expires_at: until })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires_at: until })
        .where((eb) =>
          eb.or([eb("job_leases.expires_at", "<=", at), eb("job_leases.holder", "=", holder)]),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface LeasedJobOptions<R> {
  db: DB;
  /** The lease's name: one per job. */
  name: string;
  intervalMs: number;
  /** Who holds the lease (tests stand in for a second process with another name). */
  holder?: string;
  /** One pass. */
  pass: () => Promise<R>;
  log: {
    info: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  };
}

/**
 * Runs `attempt` now and then every `intervalMs` after each one ends (attempts never overlap in
 * this process; `attempt` must not throw). Returns a function that stops it and waits for an
 * attempt in flight. Jobs that claim their work row by row (webhook deliveries) run this in every
 * worker; jobs that must run once per interval in all use startLeasedJob.
 */
export function startRepeating(
  intervalMs: number,
  attempt: () => Promise<void>,
): () => Promise<void> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    inFlight = attempt().finally(() => {
      if (stopped) return;
      timer = setTimeout(tick, intervalMs);
      timer.unref?.();
    });
  };
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await inFlight;
  };
}

/**
 * Tries a pass now and then every `intervalMs` (a failed pass is logged and the next one runs as
 * planned); a try runs the pass only under the job's lease, held for one interval.
 */
export function startLeasedJob<R extends object>(
  options: LeasedJobOptions<R>,
): () => Promise<void> {
  const holder = options.holder ?? LEASE_HOLDER;
  return startRepeating(options.intervalMs, async () => {
    try {
      if (!(await acquireLease(options.db, options.name, options.intervalMs, holder))) return;
      const result = await options.pass();
      options.log.info({ job: options.name, ...result }, `${options.name} pass`);
    } catch (err) {
      options.log.error({ err, job: options.name }, `${options.name} pass failed`);
    }
  });
}
