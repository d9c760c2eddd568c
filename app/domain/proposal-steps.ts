// The order of a proposal's sections, which of them apply, their task-list status, and the
// all-steps check that submission runs again (documents are checked by the submission module).
import { parseStep } from "~/schemas";
import { QUESTION_STEP_IDS, type QuestionStepId } from "~/schemas/step-ids";
import {
  endsApplication,
  STEP_IDS,
  stepApplies,
  type SavedAnswers,
  type StepId,
  type TaskStatus,
} from "./step-order";
import type { FieldErrors } from "~/utils/form";
import { msg } from "~/utils/form";

export * from "./step-order";

function questionStatus(step: QuestionStepId, answers: SavedAnswers): TaskStatus {
  const applies = stepApplies(step, answers);
  if (applies === false) return "notNeeded";
  if (step !== "eligibility" && endsApplication(answers)) return "cannotStart";
  if (applies === null) return "cannotStart";
  const saved = answers[step];
  if (!saved) return "notStarted";
  if (!saved.complete) return "inProgress";
  return parseStep(step, saved.data).ok ? "completed" : "problem";
}

/**
 * Each section's task-list status. `documents` is the documents section's own status (the
 * documents module knows it); check answers cannot start until every other section is complete.
 */
export function taskStatuses(
  answers: SavedAnswers,
  documents: TaskStatus = "notStarted",
): Record<StepId, TaskStatus> {
  const out = {} as Record<StepId, TaskStatus>;
  for (const step of QUESTION_STEP_IDS) out[step] = questionStatus(step, answers);
  out.documents = endsApplication(answers) ? "cannotStart" : documents;
  const ready = STEP_IDS.filter((s) => s !== "check").every(
    (s) => out[s] === "completed" || out[s] === "notNeeded",
  );
  out.check = ready ? "notStarted" : "cannotStart";
  return out;
}

/**
 * Every applicable question step checked again with its strict schema. Returns the errors of
 * each step that fails (an unanswered step gets `_form`); empty when all pass.
 */
export function validateAllSteps(
  answers: SavedAnswers,
): Partial<Record<QuestionStepId, FieldErrors>> {
  const out: Partial<Record<QuestionStepId, FieldErrors>> = {};
  if (endsApplication(answers)) {
    out.eligibility = { acceptsDataResidency: msg("proposal.err.notEligible") };
  }
  for (const step of QUESTION_STEP_IDS) {
    if (stepApplies(step, answers) === false) continue;
    const saved = answers[step];
    if (!saved) {
      out[step] = { _form: msg("proposal.err.stepIncomplete") };
      continue;
    }
    const result = parseStep(step, saved.data);
    if (!result.ok) out[step] = { ...result.errors, ...out[step] };
  }
  return out;
}

/** Where "resume" takes the applicant: the step they last saved, else the first not complete. */
export function resumeStep(answers: SavedAnswers, lastStep: string | null): StepId {
  if (lastStep && (STEP_IDS as readonly string[]).includes(lastStep)) return lastStep as StepId;
  const statuses = taskStatuses(answers);
  return (
    STEP_IDS.find((s) => statuses[s] === "notStarted" || statuses[s] === "inProgress") ?? "check"
  );
}
