import { describe, expect, it } from "vitest";
import {
  criterionApplies,
  parseTracks,
  reviewTotal,
  validateReview,
  type ReviewCriterion,
} from "~/domain/review-validation";

const criteria: ReviewCriterion[] = [
  { id: 1, key: "tier4", kind: "scored", appliesToTrack: null },
  { id: 2, key: "energy", kind: "scored", appliesToTrack: null },
  { id: 10, key: "g1", kind: "gate", appliesToTrack: null },
  { id: 11, key: "g2", kind: "gate", appliesToTrack: "tier4DataCentre" },
];
const both = ["tier4DataCentre", "bigDataPlatform"];
const RATIONALE = "Section 4 shows a certified design.";

function complete(): Record<string, unknown> {
  return {
    c: {
      "1": { level: "4", rationale: RATIONALE },
      "2": { level: "0", rationale: RATIONALE },
      "10": { gate: "pass", rationale: RATIONALE },
      "11": { gate: "fail", rationale: RATIONALE },
    },
    overallComment: "Good.",
  };
}

describe("validateReview", () => {
  it("accepts a complete review and reads levels, gates and rationales", () => {
    const { values, errors } = validateReview(criteria, both, complete(), "submit");
    expect(errors).toEqual({});
    expect(values.scores).toEqual([
      { criterionId: 1, level: 4, gatePass: null, rationale: RATIONALE },
      { criterionId: 2, level: 0, gatePass: null, rationale: RATIONALE },
      { criterionId: 10, level: null, gatePass: true, rationale: RATIONALE },
      { criterionId: 11, level: null, gatePass: false, rationale: RATIONALE },
    ]);
    expect(values.overallComment).toBe("Good.");
  });

  it("refuses levels that are not whole numbers 0–5, in drafts as well", () => {
    for (const level of ["6", "-1", "3.5", "x", "05a"]) {
      const posted = complete();
      (posted.c as any)["1"].level = level;
      for (const mode of ["draft", "submit"] as const) {
        expect(validateReview(criteria, both, posted, mode).errors).toEqual({
          "c.1.level": "review.error.levelRange",
        });
      }
    }
  });

  it("requires a rationale of at least 20 characters to submit, not to save a draft", () => {
    const posted = complete();
    (posted.c as any)["2"].rationale = "x".repeat(19);
    expect(validateReview(criteria, both, posted, "submit").errors).toEqual({
      "c.2.rationale": 'review.error.rationale|{"min":20}',
    });
    expect(validateReview(criteria, both, posted, "draft").errors).toEqual({});
    (posted.c as any)["2"].rationale = "x".repeat(20);
    expect(validateReview(criteria, both, posted, "submit").errors).toEqual({});
  });

  it("requires every level and gate to submit; a draft may leave them out", () => {
    const posted = { c: {} };
    const { errors } = validateReview(criteria, both, posted, "submit");
    expect(Object.keys(errors).sort()).toEqual(
      [
        "c.1.level",
        "c.1.rationale",
        "c.10.gate",
        "c.10.rationale",
        "c.11.gate",
        "c.11.rationale",
        "c.2.level",
        "c.2.rationale",
      ].sort(),
    );
    expect(validateReview(criteria, both, posted, "draft").errors).toEqual({});
  });

  it("ignores G2 (and anything posted for it) when the proposal lacks the data-centre track", () => {
    const posted = complete();
    (posted.c as any)["11"] = { gate: "maybe", rationale: "" };
    const { values, errors } = validateReview(criteria, ["bigDataPlatform"], posted, "submit");
    expect(errors).toEqual({});
    expect(values.scores.map((s) => s.criterionId)).toEqual([1, 2, 10]);
  });

  it("refuses a gate answer other than pass or fail", () => {
    const posted = complete();
    (posted.c as any)["10"].gate = "yes";
    expect(validateReview(criteria, both, posted, "draft").errors).toEqual({
      "c.10.gate": "review.error.gate",
    });
  });
});

describe("helpers", () => {
  it("parses tracks and decides which criteria apply", () => {
    expect(parseTracks("tier4DataCentre, bigDataPlatform")).toEqual(both);
    expect(parseTracks(null)).toEqual([]);
    expect(criterionApplies({ appliesToTrack: null }, [])).toBe(true);
    expect(criterionApplies({ appliesToTrack: "tier4DataCentre" }, ["bigDataPlatform"])).toBe(
      false,
    );
    expect(criterionApplies({ appliesToTrack: "tier4DataCentre" }, both)).toBe(true);
  });

  it("computes a review's total as Σ weight × level / 5", () => {
    expect(
      reviewTotal([
        { weight: 20, level: 5 },
        { weight: 80, level: 2 },
        { weight: null, level: null },
      ]),
    ).toBeCloseTo(20 + 32, 10);
  });
});
