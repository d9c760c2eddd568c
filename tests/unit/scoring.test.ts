// Hand-computed fixtures for every published scoring rule (product.md "Scoring rules").
import { describe, expect, it } from "vitest";
import {
  computeCallScores,
  describeScore,
  formatScore,
  type CriterionInput,
  type ProposalInput,
  type ReviewInput,
  type ScoringParams,
} from "~/domain/scoring";

// Three scored criteria (weights 50/30/20) and two gates, G2 only for the data-centre track.
const criteria: CriterionInput[] = [
  { key: "A", kind: "scored", weight: 50, minLevel: 2, appliesToTrack: null },
  { key: "B", kind: "scored", weight: 30, minLevel: 2, appliesToTrack: null },
  { key: "C", kind: "scored", weight: 20, minLevel: 1, appliesToTrack: null },
  { key: "G1", kind: "gate", weight: null, minLevel: null, appliesToTrack: null },
  { key: "G2", kind: "gate", weight: null, minLevel: null, appliesToTrack: "tier4DataCentre" },
];

const params: ScoringParams = {
  minReviews: 2,
  qualifyingScore: 65,
  disagreementSpread: 2,
  disagreementSd: 15,
  calibrationMinReviews: 5,
  tieBreak: ["A", "B"],
};

function proposal(id: number, submittedAt: string, tracks = ["tier4DataCentre"]): ProposalInput {
  return { id, reference: `CDA-2026-${String(id).padStart(4, "0")}`, submittedAt, tracks };
}

function review(
  proposalId: number,
  reviewerId: number,
  [a, b, c]: [number, number, number],
  gates: Record<string, boolean> = { G1: true, G2: true },
  status: ReviewInput["status"] = "submitted",
): ReviewInput {
  // Review ids: proposal × 100 + reviewer (what moderations name).
  return {
    id: proposalId * 100 + reviewerId,
    proposalId,
    reviewerId,
    status,
    levels: { A: a, B: b, C: c },
    gates,
  };
}

