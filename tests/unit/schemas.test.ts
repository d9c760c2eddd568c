import { describe, expect, it } from "vitest";
import { decodeMsg, formDataToObject } from "~/utils/form";
import { parseStep, prepareInput, QUESTION_STEP_IDS, type QuestionStepId } from "~/schemas";
import { FUTURE, toSearchParams, VALID_POSTS } from "../support/proposal-answers";

/** Parses a post for `step` the way the action does: FormData → NFKC object → step schema. */
function post(step: QuestionStepId, changes: Record<string, string | string[] | undefined> = {}) {
  const fields: Record<string, string | string[]> = { ...VALID_POSTS[step]! };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete fields[k];
    else fields[k] = v;
  }
  return parseStep(step, prepareInput(step, formDataToObject(toSearchParams(fields))));
}

function errorKey(result: ReturnType<typeof post>, field: string) {
  if (result.ok) return null;
  const m = result.errors[field];
  return m ? decodeMsg(m).key : null;
}

describe("every step", () => {
  it.each(QUESTION_STEP_IDS)("%s accepts a complete, valid post", (step) => {
    const result = post(step);
    expect(result.errors).toBeNull();
  });

  it.each(QUESTION_STEP_IDS)(
    "%s refuses an empty post with messages that are dictionary keys",
    (step) => {
      const result = parseStep(step, {});
      expect(result.ok).toBe(false);
      for (const m of Object.values(result.errors ?? {})) {
        expect(decodeMsg(m).key).toMatch(/^(validation|proposal)\./);
      }
    },
  );
});

describe("eligibility", () => {
  it("requires both declarations", () => {
    const r = post("eligibility", {
      noDebarmentDeclaration: undefined,
      sanctionsDeclaration: "on",
    });
    expect(errorKey(r, "noDebarmentDeclaration")).toBe("validation.mustAccept");
    expect(errorKey(r, "sanctionsDeclaration")).toBe("validation.mustAccept");
  });

  it("a consortium needs a lead member and at least one member with a real country", () => {
    const r = post("eligibility", { applicantType: "consortium" });
    expect(errorKey(r, "leadMemberName")).toBe("validation.required");
    expect(errorKey(r, "members[0].name")).toBe("proposal.err.membersMin");
    const bad = post("eligibility", {
      applicantType: "consortium",
      leadMemberName: "Lead Co",
      "members[0].name": "Partner Co",
      "members[0].country": "XX",
      "members[0].role": "Operator",
    });
    expect(errorKey(bad, "members[0].country")).toBe("proposal.err.country");
    const good = post("eligibility", {
      applicantType: "consortium",
      leadMemberName: "Lead Co",
      "members[0].name": "Partner Co",
      "members[0].country": "PK",
      "members[0].role": "Operator",
    });
    expect(good.ok).toBe(true);
  });

  it("a company's stray member rows are not checked", () => {
    expect(post("eligibility", { "members[0].name": "x" }).ok).toBe(true);
  });

  it("'No' to data residency is a valid answer (the route ends the application)", () => {
    expect(post("eligibility", { acceptsDataResidency: "no" }).ok).toBe(true);
    expect(
      errorKey(post("eligibility", { acceptsDataResidency: "maybe" }), "acceptsDataResidency"),
    ).toBe("validation.choose");
  });
});

