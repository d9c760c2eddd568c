// Reminders of due reviews (issue 15): written once each at the instants the rules say, across a
// restart of the server (a new database connection), by two processes at once, and by the
// scheduler the server starts — with the clock injected, never by sleeping.
import { afterEach, describe, expect, it, vi } from "vitest";
import { startBackgroundJobs } from "~/entry.server";
import { runDueReminders, startReminderScheduler } from "~/models/reminders.server";
import * as remindersPage from "~/routes/review.reminders";
import { closeDb, getDb } from "~/services/db.server";
import { resetEnvCache } from "~/services/env.server";
import { secondConnection } from "../support/database";
import { callLoader } from "../support/remix";
import { createUser, signedIn } from "../support/factories";
import { createCallWithCriteria, createSubmittedProposal } from "./review-fixtures";

const HOUR = 3_600_000;

/** 06:00 UTC (11:00 in Pakistan) `days` from today: a few hours either side stay the same PKT day. */
function dueIn(days: number): Date {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days, 6));
}

/** A call with one pending assignment due at `dueAt`, one already reviewed, and an official. */
async function scenario(dueAt: Date) {
  const db = getDb();
  const { call, versionId } = await createCallWithCriteria();
  const { proposal } = await createSubmittedProposal(call.id);
  const late = await signedIn("reviewer");
  const done = await createUser("reviewer");
  const official = await signedIn("official");
  await db
    .insertInto("reviewer_assignments")
    .values([
      {
        proposal_id: proposal.id,
        reviewer_id: late.user.id,
        assigned_by: official.user.id,
        due_at: dueAt.toISOString(),
        attested_at: new Date().toISOString(),
      },
      {
        proposal_id: proposal.id,
        reviewer_id: done.id,
        assigned_by: official.user.id,
        due_at: dueAt.toISOString(),
        attested_at: new Date().toISOString(),
      },
    ])
    .execute();
  // The second reviewer's review is in: they are never reminded.
  await db
    .insertInto("reviews")
    .values({
      proposal_id: proposal.id,
      reviewer_id: done.id,
      criteria_version_id: versionId,
      status: "submitted",
      submitted_at: new Date().toISOString(),
    })
    .execute();
  return { call, proposal, late, done, official };
}

async function mailTo(userId: number) {
  return getDb()
    .selectFrom("mail_outbox")
    .select(["template", "idempotency_key", "to_address", "subject"])
    .where("recipient_id", "=", userId)
    .orderBy("id")
    .execute();
}

afterEach(() => {
  vi.useRealTimers();
});