describe("score, ranking and tie-break", () => {
  // P1: A 4,4  B 3,3  C 2,2   → 50×4/5 + 30×3/5 + 20×2/5   = 40 + 18 + 8  = 66
  // P2: A 4,4  B 2,2  C 3,4   → 50×4/5 + 30×2/5 + 20×3.5/5 = 40 + 12 + 14 = 66 (a tie)
  // P3: all 5s                → 100
  // P4: no submitted review (only a draft with 5s) → no score, ranks last.
  // Tie-break A then B: A means are equal (4 = 4), B decides: P1 (3) before P2 (2),
  // although P2 was submitted earlier and has the smaller reference.
  const proposals = [
    proposal(1, "2026-03-02T10:00:00.000Z"),
    proposal(2, "2026-03-01T10:00:00.000Z"),
    proposal(3, "2026-03-03T10:00:00.000Z"),
    proposal(4, "2026-02-01T10:00:00.000Z"),
  ];
  const reviews = [
    review(1, 10, [4, 3, 2]),
    review(1, 11, [4, 3, 2]),
    review(2, 10, [4, 2, 3]),
    review(2, 11, [4, 2, 4]),
    review(3, 10, [5, 5, 5]),
    review(3, 11, [5, 5, 5]),
    review(4, 10, [5, 5, 5], undefined, "draft"),
  ];

  it("computes each criterion's mean and the score Σ weight × mean / 5", () => {
    const r = computeCallScores({ params, criteria, proposals, reviews });
    const p2 = r.byId.get(2)!;
    expect(p2.criteria.map((c) => c.mean)).toEqual([4, 2, 3.5]);
    expect(p2.criteria.map((c) => c.contribution)).toEqual([40, 12, 14]);
    expect(p2.score).toBe(66);
    expect(r.byId.get(1)!.score).toBe(66);
    expect(r.byId.get(3)!.score).toBe(100);
    // a review's total = Σ weight × level / 5: 50×4/5 + 30×2/5 + 20×4/5 = 40 + 12 + 16 = 68
    expect(p2.reviewTotals.map((t) => t.total)).toEqual([64, 68]);
  });

  it("breaks a tie at the second tie-break criterion", () => {
    const r = computeCallScores({ params, criteria, proposals, reviews });
    expect(r.proposals.map((p) => p.proposalId)).toEqual([3, 1, 2, 4]);
    expect(r.proposals.map((p) => p.rankRaw)).toEqual([1, 2, 3, 4]);
  });

  it("follows the published tie-break order (A then C puts P2 first: C 3.5 > 2)", () => {
    const r = computeCallScores({
      params: { ...params, tieBreak: ["A", "C"] },
      criteria,
      proposals,
      reviews,
    });
    expect(r.byId.get(2)!.rankRaw).toBe(2);
    expect(r.byId.get(1)!.rankRaw).toBe(3);
  });

  it("falls back to the earlier submission, then to the reference", () => {
    // Same levels for both → identical means everywhere; P6 was submitted earlier.
    const same = [proposal(5, "2026-03-05T00:00:00.000Z"), proposal(6, "2026-03-04T00:00:00.000Z")];
    const rs = [review(5, 10, [3, 3, 3]), review(6, 10, [3, 3, 3])];
    let r = computeCallScores({ params, criteria, proposals: same, reviews: rs });
    expect(r.proposals.map((p) => p.proposalId)).toEqual([6, 5]);
    // Same submission time: the reference decides (CDA-2026-0005 before CDA-2026-0006).
    const sameTime = same.map((p) => ({ ...p, submittedAt: "2026-03-04T00:00:00.000Z" }));
    r = computeCallScores({ params, criteria, proposals: sameTime, reviews: rs });
    expect(r.proposals.map((p) => p.proposalId)).toEqual([5, 6]);
  });

  it("counts only submitted reviews; a proposal without one has no score and ranks last", () => {
    const r = computeCallScores({ params, criteria, proposals, reviews });
    const p4 = r.byId.get(4)!;
    expect(p4.reviewsSubmitted).toBe(0);
    expect(p4.score).toBeNull();
    expect(p4.calibratedScore).toBeNull();
    expect(p4.rankRaw).toBe(4);
    expect(p4.rankCalibrated).toBe(4);
    expect(p4.qualifies).toBe(false);
    expect(p4.reasons).toEqual([{ code: "too_few_reviews", submitted: 0, required: 2 }]);
  });

  it("shows scores to 2 decimals", () => {
    expect(formatScore(200 / 3)).toBe("66.67");
    expect(formatScore(72.345)).toBe("72.35");
    expect(formatScore(null)).toBe("");
  });
});

