// Scheduled jobs in a cluster (issue 18): every worker runs the scheduler's code, and a job's pass
// must run once per interval in all, not once per worker. The lease in job_leases decides, against
// a real migrated SQLite file.
import { describe, expect, it } from "vitest";
import { getDb } from "~/services/db.server";
import { acquireLease, startLeasedJob } from "~/services/scheduler.server";

const quiet = { info: () => undefined, error: () => undefined };

describe("job leases", () => {
  it("one holder at a time; the holder renews; a lapsed lease passes to another", async () => {
    const db = getDb();
    const t0 = Date.parse("2026-12-02T10:00:00.000Z");
    expect(await acquireLease(db, "lease-a", 60_000, "worker-1", t0)).toBe(true);
    expect(await acquireLease(db, "lease-a", 60_000, "worker-2", t0 + 1_000)).toBe(false);
    expect(await acquireLease(db, "lease-a", 60_000, "worker-1", t0 + 30_000)).toBe(true);
    // Renewed at +30 s, so still held at +70 s…
    expect(await acquireLease(db, "lease-a", 60_000, "worker-2", t0 + 70_000)).toBe(false);
    // …and free once it lapses.
    expect(await acquireLease(db, "lease-a", 60_000, "worker-2", t0 + 90_000)).toBe(true);
    expect(await acquireLease(db, "lease-a", 60_000, "worker-1", t0 + 91_000)).toBe(false);
    // Another job's lease is its own.
    expect(await acquireLease(db, "lease-b", 60_000, "worker-1", t0 + 91_000)).toBe(true);
  });

  it("two workers starting the same job at once: one pass runs", async () => {
    const db = getDb();
    let passes = 0;
    const job = (holder: string) =>
      startLeasedJob({
        db,
        name: "lease-two-workers",
        intervalMs: 60 * 60_000,
        holder,
        log: quiet,
        pass: async () => {
          passes++;
          return {};
        },
      });
    const stops = [job("worker-1"), job("worker-2")];
    // Both have made their first try once both have stopped (stop waits for the try in flight).
    await Promise.all(stops.map((stop) => stop()));
    expect(passes).toBe(1);
  });
});
