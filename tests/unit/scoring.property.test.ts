// Properties of the scoring rules that must hold for any call (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeCallScores,
  type CriterionInput,
  type ReviewInput,
  type ScoringInput,
  type ScoringResult,
} from "~/domain/scoring";

// The default published criteria (criteria.md) and gates.
const criteria: CriterionInput[] = [
  ["tier4", 20, 3],
  ["energy", 10, 2],
  ["data", 15, 3],
  ["value", 10, 2],
  ["finance", 15, 2],
  ["track", 10, 2],
  ["local", 10, 2],
  ["delivery", 10, 2],
].map(([key, weight, minLevel]) => ({
  key: key as string,
  kind: "scored" as const,
  weight: weight as number,
  minLevel: minLevel as number,
  appliesToTrack: null,
}));
criteria.push(
  { key: "G1", kind: "gate", weight: null, minLevel: null, appliesToTrack: null },
  { key: "G2", kind: "gate", weight: null, minLevel: null, appliesToTrack: "tier4DataCentre" },
  { key: "G3", kind: "gate", weight: null, minLevel: null, appliesToTrack: null },
);
const scoredKeys = criteria.filter((c) => c.kind === "scored").map((c) => c.key);

// Levels are drawn from a narrow range half of the time so that ties are common.
const levelArb = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(3, 4));
const reviewArb = fc.record({
  levels: fc.tuple(...scoredKeys.map(() => levelArb)),
  gates: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  status: fc.constantFrom("submitted", "submitted", "submitted", "draft", "returned"),
});

const callArb = fc
  .record({
    proposalCount: fc.integer({ min: 1, max: 8 }),
    reviewerCount: fc.integer({ min: 1, max: 6 }),
    calibrationMinReviews: fc.integer({ min: 1, max: 6 }),
    sameTime: fc.boolean(),
  })
  .chain(({ proposalCount, reviewerCount, calibrationMinReviews, sameTime }) =>
    fc.record({
      proposalCount: fc.constant(proposalCount),
      calibrationMinReviews: fc.constant(calibrationMinReviews),
      sameTime: fc.constant(sameTime),
      tracks: fc.array(fc.boolean(), { minLength: proposalCount, maxLength: proposalCount }),
      // For every proposal × reviewer pair: maybe a review.
      cells: fc.array(fc.option(reviewArb, { freq: 2 }), {
        minLength: proposalCount * reviewerCount,
        maxLength: proposalCount * reviewerCount,
      }),
      reviewerCount: fc.constant(reviewerCount),
    }),
  )
  .map(({ proposalCount, reviewerCount, calibrationMinReviews, sameTime, tracks, cells }) => {
    const reviews: ReviewInput[] = [];
    cells.forEach((cell, i) => {
      if (!cell) return;
      const proposalId = Math.floor(i / reviewerCount) + 1;
      const reviewerId = 100 + (i % reviewerCount);
      reviews.push({
        proposalId,
        reviewerId,
        status: cell.status as ReviewInput["status"],
        levels: Object.fromEntries(scoredKeys.map((k, j) => [k, cell.levels[j]!])),
        gates: { G1: cell.gates[0], G2: cell.gates[1], G3: cell.gates[2] },
      });
    });
    const input: ScoringInput = {
      params: {
        minReviews: 2,
        qualifyingScore: 65,
        disagreementSpread: 2,
        disagreementSd: 15,
        calibrationMinReviews,
        tieBreak: ["tier4", "data", "finance"],
      },
      criteria,
      proposals: Array.from({ length: proposalCount }, (_, i) => ({
        id: i + 1,
        reference: `CDA-2026-${String(proposalCount - i).padStart(4, "0")}`,
        submittedAt: sameTime
          ? "2026-03-01T00:00:00.000Z"
          : new Date(Date.UTC(2026, 2, 1 + ((i * 7) % 5))).toISOString(),
        tracks: tracks[i] ? ["tier4DataCentre"] : ["bigDataPlatform"],
      })),
      reviews,
    };
    return input;
  });

