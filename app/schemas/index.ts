// The nine question steps of a proposal, one zod schema each (fields.md is the specification).
// Client-safe: the step pages validate in the browser with the same schemas the actions use.
import * as z from "zod/mini";
import { pathToName, type FieldErrors } from "~/utils/form";
import { contactSchema } from "./contact";
import { dataGovernanceSchema } from "./data-governance";
import { eligibilitySchema } from "./eligibility";
import { investmentSchema } from "./investment";
import { localBenefitSchema } from "./local-benefit";
import { normaliseAnswers } from "./normalise";
import { organisationSchema } from "./organisation";
import { projectSchema } from "./project";
import { resilienceSchema } from "./resilience";
import { timelineSchema } from "./timeline";

import { QUESTION_STEP_IDS, type Answers, type QuestionStepId } from "./step-ids";

export { QUESTION_STEP_IDS, type Answers, type QuestionStepId };

export const stepSchemas = {
  eligibility: eligibilitySchema,
  organisation: organisationSchema,
  contact: contactSchema,
  project: projectSchema,
  resilience: resilienceSchema,
  "data-governance": dataGovernanceSchema,
  investment: investmentSchema,
  timeline: timelineSchema,
  "local-benefit": localBenefitSchema,
} as const;

/** Repeating rows of each step (a fully blank row is dropped before validation). */
export const REPEATING: Partial<Record<QuestionStepId, readonly string[]>> = {
  eligibility: ["members"],
  organisation: ["references"],
  project: ["bigDataUseCases"],
};

export function isQuestionStep(value: unknown): value is QuestionStepId {
  return typeof value === "string" && (QUESTION_STEP_IDS as readonly string[]).includes(value);
}

const MAX_TEXT = 10_000;
const MAX_ROWS = 20;

function clean(value: unknown, depth: number): unknown {
  if (typeof value === "string") return value.slice(0, MAX_TEXT);
  if (depth > 3) return undefined;
  if (Array.isArray(value)) {
    return value
      .slice(0, MAX_ROWS)
      .map((v) => clean(v, depth + 1))
      .map((v) => (v === undefined ? {} : v));
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(k)) continue;
      const c = clean(v, depth + 1);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return undefined;
}

function isBlankRow(row: unknown): boolean {
  if (!row || typeof row !== "object") return true;
  return Object.values(row).every((v) => typeof v !== "string" || v === "");
}

/**
 * The posted values of a step reduced to what the step knows: only its own top-level fields,
 * strings, arrays and small objects (no prototype keys, bounded lengths), blank repeating rows
 * dropped, numbers, addresses and codes normalised (schemas/normalise.ts). This is what "Save as
 * draft" stores, valid or not, so nothing typed is lost.
 */
export function prepareInput(
  step: QuestionStepId,
  raw: unknown,
  options: { keepBlankRows?: boolean } = {},
): Answers {
  const keys = Object.keys(stepSchemas[step].shape);
  const input = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const out: Answers = {};
  for (const key of keys) {
    if (!(key in input)) continue;
    const c = clean(input[key], 1);
    if (c !== undefined) out[key] = c;
  }
  if (options.keepBlankRows) return normaliseAnswers(step, out);
  for (const key of REPEATING[step] ?? []) {
    const rows = out[key];
    if (Array.isArray(rows)) out[key] = rows.filter((r) => !isBlankRow(r));
  }
  // Grouped and full-width numbers, addresses without https://, codes in lower case: turned
  // into the form the rules check, and stored that way (issue 14, point 8).
  return normaliseAnswers(step, out);
}

export function issuesToFieldErrors(issues: readonly { path: PropertyKey[]; message: string }[]) {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const name = pathToName(issue.path) || "_form";
    if (!(name in errors)) errors[name] = issue.message;
  }
  return errors;
}

export type StepParse =
  { ok: true; data: Answers; errors: null } | { ok: false; data: null; errors: FieldErrors };

/** The strict check behind "Save and continue" (and the re-check before submission). */
export function parseStep(step: QuestionStepId, input: unknown): StepParse {
  const result = z.safeParse(stepSchemas[step] as z.ZodMiniType, input);
  if (result.success) return { ok: true, data: result.data as Answers, errors: null };
  return {
    ok: false,
    data: null,
    errors: orderErrors(step, issuesToFieldErrors(result.error.issues)),
  };
}

/** Errors in the order the fields appear on the page (the error summary follows it). */
export function orderErrors(step: QuestionStepId, errors: FieldErrors): FieldErrors {
  const keys = Object.keys(stepSchemas[step].shape);
  const top = (name: string) => {
    const i = keys.indexOf(name.split(/[.[]/)[0]!);
    return i === -1 ? keys.length : i;
  };
  const index = (name: string) => Number(/\[(\d+)\]/.exec(name)?.[1] ?? -1);
  const names = Object.keys(errors);
  const sorted = [...names].sort(
    (a, b) => top(a) - top(b) || index(a) - index(b) || names.indexOf(a) - names.indexOf(b),
  );
  return Object.fromEntries(sorted.map((n) => [n, errors[n]!]));
}
