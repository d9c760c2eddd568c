// The order of a proposal's sections and which of them apply. No schemas here, so the browser
// can use it cheaply; the task-list status and the all-steps check are in proposal-steps.ts.
import { QUESTION_STEP_IDS, type Answers, type QuestionStepId } from "~/schemas/step-ids";

export const STEP_IDS = [...QUESTION_STEP_IDS, "documents", "check"] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface StepDef {
  id: StepId;
  /** The address: /proposals/:id/<slug>. */
  slug: string;
  titleKey: `proposal.steps.${StepId}`;
  question: boolean;
}

export const STEPS: readonly StepDef[] = STEP_IDS.map((id) => ({
  id,
  slug: id,
  titleKey: `proposal.steps.${id}` as const,
  question: (QUESTION_STEP_IDS as readonly string[]).includes(id),
}));

export type TaskStatus =
  "notStarted" | "inProgress" | "completed" | "cannotStart" | "notNeeded" | "problem";

/** Saved answers of one step and whether it was saved with "Save and continue" and passed. */
export interface SavedStep {
  data: Answers;
  complete: boolean;
}
export type SavedAnswers = Partial<Record<QuestionStepId, SavedStep>>;

export const TRACK_DATA_CENTRE = "tier4DataCentre";
export const TRACK_BIG_DATA = "bigDataPlatform";

/** The tracks chosen in "Project and site" (null when not answered yet). */
export function tracksOf(answers: SavedAnswers): string[] | null {
  const raw = answers.project?.data?.tracks;
  const list = Array.isArray(raw) ? raw : typeof raw === "string" && raw ? [raw] : [];
  const tracks = list.filter((t): t is string => typeof t === "string");
  return tracks.length ? tracks : null;
}

/** "No" to data residency ends the application. */
export function endsApplication(answers: SavedAnswers): boolean {
  return answers.eligibility?.data?.acceptsDataResidency === "no";
}

/**
 * Whether a step applies: true, false ("Not needed"), or null (depends on an answer not given
 * yet). Resilience applies only to the Tier IV data-centre track.
 */
export function stepApplies(step: StepId, answers: SavedAnswers): boolean | null {
  if (step !== "resilience") return true;
  const tracks = tracksOf(answers);
  if (!tracks) return null;
  return tracks.includes(TRACK_DATA_CENTRE);
}

/** The question steps that apply to this proposal, in order (resilience left out when not needed). */
export function applicableQuestionSteps(answers: SavedAnswers): QuestionStepId[] {
  return QUESTION_STEP_IDS.filter((s) => stepApplies(s, answers) !== false);
}

/**
 * A section's place among the sections the task list counts: every section but "Check answers",
 * less those not needed (documents included). A step page's "Section n of N" and the task list's
 * "n of N sections" count the same sections (issue 14, point 7). n is 0 for a section not counted.
 */
export function sectionPosition(step: StepId, answers: SavedAnswers): { n: number; total: number } {
  const counted = STEP_IDS.filter((s) => s !== "check" && stepApplies(s, answers) !== false);
  return { n: counted.indexOf(step) + 1, total: counted.length };
}

/** The step after `step` that applies, or "documents" after the last question. */
export function nextStepAfter(step: QuestionStepId, answers: SavedAnswers): StepId {
  const order = STEP_IDS.filter((s) => stepApplies(s, answers) !== false);
  const i = order.indexOf(step);
  return order[i + 1] ?? "documents";
}

export function previousStepBefore(step: QuestionStepId, answers: SavedAnswers): StepId | null {
  const order = STEP_IDS.filter((s) => stepApplies(s, answers) !== false);
  const i = order.indexOf(step);
  return i > 0 ? order[i - 1]! : null;
}
