// Reviewers' levels and rationales for the demo: each criterion's finding quotes the proposal's
// own figures, so the board's breakdown reads like real reviews.
import type { Facts } from "./answers";
import type { Random } from "./random";

/** What a reviewer found at each level 0..5, per scored criterion. */
const FINDINGS: Record<string, readonly string[]> = {
  tier4: [
    "No Tier IV design or certification evidence is provided for the facility.",
    "Tier IV is claimed in the summary, but no design documents support the claim.",
    "Single-line diagrams cover power only; the cooling paths are not yet fault tolerant.",
    "The 2N power and dual cooling design is fault tolerant; design certification is planned for {designDate}.",
    "The same design has been certified Tier IV (design documents) for {refSite}.",
    "The applicant operates certified Tier IV facilities, including {refSite}, at comparable load.",
  ],
  energy: [
    "No design PUE is stated anywhere in the proposal.",
    "A design PUE of {pue} is above 1.6, weak for a new build in Islamabad's climate.",
    "A design PUE of {pue} sits in the 1.5–1.6 band; no renewable supply is contracted.",
    "A design PUE of {pue} with free cooling for part of the year; renewables limited to {renew}%.",
    "A design PUE of {pue} and a credible plan for {renew}% renewable supply through a solar PPA.",
    "A design PUE of {pue} with {renew}% renewable energy backed by signed supply agreements.",
  ],
  data: [
    "The proposal says nothing about where data will be stored or how it is protected.",
    "Data protection is described only in general terms, without residency commitments.",
    "Commits to keep restricted data in Pakistan but gives no certification or audit plan.",
    "The residency commitment is clear and ISO 27001 certification is planned before operations.",
    "ISO 27001 certified operator; the incident response plan was exercised within the last year.",
    "Independent audit history and a complete mapping to the Cloud First Policy data classes.",
  ],
  value: [
    "No big-data services for the city are described.",
    "Benefits to Islamabad are generic ('smart city') without concrete services.",
    "A few use cases are listed, such as {useCase}, but none is costed.",
    "Use cases such as {useCase} are costed, each with its own budget line.",
    "Costed use cases plus a plan to integrate with CDA's existing systems.",
    "Costed use cases, a city integration plan and measurable KPIs for every service.",
  ],
  finance: [
    "No investment figure or financing structure is given.",
    "Only a headline amount of {capex} is given, without sources of funds.",
    "Financing of {capex} is described but not supported by any evidence.",
    "Equity of {equity}% is evidenced by a board resolution and bank statements.",
    "Equity is evidenced and letters of interest from two lenders cover the debt tranche.",
    "Financing of {capex} is fully committed, without any request for a state guarantee.",
  ],
  track: [
    "No relevant delivery experience is shown.",
    "A new entrant to the data-centre market with no completed projects.",
    "Completed projects are small (under 5 MW) and not certified.",
    "One comparable project, {refSite}, completed and operating.",
    "Several comparable projects delivered, including {refSite}.",
    "Several certified facilities at this size or larger, including {refSite}.",
  ],
  local: [
    "No local employment or training commitments.",
    "Mentions local hiring without any numbers or timeline.",
    "Promises {jobsOps} operational jobs but no training plan.",
    "{trainees} trainees a year with a timeline for the first three cohorts.",
    "A training timeline plus a partnership with {partner}.",
    "{localPct}% local staff by year 5 with a detailed technology transfer plan.",
  ],
  delivery: [
    "No delivery plan is provided.",
    "Milestone dates are listed without any plan behind them.",
    "Operations by {ops} is unrealistic for a facility of this size.",
    "Milestones through operations in {ops} are realistic.",
    "Realistic milestones and a risk register covering grid, permits and supply chain.",
    "A realistic plan with a risk register, mitigations and a contingency budget.",
  ],
};

const ENDINGS = [
  "",
  " Consistent with the published descriptor for this level.",
  " Checked against the supporting documents.",
  " Would welcome more detail at clarification stage.",
  " See the technical concept, section 3.",
];

function fill(template: string, facts: Facts): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in facts ? facts[name as keyof Facts] : whole,
  );
}

export function scoredRationale(key: string, level: number, facts: Facts, rng: Random): string {
  const finding = FINDINGS[key]?.[level] ?? `Level ${level} against the published rubric.`;
  return fill(finding, facts) + rng.pick(ENDINGS);
}

const GATE_PASS: Record<string, readonly string[]> = {
  g1: [
    "Business licence and USCC {uscc} verified; both declarations are signed.",
    "Licence, identifier and declarations all in order.",
  ],
  g2: [
    "Design and constructed-facility certification are both committed in the milestone plan.",
    "Certification of the design before construction and of the facility before operations is scheduled and budgeted.",
  ],
  g3: [
    "Restricted and sensitive data stay in Pakistan; independent audit accepted; ISO 27001 planned within 12 months.",
    "Residency, audit and ISO 27001 commitments meet the gate.",
  ],
};

const GATE_FAIL: Record<string, string> = {
  g1: "The licence submitted does not match the company identifier; the gate cannot be passed as it stands.",
  g2: "Only the design documents will be certified; there is no commitment to certify the constructed facility before operations.",
  g3: "Restricted data is replicated to a backup site in China, so it does not stay in Pakistan.",
};

const USCC_CHECK_NOTE =
  "The USCC check character fails, but the code matches the business licence on file, so it was accepted after a manual check.";

export function gateRationale(
  key: string,
  pass: boolean,
  facts: Facts,
  rng: Random,
  usccNeedsCheck: boolean,
): string {
  if (!pass) return GATE_FAIL[key] ?? "The gate's conditions are not met.";
  if (key === "g1" && usccNeedsCheck) return USCC_CHECK_NOTE;
  return fill(rng.pick(GATE_PASS[key] ?? ["The gate's conditions are met."]), facts);
}

export function overallComment(total: number): string {
  if (total >= 80) return "A strong, well-evidenced proposal; recommended for the shortlist.";
  if (total >= 65) return "A sound proposal that meets the qualifying standard, with a few gaps.";
  if (total >= 45) return "Some good elements, but the evidence is too thin in several areas.";
  return "Falls well short of the published criteria.";
}

/** How a reviewer leans: the harsh one takes the lower of two adjacent levels, the lenient one the higher. */
export type Leaning = "harsh" | "lenient" | "neutral";

/**
 * Two adjacent levels around a proposal's true level for one criterion; every reviewer picks one of
 * them, so reviewers never differ by more than one level unless a scenario says so.
 */
export function levelPair(trueLevel: number, rng: Random): [number, number] {
  if (trueLevel <= 0) return [0, 1];
  if (trueLevel >= 5) return [4, 5];
  return rng.chance(0.5) ? [trueLevel - 1, trueLevel] : [trueLevel, trueLevel + 1];
}

export function pickLevel(pair: [number, number], leaning: Leaning, rng: Random): number {
  if (leaning === "harsh") return pair[0];
  if (leaning === "lenient") return pair[1];
  return rng.chance(0.5) ? pair[0] : pair[1];
}
