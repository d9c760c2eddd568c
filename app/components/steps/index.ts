import type { ComponentType } from "react";
import type { QuestionStepId } from "~/schemas/step-ids";
import { ContactStep } from "./contact";
import { DataGovernanceStep } from "./data-governance";
import { EligibilityStep } from "./eligibility";
import { InvestmentStep } from "./investment";
import { LocalBenefitStep } from "./local-benefit";
import { OrganisationStep } from "./organisation";
import { ProjectStep } from "./project";
import { ResilienceStep } from "./resilience";
import type { StepProps } from "./shared";
import { TimelineStep } from "./timeline";

export const STEP_COMPONENTS: Record<QuestionStepId, ComponentType<StepProps>> = {
  eligibility: EligibilityStep,
  organisation: OrganisationStep,
  contact: ContactStep,
  project: ProjectStep,
  resilience: ResilienceStep,
  "data-governance": DataGovernanceStep,
  investment: InvestmentStep,
  timeline: TimelineStep,
  "local-benefit": LocalBenefitStep,
};
export type { StepProps };