describe("reminders", () => {
  it("are written once each, at the right instants, across server restarts", async () => {
    const due = dueIn(30);
    const { late, done, official } = await scenario(due);
    const at = (hours: number) => new Date(due.getTime() + hours * HOUR);

    await runDueReminders(getDb(), at(-72));
    expect(await mailTo(late.user.id)).toEqual([]);

    await runDueReminders(getDb(), at(-24));
    await runDueReminders(getDb(), at(-23));
    expect((await mailTo(late.user.id)).map((m) => m.template)).toEqual([
      "reminder_review_due_soon",
    ]);

    // A restart: the process's connection is closed and a new one opened; nothing is remembered
    // in memory, only what the outbox holds.
    await closeDb();
    await runDueReminders(getDb(), at(1));
    await closeDb();
    await runDueReminders(getDb(), at(2));
    await runDueReminders(getDb(), at(3));
    expect((await mailTo(late.user.id)).map((m) => m.template)).toEqual([
      "reminder_review_due_soon",
      "reminder_review_overdue",
    ]);
    expect(await mailTo(done.id)).toEqual([]);
    const digests = await mailTo(official.user.id);
    expect(digests.map((m) => m.template)).toEqual(["reminder_call_overdue"]);
    expect(digests[0]!.subject).toContain("Overdue reviews");

    // The officials' digest comes again the next Pakistan day while reviews stay overdue.
    await closeDb();
    await runDueReminders(getDb(), at(25));
    expect((await mailTo(official.user.id)).length).toBe(2);
    expect((await mailTo(late.user.id)).length).toBe(2);

    // Every key once in the whole outbox.
    const keys = await getDb()
      .selectFrom("mail_outbox")
      .select("idempotency_key")
      .where("idempotency_key", "is not", null)
      .execute();
    expect(new Set(keys.map((k) => k.idempotency_key)).size).toBe(keys.length);
  });

  it("are written once when two processes run the same pass at the same time", async () => {
    const due = dueIn(60);
    const { late } = await scenario(due);
    const other = secondConnection();
    try {
      const at = new Date(due.getTime() + HOUR);
      const count = async () =>
        Number(
          (
            await getDb()
              .selectFrom("mail_outbox")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const runs = await Promise.all([runDueReminders(getDb(), at), runDueReminders(other, at)]);
      expect((await mailTo(late.user.id)).map((m) => m.template)).toEqual([
        "reminder_review_overdue",
      ]);
      // What the two passes say they wrote is exactly what the outbox gained: no key twice.
      const written = runs.reduce((n, r) => n + r.written, 0);
      expect(written).toBeGreaterThan(0);
      expect(written).toBe((await count()) - before);
    } finally {
      await other.destroy();
    }
  });

  it("are written by the scheduler at start and on each interval of its clock", async () => {
    const due = dueIn(90);
    const { late } = await scenario(due);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let clock = new Date(due.getTime() - 72 * HOUR);
    const passes: string[] = [];
    let wake: (() => void) | null = null;
    const nextPass = () => new Promise<void>((resolve) => (wake = resolve));
    let first = nextPass();
    const stop = startReminderScheduler({
      db: getDb(),
      now: () => clock,
      intervalMs: 60_000,
      log: {
        info: (o) => {
          passes.push(JSON.stringify(o));
          wake?.();
        },
        error: (o) => {
          throw new Error(`pass failed: ${JSON.stringify(o)}`);
        },
      },
    });
    await first;
    expect(await mailTo(late.user.id)).toEqual([]);
    clock = new Date(due.getTime() - HOUR);
    first = nextPass();
    await vi.advanceTimersByTimeAsync(60_000);
    await first;
    expect((await mailTo(late.user.id)).map((m) => m.template)).toEqual([
      "reminder_review_due_soon",
    ]);
    // The same instant again: nothing new.
    first = nextPass();
    await vi.advanceTimersByTimeAsync(60_000);
    await first;
    await stop();
    expect(passes).toHaveLength(3);
    expect(JSON.parse(passes[2]!)).toMatchObject({ written: 0 });
    expect((await mailTo(late.user.id)).length).toBe(1);
  });

  it("run in the server process from startBackgroundJobs, on the REMINDER_CLOCK instant", async () => {
    const due = dueIn(120);
    const { late } = await scenario(due);
    process.env.REMINDER_CLOCK = new Date(due.getTime() + HOUR).toISOString();
    process.env.REMINDER_INTERVAL_SECONDS = "3600";
    resetEnvCache();
    const stop = startBackgroundJobs();
    try {
      await vi.waitFor(
        async () => {
          expect((await mailTo(late.user.id)).map((m) => m.template)).toEqual([
            "reminder_review_overdue",
          ]);
        },
        { timeout: 30_000, interval: 50 },
      );
    } finally {
      await stop();
      delete process.env.REMINDER_CLOCK;
      delete process.env.REMINDER_INTERVAL_SECONDS;
      resetEnvCache();
    }
    // Started again (a restart of the server): the reminder is not written twice.
    process.env.REMINDER_CLOCK = new Date(due.getTime() + 2 * HOUR).toISOString();
    resetEnvCache();
    const stopAgain = startBackgroundJobs();
    await stopAgain();
    delete process.env.REMINDER_CLOCK;
    resetEnvCache();
    expect((await mailTo(late.user.id)).length).toBe(1);
  });

  it("are listed to the reviewer they were sent to, and only theirs", async () => {
    const due = dueIn(150);
    const { late, official } = await scenario(due);
    await runDueReminders(getDb(), new Date(due.getTime() + HOUR));
    const page = await callLoader<{ reminders: { subject: string }[] }>(
      remindersPage.loader,
      "/review/reminders",
      { cookie: late.cookie },
    );
    expect(page.status).toBe(200);
    expect(page.data.reminders).toHaveLength(1);
    expect(page.data.reminders[0]!.subject).toMatch(/^Overdue: your review of/);
    const officialPage = await callLoader<{ reminders: { subject: string }[] }>(
      remindersPage.loader,
      "/review/reminders",
      { cookie: official.cookie },
    );
    expect(officialPage.data.reminders.length).toBeGreaterThan(0);
    expect(officialPage.data.reminders.every((r) => r.subject.startsWith("Overdue reviews"))).toBe(
      true,
    );
    const applicant = await signedIn("applicant");
    const refused = await callLoader(remindersPage.loader, "/review/reminders", {
      cookie: applicant.cookie,
    });
    expect(refused.status).toBe(403);
  });
});
