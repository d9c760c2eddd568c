// What the public may read of a decided call (app/domain/results.ts): rejected companies only when
// the call allows it, withdrawn and undecided ones never, counts of everything received.
import { describe, expect, it } from "vitest";
import { compileReleases, type Release } from "~/domain/ocds";
import { publicEntries, type ProposalOutcome } from "~/domain/results";

const base = {
  organisationId: null,
  companyZh: null,
  title: "Campus",
  tracks: "tier4DataCentre",
} as const;
const p = (
  reference: string | null,
  status: string,
  outcome: ProposalOutcome["outcome"],
  score: number | null,
  rank: number | null,
): ProposalOutcome => ({
  ...base,
  reference,
  status,
  outcome,
  companyEn: `Co ${reference}`,
  score,
  rank,
});

const proposals: ProposalOutcome[] = [
  p("CDA-2026-0003", "rejected", "rejected", 50, 3),
  p("CDA-2026-0002", "reserve", "reserve", 70.005, 2),
  p("CDA-2026-0001", "shortlisted", "shortlisted", 81.234, 1),
  p("CDA-2026-0004", "withdrawn", null, null, null),
  p(null, "draft", null, null, null),
];

describe("publicEntries", () => {
  it("lists shortlisted then reserve, scores to 2 decimals half away from zero, and no rejected name by default", () => {
    const { entries, counts } = publicEntries(proposals, false);
    expect(entries.map((e) => [e.reference, e.outcome, e.score, e.rank])).toEqual([
      ["CDA-2026-0001", "shortlisted", "81.23", 1],
      ["CDA-2026-0002", "reserve", "70.01", 2],
    ]);
    expect(counts).toEqual({
      received: 4,
      decided: 3,
      shortlisted: 1,
      reserve: 1,
      rejected: 1,
      withdrawn: 1,
    });
  });

  it("names rejected companies when the call allows it, never withdrawn ones", () => {
    const { entries } = publicEntries(proposals, true);
    expect(entries.map((e) => e.companyEn)).toEqual([
      "Co CDA-2026-0001",
      "Co CDA-2026-0002",
      "Co CDA-2026-0003",
    ]);
  });
});

describe("compileReleases", () => {
  it("merges releases oldest first: objects by field, arrays of objects by id, tagged compiled", () => {
    const r1 = {
      ocid: "o",
      id: "o-1",
      date: "2026-01-01T00:00:00Z",
      tag: ["tender"],
      tender: { id: "t", status: "active" },
      parties: [{ id: "cda", roles: ["buyer"] }],
    } as Release;
    const r2 = {
      ocid: "o",
      id: "o-2",
      date: "2026-02-01T00:00:00Z",
      tag: ["award"],
      tender: { id: "t", status: "complete" },
      parties: [
        { id: "cda", roles: ["buyer"] },
        { id: "x", roles: ["supplier"] },
      ],
      awards: [{ id: "a", status: "active" }],
    } as Release;
    const compiled = compileReleases("o", [r2, r1]);
    expect(compiled).toEqual({
      ocid: "o",
      id: "o-2026-02-01T00:00:00Z",
      date: "2026-02-01T00:00:00Z",
      tag: ["compiled"],
      tender: { id: "t", status: "complete" },
      parties: [
        { id: "cda", roles: ["buyer"] },
        { id: "x", roles: ["supplier"] },
      ],
      awards: [{ id: "a", status: "active" }],
    });
  });
});