describe("gates", () => {
  const good: [number, number, number] = [4, 4, 4]; // 40 + 24 + 16 = 80

  it("an even split is flagged and not passed until moderated; then a moderated pass", () => {
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];
    const reviews = [
      review(1, 10, good, { G1: true, G2: true }),
      review(1, 11, good, { G1: false, G2: true }),
    ];
    let r = computeCallScores({ params, criteria, proposals, reviews }).byId.get(1)!;
    const g1 = r.gates.find((g) => g.key === "G1")!;
    expect(g1).toMatchObject({ status: "split", passes: 1, fails: 1, passed: false });
    expect(r.flags).toContainEqual({ kind: "gate_split", gate: "G1", resolved: false });
    expect(r.flagged).toBe(true);
    expect(r.qualifies).toBe(false);
    expect(r.reasons).toEqual([{ code: "gate_not_passed", gate: "G1", status: "split" }]);

    const decided = [110, 111]; // the two counting reviews
    r = computeCallScores({
      params,
      criteria,
      proposals,
      reviews,
      gateModerations: [
        {
          id: 1,
          proposalId: 1,
          gateKey: "G1",
          pass: false,
          createdAt: "2026-03-02T00:00:00.000Z",
          decidedReviewIds: decided,
        },
        {
          id: 2,
          proposalId: 1,
          gateKey: "G1",
          pass: true,
          createdAt: "2026-03-03T00:00:00.000Z",
          decidedReviewIds: decided,
        },
      ],
    }).byId.get(1)!;
    expect(r.gates.find((g) => g.key === "G1")).toMatchObject({
      status: "moderated_pass",
      passed: true,
    });
    expect(r.flags).toContainEqual({ kind: "gate_split", gate: "G1", resolved: true });
    expect(r.flagged).toBe(false);
    expect(r.qualifies).toBe(true);
  });

  it("a moderation lapses for good when the counting reviews change (1–1, 2–1, 2–2)", () => {
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];
    const oneOne = [
      review(1, 10, good, { G1: true, G2: true }),
      review(1, 11, good, { G1: false, G2: true }),
    ];
    const fail = {
      id: 7,
      proposalId: 1,
      gateKey: "G1",
      pass: false,
      createdAt: "2026-03-02T00:00:00.000Z",
      decidedReviewIds: [110, 111],
    };
    const run = (reviews: ReviewInput[], lapsed = false) =>
      computeCallScores({
        params,
        criteria,
        proposals,
        reviews,
        gateModerations: [{ ...fail, lapsed }],
      });
    // 1–1, moderated fail: applies, nothing lapses.
    let r = run(oneOne);
    expect(r.byId.get(1)!.gates[0]!.status).toBe("moderated_fail");
    expect(r.lapsingModerations).toEqual([]);
    // A third review (2–1 pass): the moderation lapses now.
    r = run([...oneOne, review(1, 12, good, { G1: true, G2: true })]);
    expect(r.byId.get(1)!.gates[0]!.status).toBe("pass");
    expect(r.lapsingModerations).toEqual([7]);
    // A fourth (2–2): split again, the old moderation does not come back.
    r = run(
      [
        ...oneOne,
        review(1, 12, good, { G1: true, G2: true }),
        review(1, 13, good, { G1: false, G2: true }),
      ],
      true,
    );
    expect(r.byId.get(1)!.gates[0]!.status).toBe("split");
    expect(r.byId.get(1)!.flagged).toBe(true);
    // The third review returned: the same two reviews again, but the moderation stays lapsed.
    r = run(oneOne, true);
    expect(r.byId.get(1)!.gates[0]!.status).toBe("split");
    expect(r.lapsingModerations).toEqual([]);
    // A moderation that names no reviews never applies.
    r = computeCallScores({
      params,
      criteria,
      proposals,
      reviews: oneOne,
      gateModerations: [{ ...fail, decidedReviewIds: null }],
    });
    expect(r.byId.get(1)!.gates[0]!.status).toBe("split");
  });

  it("a gate marked fail by a majority fails; a minority fail passes", () => {
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];
    const reviews = [
      review(1, 10, good, { G1: false, G2: true }),
      review(1, 11, good, { G1: false, G2: false }),
      review(1, 12, good, { G1: true, G2: true }),
    ];
    const r = computeCallScores({ params, criteria, proposals, reviews }).byId.get(1)!;
    expect(r.gates).toEqual([
      { key: "G1", status: "fail", passes: 1, fails: 2, passed: false },
      { key: "G2", status: "pass", passes: 2, fails: 1, passed: true },
    ]);
    expect(r.qualifies).toBe(false);
    expect(r.reasons).toEqual([{ code: "gate_not_passed", gate: "G1", status: "fail" }]);
    // The score is still computed: 80.
    expect(r.score).toBe(80);
  });

  it("a track-specific gate does not apply to other tracks", () => {
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z", ["bigDataPlatform"])];
    const reviews = [
      review(1, 10, good, { G1: true, G2: false }),
      review(1, 11, good, { G1: true, G2: false }),
    ];
    const r = computeCallScores({ params, criteria, proposals, reviews }).byId.get(1)!;
    expect(r.gates.find((g) => g.key === "G2")).toMatchObject({
      status: "not_applicable",
      passed: true,
    });
    expect(r.qualifies).toBe(true);
  });
});

