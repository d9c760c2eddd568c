import { describe, expect, it } from "vitest";
import {
  applicableQuestionSteps,
  nextStepAfter,
  resumeStep,
  taskStatuses,
  validateAllSteps,
  type SavedAnswers,
} from "~/domain/proposal-steps";
import { parseStep, prepareInput, QUESTION_STEP_IDS, type QuestionStepId } from "~/schemas";
import { decodeMsg, formDataToObject } from "~/utils/form";
import { toSearchParams, VALID_POSTS } from "../support/proposal-answers";

function valid(step: QuestionStepId, changes: Record<string, string | string[]> = {}) {
  const data = prepareInput(
    step,
    formDataToObject(toSearchParams({ ...VALID_POSTS[step]!, ...changes })),
  );
  const parsed = parseStep(step, data);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { data: parsed.data, complete: true };
}

function allValid(): SavedAnswers {
  const out: SavedAnswers = {};
  for (const s of QUESTION_STEP_IDS) out[s] = valid(s);
  return out;
}

describe("which steps apply", () => {
  it("resilience only for the data-centre track; unknown until the project says", () => {
    expect(applicableQuestionSteps({})).toContain("resilience");
    expect(taskStatuses({}).resilience).toBe("cannotStart");
    const bigData = { project: valid("project", { tracks: "bigDataPlatform" }) };
    expect(applicableQuestionSteps(bigData)).not.toContain("resilience");
    expect(taskStatuses(bigData).resilience).toBe("notNeeded");
    expect(nextStepAfter("project", bigData)).toBe("data-governance");
    expect(nextStepAfter("project", { project: valid("project") })).toBe("resilience");
    expect(nextStepAfter("local-benefit", bigData)).toBe("documents");
  });
});

describe("task-list status", () => {
  it("not started, in progress, completed, and a problem when a completed step no longer passes", () => {
    const answers: SavedAnswers = {
      eligibility: valid("eligibility"),
      contact: { data: { familyName: "王" }, complete: false },
      // Saved as complete, but its dates are now in the past.
      timeline: {
        data: {
          milestones: {
            financialClose: "2020-01-01",
            constructionStart: "2020-02-01",
            facilityCertified: "2020-03-01",
            operationsStart: "2020-04-01",
          },
        },
        complete: true,
      },
    };
    const s = taskStatuses(answers, "completed");
    expect(s.eligibility).toBe("completed");
    expect(s.organisation).toBe("notStarted");
    expect(s.contact).toBe("inProgress");
    expect(s.timeline).toBe("problem");
    expect(s.documents).toBe("completed");
    expect(s.check).toBe("cannotStart");
  });

  it("check answers can start once every section is complete (or not needed)", () => {
    expect(taskStatuses(allValid(), "completed").check).toBe("notStarted");
    expect(taskStatuses(allValid(), "inProgress").check).toBe("cannotStart");
  });

  it("'No' to data residency blocks every other section", () => {
    const answers = {
      ...allValid(),
      eligibility: valid("eligibility", { acceptsDataResidency: "no" }),
    };
    const s = taskStatuses(answers, "completed");
    expect(s.eligibility).toBe("completed");
    expect(s.organisation).toBe("cannotStart");
    expect(s.documents).toBe("cannotStart");
    expect(s.check).toBe("cannotStart");
  });
});

describe("validateAllSteps", () => {
  it("passes a complete proposal", () => {
    expect(validateAllSteps(allValid())).toEqual({});
  });

  it("reports missing steps, failing steps and the data-residency refusal", () => {
    const answers = allValid();
    delete answers.contact;
    answers.investment = { data: { ...answers.investment!.data, debtPct: "10" }, complete: true };
    answers.eligibility = valid("eligibility", { acceptsDataResidency: "no" });
    const errors = validateAllSteps(answers);
    expect(decodeMsg(errors.contact!._form!).key).toBe("proposal.err.stepIncomplete");
    expect(decodeMsg(errors.investment!.equityPct!).key).toBe("proposal.err.pctSum");
    expect(decodeMsg(errors.eligibility!.acceptsDataResidency!).key).toBe(
      "proposal.err.notEligible",
    );
  });

  it("does not ask for resilience on a big-data-only proposal", () => {
    const answers = allValid();
    answers.project = valid("project", { tracks: "bigDataPlatform" });
    delete answers.resilience;
    expect(validateAllSteps(answers)).toEqual({});
  });
});

describe("resume", () => {
  it("goes to the last step saved, else the first unfinished one", () => {
    expect(resumeStep({}, "timeline")).toBe("timeline");
    expect(resumeStep({ eligibility: valid("eligibility") }, null)).toBe("organisation");
    expect(resumeStep({}, "../../admin")).toBe("eligibility");
  });
});
