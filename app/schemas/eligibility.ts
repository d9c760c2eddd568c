import * as z from "zod/mini";
import { APPLICANT_TYPES, YES_NO, MAX_MEMBERS } from "./options";
import { msg } from "~/utils/form";
import { isCountryCode } from "./countries";
import { always, choice, issue, looseRows, mustAccept, need, textCheck, loose } from "./fields";

export const eligibilitySchema = z
  .object({
    applicantType: choice(APPLICANT_TYPES),
    leadMemberName: loose(),
    members: looseRows(["name", "country", "role"] as const),
    acceptsDataResidency: choice(YES_NO),
    noDebarmentDeclaration: mustAccept(),
    sanctionsDeclaration: mustAccept(),
  })
  .check(
    z.superRefine((d, ctx) => {
      if (d.applicantType !== "consortium") return;
      need(ctx, ["leadMemberName"], d.leadMemberName, textCheck({ max: 200 }));
      const members = d.members ?? [];
      if (members.length === 0) issue(ctx, ["members", 0, "name"], msg("proposal.err.membersMin"));
      if (members.length > MAX_MEMBERS)
        issue(
          ctx,
          ["members", MAX_MEMBERS, "name"],
          msg("proposal.err.rowsMax", { max: MAX_MEMBERS }),
        );
      members.slice(0, MAX_MEMBERS).forEach((m, i) => {
        need(ctx, ["members", i, "name"], m.name, textCheck({ max: 200 }));
        if (!isCountryCode(m.country))
          issue(ctx, ["members", i, "country"], msg("proposal.err.country"));
        need(ctx, ["members", i, "role"], m.role, textCheck({ max: 200 }));
      });
    }, always),
  );

export type EligibilityAnswers = z.infer<typeof eligibilitySchema>;

export { APPLICANT_TYPES, YES_NO, MAX_MEMBERS };
