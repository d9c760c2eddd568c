// The document rules of fields.md §10: which kinds are required, how many of each, which types.
import { describe, expect, it } from "vitest";
import {
  admitFiles,
  documentProblems,
  documentRules,
  documentsTaskStatus,
  ruleFor,
} from "~/domain/documents";

const complete = {
  businessLicence: 1,
  companyProfile: 1,
  auditedFinancials: 1,
  financingEvidence: 1,
};

describe("document rules", () => {
  it("require the technical concept only on the data-centre track", () => {
    expect(documentProblems(complete, ["bigDataPlatform"])).toEqual([]);
    expect(documentProblems(complete, ["tier4DataCentre"])).toEqual([
      { kind: "technicalConcept", problem: "missing" },
    ]);
    expect(
      documentProblems({ ...complete, technicalConcept: 1 }, [
        "tier4DataCentre",
        "bigDataPlatform",
      ]),
    ).toEqual([]);
  });

  it("limit audited financials to 3 and other documents to 5", () => {
    expect(documentProblems({ ...complete, auditedFinancials: 3, other: 5 }, [])).toEqual([]);
    expect(documentProblems({ ...complete, auditedFinancials: 4, other: 6 }, [])).toEqual([
      { kind: "auditedFinancials", problem: "tooMany" },
      { kind: "other", problem: "tooMany" },
    ]);
  });

  it("list every missing required kind in the order of the form", () => {
    expect(documentProblems({}, []).map((p) => p.kind)).toEqual([
      "businessLicence",
      "companyProfile",
      "auditedFinancials",
      "financingEvidence",
    ]);
  });

  it("accept images only for the business licence", () => {
    expect(ruleFor("businessLicence").types).toEqual([
      "application/pdf",
      "image/jpeg",
      "image/png",
    ]);
    for (const rule of documentRules(["tier4DataCentre"]).filter(
      (r) => r.kind !== "businessLicence",
    ))
      expect(rule.types).toEqual(["application/pdf"]);
  });

  it("give the task list its status", () => {
    expect(documentsTaskStatus({}, [])).toBe("notStarted");
    expect(documentsTaskStatus({ businessLicence: 1 }, [])).toBe("inProgress");
    expect(documentsTaskStatus(complete, [])).toBe("completed");
    expect(documentsTaskStatus(complete, ["tier4DataCentre"])).toBe("inProgress");
  });
});

describe("admitFiles (issue 12, item 3)", () => {
  const limits = {
    maxFiles: (kind: string) => (kind === "other" ? 5 : 1),
    maxProposalBytes: 100,
    maxOrganisationBytes: 150,
  };
  const state = {
    countsByKind: { other: 4, businessLicence: 1 },
    replaceableBytesByKind: { businessLicence: 30 },
    proposalBytes: 80,
    organisationBytes: 120,
  };
  it("counts each file against what the ones before it took", () => {
    const files = [
      { kind: "other", sizeBytes: 5 },
      { kind: "other", sizeBytes: 5 },
      { kind: "businessLicence", sizeBytes: 40 },
      { kind: "businessLicence", sizeBytes: 46 },
    ];
    const r = admitFiles(state, files, limits);
    expect(r.accepted).toEqual([files[0], files[2]]);
    expect(r.refused.map((x) => x.problem)).toEqual(["tooMany", "quota"]);
  });
  it("a replacement frees the bytes of the file it replaces; the company's limit applies", () => {
    expect(
      admitFiles(state, [{ kind: "businessLicence", sizeBytes: 50 }], limits).accepted,
    ).toHaveLength(1);
    expect(
      admitFiles({ ...state, organisationBytes: 149 }, [{ kind: "other", sizeBytes: 2 }], limits)
        .refused[0]?.problem,
    ).toBe("organisationQuota");
  });
});
