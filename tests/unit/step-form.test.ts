// The step pages validate in the browser through react-hook-form (zodResolver around the step's
// schema); the messages they show must be exactly the server's (parseStep), field by field.
import { describe, expect, it } from "vitest";
import type { ResolverOptions } from "react-hook-form";
import { formDataToObject, type FieldErrors } from "~/utils/form";
import {
  orderErrors,
  parseStep,
  prepareInput,
  QUESTION_STEP_IDS,
  stepSchemas,
  type Answers,
  type QuestionStepId,
} from "~/schemas";
import { flattenErrors, stepResolver } from "~/utils/step-form";
import { toSearchParams, VALID_POSTS } from "../support/proposal-answers";

const OPTIONS = { fields: {}, shouldUseNativeValidation: false } as ResolverOptions<Answers>;

async function browserErrors(step: QuestionStepId, input: Answers): Promise<FieldErrors> {
  const resolve = stepResolver<Answers>(stepSchemas[step], () => input);
  const result = await resolve({}, undefined, OPTIONS);
  return orderErrors(step, flattenErrors(result.errors));
}

function prepared(step: QuestionStepId, changes: Record<string, string | string[] | undefined>) {
  const fields: Record<string, string | string[]> = { ...VALID_POSTS[step]! };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete fields[k];
    else fields[k] = v;
  }
  return prepareInput(step, formDataToObject(toSearchParams(fields)));
}

describe("browser validation through react-hook-form", () => {
  it.each(QUESTION_STEP_IDS)(
    "%s: a valid post has no errors in the browser either",
    async (step) => {
      const input = prepared(step, {});
      expect(parseStep(step, input).ok).toBe(true);
      expect(await browserErrors(step, input)).toEqual({});
    },
  );

  it.each(QUESTION_STEP_IDS)("%s: an empty post shows the server's messages", async (step) => {
    const server = parseStep(step, {});
    expect(server.ok).toBe(false);
    expect(await browserErrors(step, {})).toEqual(server.errors);
  });

  const CASES: [QuestionStepId, Record<string, string | string[] | undefined>][] = [
    ["eligibility", { applicantType: "consortium" }],
    [
      "eligibility",
      {
        applicantType: "consortium",
        leadMemberName: "Lead Co",
        "members[0].name": "Partner Co",
        "members[0].country": "XX",
        "members[0].role": "Operator",
      },
    ],
    [
      "organisation",
      { uscc: "12345", "references[0].itLoadMw": "-4", "annualRevenue.amount": "x" },
    ],
    ["organisation", { "references[0].itLoadMw": "", "references[1].site": "Second site" }],
    ["contact", { email: "not-an-email", phone: "12" }],
  ];

  it.each(CASES)("%s with bad rows and nested fields: same names and messages", async (step, c) => {
    const input = prepared(step, c);
    const server = parseStep(step, input);
    expect(server.ok).toBe(false);
    expect(await browserErrors(step, input)).toEqual(server.errors);
  });
});

describe("flattenErrors", () => {
  it("turns RHF's nested errors into the posted field names", () => {
    expect(
      flattenErrors({
        capex: { amount: { type: "custom", message: "a" } },
        references: Object.assign([undefined, { site: { type: "custom", message: "b" } }], {
          root: { type: "custom", message: "c" },
        }),
        email: { type: "custom", message: "d", ref: undefined },
      }),
    ).toEqual({ "capex.amount": "a", "references[1].site": "b", references: "c", email: "d" });
  });
});
