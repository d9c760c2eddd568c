// Per-step answers of a demo proposal, shaped the way the step forms store them after parsing:
// strings for text and numbers, "yes"/"no", arrays for multiple choices, money as
// {amount, currency}, dates as ISO YYYY-MM-DD. Step and field names follow fields.md.
import type { Company, Money, ProposalPlan } from "./companies";
import type { Random } from "./random";

/** The question steps (documents are attachments, not answers). */
export const STEPS = [
  "eligibility",
  "organisation",
  "contact",
  "project",
  "resilience",
  "data-governance",
  "investment",
  "timeline",
  "local-benefit",
] as const;
export type Step = (typeof STEPS)[number];

/** The steps a proposal has (resilience is for the data-centre track only). */
export function stepsFor(plan: ProposalPlan): Step[] {
  return STEPS.filter((s) => s !== "resilience" || plan.tracks.includes("tier4DataCentre"));
}

/** Facts the reviewers' rationales quote. */
export interface Facts {
  refSite: string;
  pue: string;
  renew: string;
  capex: string;
  equity: string;
  useCase: string;
  jobsOps: string;
  trainees: string;
  partner: string;
  localPct: string;
  ops: string;
  designDate: string;
  uscc: string;
}

const CDA_SITES = [
  "CDA Sector I-16/3, Industrial Plot 14",
  "CDA Park Enclave IT Zone, Plot 3",
  "CDA Sector H-16, Special Technology Zone Plot 7",
  "CDA Sector I-17, Plot 22",
];

const USE_CASES = [
  {
    title: "Adaptive traffic signal control",
    beneficiary: "Islamabad Traffic Police",
    kpi: "Peak-hour travel time on Srinagar Highway down 15% within 2 years",
  },
  {
    title: "Water network leak detection",
    beneficiary: "CDA Water Supply Directorate",
    kpi: "Non-revenue water reduced from 35% to 25% by year 3",
  },
  {
    title: "Emergency dispatch analytics",
    beneficiary: "Rescue 1122 Islamabad",
    kpi: "Median ambulance response time under 12 minutes",
  },
  {
    title: "Building permit processing",
    beneficiary: "CDA Building Control Section",
    kpi: "90% of permits decided within 30 days",
  },
  {
    title: "Air quality monitoring",
    beneficiary: "Pakistan Environmental Protection Agency",
    kpi: "Hourly PM2.5 readings published for every sector",
  },
  {
    title: "Property tax register",
    beneficiary: "CDA Estate Management",
    kpi: "Property records digitised and matched for 95% of plots",
  },
];

const PARTNERS = [
  "National University of Sciences and Technology (NUST)",
  "COMSATS University Islamabad",
  "Quaid-i-Azam University",
  "FAST National University, Islamabad campus",
  "Air University Islamabad",
];

const PUE_BY_QUALITY: Record<number, readonly string[]> = {
  1: ["1.68", "1.72"],
  2: ["1.55", "1.58"],
  3: ["1.42", "1.46"],
  4: ["1.33", "1.36"],
  5: ["1.24", "1.28"],
};

const iso = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

function formatMoneyPlain(m: Money) {
  const [whole = "0"] = m.amount.split(".");
  return `${m.currency} ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
}

/** The organisation step's answers: the company profile, saved once per company and reused. */
export function companyProfile(company: Company, uscc: string): Record<string, unknown> {
  return {
    legalNameEn: company.nameEn,
    legalNameZh: company.nameZh,
    country: "CN",
    uscc,
    province: company.province,
    city: company.city,
    address: company.address,
    website: `https://www.${company.domain}.demo.test`,
    yearFounded: String(company.founded),
    employees: String(company.employees),
    annualRevenue: company.revenue,
    parentGroup: company.parentGroup ?? "",
    references: company.refSite ? [company.refSite] : [],
  };
}

export interface BuiltAnswers {
  steps: Partial<Record<Step, Record<string, unknown>>>;
  facts: Facts;
  /** The organisation step's answers: the company profile. */
  profile: Record<string, unknown>;
}

