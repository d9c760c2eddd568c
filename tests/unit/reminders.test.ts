import { describe, expect, it } from "vitest";
import {
  dueReminders,
  pakistanDate,
  REMINDER_HOURS_BEFORE,
  type PendingAssignment,
} from "~/domain/reminders";

const due = "2026-12-10T12:00:00.000Z";
const a = (over: Partial<PendingAssignment> = {}): PendingAssignment => ({
  assignmentId: 1,
  reviewerId: 10,
  proposalId: 100,
  callId: 7,
  dueAt: due,
  ...over,
});
const at = (hoursFromDue: number) => new Date(Date.parse(due) + hoursFromDue * 3_600_000);

describe("dueReminders", () => {
  it("says nothing before the reminder window opens", () => {
    expect(dueReminders([a()], [50], at(-REMINDER_HOURS_BEFORE - 0.01))).toEqual([]);
  });

  it("reminds the reviewer once the due date is within the window, keyed by assignment and due date", () => {
    const r = dueReminders([a()], [50], at(-REMINDER_HOURS_BEFORE));
    expect(r.map((x) => [x.kind, x.key])).toEqual([
      ["review_due_soon", `review-due-soon:1:${due}`],
    ]);
    expect(dueReminders([a()], [50], at(-0.001)).map((x) => x.key)).toEqual([
      `review-due-soon:1:${due}`,
    ]);
  });

  it("once overdue: the overdue reminder (never a late 'due soon') and a digest per official", () => {
    const r = dueReminders([a(), a({ assignmentId: 2, reviewerId: 11 })], [50, 51], at(0));
    expect(r.map((x) => x.key)).toEqual([
      `review-overdue:1:${due}`,
      `review-overdue:2:${due}`,
      "call-overdue:7:50:2026-12-10",
      "call-overdue:7:51:2026-12-10",
    ]);
    const digest = r[2]!;
    expect(digest.kind === "call_overdue" && digest.overdue.map((x) => x.assignmentId)).toEqual([
      1, 2,
    ]);
  });

  it("keys the officials' digest by the Pakistan calendar day, and a new due date by itself", () => {
    // 19:00 UTC is already the next day in Pakistan (UTC+5).
    expect(pakistanDate(new Date("2026-12-10T19:00:00Z"))).toBe("2026-12-11");
    const later = dueReminders([a()], [50], new Date("2026-12-10T19:00:00Z"));
    expect(later.map((x) => x.key)).toContain("call-overdue:7:50:2026-12-11");
    const moved = "2026-12-20T12:00:00.000Z";
    expect(dueReminders([a({ dueAt: moved })], [50], at(0)).map((x) => x.key)).toEqual([]);
    expect(
      dueReminders([a({ dueAt: moved })], [], new Date(Date.parse(moved) - 3_600_000)).map(
        (x) => x.key,
      ),
    ).toEqual([`review-due-soon:1:${moved}`]);
  });
});
