import * as z from "zod/mini";
import { MAX_REFERENCES } from "./options";
import { usccProblem, type UsccProblem } from "~/domain/input-normalise";
import { checkUscc } from "~/domain/uscc";
import { msg } from "~/utils/form";
import { CN_PROVINCES, COUNTRY_CODES } from "./countries";
import {
  always,
  decimalCheck,
  field,
  integerCheck,
  issue,
  loose,
  looseRows,
  money,
  need,
  optionalField,
  textCheck,
  urlCheck,
} from "./fields";

const HAN = /\p{Script=Han}/u;
const currentYear = () => new Date().getUTCFullYear();

export const organisationSchema = z
  .object({
    legalNameEn: field(textCheck({ max: 200 })),
    legalNameZh: optionalField((v) =>
      [...v].length > 100
        ? msg("validation.tooLong", { max: 100 })
        : HAN.test(v)
          ? null
          : msg("proposal.err.nameZhHan"),
    ),
    country: z.enum(COUNTRY_CODES, { error: msg("proposal.err.country") }),
    uscc: loose(),
    registrationNumber: loose(),
    province: loose(),
    city: field(textCheck({ max: 100 })),
    address: field(textCheck({ max: 500 })),
    website: optionalField(urlCheck),
    yearFounded: field((v) => integerCheck({ min: 1900, max: currentYear() })(v)),
    employees: field(integerCheck({ min: 1, max: 10_000_000 })),
    annualRevenue: money(),
    parentGroup: optionalField(textCheck({ max: 200 })),
    references: looseRows(["site", "itLoadMw", "tierCertificateId", "year"] as const),
  })
  .check(
    z.superRefine((d, ctx) => {
      if (d.country === "CN") {
        // The field's own check may have failed (a repeated field arrives as a list): this rule
        // still runs, and must not throw on what it was given.
        const code = typeof d.uscc === "string" ? d.uscc.toUpperCase() : "";
        if (!code) issue(ctx, ["uscc"], msg("proposal.err.usccRequired"));
        else if (checkUscc(code) === "invalid")
          issue(ctx, ["uscc"], usccMessage(usccProblem(code)));
        if (!d.province) issue(ctx, ["province"], msg("proposal.err.province"));
        else if (!CN_PROVINCES.some((p) => p.value === d.province))
          issue(ctx, ["province"], msg("proposal.err.province"));
      } else {
        need(ctx, ["registrationNumber"], d.registrationNumber, textCheck({ max: 50 }));
        need(ctx, ["province"], d.province, textCheck({ max: 100 }));
      }
      const refs = d.references ?? [];
      if (refs.length > MAX_REFERENCES)
        issue(
          ctx,
          ["references", MAX_REFERENCES, "site"],
          msg("proposal.err.rowsMax", { max: MAX_REFERENCES }),
        );
      refs.slice(0, MAX_REFERENCES).forEach((r, i) => {
        need(ctx, ["references", i, "site"], r.site, textCheck({ max: 200 }));
        need(
          ctx,
          ["references", i, "itLoadMw"],
          r.itLoadMw,
          decimalCheck({ min: 0, max: 1000, minExclusive: true }),
        );
        if (r.tierCertificateId && [...r.tierCertificateId].length > 100)
          issue(
            ctx,
            ["references", i, "tierCertificateId"],
            msg("validation.tooLong", { max: 100 }),
          );
        need(
          ctx,
          ["references", i, "year"],
          r.year,
          integerCheck({ min: 1990, max: currentYear() }),
        );
      });
    }, always),
  );

/** A message that points at what is wrong with a code, the character and its position. */
function usccMessage(problem: UsccProblem | null): string {
  switch (problem?.kind) {
    case "letter":
      return problem.digit
        ? msg("proposal.err.usccLetterDigit", {
            char: problem.char,
            position: problem.position,
            digit: problem.digit,
          })
        : msg("proposal.err.usccLetter", { char: problem.char, position: problem.position });
    case "digit":
      return msg("proposal.err.usccDigit", { char: problem.char, position: problem.position });
    case "character":
      return msg("proposal.err.usccCharacter", { char: problem.char, position: problem.position });
    case "length":
      return msg("proposal.err.usccLength", { length: problem.length });
    default:
      return msg("proposal.err.usccFormat");
  }
}

export type OrganisationAnswers = z.infer<typeof organisationSchema>;

/** 'checkFailed' when a Chinese company's code matches the pattern but not its check character. */
export function usccStatus(answers: { country?: unknown; uscc?: unknown } | undefined) {
  if (!answers || answers.country !== "CN" || typeof answers.uscc !== "string" || !answers.uscc)
    return null;
  return checkUscc(answers.uscc.toUpperCase());
}

export { MAX_REFERENCES };