export function buildAnswers(
  company: Company,
  plan: ProposalPlan,
  uscc: string,
  rng: Random,
  /** The call's year: milestones are planned after it. */
  year: number,
): BuiltAnswers {
  const q = plan.quality;
  const dc = plan.tracks.includes("tier4DataCentre");
  const bd = plan.tracks.includes("bigDataPlatform");
  const email = `contact@${company.domain}.demo.test`;
  const mobile = `+861${rng.pick(["3", "5", "8"])}${String(rng.int(100000000, 999999999))}`;

  const eligibility: Record<string, unknown> = plan.consortium
    ? {
        applicantType: "consortium",
        leadMemberName: company.nameEn,
        members: [
          { name: company.nameEn, country: "CN", role: "Lead member: design, build and operate" },
          {
            name: "Margalla Digital Infrastructure (Pvt.) Ltd.",
            country: "PK",
            role: "Local partner: land, permits and operations staff",
          },
          {
            name: "Sichuan Electric Power Design and Consulting Co., Ltd.",
            country: "CN",
            role: "Power and cooling engineering",
          },
        ],
        acceptsDataResidency: "yes",
        noDebarmentDeclaration: "yes",
        sanctionsDeclaration: "yes",
      }
    : {
        applicantType: "company",
        acceptsDataResidency: "yes",
        noDebarmentDeclaration: "yes",
        sanctionsDeclaration: "yes",
      };

  const profile = companyProfile(company, uscc);

  const contact: Record<string, unknown> = {
    familyName: company.contact.family,
    givenNames: company.contact.given,
    jobTitle: company.contact.jobTitle,
    email,
    phone: mobile,
    preferredLanguage: company.contact.zh ? "zh-Hans" : "en",
    ...(rng.chance(0.5)
      ? {
          localRepresentative: {
            name: rng.pick(["Ahmed Raza", "Sadia Khan", "Faisal Mahmood", "Nadia Hussain"]),
            organisation: rng.pick([
              "Raza and Partners, Islamabad",
              "Capital Advisory Services (Pvt.) Ltd.",
              "Khan Legal Associates",
            ]),
            phone: `+9251${rng.int(2000000, 9999999)}`,
          },
        }
      : {}),
  };

  const phase1 = rng.pick([8, 10, 12, 16, 20, 24]);
  const final = phase1 * rng.pick([2, 3, 4]);
  const pue = rng.pick(PUE_BY_QUALITY[q] ?? PUE_BY_QUALITY[3]!);
  const renewable = Math.min(100, Math.max(0, 4 + q * 12 + rng.int(-5, 5)));
  const useCases = bd ? [0, 1, 2].slice(0, rng.int(1, 3)).map(() => rng.pick(USE_CASES)) : [];
  const uniqueUseCases = [...new Map(useCases.map((u) => [u.title, u])).values()];
  const site = q <= 2 ? rng.pick(["ownLand", "toBeDecided"] as const) : "cdaSite";
  const summaryParts = [
    `${company.nameEn} (${company.nameZh}) proposes "${plan.title}" for the Capital Development Authority.`,
    dc
      ? `The facility starts with ${phase1} MW of IT load and grows to ${final} MW, designed for Tier IV fault tolerance with a design PUE of ${pue}.`
      : "",
    bd
      ? `The big data platform will serve ${uniqueUseCases.map((u) => u.beneficiary).join(", ")} with services hosted in Pakistan.`
      : "",
    `The company has ${company.employees} staff and ${company.refSite ? `operates ${company.refSite.site}` : "delivered software platforms for city governments in China"}.`,
  ];
  const project: Record<string, unknown> = {
    title: plan.title,
    tracks: plan.tracks,
    collaborationModel: plan.consortium
      ? "jointVenture"
      : rng.pick(["fdi", "jointVenture", "pppBot", "pppBoot", "technologyPartnership"] as const),
    summary: summaryParts.filter(Boolean).join(" "),
    site,
    ...(site === "cdaSite" ? { siteReference: rng.pick(CDA_SITES) } : {}),
    ...(dc
      ? {
          itLoadMwPhase1: String(phase1),
          itLoadMwFinal: String(final),
          gridMw: String(Math.round(final * 1.6)),
          renewablePct: String(renewable),
          designPue: pue,
        }
      : {}),
    ...(bd ? { bigDataUseCases: uniqueUseCases } : {}),
  };

  const designDate = iso(year + 1, rng.int(3, 9), rng.int(1, 28));
  const resilience: Record<string, unknown> = {
    tierTarget: q <= 1 ? "tierIII" : "tierIV",
    certificationPlan: {
      designDocumentsDate: designDate,
      constructedFacilityDate: iso(year + 3, rng.int(1, 12), rng.int(1, 28)),
    },
    powerTopology: q >= 4 ? "2N" : rng.pick(["2N", "2(N+1)"]),
    onSiteFuelHours: String(rng.pick([24, 48, 72, 96])),
    compartmentalised: q >= 3 ? "yes" : "no",
    ...(q >= 3
      ? {
          iso27001: {
            certificateNumber: `IS ${rng.int(600000, 799999)}`,
            issuingBody: rng.pick(["BSI", "DNV", "TÜV SÜD", "China Quality Certification Centre"]),
            expiryDate: iso(year + 2, rng.int(1, 12), rng.int(1, 28)),
          },
        }
      : {
          iso27001Plan:
            "Certification of the Islamabad facility will start in the first year of operations with an accredited body.",
        }),
    otherStandards: q >= 4 ? ["ISO 22301", "ISO 50001", "TIA-942"] : q >= 3 ? ["ISO 50001"] : [],
  };

  const dataGovernance: Record<string, unknown> = {
    dataClasses: q >= 3 ? ["public", "restricted", "sensitive"] : ["open", "public", "restricted"],
    residencyCommitment: "yes",
    crossBorderDescription:
      plan.scenario === "gateFail"
        ? "Encrypted backups of all tenants, including restricted data, are replicated nightly to the group's disaster-recovery site in Zhongwei, Ningxia."
        : "No restricted, sensitive or secret data leaves Pakistan. Only anonymised operational telemetry (power, cooling) is shared with the head office for engineering support.",
    acceptsIndependentAudit: "yes",
  };

  const equity = q >= 4 ? rng.pick([40, 45, 50]) : rng.pick([25, 30, 35]);
  const other = rng.pick([0, 0, 5, 10]);
  const investment: Record<string, unknown> = plan.capex
    ? {
        capex: plan.capex,
        equityPct: String(equity),
        debtPct: String(100 - equity - other),
        otherPct: String(other),
        governmentSupportRequested:
          q >= 4 ? ["land", "approvals"] : ["land", "power", "taxIncentives"],
        governmentSupportNotes:
          "A long lease of the CDA plot and a dedicated 132 kV grid connection are requested.",
      }
    : {};

  const fc = { y: year + 1, m: rng.int(2, 8) };
  const ops = iso(year + 3, rng.int(1, 12), 1);
  const timeline = {
    milestones: {
      financialClose: iso(fc.y, fc.m, rng.int(1, 28)),
      constructionStart: iso(fc.y, fc.m + 3, rng.int(1, 28)),
      facilityCertified: iso(year + 2, rng.int(10, 12), rng.int(1, 28)),
      operationsStart: ops,
    },
  };

  const jobsOps = 40 + q * 30 + rng.int(0, 20);
  const trainees = 10 + q * 10;
  const localPct = Math.min(95, 50 + q * 8 + rng.int(0, 4));
  const partner = rng.pick(PARTNERS);
  const localBenefit = {
    jobsConstruction: String(300 + q * 150 + rng.int(0, 100)),
    jobsOperations: String(jobsOps),
    localStaffPctYear5: String(localPct),
    traineesPerYear: String(trainees),
    partnerInstitutions: q >= 3 ? partner : "",
    technologyTransferPlan:
      q >= 3
        ? `A two-year graduate programme with ${partner}, rotations at ${company.refSite?.site ?? "the company's operations centre in China"}, and Pakistani engineers leading operations from year 3.`
        : "Local engineers will be trained on the job by the Chinese operations team during the first years.",
  };

  const steps: BuiltAnswers["steps"] = {
    eligibility,
    organisation: profile,
    contact,
    project,
    ...(dc ? { resilience } : {}),
    "data-governance": dataGovernance,
    investment,
    timeline,
    "local-benefit": localBenefit,
  };

  return {
    steps,
    profile,
    facts: {
      refSite: company.refSite?.site ?? "its operations centre",
      pue,
      renew: String(renewable),
      capex: plan.capex ? formatMoneyPlain(plan.capex) : "an unstated amount",
      equity: String(equity),
      useCase: uniqueUseCases[0]?.title.toLowerCase() ?? "city dashboards",
      jobsOps: String(jobsOps),
      trainees: String(trainees),
      partner,
      localPct: String(localPct),
      ops: ops.slice(0, 7),
      designDate: designDate.slice(0, 7),
      uscc,
    },
  };
}
