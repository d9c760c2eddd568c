import * as z from "zod/mini";
import { TIER_TARGETS, POWER_TOPOLOGIES, OTHER_STANDARDS } from "./options";
import { msg } from "~/utils/form";
import {
  always,
  choice,
  dateCheck,
  field,
  integerCheck,
  issue,
  loose,
  multi,
  need,
  textCheck,
} from "./fields";

export const resilienceSchema = z
  .object({
    tierTarget: choice(TIER_TARGETS),
    certificationPlan: z.object(
      { designDocumentsDate: field(dateCheck()), constructedFacilityDate: field(dateCheck()) },
      { error: msg("validation.required") },
    ),
    powerTopology: choice(POWER_TOPOLOGIES),
    powerTopologyOther: loose(),
    onSiteFuelHours: field(integerCheck({ min: 12, max: 100_000 })),
    compartmentalised: choice(["yes", "no"] as const),
    iso27001: z.optional(
      z.object({
        certificateNumber: loose(),
        issuingBody: loose(),
        expiryDate: loose(),
      }),
    ),
    iso27001Plan: loose(),
    otherStandards: multi(OTHER_STANDARDS),
  })
  .check(
    z.superRefine((d, ctx) => {
      const plan = d.certificationPlan;
      if (
        plan &&
        !dateCheck()(plan.designDocumentsDate ?? "") &&
        !dateCheck()(plan.constructedFacilityDate ?? "") &&
        plan.constructedFacilityDate! <= plan.designDocumentsDate!
      )
        issue(
          ctx,
          ["certificationPlan", "constructedFacilityDate"],
          msg("proposal.err.constructedAfterDesign"),
        );
      if (d.powerTopology === "other")
        need(ctx, ["powerTopologyOther"], d.powerTopologyOther, textCheck({ max: 200 }));
      const cert = d.iso27001 ?? {};
      const anyCert = !!(cert.certificateNumber || cert.issuingBody || cert.expiryDate);
      if (d.iso27001Plan && [...d.iso27001Plan].length > 2000)
        issue(ctx, ["iso27001Plan"], msg("validation.tooLong", { max: 2000 }));
      if (anyCert || !d.iso27001Plan) {
        if (!anyCert) {
          issue(ctx, ["iso27001", "certificateNumber"], msg("proposal.err.iso27001"));
          return;
        }
        need(
          ctx,
          ["iso27001", "certificateNumber"],
          cert.certificateNumber,
          textCheck({ max: 100 }),
        );
        need(ctx, ["iso27001", "issuingBody"], cert.issuingBody, textCheck({ max: 200 }));
        need(ctx, ["iso27001", "expiryDate"], cert.expiryDate, dateCheck({ afterToday: true }));
      }
    }, always),
  );

export type ResilienceAnswers = z.infer<typeof resilienceSchema>;

export { TIER_TARGETS, POWER_TOPOLOGIES, OTHER_STANDARDS };
