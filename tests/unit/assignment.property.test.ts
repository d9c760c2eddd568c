import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  autoAssign,
  conflictMatches,
  isConflicted,
  type AssignmentConflict,
  type AutoAssignInput,
  type AssignmentProposal,
} from "~/domain/assignment";

// Random calls: up to 8 reviewers, 25 proposals in 6 companies and 3 parent groups, conflicts
// against companies, groups and single proposals, and some earlier assignments.
const scenario = fc
  .record({
    reviewerCount: fc.integer({ min: 0, max: 8 }),
    proposalOrgs: fc.array(
      fc.record({
        org: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
        group: fc.option(fc.constantFrom("Alpha Group", "Beta Holdings", "Gamma"), { nil: null }),
      }),
      { maxLength: 25 },
    ),
    minReviewers: fc.integer({ min: 1, max: 4 }),
    conflicts: fc.array(
      fc.record({
        reviewer: fc.integer({ min: 0, max: 7 }),
        kind: fc.constantFrom("org", "group", "proposal"),
        org: fc.integer({ min: 1, max: 6 }),
        group: fc.constantFrom("alpha group", " Beta  Holdings", "Gamma"),
        proposal: fc.integer({ min: 0, max: 24 }),
      }),
      { maxLength: 10 },
    ),
    existing: fc.array(
      fc.record({
        reviewer: fc.integer({ min: 0, max: 7 }),
        proposal: fc.integer({ min: 0, max: 24 }),
      }),
      { maxLength: 12 },
    ),
  })
  .map((s): AutoAssignInput => {
    const reviewerIds = Array.from({ length: s.reviewerCount }, (_, i) => 100 + i);
    const proposals: AssignmentProposal[] = s.proposalOrgs.map((p, i) => ({
      id: 1 + i,
      organisationId: p.org,
      parentGroup: p.group,
    }));
    const conflicts: AssignmentConflict[] = s.conflicts.map((c) => ({
      reviewerId: 100 + c.reviewer,
      organisationId: c.kind === "org" ? c.org : null,
      parentGroup: c.kind === "group" ? c.group : null,
      proposalId: c.kind === "proposal" ? 1 + c.proposal : null,
    }));
    const existing = s.existing
      .filter((e) => e.reviewer < s.reviewerCount && e.proposal < proposals.length)
      .map((e) => ({ proposalId: 1 + e.proposal, reviewerId: 100 + e.reviewer }));
    // Earlier assignments are unique per (proposal, reviewer), as the database enforces.
    const unique = [
      ...new Map(existing.map((e) => [`${e.proposalId}:${e.reviewerId}`, e])).values(),
    ];
    return { reviewerIds, proposals, conflicts, existing: unique, minReviewers: s.minReviewers };
  });

function activeOn(input: AutoAssignInput, made: { proposalId: number; reviewerId: number }[]) {
  const map = new Map<number, Set<number>>(input.proposals.map((p) => [p.id, new Set<number>()]));
  for (const e of input.existing) {
    const p = input.proposals.find((x) => x.id === e.proposalId)!;
    if (!isConflicted(e.reviewerId, p, input.conflicts)) map.get(e.proposalId)!.add(e.reviewerId);
  }
  for (const m of made) map.get(m.proposalId)!.add(m.reviewerId);
  return map;
}

function eligibleCount(input: AutoAssignInput, p: AssignmentProposal) {
  return input.reviewerIds.filter((r) => !isConflicted(r, p, input.conflicts)).length;
}