describe("qualification", () => {
  it("a criterion whose mean is below its minimum level disqualifies", () => {
    // A levels 1 and 2 → mean 1.5 < minimum 2. B 5,5 C 5,5.
    // Score = 50×1.5/5 + 30×5/5 + 20×5/5 = 15 + 30 + 20 = 65 (reaches the qualifying score).
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];
    const reviews = [review(1, 10, [1, 5, 5]), review(1, 11, [2, 5, 5])];
    const r = computeCallScores({ params, criteria, proposals, reviews }).byId.get(1)!;
    expect(r.score).toBe(65);
    expect(r.criteria[0]).toMatchObject({ key: "A", mean: 1.5, meetsMinimum: false });
    expect(r.qualifies).toBe(false);
    expect(r.reasons).toEqual([{ code: "below_minimum", criterion: "A", mean: 1.5, minLevel: 2 }]);
    // With A at 2 and 2 the minimum is met: 20 + 30 + 20 = 70 → qualifies.
    const ok = computeCallScores({
      params,
      criteria,
      proposals,
      reviews: [review(1, 10, [2, 5, 5]), review(1, 11, [2, 5, 5])],
    }).byId.get(1)!;
    expect(ok.score).toBe(70);
    expect(ok.qualifies).toBe(true);
  });

  it("a proposal short of reviews does not qualify, though it is scored", () => {
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];
    const reviews = [review(1, 10, [5, 5, 5]), review(1, 11, [5, 5, 5])];
    const r = computeCallScores({
      params: { ...params, minReviews: 3 },
      criteria,
      proposals,
      reviews,
    }).byId.get(1)!;
    expect(r.reviewsSubmitted).toBe(2);
    expect(r.reviewsRequired).toBe(3);
    expect(r.score).toBe(100);
    expect(r.qualifies).toBe(false);
    expect(r.reasons).toEqual([{ code: "too_few_reviews", submitted: 2, required: 3 }]);
  });

  it("the qualifying score is inclusive (65 qualifies, 64 does not)", () => {
    // A 3,3 B 3,3 C 4,4 → 50×3/5 + 30×3/5 + 20×4/5 = 30 + 18 + 16 = 64:
    // below 65, but exactly at a qualifying score of 64.
    const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];
    const low = computeCallScores({
      params,
      criteria,
      proposals,
      reviews: [review(1, 10, [3, 3, 4]), review(1, 11, [3, 3, 4])],
    }).byId.get(1)!;
    expect(low.score).toBe(64);
    expect(low.reasons).toEqual([
      { code: "below_qualifying_score", score: 64, qualifyingScore: 65 },
    ]);
    const exact = computeCallScores({
      params: { ...params, qualifyingScore: 64 },
      criteria,
      proposals,
      reviews: [review(1, 10, [3, 3, 4]), review(1, 11, [3, 3, 4])],
    }).byId.get(1)!;
    expect(exact.qualifies).toBe(true);
  });
});

describe("disagreement flags", () => {
  const proposals = [proposal(1, "2026-03-01T00:00:00.000Z")];

  it("flags a criterion whose levels differ by the spread or more", () => {
    // A: 2 and 4 → spread 2 ≥ 2 flagged. B: 3 and 4 → 1, not flagged. C: 3 and 3.
    // Totals: 20+18+12 = 50 and 40+24+12 = 76 → SD 13 (not above 15).
    const r = computeCallScores({
      params,
      criteria,
      proposals,
      reviews: [review(1, 10, [2, 3, 3]), review(1, 11, [4, 4, 3])],
    }).byId.get(1)!;
    expect(r.totalsSd).toBe(13);
    expect(r.flags).toEqual([
      {
        kind: "criterion_spread",
        criterion: "A",
        min: 2,
        max: 4,
        spread: 2,
        threshold: 2,
        resolved: false,
      },
    ]);
    expect(r.flagged).toBe(true);
  });

  it("flags totals whose population SD is above the threshold (15 itself is not)", () => {
    // Spread threshold raised to 3 so that only the SD rule can fire.
    // Review 1: A1 B1 C1 → 10+6+4 = 20; review 2: A3 B3 C3 → 30+18+12 = 60.
    // Mean 40, deviations ±20 → population SD 20 > 15 → flagged.
    const wide = computeCallScores({
      params: { ...params, disagreementSpread: 3 },
      criteria,
      proposals,
      reviews: [review(1, 10, [1, 1, 1]), review(1, 11, [3, 3, 3])],
    }).byId.get(1)!;
    expect(wide.totalsSd).toBe(20);
    expect(wide.flags).toEqual([{ kind: "totals_sd", sd: 20, threshold: 15, resolved: false }]);
    // Review 1: A2 B2 C2 → 20+12+8 = 40; review 2: A4 B3 C3 → 40+18+12 = 70.
    // Mean 55, deviations ±15 → SD exactly 15, which is not above 15 → no flag.
    const edge = computeCallScores({
      params: { ...params, disagreementSpread: 3 },
      criteria,
      proposals,
      reviews: [review(1, 10, [2, 2, 2]), review(1, 11, [4, 3, 3])],
    }).byId.get(1)!;
    expect(edge.totalsSd).toBe(15);
    expect(edge.flags).toEqual([]);
  });

  it("a moderation note naming the counting reviews resolves the flags; it lapses with them", () => {
    const reviews = [review(1, 10, [1, 1, 1]), review(1, 11, [3, 3, 3])];
    const note = {
      id: 3,
      proposalId: 1,
      criterionKey: null,
      createdAt: "2026-03-04T00:00:00.000Z",
    };
    // Named an earlier set (one review only): lapses, resolves nothing.
    const early = computeCallScores({
      params,
      criteria,
      proposals,
      reviews,
      disagreementNotes: [{ ...note, decidedReviewIds: [110] }],
    });
    expect(early.byId.get(1)!.flagged).toBe(true);
    expect(early.lapsingModerations).toEqual([3]);
    const late = computeCallScores({
      params,
      criteria,
      proposals,
      reviews,
      disagreementNotes: [{ ...note, decidedReviewIds: [111, 110] }],
    }).byId.get(1)!;
    expect(late.flags.length).toBeGreaterThan(0);
    expect(late.flags.every((f) => f.resolved)).toBe(true);
    expect(late.flagged).toBe(false);
  });
});

