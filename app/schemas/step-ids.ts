// The question steps' ids in order, without their schemas (cheap to import in the browser).
export const QUESTION_STEP_IDS = [
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
export type QuestionStepId = (typeof QUESTION_STEP_IDS)[number];

export type Answers = Record<string, unknown>;