const keysArb = fc.array(fc.integer(), { minLength: 64, maxLength: 64 });
function shuffle<T>(list: readonly T[], keys: number[]): T[] {
  return list
    .map((v, i) => ({ v, k: keys[i % keys.length]!, i }))
    .sort((a, b) => a.k - b.k || b.i - a.i)
    .map((x) => x.v);
}

function summary(r: ScoringResult) {
  return [...r.byId.values()]
    .sort((a, b) => a.proposalId - b.proposalId)
    .map((p) => ({
      id: p.proposalId,
      score: p.score,
      calibrated: p.calibratedScore,
      rankRaw: p.rankRaw,
      rankCalibrated: p.rankCalibrated,
      qualifies: p.qualifies,
      flags: p.flags,
      gates: p.gates,
    }));
}

describe("scoring properties", () => {
  it("does not depend on the order of the reviews", () => {
    fc.assert(
      fc.property(callArb, keysArb, (input, keys) => {
        const a = computeCallScores(input);
        const b = computeCallScores({ ...input, reviews: shuffle(input.reviews, keys) });
        expect(summary(b)).toEqual(summary(a));
      }),
    );
  });

  it("gives ranks that are a permutation of 1..n, for both scores", () => {
    fc.assert(
      fc.property(callArb, (input) => {
        const r = computeCallScores(input);
        const n = input.proposals.length;
        const expected = Array.from({ length: n }, (_, i) => i + 1);
        expect(r.proposals.map((p) => p.rankRaw)).toEqual(expected);
        expect(r.proposals.map((p) => p.rankCalibrated).sort((x, y) => x - y)).toEqual(expected);
        // Every scored proposal ranks before every unscored one.
        const firstUnscored = r.proposals.findIndex((p) => p.score === null);
        if (firstUnscored >= 0)
          expect(r.proposals.slice(firstUnscored).every((p) => p.score === null)).toBe(true);
      }),
    );
  });

  it("never lowers a proposal's raw score when one level is raised", () => {
    fc.assert(
      fc.property(
        callArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 5 }),
        (input, which, criterion, raise) => {
          const submitted = input.reviews.filter((r) => r.status === "submitted");
          fc.pre(submitted.length > 0);
          const target = submitted[which % submitted.length]!;
          const key = scoredKeys[criterion % scoredKeys.length]!;
          const raised: ReviewInput = {
            ...target,
            levels: { ...target.levels, [key]: Math.min(5, target.levels[key]! + raise) },
          };
          const before = computeCallScores(input).byId.get(target.proposalId)!;
          const after = computeCallScores({
            ...input,
            reviews: input.reviews.map((r) => (r === target ? raised : r)),
          }).byId.get(target.proposalId)!;
          expect(after.score!).toBeGreaterThanOrEqual(before.score!);
        },
      ),
    );
  });

  it("never lowers a raw score when every level is scaled up", () => {
    fc.assert(
      fc.property(callArb, (input) => {
        const up = input.reviews.map((r) => ({
          ...r,
          levels: Object.fromEntries(
            Object.entries(r.levels).map(([k, v]) => [k, Math.min(5, v + 1)]),
          ),
        }));
        const before = computeCallScores(input);
        const after = computeCallScores({ ...input, reviews: up });
        for (const p of before.proposals) {
          const q = after.byId.get(p.proposalId)!;
          if (p.score === null) expect(q.score).toBeNull();
          else expect(q.score!).toBeGreaterThanOrEqual(p.score);
        }
      }),
    );
  });

  it("resolves ties the same way every time, whatever the order of the proposals", () => {
    fc.assert(
      fc.property(callArb, keysArb, (input, keys) => {
        const a = computeCallScores(input);
        const again = computeCallScores(input);
        const shuffled = computeCallScores({ ...input, proposals: shuffle(input.proposals, keys) });
        expect(summary(again)).toEqual(summary(a));
        expect(summary(shuffled)).toEqual(summary(a));
        expect(shuffled.proposals.map((p) => p.proposalId)).toEqual(
          a.proposals.map((p) => p.proposalId),
        );
      }),
    );
  });
});
