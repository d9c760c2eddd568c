// Valid answers for every question step, as a browser would post them (strings; checkbox lists
// as repeated keys). Dates are relative to today so the "after today" rules keep passing.
const year = new Date().getUTCFullYear();
export const FUTURE = (offsetYears: number, monthDay = "03-31") =>
  `${year + offsetYears}-${monthDay}`;

export const VALID_POSTS: Record<string, Record<string, string | string[]>> = {
  eligibility: {
    applicantType: "company",
    acceptsDataResidency: "yes",
    noDebarmentDeclaration: "yes",
    sanctionsDeclaration: "yes",
  },
  organisation: {
    legalNameEn: "Guizhou Cloud Data Technology Co., Ltd.",
    legalNameZh: "贵州云数据科技有限公司",
    country: "CN",
    uscc: "91110000600037341L",
    province: "Guizhou",
    city: "Guiyang",
    address: "1 Data Avenue, Gui'an New Area",
    website: "https://example.cn",
    yearFounded: "2008",
    employees: "1200",
    "annualRevenue.amount": "350000000.00",
    "annualRevenue.currency": "CNY",
    parentGroup: "",
    "references[0].site": "Gui'an Data Centre Campus",
    "references[0].itLoadMw": "40",
    "references[0].tierCertificateId": "",
    "references[0].year": "2019",
  },
  contact: {
    familyName: "王",
    givenNames: "小明",
    jobTitle: "Director of International Projects",
    email: "wang@example.cn",
    phone: "+86 138 0013 8000",
    preferredLanguage: "zh-Hans",
    "localRepresentative.name": "",
    "localRepresentative.organisation": "",
    "localRepresentative.phone": "",
  },
  project: {
    title: "Islamabad Tier IV Data Centre Campus",
    tracks: ["tier4DataCentre", "bigDataPlatform"],
    collaborationModel: "jointVenture",
    summary:
      "A 24 MW Tier IV data centre campus on a CDA site, built in two phases, with a big data platform for city services, operated jointly with a Pakistani partner.",
    site: "cdaSite",
    siteReference: "CDA-ZONE-IV-17",
    itLoadMwPhase1: "12",
    itLoadMwFinal: "24",
    gridMw: "40",
    renewablePct: "35",
    designPue: "1.35",
    "bigDataUseCases[0].title": "Traffic management",
    "bigDataUseCases[0].beneficiary": "Islamabad Traffic Police",
    "bigDataUseCases[0].kpi": "Average commute time down 15% in 3 years",
  },
  resilience: {
    tierTarget: "tierIV",
    "certificationPlan.designDocumentsDate": FUTURE(1),
    "certificationPlan.constructedFacilityDate": FUTURE(3),
    powerTopology: "2N",
    onSiteFuelHours: "48",
    compartmentalised: "yes",
    "iso27001.certificateNumber": "IS 123456",
    "iso27001.issuingBody": "BSI",
    "iso27001.expiryDate": FUTURE(2),
    iso27001Plan: "",
    otherStandards: ["ISO 22301", "TIA-942"],
  },
  "data-governance": {
    dataClasses: ["public", "restricted"],
    residencyCommitment: "yes",
    crossBorderDescription: "",
    acceptsIndependentAudit: "yes",
  },
  investment: {
    "capex.amount": "250000000.00",
    "capex.currency": "USD",
    equityPct: "40",
    debtPct: "55",
    otherPct: "5",
    governmentSupportRequested: ["land", "power"],
    governmentSupportNotes: "",
  },
  timeline: {
    "milestones.financialClose": FUTURE(1, "01-15"),
    "milestones.constructionStart": FUTURE(1, "06-01"),
    "milestones.facilityCertified": FUTURE(3, "01-01"),
    "milestones.operationsStart": FUTURE(3, "06-01"),
  },
  "local-benefit": {
    jobsConstruction: "800",
    jobsOperations: "150",
    localStaffPctYear5: "85",
    traineesPerYear: "60",
    partnerInstitutions: "NUST, COMSATS",
    technologyTransferPlan:
      "Joint operations centre with Pakistani engineers, certified training for 60 trainees a year and a handover plan by year five.",
  },
};