describe("autoAssign (properties)", () => {
  it("never assigns a conflicted reviewer, never duplicates an assignment", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { assignments } = autoAssign(input);
        const seen = new Set<string>();
        for (const a of assignments) {
          const p = input.proposals.find((x) => x.id === a.proposalId)!;
          expect(isConflicted(a.reviewerId, p, input.conflicts)).toBe(false);
          const key = `${a.proposalId}:${a.reviewerId}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          expect(
            input.existing.some(
              (e) => e.proposalId === a.proposalId && e.reviewerId === a.reviewerId,
            ),
          ).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives each proposal the minimum whenever enough eligible reviewers exist", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { assignments } = autoAssign(input);
        const on = activeOn(input, assignments);
        for (const p of input.proposals) {
          const size = on.get(p.id)!.size;
          if (eligibleCount(input, p) >= input.minReviewers)
            expect(size).toBeGreaterThanOrEqual(input.minReviewers);
          else expect(size).toBe(eligibleCount(input, p));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reports exactly the proposals left short, with how many are missing", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { assignments, shortfalls } = autoAssign(input);
        const on = activeOn(input, assignments);
        const expected = input.proposals
          .filter((p) => on.get(p.id)!.size < input.minReviewers)
          .map((p) => ({ id: p.id, missing: input.minReviewers - on.get(p.id)!.size }));
        expect(shortfalls.map((s) => ({ id: s.proposalId, missing: s.missing }))).toEqual(expected);
        for (const s of shortfalls) {
          expect(s.reason).toBe(
            input.reviewerIds.length < input.minReviewers ? "too_few_reviewers" : "conflicts",
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps loads within one among the reviewers who could take each assignment", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { assignments, loads } = autoAssign(input);
        const on = activeOn(input, assignments);
        for (const a of assignments) {
          const p = input.proposals.find((x) => x.id === a.proposalId)!;
          for (const s of input.reviewerIds) {
            if (on.get(p.id)!.has(s) || isConflicted(s, p, input.conflicts)) continue;
            expect(loads[a.reviewerId]! - loads[s]!).toBeLessThanOrEqual(1);
          }
        }
        // Loads are the existing (non-conflicted) plus the new assignments.
        const total = Object.values(loads).reduce((x, y) => x + y, 0);
        const expectedTotal = [...on.values()].reduce((x, set) => x + set.size, 0);
        expect(total).toBe(expectedTotal);
      }),
      { numRuns: 300 },
    );
  });

  it("spreads a call without conflicts or earlier assignments with busiest − idlest ≤ 1", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const clean = { ...input, conflicts: [], existing: [] };
        const { loads } = autoAssign(clean);
        const values = Object.values(loads);
        if (values.length) expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic: the same input, in any order, gives the same result", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const reversed = {
          ...input,
          proposals: [...input.proposals].reverse(),
          reviewerIds: [...input.reviewerIds].reverse(),
          existing: [...input.existing].reverse(),
        };
        expect(autoAssign(reversed)).toEqual(autoAssign(input));
      }),
      { numRuns: 200 },
    );
  });
});

describe("autoAssign (examples)", () => {
  const proposals: AssignmentProposal[] = [
    { id: 1, organisationId: 10, parentGroup: "Huawei Holdings" },
    { id: 2, organisationId: 11, parentGroup: null },
    { id: 3, organisationId: 12, parentGroup: "huawei  holdings" },
  ];

  it("assigns three reviewers to each of three proposals with five reviewers, evenly", () => {
    const result = autoAssign({
      proposals,
      reviewerIds: [1, 2, 3, 4, 5],
      conflicts: [],
      existing: [],
      minReviewers: 3,
    });
    expect(result.assignments).toHaveLength(9);
    expect(result.shortfalls).toEqual([]);
    expect(Object.values(result.loads).sort()).toEqual([1, 2, 2, 2, 2]);
  });

  it("skips a reviewer conflicted with a parent group on every company of that group", () => {
    const result = autoAssign({
      proposals,
      reviewerIds: [1, 2, 3],
      conflicts: [{ reviewerId: 1, parentGroup: "HUAWEI HOLDINGS" }],
      existing: [],
      minReviewers: 3,
    });
    expect(result.assignments.filter((a) => a.reviewerId === 1).map((a) => a.proposalId)).toEqual([
      2,
    ]);
    expect(result.shortfalls).toEqual([
      {
        proposalId: 1,
        required: 3,
        assigned: 2,
        missing: 1,
        conflictedReviewerIds: [1],
        reason: "conflicts",
      },
      {
        proposalId: 3,
        required: 3,
        assigned: 2,
        missing: 1,
        conflictedReviewerIds: [1],
        reason: "conflicts",
      },
    ]);
  });

  it("counts earlier assignments in the minimum and in the loads", () => {
    const result = autoAssign({
      proposals: [proposals[1]!],
      reviewerIds: [1, 2, 3],
      conflicts: [],
      existing: [
        { proposalId: 2, reviewerId: 1 },
        { proposalId: 99, reviewerId: 2 },
      ],
      minReviewers: 2,
    });
    expect(result.assignments).toEqual([{ proposalId: 2, reviewerId: 3 }]);
    expect(result.loads).toEqual({ 1: 1, 2: 1, 3: 1 });
  });

  it("reports every proposal when the call has fewer reviewers than its minimum", () => {
    const result = autoAssign({
      proposals,
      reviewerIds: [7],
      conflicts: [],
      existing: [],
      minReviewers: 3,
    });
    expect(result.assignments).toHaveLength(3);
    expect(result.shortfalls.map((s) => [s.proposalId, s.missing, s.reason])).toEqual([
      [1, 2, "too_few_reviewers"],
      [2, 2, "too_few_reviewers"],
      [3, 2, "too_few_reviewers"],
    ]);
  });

  it("matches conflicts by company, by group and by proposal", () => {
    const p = proposals[0]!;
    expect(conflictMatches({ reviewerId: 1, organisationId: 10 }, p)).toBe(true);
    expect(conflictMatches({ reviewerId: 1, organisationId: 11 }, p)).toBe(false);
    expect(conflictMatches({ reviewerId: 1, parentGroup: " huawei holdings " }, p)).toBe(true);
    expect(conflictMatches({ reviewerId: 1, parentGroup: "Huawei" }, p)).toBe(false);
    expect(conflictMatches({ reviewerId: 1, proposalId: 1 }, p)).toBe(true);
    expect(conflictMatches({ reviewerId: 1, proposalId: 2 }, p)).toBe(false);
  });
});