describe("organisation", () => {
  it("USCC: good codes pass, a check-character failure passes (warned and flagged elsewhere)", () => {
    expect(post("organisation", { uscc: "91350100M000100Y43" }).ok).toBe(true);
    expect(post("organisation", { uscc: "91110000600037341A" }).ok).toBe(true);
  });

  it("USCC: a malformed code or a missing one is refused for a Chinese company", () => {
    expect(errorKey(post("organisation", { uscc: "12345" }), "uscc")).toBe(
      "proposal.err.usccLength",
    );
    expect(errorKey(post("organisation", { uscc: "9111000060003734IL" }), "uscc")).toBe(
      "proposal.err.usccLetterDigit",
    );
    expect(errorKey(post("organisation", { uscc: "" }), "uscc")).toBe("proposal.err.usccRequired");
  });

  it("USCC typed with full-width characters is accepted after NFKC", () => {
    expect(post("organisation", { uscc: "９１１１００００６０００３７３４１Ｌ" }).ok).toBe(true);
  });

  it("a company outside China needs a registration number instead", () => {
    const r = post("organisation", { country: "SG", uscc: "", province: "Central" });
    expect(errorKey(r, "registrationNumber")).toBe("validation.required");
    expect(
      post("organisation", {
        country: "SG",
        uscc: "",
        province: "Central",
        registrationNumber: "201912345K",
      }).ok,
    ).toBe(true);
  });

  it("a Chinese company picks its province from the list (Guizhou is on it)", () => {
    expect(errorKey(post("organisation", { province: "Atlantis" }), "province")).toBe(
      "proposal.err.province",
    );
    expect(post("organisation", { province: "Guizhou" }).ok).toBe(true);
  });

  it("the Chinese name must contain Han characters; the English name is 1–200 characters", () => {
    expect(errorKey(post("organisation", { legalNameZh: "Guizhou Cloud" }), "legalNameZh")).toBe(
      "proposal.err.nameZhHan",
    );
    expect(post("organisation", { legalNameZh: "" }).ok).toBe(true);
    expect(errorKey(post("organisation", { legalNameEn: "x".repeat(201) }), "legalNameEn")).toBe(
      "validation.tooLong",
    );
  });

  it("checks country code, website, year founded, employees and revenue", () => {
    expect(errorKey(post("organisation", { country: "ZZ" }), "country")).toBe(
      "proposal.err.country",
    );
    expect(errorKey(post("organisation", { website: "ftp://x.cn" }), "website")).toBe(
      "validation.url",
    );
    expect(errorKey(post("organisation", { yearFounded: "1899" }), "yearFounded")).toBe(
      "validation.between",
    );
    expect(
      errorKey(
        post("organisation", { yearFounded: String(new Date().getUTCFullYear() + 1) }),
        "yearFounded",
      ),
    ).toBe("validation.between");
    expect(errorKey(post("organisation", { employees: "0" }), "employees")).toBe(
      "validation.between",
    );
    expect(errorKey(post("organisation", { employees: "1.5" }), "employees")).toBe(
      "validation.wholeNumber",
    );
    expect(
      errorKey(post("organisation", { "annualRevenue.amount": "1.005" }), "annualRevenue.amount"),
    ).toBe("proposal.err.decimals");
    expect(
      errorKey(post("organisation", { "annualRevenue.currency": "EUR" }), "annualRevenue.currency"),
    ).toBe("proposal.err.currency");
  });

  it("full-width digits in numbers are accepted after NFKC", () => {
    expect(post("organisation", { employees: "１２００", yearFounded: "２００８" }).ok).toBe(true);
  });

  it("reference rows: blank rows are ignored, partly filled rows are checked", () => {
    expect(
      post("organisation", {
        "references[0].site": "",
        "references[0].itLoadMw": "",
        "references[0].year": "",
      }).ok,
    ).toBe(true);
    const r = post("organisation", {
      "references[0].itLoadMw": "-3",
      "references[0].year": "1980",
    });
    expect(errorKey(r, "references[0].itLoadMw")).toBe("proposal.err.moreThan");
    expect(errorKey(r, "references[0].year")).toBe("validation.between");
  });
});

describe("contact", () => {
  it("checks e-mail and E.164 phone numbers (+86 mobiles: 11 digits starting with 1; +92 accepted)", () => {
    expect(errorKey(post("contact", { email: "wang@" }), "email")).toBe("validation.email");
    expect(errorKey(post("contact", { phone: "13800138000" }), "phone")).toBe("proposal.err.phone");
    expect(errorKey(post("contact", { phone: "+86 238 0013 8000" }), "phone")).toBe(
      "proposal.err.phoneCn",
    );
    expect(errorKey(post("contact", { phone: "+86 138 0013 800" }), "phone")).toBe(
      "proposal.err.phoneCn",
    );
    expect(post("contact", { phone: "+92 51 9252961" }).ok).toBe(true);
    expect(post("contact", { phone: "＋８６ １３８ ００１３ ８０００" }).ok).toBe(true);
  });

  it("a local representative, once started, needs a name and a valid phone", () => {
    const r = post("contact", { "localRepresentative.phone": "12" });
    expect(errorKey(r, "localRepresentative.name")).toBe("validation.required");
    expect(errorKey(r, "localRepresentative.phone")).toBe("proposal.err.phone");
  });

  it("preferred language is en or zh-Hans", () => {
    expect(errorKey(post("contact", { preferredLanguage: "fr" }), "preferredLanguage")).toBe(
      "validation.choose",
    );
  });
});