/** The posted fields as FormData-like entries → the nested object formDataToObject would make. */
export function toSearchParams(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return body;
}

const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
let usccCounter = 0;
/** A fresh USCC with a correct check character (USCCs are unique across companies). */
export function freshUscc(): string {
  usccCounter += 1;
  const body = `91320100${String(Date.now() % 1e6).padStart(6, "0")}${String(usccCounter).padStart(3, "0")}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(body[i]!) * WEIGHTS[i]!;
  return body + ALPHABET[(31 - (sum % 31)) % 31];
}

const dateInDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Valid answers for every step of a big-data proposal (no resilience step, no technical concept). */
export function validAnswers(
  overrides: { tracks?: string[]; companyZh?: string; companyEn?: string } = {},
) {
  const tracks = overrides.tracks ?? ["bigDataPlatform"];
  const project: Record<string, unknown> = {
    title: "Islamabad City Data Platform",
    tracks,
    collaborationModel: "jointVenture",
    summary:
      "A city-scale big data platform for Islamabad, built and operated with the CDA, hosting open and restricted data sets with Pakistani data residency and local staff trained from year one.",
    site: "toBeDecided",
    bigDataUseCases: [{ title: "Traffic", beneficiary: "CDA", kpi: "Travel time down 10%" }],
  };
  const answers: Record<string, Record<string, unknown>> = {
    eligibility: {
      applicantType: "company",
      acceptsDataResidency: "yes",
      noDebarmentDeclaration: "yes",
      sanctionsDeclaration: "yes",
    },
    organisation: {
      legalNameEn: overrides.companyEn ?? "Guizhou Cloud Data Technology Co., Ltd.",
      legalNameZh: overrides.companyZh ?? "贵州云数据科技有限公司",
      country: "CN",
      uscc: "91110000600037341L",
      province: "Guizhou",
      city: "Guiyang",
      address: "1 Data Avenue, Guian New Area",
      yearFounded: "2012",
      employees: "850",
      annualRevenue: { amount: "125000000", currency: "CNY" },
      references: [],
    },
    contact: {
      familyName: "Wang",
      givenNames: "Li",
      jobTitle: "Director",
      email: "wang.li@example.cn",
      phone: "+8613800138000",
      preferredLanguage: "zh-Hans",
    },
    project,
    "data-governance": {
      dataClasses: ["open", "restricted"],
      residencyCommitment: "yes",
      acceptsIndependentAudit: "yes",
    },
    investment: {
      capex: { amount: "250000000", currency: "USD" },
      equityPct: "40",
      debtPct: "50",
      otherPct: "10",
      governmentSupportRequested: ["land"],
    },
    timeline: {
      milestones: {
        financialClose: dateInDays(60),
        constructionStart: dateInDays(120),
        facilityCertified: dateInDays(400),
        operationsStart: dateInDays(500),
      },
    },
    "local-benefit": {
      jobsConstruction: "400",
      jobsOperations: "120",
      localStaffPctYear5: "80",
      traineesPerYear: "50",
      technologyTransferPlan:
        "Training programme with local universities, a joint operations centre and yearly exchanges.",
    },
  };
  if (tracks.includes("tier4DataCentre")) {
    Object.assign(project, {
      itLoadMwPhase1: "10",
      itLoadMwFinal: "40",
      gridMw: "60",
      renewablePct: "30",
      designPue: "1.3",
    });
    answers.resilience = {
      tierTarget: "tierIV",
      certificationPlan: {
        designDocumentsDate: dateInDays(90),
        constructedFacilityDate: dateInDays(400),
      },
      powerTopology: "2N",
      onSiteFuelHours: "72",
      compartmentalised: "yes",
      iso27001Plan: "Certification planned before operations start.",
      otherStandards: [],
    };
  }
  return answers;
}
