// A reviewer's queue as plain rules: which filter an assignment falls under, the calls shown by
// default (those still under review, never a decided call's proposals mixed in), the order (due
// date first) and which proposal "Submit and go to the next proposal" opens. No database: the
// queue model loads the rows, the access policy has already left out what the reviewer may not see.
import { callResultsFrozen } from "./call-lifecycle";
import { isReviewable } from "./proposal-lifecycle";
import type { CallStatus } from "~db/schema";

export const QUEUE_FILTERS = ["todo", "drafts", "done"] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

export interface QueueRow {
  proposalId: number;
  callId: number;
  callSlug: string;
  callStatus: CallStatus;
  /** Null until the reviewer attests "no conflict" (the queue shows the company only before). */
  proposalStatus: string | null;
  /** The reviewer's review, if one exists. */
  reviewStatus: "draft" | "submitted" | "returned" | null;
  attestedAt: string | null;
  dueAt: string | null;
}

/**
 * To do: everything not yet submitted (not started, waiting for the conflict check, a draft, a
 * review returned for rework). Drafts: the to-do items with something saved (a draft or a
 * returned review). Done: submitted.
 */
export function inFilter(row: Pick<QueueRow, "reviewStatus">, filter: QueueFilter): boolean {
  if (filter === "done") return row.reviewStatus === "submitted";
  if (filter === "drafts") return row.reviewStatus === "draft" || row.reviewStatus === "returned";
  return row.reviewStatus !== "submitted";
}

export function isQueueFilter(value: unknown): value is QueueFilter {
  return (QUEUE_FILTERS as readonly unknown[]).includes(value);
}

/** Counts per filter. */
export function queueCounts(rows: readonly Pick<QueueRow, "reviewStatus">[]) {
  const counts: Record<QueueFilter, number> = { todo: 0, drafts: 0, done: 0 };
  for (const r of rows) for (const f of QUEUE_FILTERS) if (inFilter(r, f)) counts[f]++;
  return counts;
}

/** A call still under review (open or closed): its proposals are the ones a queue shows first. */
export function callUnderReview(status: CallStatus): boolean {
  return status !== "draft" && !callResultsFrozen(status);
}

/** By due date (none last), then by proposal id: the queue's order and the "next" order. */
export function byDueDate(a: QueueRow, b: QueueRow): number {
  if (a.dueAt !== b.dueAt) {
    if (a.dueAt === null) return 1;
    if (b.dueAt === null) return -1;
    return a.dueAt < b.dueAt ? -1 : 1;
  }
  return a.proposalId - b.proposalId;
}

/**
 * The proposals "Submit and go to the next proposal" may open, best first: attested, not yet
 * submitted, still reviewable, in a call under review, not the one just submitted; the current
 * proposal's call first, then by due date. The caller still asks the access policy for each.
 */
export function nextCandidates(rows: readonly QueueRow[], current: number): number[] {
  const currentCall = rows.find((r) => r.proposalId === current)?.callId;
  return rows
    .filter(
      (r) =>
        r.proposalId !== current &&
        r.attestedAt !== null &&
        r.reviewStatus !== "submitted" &&
        r.proposalStatus !== null &&
        isReviewable(r.proposalStatus) &&
        callUnderReview(r.callStatus),
    )
    .sort(
      (a, b) =>
        Number(b.callId === currentCall) - Number(a.callId === currentCall) || byDueDate(a, b),
    )
    .map((r) => r.proposalId);
}

/** Whether an assignment is overdue at `now`: due in the past and not submitted. */
export function isOverdue(row: Pick<QueueRow, "dueAt" | "reviewStatus">, now: Date): boolean {
  return row.reviewStatus !== "submitted" && row.dueAt !== null && Date.parse(row.dueAt) < +now;
}