describe("precision: every comparison at 6 decimals", () => {
  // One criterion of weight 1 and one of 99: three reviews X 1,1,1 and Y 2,2,1 give
  // (1 × 3 + 99 × 5) / 15 = 498 / 15 = 33.2 exactly; 33.2 × 15 in doubles is 498.00000000000006.
  const lopsided: CriterionInput[] = [
    { key: "X", kind: "scored", weight: 1, minLevel: 0, appliesToTrack: null },
    { key: "Y", kind: "scored", weight: 99, minLevel: 0, appliesToTrack: null },
  ];
  const xy = (pid: number, rid: number, x: number, y: number): ReviewInput => ({
    id: pid * 100 + rid,
    proposalId: pid,
    reviewerId: rid,
    levels: { X: x, Y: y },
    gates: {},
  });

  it("a score of exactly 33.2 reaches a qualifying score of 33.2", () => {
    const r = computeCallScores({
      params: { ...params, minReviews: 3, qualifyingScore: 33.2, tieBreak: [] },
      criteria: lopsided,
      proposals: [proposal(1, "2026-03-01T00:00:00.000Z")],
      reviews: [xy(1, 10, 1, 2), xy(1, 11, 1, 2), xy(1, 12, 1, 1)],
    }).byId.get(1)!;
    expect(r.scoreExact).toEqual({ num: 498, den: 15 });
    expect(r.reasons).toEqual([]);
    expect(r.qualifies).toBe(true);
  });

  it("breaks ties on values rounded to 6 decimals, then by reference sequence number", () => {
    // Same levels, the same instant written two ways: the reference decides, by its number.
    const proposals: ProposalInput[] = [
      {
        id: 1,
        reference: "CDA-2026-10000",
        submittedAt: "2026-03-01T08:00:00.000Z",
        tracks: [],
      },
      { id: 2, reference: "CDA-2026-9999", submittedAt: "2026-03-01T13:00:00+05:00", tracks: [] },
    ];
    const r = computeCallScores({
      params: { ...params, minReviews: 1, tieBreak: [] },
      criteria: lopsided,
      proposals,
      reviews: [xy(1, 10, 3, 4), xy(2, 10, 3, 4)],
    });
    expect(r.proposals.map((p) => p.reference)).toEqual(["CDA-2026-9999", "CDA-2026-10000"]);
  });

  it("marks a proposal with fewer counting reviews than the minimum provisional", () => {
    const r = computeCallScores({
      params: { ...params, minReviews: 2 },
      criteria: lopsided,
      proposals: [proposal(1, "2026-03-01T00:00:00.000Z"), proposal(2, "2026-03-01T00:00:00.000Z")],
      reviews: [xy(1, 10, 5, 5), xy(2, 10, 5, 5), xy(2, 11, 5, 5)],
    });
    expect(r.byId.get(1)!.provisional).toBe(true);
    expect(r.byId.get(2)!.provisional).toBe(false);
  });

  it("leaves a withdrawn proposal and its reviews out of everything, calibration included", () => {
    const base = {
      params: { ...params, minReviews: 1, calibrationMinReviews: 2, tieBreak: [] },
      criteria: lopsided,
    };
    const kept = [proposal(1, "2026-03-01T00:00:00.000Z"), proposal(2, "2026-03-01T00:00:00.000Z")];
    const reviews = [xy(1, 10, 1, 1), xy(2, 10, 3, 3), xy(1, 11, 4, 4), xy(2, 11, 5, 5)];
    const without = computeCallScores({ ...base, proposals: kept, reviews });
    const withWithdrawn = computeCallScores({
      ...base,
      proposals: [...kept, { ...proposal(3, "2026-03-01T00:00:00.000Z"), status: "withdrawn" }],
      reviews: [...reviews, xy(3, 10, 0, 0), xy(3, 11, 5, 5)],
    });
    expect(withWithdrawn.byId.has(3)).toBe(false);
    expect(withWithdrawn.calibration).toEqual(without.calibration);
    expect(withWithdrawn.byId.get(1)!.calibratedScore).toBe(without.byId.get(1)!.calibratedScore);
  });
});

