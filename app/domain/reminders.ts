// Which reminders are due at a given instant (issue 15): plain rules over the facts, no clock of
// their own and no database. app/models/reminders.server.ts loads the facts and writes each
// reminder at most once, under the key given here (mail_outbox.idempotency_key is unique), so
// running the rules again — every few minutes, after a restart, in several processes — never
// sends anything twice.
//
// - A reviewer is reminded once when a review is due within REMINDER_HOURS_BEFORE hours, and
//   once when it is overdue. Each key carries the due date, so a new due date earns new reminders.
//   A "due soon" reminder whose window has passed (the server was down) is not sent late: the
//   overdue one replaces it.
// - Officials are told once per Pakistan calendar day, per call, while the call has overdue
//   reviews.
import { PKT_OFFSET_MINUTES } from "~/domain/pakistan-time";

/** How long before the due date a reviewer is reminded. */
export const REMINDER_HOURS_BEFORE = 48;

/** An active assignment whose review is not submitted yet, on a proposal still in review. */
export interface PendingAssignment {
  assignmentId: number;
  reviewerId: number;
  proposalId: number;
  callId: number;
  /** ISO 8601 UTC. */
  dueAt: string;
}

export type Reminder =
  | {
      kind: "review_due_soon" | "review_overdue";
      key: string;
      assignment: PendingAssignment;
    }
  | {
      kind: "call_overdue";
      key: string;
      callId: number;
      officialId: number;
      /** The overdue assignments of the call, oldest due first. */
      overdue: PendingAssignment[];
    };

/** The Pakistan calendar date (YYYY-MM-DD) of an instant. */
export function pakistanDate(now: Date): string {
  return new Date(now.getTime() + PKT_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/** The reminders due at `now` (each with its idempotency key); the caller skips keys already used. */
export function dueReminders(
  pending: readonly PendingAssignment[],
  officialIds: readonly number[],
  now: Date,
): Reminder[] {
  const t = now.getTime();
  const out: Reminder[] = [];
  const overdueByCall = new Map<number, PendingAssignment[]>();
  for (const a of pending) {
    const due = Date.parse(a.dueAt);
    if (!Number.isFinite(due)) continue;
    if (t >= due) {
      out.push({
        kind: "review_overdue",
        key: `review-overdue:${a.assignmentId}:${a.dueAt}`,
        assignment: a,
      });
      const list = overdueByCall.get(a.callId) ?? [];
      list.push(a);
      overdueByCall.set(a.callId, list);
    } else if (t >= due - REMINDER_HOURS_BEFORE * 3_600_000) {
      out.push({
        kind: "review_due_soon",
        key: `review-due-soon:${a.assignmentId}:${a.dueAt}`,
        assignment: a,
      });
    }
  }
  const day = pakistanDate(now);
  for (const [callId, overdue] of [...overdueByCall].sort((x, y) => x[0] - y[0])) {
    const sorted = [...overdue].sort(
      (x, y) => Date.parse(x.dueAt) - Date.parse(y.dueAt) || x.assignmentId - y.assignmentId,
    );
    for (const officialId of officialIds)
      out.push({
        kind: "call_overdue",
        key: `call-overdue:${callId}:${officialId}:${day}`,
        callId,
        officialId,
        overdue: sorted,
      });
  }
  return out;
}
