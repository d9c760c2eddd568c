import { describe, expect, it } from "vitest";
import {
  can,
  conflictTarget,
  decideAccess,
  refusalFor,
  refusalStatus,
  type AccessFacts,
  type AccessRole,
} from "~/domain/access";
import { conflictMatches } from "~/domain/assignment";

const facts = (
  role: AccessRole,
  over: Partial<Omit<AccessFacts, "user">> & { userId?: number } = {},
): AccessFacts => ({
  user: { id: over.userId ?? 7, role },
  proposal:
    over.proposal === undefined ? { id: 1, ownerId: 7, status: "submitted" } : over.proposal,
  assignment: over.assignment ?? null,
  conflicted: over.conflicted ?? false,
});

describe("decideAccess", () => {
  it("gives an applicant their own proposal and hides everyone else's", () => {
    const own = decideAccess(facts("applicant"));
    expect(own.relation).toBe("owner");
    expect(can(own, "own") && can(own, "downloadDocument")).toBe(true);
    expect(can(own, "viewReviews")).toBe(false);
    expect(refusalFor(own, "viewReviews")).toBe("forbidden");
    const other = decideAccess(facts("applicant", { userId: 8 }));
    expect(other.refusal).toBe("notFound");
    expect(can(other, "view")).toBe(false);
  });

  it("answers notFound for a missing proposal, whoever asks", () => {
    for (const role of ["applicant", "reviewer", "official", "admin"] as const)
      expect(decideAccess(facts(role, { proposal: null })).refusal).toBe("notFound");
  });

  it("shows no staff member a draft", () => {
    const draft = { id: 1, ownerId: 9, status: "draft" };
    for (const role of ["reviewer", "official", "admin"] as const)
      expect(
        decideAccess(facts(role, { proposal: draft, assignment: { attested: true } })).refusal,
      ).toBe("notFound");
  });

  it("walls off every staff role by its own conflict, before anything else it holds", () => {
    for (const role of ["reviewer", "official", "admin"] as const) {
      const a = decideAccess(facts(role, { conflicted: true, assignment: { attested: true } }));
      expect(a.refusal).toBe("conflicted");
      expect(a.capabilities.size).toBe(0);
      // Answered exactly as "not yours" (issue 12, item 9).
      expect(refusalStatus(refusalFor(a, "view")!)).toBe(404);
      expect(refusalStatus(refusalFor(a, "downloadDocument")!, true)).toBe(404);
    }
  });

  it("gives officials and admins the official capabilities, never scoring", () => {
    for (const role of ["official", "admin"] as const) {
      const a = decideAccess(facts(role));
      for (const c of [
        "viewReviews",
        "returnReview",
        "decide",
        "moderate",
        "export",
        "readAudit",
      ] as const)
        expect(can(a, c)).toBe(true);
      expect(can(a, "score")).toBe(false);
      expect(can(a, "own")).toBe(false);
    }
  });

  it("gives a reviewer only an active assignment, and its content only after attesting", () => {
    expect(decideAccess(facts("reviewer")).refusal).toBe("notFound");
    const before = decideAccess(facts("reviewer", { assignment: { attested: false } }));
    expect([...before.capabilities].sort()).toEqual(["attest", "view"]);
    expect(refusalFor(before, "viewContent")).toBe("forbidden");
    const after = decideAccess(facts("reviewer", { assignment: { attested: true } }));
    expect(can(after, "score") && can(after, "downloadDocument")).toBe(true);
    expect(can(after, "viewReviews") || can(after, "returnReview")).toBe(false);
  });

  it("opens the discussion to officials, and to a reviewer only once their own review is in", () => {
    for (const role of ["official", "admin"] as const)
      expect(can(decideAccess(facts(role)), "discuss")).toBe(true);
    expect(can(decideAccess(facts("applicant")), "discuss")).toBe(false);
    const draft = decideAccess(facts("reviewer", { assignment: { attested: true } }));
    expect(refusalFor(draft, "discuss")).toBe("forbidden");
    const notAttested = decideAccess(
      facts("reviewer", { assignment: { attested: false, reviewSubmitted: true } }),
    );
    expect(can(notAttested, "discuss")).toBe(false);
    const submitted = decideAccess(
      facts("reviewer", { assignment: { attested: true, reviewSubmitted: true } }),
    );
    expect(can(submitted, "discuss")).toBe(true);
    for (const role of ["reviewer", "official", "admin"] as const) {
      const walled = decideAccess(
        facts(role, { conflicted: true, assignment: { attested: true, reviewSubmitted: true } }),
      );
      expect(refusalFor(walled, "discuss")).toBe("conflicted");
    }
  });
});

describe("conflictTarget", () => {
  const base = {
    id: 5,
    organisationId: 3,
    submittedParentGroup: "Sky Group",
    liveParentGroup: null,
  };

  it("matches a submitted proposal against its snapshot, whatever the live profile says", () => {
    const submitted = conflictTarget({ ...base, status: "submitted" });
    expect(conflictMatches({ reviewerId: 1, parentGroup: "sky  group" }, submitted)).toBe(true);
    const moved = conflictTarget({
      ...base,
      status: "under_review",
      submittedParentGroup: null,
      liveParentGroup: "Sky Group",
    });
    expect(conflictMatches({ reviewerId: 1, parentGroup: "Sky Group" }, moved)).toBe(false);
  });

  it("matches a draft against the live profile too", () => {
    const draft = conflictTarget({
      ...base,
      status: "draft",
      submittedParentGroup: null,
      liveParentGroup: "Sky Group",
    });
    expect(conflictMatches({ reviewerId: 1, parentGroup: "SKY GROUP" }, draft)).toBe(true);
    expect(conflictMatches({ reviewerId: 1, organisationId: 3 }, draft)).toBe(true);
    expect(conflictMatches({ reviewerId: 1, proposalId: 5 }, draft)).toBe(true);
    expect(conflictMatches({ reviewerId: 1, organisationId: 4 }, draft)).toBe(false);
  });
});