describe("calibration", () => {
  // Two scored criteria of weight 50: a review's total = 10 × (x + y).
  const two: CriterionInput[] = [
    { key: "X", kind: "scored", weight: 50, minLevel: 0, appliesToTrack: null },
    { key: "Y", kind: "scored", weight: 50, minLevel: 0, appliesToTrack: null },
  ];
  const p2: ScoringParams = { ...params, minReviews: 1, tieBreak: ["X"] };
  const byTotal = (proposalId: number, reviewerId: number, total: number): ReviewInput => {
    const sum = total / 10;
    const x = Math.min(5, sum);
    return { proposalId, reviewerId, levels: { X: x, Y: sum - x }, gates: {} };
  };
  const props = Array.from({ length: 12 }, (_, i) =>
    proposal(i + 1, `2026-03-${String(i + 1).padStart(2, "0")}T00:00:00.000Z`),
  );

  // Harsh reviewer 10 scores P1–P5: 10, 30, 40, 50, 70 → mean 40, deviations −30 −10 0 10 30,
  //   population SD √((900+100+0+100+900)/5) = √400 = 20; z = −1.5 −0.5 0 0.5 1.5.
  // Lenient reviewer 11 scores P6–P10: 30, 50, 60, 70, 90 → mean 60, SD 20, same z.
  // The call's 10 totals: mean (200 + 300)/10 = 50; deviations from 50:
  //   −40 −20 −10 0 20 | −20 0 10 20 40 → squares 1600+400+100+0+400 + 400+0+100+400+1600 = 5000,
  //   population SD √(5000/10) = √500 ≈ 22.3607.
  // Calibrated total = 50 + √500 × z:  z 0.5 → 61.1803; z 0 → 50; z 1.5 → 83.5410.
  const harsh = [10, 30, 40, 50, 70].map((t, i) => byTotal(i + 1, 10, t));
  const lenient = [30, 50, 60, 70, 90].map((t, i) => byTotal(i + 6, 11, t));
  const s500 = Math.sqrt(500);

  it("standardises a harsh and a lenient reviewer onto the call's scale", () => {
    const r = computeCallScores(
      { params: p2, criteria: two, proposals: props.slice(0, 10), reviews: [...harsh, ...lenient] },
      { rankBy: "calibrated" },
    );
    expect(r.calibration.callMean).toBe(50);
    expect(r.calibration.callSd).toBeCloseTo(s500, 10);
    expect(r.calibration.reviewers).toMatchObject([
      { reviewerId: 10, reviews: 5, mean: 40, sd: 20, calibrated: true, rawBecause: null },
      { reviewerId: 11, reviews: 5, mean: 60, sd: 20, calibrated: true, rawBecause: null },
    ]);
    // P4: harsh 50 (z 0.5) → 61.18; P8: lenient 60 (z 0) → 50. Raw puts P8 first, calibrated P4.
    const p4 = r.byId.get(4)!;
    const p8 = r.byId.get(8)!;
    expect(p4.score).toBe(50);
    expect(p8.score).toBe(60);
    expect(p4.calibratedScore).toBeCloseTo(50 + 0.5 * s500, 10);
    expect(p8.calibratedScore).toBeCloseTo(50, 10);
    expect(p8.rankRaw).toBeLessThan(p4.rankRaw);
    expect(p4.rankCalibrated).toBeLessThan(p8.rankCalibrated);
    // Both best proposals (z 1.5) calibrate to exactly 50 + √500 × 30 / 20 ≈ 83.54: P5 (70 by the
    // harsh reviewer, X 5 Y 2) and P10 (90 by the lenient one, X 5 Y 4) tie at full precision.
    // The tie-break criterion X is 5 for both; P5 was submitted earlier (5 March vs 10 March).
    expect(r.byId.get(5)!.calibratedScore).toBeCloseTo(50 + 1.5 * s500, 10);
    expect(r.byId.get(5)!.calibratedScore).toBe(r.byId.get(10)!.calibratedScore);
    expect(r.proposals.slice(0, 2).map((p) => p.proposalId)).toEqual([5, 10]);
    // Raw order: P10 (90) first.
    expect(r.byId.get(10)!.rankRaw).toBe(1);
  });

  it("a reviewer with fewer than the minimum number of reviews counts raw", () => {
    // Reviewer 12 scores P11 (20) and P12 (80): 2 < 5 reviews → raw.
    const few = [byTotal(11, 12, 20), byTotal(12, 12, 80)];
    const r = computeCallScores({
      params: p2,
      criteria: two,
      proposals: props,
      reviews: [...harsh, ...lenient, ...few],
    });
    expect(r.calibration.reviewers.find((x) => x.reviewerId === 12)).toMatchObject({
      reviews: 2,
      calibrated: false,
      rawBecause: "too_few_reviews",
    });
    expect(r.byId.get(11)!.calibratedScore).toBe(20);
    expect(r.byId.get(12)!.calibratedScore).toBe(80);
    expect(r.byId.get(12)!.reviewTotals[0]).toMatchObject({ calibrated: false, total: 80 });
    // With the threshold lowered to 2 the same reviewer is calibrated (the count is what matters).
    const r2 = computeCallScores({
      params: { ...p2, calibrationMinReviews: 2 },
      criteria: two,
      proposals: props,
      reviews: [...harsh, ...lenient, ...few],
    });
    expect(r2.byId.get(12)!.reviewTotals[0]!.calibrated).toBe(true);
    expect(r2.byId.get(12)!.calibratedScore).not.toBe(80);
  });

  it("a reviewer whose totals do not vary counts raw", () => {
    // Reviewer 13 gives 60 to P1–P5: 5 reviews but SD 0 → raw.
    const flat = [1, 2, 3, 4, 5].map((pid) => byTotal(pid, 13, 60));
    const r = computeCallScores({
      params: p2,
      criteria: two,
      proposals: props.slice(0, 10),
      reviews: [...harsh, ...lenient, ...flat],
    });
    expect(r.calibration.reviewers.find((x) => x.reviewerId === 13)).toMatchObject({
      reviews: 5,
      sd: 0,
      calibrated: false,
      rawBecause: "no_variance",
    });
    const p1 = r.byId.get(1)!;
    expect(p1.reviewTotals.find((t) => t.reviewerId === 13)).toMatchObject({
      total: 60,
      calibratedTotal: 60,
      calibrated: false,
    });
  });

  it("writes out the arithmetic of a score", () => {
    const r = computeCallScores({
      params,
      criteria,
      proposals: [proposal(1, "2026-03-01T00:00:00.000Z")],
      reviews: [review(1, 10, [4, 2, 3]), review(1, 11, [4, 2, 4])],
    });
    const d = describeScore(r.byId.get(1)!, r.calibration, params);
    expect(d.terms.map((t) => t.text)).toEqual([
      "50 × (4 + 4) / 2 / 5 = 50 × 4.00 / 5 = 40.00",
      "30 × (2 + 2) / 2 / 5 = 30 × 2.00 / 5 = 12.00",
      "20 × (3 + 4) / 2 / 5 = 20 × 3.50 / 5 = 14.00",
    ]);
    expect(d.scoreText).toBe("40.00 + 12.00 + 14.00 = 66.00");
    expect(d.reviews[0]!.text).toBe("counted raw (fewer than 5 submitted reviews) = 64.00");
    expect(d.calibratedText).toBe("(64.00 + 68.00) / 2 = 66.00");
  });
});