describe("project", () => {
  it("title 5–200, summary 100–3000, at least one track", () => {
    expect(errorKey(post("project", { title: "DC" }), "title")).toBe("validation.tooShort");
    expect(errorKey(post("project", { summary: "Too short." }), "summary")).toBe(
      "validation.tooShort",
    );
    expect(errorKey(post("project", { tracks: undefined }), "tracks")).toBe("validation.choose");
    expect(errorKey(post("project", { tracks: ["tier4DataCentre", "mining"] }), "tracks[1]")).toBe(
      "validation.choose",
    );
  });

  it("'other' collaboration needs its text; a CDA site needs its reference", () => {
    expect(errorKey(post("project", { collaborationModel: "other" }), "collaborationOther")).toBe(
      "validation.required",
    );
    expect(errorKey(post("project", { siteReference: "" }), "siteReference")).toBe(
      "validation.required",
    );
    expect(post("project", { site: "toBeDecided", siteReference: "" }).ok).toBe(true);
  });

  it("data-centre figures: 0.5–500 MW, final ≥ phase 1, PUE 1.00–2.00, renewables 0–100", () => {
    expect(errorKey(post("project", { itLoadMwPhase1: "0.4" }), "itLoadMwPhase1")).toBe(
      "validation.between",
    );
    expect(errorKey(post("project", { itLoadMwFinal: "10" }), "itLoadMwFinal")).toBe(
      "proposal.err.finalBelowPhase1",
    );
    expect(post("project", { itLoadMwFinal: "12" }).ok).toBe(true);
    expect(errorKey(post("project", { designPue: "2.1" }), "designPue")).toBe("validation.between");
    expect(errorKey(post("project", { designPue: "0.9" }), "designPue")).toBe("validation.between");
    expect(errorKey(post("project", { renewablePct: "101" }), "renewablePct")).toBe(
      "validation.between",
    );
    expect(errorKey(post("project", { gridMw: "0" }), "gridMw")).toBe("proposal.err.moreThan");
  });

  it("data-centre figures are not asked of a big-data-only proposal", () => {
    expect(
      post("project", {
        tracks: "bigDataPlatform",
        itLoadMwPhase1: "",
        itLoadMwFinal: "",
        designPue: "",
      }).ok,
    ).toBe(true);
  });

  it("the big-data track needs 1–10 use cases", () => {
    const r = post("project", {
      tracks: "bigDataPlatform",
      "bigDataUseCases[0].title": "",
      "bigDataUseCases[0].beneficiary": "",
      "bigDataUseCases[0].kpi": "",
    });
    expect(errorKey(r, "bigDataUseCases[0].title")).toBe("proposal.err.useCasesMin");
    expect(post("project", { tracks: "tier4DataCentre", "bigDataUseCases[0].kpi": "" }).ok).toBe(
      true,
    );
  });
});

describe("resilience", () => {
  it("the constructed facility is certified after the design", () => {
    const r = post("resilience", {
      "certificationPlan.designDocumentsDate": FUTURE(2),
      "certificationPlan.constructedFacilityDate": FUTURE(1),
    });
    expect(errorKey(r, "certificationPlan.constructedFacilityDate")).toBe(
      "proposal.err.constructedAfterDesign",
    );
    expect(
      errorKey(
        post("resilience", { "certificationPlan.designDocumentsDate": "2027-02-30" }),
        "certificationPlan.designDocumentsDate",
      ),
    ).toBe("validation.date");
  });

  it("fuel for at least 12 hours; 'other' topology needs its text", () => {
    expect(errorKey(post("resilience", { onSiteFuelHours: "11" }), "onSiteFuelHours")).toBe(
      "validation.between",
    );
    expect(errorKey(post("resilience", { powerTopology: "other" }), "powerTopologyOther")).toBe(
      "validation.required",
    );
    expect(post("resilience", { powerTopology: "2(N+1)" }).ok).toBe(true);
  });

  it("ISO 27001: a certificate expiring after today, or a plan instead", () => {
    expect(
      errorKey(post("resilience", { "iso27001.expiryDate": "2020-01-01" }), "iso27001.expiryDate"),
    ).toBe("proposal.err.dateFuture");
    const none = {
      "iso27001.certificateNumber": "",
      "iso27001.issuingBody": "",
      "iso27001.expiryDate": "",
    };
    expect(errorKey(post("resilience", none), "iso27001.certificateNumber")).toBe(
      "proposal.err.iso27001",
    );
    expect(
      post("resilience", { ...none, iso27001Plan: "Certification within 12 months of operations." })
        .ok,
    ).toBe(true);
  });

  it("other standards come from the list", () => {
    expect(post("resilience", { otherStandards: ["ISO 9001"] }).ok).toBe(false);
  });
});

