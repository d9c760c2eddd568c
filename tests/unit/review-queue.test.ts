import { describe, expect, it } from "vitest";
import {
  byDueDate,
  callUnderReview,
  inFilter,
  isOverdue,
  nextCandidates,
  queueCounts,
  type QueueRow,
} from "~/domain/review-queue";
import { criterionDone } from "~/domain/review-validation";
import { computeCallScores, DEFAULT_PARAMS, runningReviewTotal } from "~/domain/scoring";

const row = (over: Partial<QueueRow> & { proposalId: number }): QueueRow => ({
  callId: 1,
  callSlug: "c1",
  callStatus: "open",
  proposalStatus: "under_review",
  reviewStatus: null,
  attestedAt: "2026-11-01T00:00:00.000Z",
  dueAt: "2026-12-10T00:00:00.000Z",
  ...over,
});

describe("the reviewer's queue", () => {
  it("sorts filters: to do is everything not submitted, drafts what has something saved, done what is submitted", () => {
    const rows = [
      row({ proposalId: 1 }),
      row({ proposalId: 2, reviewStatus: "draft" }),
      row({ proposalId: 3, reviewStatus: "returned" }),
      row({ proposalId: 4, reviewStatus: "submitted" }),
      row({ proposalId: 5, attestedAt: null }),
    ];
    expect(rows.filter((r) => inFilter(r, "todo")).map((r) => r.proposalId)).toEqual([1, 2, 3, 5]);
    expect(rows.filter((r) => inFilter(r, "drafts")).map((r) => r.proposalId)).toEqual([2, 3]);
    expect(rows.filter((r) => inFilter(r, "done")).map((r) => r.proposalId)).toEqual([4]);
    expect(queueCounts(rows)).toEqual({ todo: 4, drafts: 2, done: 1 });
  });

  it("shows open and closed calls by default, never a decided, archived or draft one", () => {
    expect(callUnderReview("open")).toBe(true);
    expect(callUnderReview("closed")).toBe(true);
    for (const s of ["decided", "archived", "draft"] as const)
      expect(callUnderReview(s)).toBe(false);
  });

  it("orders by due date, undated last, then by proposal", () => {
    const rows = [
      row({ proposalId: 3, dueAt: null }),
      row({ proposalId: 2, dueAt: "2026-12-01T00:00:00.000Z" }),
      row({ proposalId: 1, dueAt: "2026-12-01T00:00:00.000Z" }),
      row({ proposalId: 4, dueAt: "2026-11-01T00:00:00.000Z" }),
    ];
    expect([...rows].sort(byDueDate).map((r) => r.proposalId)).toEqual([4, 1, 2, 3]);
  });

  it("marks overdue only what is not submitted", () => {
    const now = new Date("2026-12-05T00:00:00.000Z");
    expect(isOverdue(row({ proposalId: 1, dueAt: "2026-12-01T00:00:00.000Z" }), now)).toBe(true);
    expect(
      isOverdue(
        row({ proposalId: 1, dueAt: "2026-12-01T00:00:00.000Z", reviewStatus: "submitted" }),
        now,
      ),
    ).toBe(false);
    expect(isOverdue(row({ proposalId: 1, dueAt: null }), now)).toBe(false);
  });

  it("offers as next only attested, unsubmitted, reviewable proposals of calls under review, the same call first", () => {
    const rows = [
      row({ proposalId: 1 }), // the one just submitted
      row({ proposalId: 2, attestedAt: null, dueAt: "2026-01-01T00:00:00.000Z" }),
      row({ proposalId: 3, reviewStatus: "submitted", dueAt: "2026-01-01T00:00:00.000Z" }),
      row({ proposalId: 4, proposalStatus: "withdrawn", dueAt: "2026-01-01T00:00:00.000Z" }),
      row({ proposalId: 5, callId: 2, callStatus: "decided", dueAt: "2026-01-01T00:00:00.000Z" }),
      row({ proposalId: 6, callId: 3, callStatus: "closed", dueAt: "2026-01-01T00:00:00.000Z" }),
      row({ proposalId: 7, reviewStatus: "draft", dueAt: "2026-12-20T00:00:00.000Z" }),
      row({ proposalId: 8, reviewStatus: "returned", dueAt: "2026-12-15T00:00:00.000Z" }),
    ];
    expect(nextCandidates(rows, 1)).toEqual([8, 7, 6]);
  });
});

describe("the scoring screen's marks and running total", () => {
  const scored = [
    { key: "a", weight: 20 },
    { key: "b", weight: 30 },
    { key: "c", weight: 50 },
  ];

  it("adds the levels given so far and gives the total once every criterion has one", () => {
    expect(runningReviewTotal({}, scored)).toEqual({ total: null, partial: 0, levelled: 0, of: 3 });
    expect(runningReviewTotal({ a: 5, c: 3 }, scored)).toEqual({
      total: null,
      partial: 50,
      levelled: 2,
      of: 3,
    });
    expect(runningReviewTotal({ a: 5, b: 1, c: 3 }, scored)).toEqual({
      total: 56,
      partial: 56,
      levelled: 3,
      of: 3,
    });
  });

  it("gives the total the published rules give the same review", () => {
    const levels = { a: 4, b: 2, c: 5 };
    const result = computeCallScores({
      criteria: scored.map((c) => ({
        ...c,
        kind: "scored" as const,
        minLevel: 0,
        appliesToTrack: null,
      })),
      proposals: [
        { id: 1, reference: "CDA-2026-0001", submittedAt: "2026-11-01T00:00:00.000Z", tracks: [] },
      ],
      reviews: [{ proposalId: 1, reviewerId: 1, levels, gates: {} }],
      params: { ...DEFAULT_PARAMS, tieBreak: [] },
    });
    expect(runningReviewTotal(levels, scored).total).toBe(
      result.byId.get(1)!.reviewTotals[0]!.total,
    );
  });

  it("marks a criterion done with a level (or pass/fail) and a long enough rationale", () => {
    expect(criterionDone("scored", { level: "3", rationaleLength: 20 })).toBe(true);
    expect(criterionDone("scored", { level: "3", rationaleLength: 19 })).toBe(false);
    expect(criterionDone("scored", { level: "", rationaleLength: 40 })).toBe(false);
    expect(criterionDone("scored", { level: "6", rationaleLength: 40 })).toBe(false);
    expect(criterionDone("gate", { gate: "fail", rationaleLength: 40 })).toBe(true);
    expect(criterionDone("gate", { gate: "", rationaleLength: 40 })).toBe(false);
  });
});
