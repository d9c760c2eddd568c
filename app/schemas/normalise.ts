// Which answers are normalised before the rules check them (issue 14, point 8): numbers typed
// with grouping separators or full-width digits, web addresses without a scheme, credit codes in
// lower case or with spaces. The functions are the domain's (domain/input-normalise.ts); this map
// says which field gets which. A path's "*" stands for every row of a repeating list.
import {
  normaliseDate,
  normaliseNumber,
  normaliseUrl,
  normaliseUscc,
} from "~/domain/input-normalise";
import type { QuestionStepId } from "./step-ids";

type Normaliser = (value: string) => string;

export const NORMALISE: Partial<Record<QuestionStepId, Record<string, Normaliser>>> = {
  organisation: {
    uscc: normaliseUscc,
    website: normaliseUrl,
    yearFounded: normaliseNumber,
    employees: normaliseNumber,
    "annualRevenue.amount": normaliseNumber,
    "references.*.itLoadMw": normaliseNumber,
    "references.*.year": normaliseNumber,
  },
  project: {
    itLoadMwPhase1: normaliseNumber,
    itLoadMwFinal: normaliseNumber,
    gridMw: normaliseNumber,
    renewablePct: normaliseNumber,
    designPue: normaliseNumber,
  },
  resilience: {
    onSiteFuelHours: normaliseNumber,
    "certificationPlan.designDocumentsDate": normaliseDate,
    "certificationPlan.constructedFacilityDate": normaliseDate,
    "iso27001.expiryDate": normaliseDate,
  },
  timeline: {
    "milestones.financialClose": normaliseDate,
    "milestones.constructionStart": normaliseDate,
    "milestones.facilityCertified": normaliseDate,
    "milestones.operationsStart": normaliseDate,
  },
  investment: {
    "capex.amount": normaliseNumber,
    equityPct: normaliseNumber,
    debtPct: normaliseNumber,
    otherPct: normaliseNumber,
  },
  "local-benefit": {
    jobsConstruction: normaliseNumber,
    jobsOperations: normaliseNumber,
    localStaffPctYear5: normaliseNumber,
    traineesPerYear: normaliseNumber,
  },
};

function apply(node: unknown, parts: string[], fn: Normaliser): unknown {
  if (!parts.length) return typeof node === "string" ? fn(node) : node;
  const [head, ...rest] = parts;
  if (head === "*") return Array.isArray(node) ? node.map((row) => apply(row, rest, fn)) : node;
  if (!node || typeof node !== "object" || Array.isArray(node)) return node;
  const obj = node as Record<string, unknown>;
  if (!(head! in obj)) return node;
  return { ...obj, [head!]: apply(obj[head!], rest, fn) };
}

/** The step's answers with each listed field normalised (a new object; others untouched). */
export function normaliseAnswers<T extends Record<string, unknown>>(
  step: QuestionStepId,
  answers: T,
): T {
  let out: unknown = answers;
  for (const [path, fn] of Object.entries(NORMALISE[step] ?? {})) {
    out = apply(out, path.split("."), fn);
  }
  return out as T;
}
