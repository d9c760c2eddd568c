import * as z from "zod/mini";
import { LANGUAGES } from "./options";
import { msg } from "~/utils/form";
import { always, choice, EMAIL, field, need, phoneCheck, textCheck } from "./fields";

export const contactSchema = z
  .object({
    familyName: field(textCheck({ max: 100 })),
    givenNames: field(textCheck({ max: 100 })),
    jobTitle: field(textCheck({ max: 200 })),
    email: field((v) =>
      !v
        ? msg("validation.required")
        : EMAIL.test(v) && v.length <= 254
          ? null
          : msg("validation.email"),
    ),
    phone: field(phoneCheck),
    preferredLanguage: choice(LANGUAGES),
    localRepresentative: z.optional(
      z.object({
        name: z.optional(z.string()),
        organisation: z.optional(z.string()),
        phone: z.optional(z.string()),
      }),
    ),
  })
  .check(
    z.superRefine((d, ctx) => {
      const rep = d.localRepresentative;
      if (!rep || !(rep.name || rep.organisation || rep.phone)) return;
      need(ctx, ["localRepresentative", "name"], rep.name, textCheck({ max: 200 }));
      if (rep.organisation)
        need(
          ctx,
          ["localRepresentative", "organisation"],
          rep.organisation,
          textCheck({ max: 200 }),
        );
      if (rep.phone) need(ctx, ["localRepresentative", "phone"], rep.phone, phoneCheck);
    }, always),
  );

export type ContactAnswers = z.infer<typeof contactSchema>;

export { LANGUAGES };
