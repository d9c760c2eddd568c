// Reminders of due reviews (issue 15), written by a scheduler inside the server process.
// runDueReminders(db, now) is one pass: it loads the pending assignments, asks the rules
// (app/domain/reminders.ts) what is due at `now`, and writes each reminder through
// sendMailOnce under its idempotency key — unique in mail_outbox, so a reminder is written once
// however often the pass runs, across restarts and in several processes at once (issue 18).
// startReminderScheduler runs a pass at start-up and then every interval, on an injected clock;
// tests call runDueReminders directly with the instant they want (never sleeping).
import { dueReminders, type PendingAssignment, type Reminder } from "~/domain/reminders";
import { IN_REVIEW_STATUSES } from "~/domain/proposal-lifecycle";
import type { DB } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import { sendMailOnce } from "~/services/mail.server";
import { startLeasedJob } from "~/services/scheduler.server";
import { formatDateTime } from "~/utils/dates";

/** The templates of reminders: what a reviewer's and an official's reminder pages list. */
export const REMINDER_TEMPLATES = [
  "reminder_review_due_soon",
  "reminder_review_overdue",
  "reminder_call_overdue",
] as const;

function link(path: string): string {
  return new URL(path, getEnv().PUBLIC_URL ?? "http://localhost:3000").toString();
}

/** Active assignments with a due date whose review is not submitted, on proposals in review. */
async function pendingAssignments(db: DB): Promise<PendingAssignment[]> {
  const rows = await db
    .selectFrom("reviewer_assignments as a")
    .innerJoin("proposals as p", "p.id", "a.proposal_id")
    .innerJoin("calls as c", "c.id", "p.call_id")
    .innerJoin("users as u", "u.id", "a.reviewer_id")
    .leftJoin("reviews as r", (j) =>
      j.onRef("r.proposal_id", "=", "a.proposal_id").onRef("r.reviewer_id", "=", "a.reviewer_id"),
    )
    .select(["a.id", "a.reviewer_id", "a.proposal_id", "p.call_id", "a.due_at"])
    .where("a.unassigned_at", "is", null)
    .where("a.due_at", "is not", null)
    .where("p.status", "in", [...IN_REVIEW_STATUSES])
    .where("c.status", "in", ["open", "closed"])
    .where("u.disabled_at", "is", null)
    .where((eb) => eb.or([eb("r.id", "is", null), eb("r.status", "!=", "submitted")]))
    .orderBy("a.id")
    .execute();
  return rows.map((r) => ({
    assignmentId: r.id,
    reviewerId: r.reviewer_id,
    proposalId: r.proposal_id,
    callId: r.call_id,
    dueAt: r.due_at!,
  }));
}

/** Of the given keys, those already written. */
async function usedKeys(db: DB, keys: readonly string[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom("mail_outbox")
      .select("idempotency_key")
      .where("idempotency_key", "in", keys.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.idempotency_key) used.add(r.idempotency_key);
  }
  return used;
}

interface Person {
  id: number;
  email: string;
  display_name: string;
  locale: "en" | "zh-Hans";
}

async function write(db: DB, reminder: Reminder, people: Map<number, Person>): Promise<boolean> {
  if (reminder.kind === "call_overdue") {
    const official = people.get(reminder.officialId);
    const call = await db
      .selectFrom("calls")
      .select(["slug", "title_en", "title_zh"])
      .where("id", "=", reminder.callId)
      .executeTakeFirst();
    if (!official || !call) return false;
    const zh = official.locale === "zh-Hans";
    const names = [...new Set(reminder.overdue.map((a) => people.get(a.reviewerId)?.display_name))]
      .filter(Boolean)
      .join(zh ? "、" : ", ");
    const sent = await sendMailOnce(db, reminder.key, {
      to: official.email,
      template: "reminder_call_overdue",
      locale: official.locale,
      recipientId: official.id,
      vars: {
        name: official.display_name,
        call: zh ? call.title_zh : call.title_en,
        count: String(reminder.overdue.length),
        reviewers: names,
        link: link(`/admin/calls/${call.slug}/assignments`),
      },
    });
    return sent !== null;
  }
  const a = reminder.assignment;
  const reviewer = people.get(a.reviewerId);
  const p = await db
    .selectFrom("proposals as p")
    .innerJoin("calls as c", "c.id", "p.call_id")
    .select(["p.reference", "p.company_en", "p.company_zh", "c.title_en", "c.title_zh"])
    .where("p.id", "=", a.proposalId)
    .executeTakeFirst();
  if (!reviewer || !p) return false;
  const zh = reviewer.locale === "zh-Hans";
  const sent = await sendMailOnce(db, reminder.key, {
    to: reviewer.email,
    template:
      reminder.kind === "review_due_soon" ? "reminder_review_due_soon" : "reminder_review_overdue",
    locale: reviewer.locale,
    recipientId: reviewer.id,
    vars: {
      name: reviewer.display_name,
      reference: p.reference ?? `#${a.proposalId}`,
      company: (zh ? p.company_zh : null) ?? p.company_en ?? "",
      call: zh ? p.title_zh : p.title_en,
      due: formatDateTime(a.dueAt, reviewer.locale),
      link: link(`/review/${a.proposalId}`),
    },
  });
  return sent !== null;
}

export interface ReminderRun {
  /** Reminders written by this pass. */
  written: number;
  /** Reminders due but already written before (by an earlier pass or another process). */
  alreadyWritten: number;
}

/** One pass of the scheduler at the instant `now`: writes every reminder due and not yet written. */
export async function runDueReminders(db: DB, now: Date): Promise<ReminderRun> {
  const pending = await pendingAssignments(db);
  const officials = await db
    .selectFrom("users")
    .select(["id", "email", "display_name", "locale"])
    .where("role", "=", "official")
    .where("disabled_at", "is", null)
    .orderBy("id")
    .execute();
  const due = dueReminders(
    pending,
    officials.map((o) => o.id),
    now,
  );
  if (!due.length) return { written: 0, alreadyWritten: 0 };
  const used = await usedKeys(
    db,
    due.map((r) => r.key),
  );
  const reviewerIds = [...new Set(pending.map((a) => a.reviewerId))];
  const reviewers = reviewerIds.length
    ? await db
        .selectFrom("users")
        .select(["id", "email", "display_name", "locale"])
        .where("id", "in", reviewerIds)
        .execute()
    : [];
  const people = new Map<number, Person>([...reviewers, ...officials].map((u) => [u.id, u]));
  let written = 0;
  let alreadyWritten = 0;
  for (const reminder of due) {
    if (used.has(reminder.key)) {
      alreadyWritten++;
      continue;
    }
    // Another process may have written it since the keys were read: sendMailOnce decides.
    if (await write(db, reminder, people)) written++;
    else alreadyWritten++;
  }
  return { written, alreadyWritten };
}

export interface SchedulerOptions {
  db: DB;
  /** The clock (tests and REMINDER_CLOCK inject one). */
  now: () => Date;
  intervalMs: number;
  log: {
    info: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  };
}

/**
 * Runs a pass now and then every `intervalMs`, in whichever process of the cluster holds the
 * reminders' lease (services/scheduler.server). Returns a function that stops it.
 */
export function startReminderScheduler(options: SchedulerOptions): () => Promise<void> {
  return startLeasedJob({
    db: options.db,
    name: "reminders",
    intervalMs: options.intervalMs,
    log: options.log,
    pass: async () => {
      const at = options.now();
      return { at: at.toISOString(), ...(await runDueReminders(options.db, at)) };
    },
  });
}