describe("data governance", () => {
  it("the residency commitment must be given and at least one data class chosen", () => {
    const r = post("data-governance", { residencyCommitment: undefined, dataClasses: undefined });
    expect(errorKey(r, "residencyCommitment")).toBe("proposal.err.residencyCommitment");
    expect(errorKey(r, "dataClasses")).toBe("validation.choose");
    expect(
      errorKey(
        post("data-governance", { crossBorderDescription: "x".repeat(3001) }),
        "crossBorderDescription",
      ),
    ).toBe("validation.tooLong");
  });
});

describe("investment", () => {
  it("percentages must sum to 100", () => {
    const r = post("investment", { equityPct: "40", debtPct: "40", otherPct: "5" });
    expect(errorKey(r, "equityPct")).toBe("proposal.err.pctSum");
    expect(r.ok ? null : decodeMsg(r.errors.equityPct!).vars).toEqual({ total: 85 });
    expect(errorKey(post("investment", { equityPct: "40.5" }), "equityPct")).toBe(
      "validation.wholeNumber",
    );
  });

  it("capex is positive with at most 2 decimals, in USD, PKR or CNY", () => {
    expect(errorKey(post("investment", { "capex.amount": "100.001" }), "capex.amount")).toBe(
      "proposal.err.decimals",
    );
    expect(errorKey(post("investment", { "capex.amount": "0" }), "capex.amount")).toBe(
      "proposal.err.moreThan",
    );
    // Grouped thousands are accepted (issue 14, point 8); a comma that is not one is not.
    expect(errorKey(post("investment", { "capex.amount": "1,00" }), "capex.amount")).toBe(
      "proposal.err.amount",
    );
    expect(errorKey(post("investment", { "capex.currency": "EUR" }), "capex.currency")).toBe(
      "proposal.err.currency",
    );
    expect(
      post("investment", { "capex.amount": "２５００００００００.５", "capex.currency": "PKR" }).ok,
    ).toBe(true);
  });

  it("'None' cannot be combined with kinds of support", () => {
    expect(
      errorKey(
        post("investment", { governmentSupportRequested: ["none", "land"] }),
        "governmentSupportRequested",
      ),
    ).toBe("proposal.err.supportNone");
    expect(post("investment", { governmentSupportRequested: "none" }).ok).toBe(true);
  });
});

describe("timeline", () => {
  it("milestones are real dates after today, in order", () => {
    const r = post("timeline", {
      "milestones.constructionStart": FUTURE(0, "01-01"),
      "milestones.operationsStart": FUTURE(2, "01-01"),
    });
    expect(errorKey(r, "milestones.constructionStart")).toBe("proposal.err.dateFuture");
    expect(errorKey(r, "milestones.operationsStart")).toBe("proposal.err.order.operationsStart");
    expect(
      errorKey(
        post("timeline", { "milestones.financialClose": "31/03/2027" }),
        "milestones.financialClose",
      ),
    ).toBe("validation.date");
    const outOfOrder = post("timeline", {
      "milestones.financialClose": FUTURE(2, "01-01"),
      "milestones.constructionStart": FUTURE(1, "06-01"),
    });
    expect(errorKey(outOfOrder, "milestones.constructionStart")).toBe(
      "proposal.err.order.constructionStart",
    );
  });
});

describe("local benefit", () => {
  it("counts are whole numbers ≥ 0, local staff 0–100 %, transfer plan 50–3000 characters", () => {
    expect(errorKey(post("local-benefit", { jobsConstruction: "-1" }), "jobsConstruction")).toBe(
      "validation.between",
    );
    expect(errorKey(post("local-benefit", { traineesPerYear: "ten" }), "traineesPerYear")).toBe(
      "validation.wholeNumber",
    );
    expect(
      errorKey(post("local-benefit", { localStaffPctYear5: "120" }), "localStaffPctYear5"),
    ).toBe("validation.between");
    expect(
      errorKey(
        post("local-benefit", { technologyTransferPlan: "Short." }),
        "technologyTransferPlan",
      ),
    ).toBe("validation.tooShort");
    expect(post("local-benefit", { jobsConstruction: "0", partnerInstitutions: "" }).ok).toBe(true);
  });
});

describe("prepareInput (what 'Save as draft' stores)", () => {
  it("keeps only the step's own fields, drops blank rows and prototype keys", () => {
    const raw = formDataToObject(
      toSearchParams({
        legalNameEn: "Half typed",
        uscc: "not-a-code",
        hacker: "x",
        "references[0].site": "",
        "references[1].site": "Site B",
      }),
    );
    const input = prepareInput("organisation", { ...raw, __proto__: { polluted: true } });
    expect(input).toEqual({
      legalNameEn: "Half typed",
      uscc: "not-a-code",
      references: [{ site: "Site B" }],
    });
  });
});
