// "E-mail me a link" (forgot password, new confirmation link): one action for both. The answer is
// the same whether or not the address has an account, so the form tells nobody which exist.
import type { AppLoadContext } from "@remix-run/node";
import { data } from "@remix-run/node";
import type { User } from "~db/schema";
import { EmailOnlySchema, parseForm, str } from "~/schemas/auth";
import { getDb, type DB } from "./db.server";
import type { MailTemplateName } from "./mail-templates";
import { readForm } from "./form-body.server";
import { sendMail } from "./mail.server";
import { publicUrl } from "./env.server";
import { clientAddress, hitRateLimit, RATE_RULES } from "./rate-limit.server";
import { msg, normaliseInput, type FieldErrors } from "~/utils/form";

export interface EmailLinkActionData {
  errors?: FieldErrors;
  values?: { email: string };
  sent?: boolean;
}

export async function requestEmailLink(
  request: Request,
  context: AppLoadContext,
  link: {
    issue: (db: DB, email: string) => Promise<{ user: User; token: string } | null>;
    template: Extract<MailTemplateName, "reset_password" | "verify_email">;
    path: string;
  },
) {
  const db = getDb();
  const form = await readForm(request);
  const values = { email: normaliseInput(str(form.get("email"))) };
  if (str(form.get("websiteUrl"))) return data<EmailLinkActionData>({ sent: true });
  const parsed = parseForm(EmailOnlySchema, values);
  if (!parsed.ok) {
    return data<EmailLinkActionData>({ errors: parsed.errors, values }, { status: 400 });
  }
  if (await hitRateLimit(db, RATE_RULES.emailLink, clientAddress(context))) {
    return data<EmailLinkActionData>(
      { errors: { email: msg(RATE_RULES.emailLink.message) }, values },
      { status: 429 },
    );
  }
  const issued = await link.issue(db, parsed.data.email);
  if (issued) {
    await sendMail(db, {
      to: issued.user.email,
      template: link.template,
      locale: issued.user.locale,
      vars: {
        name: issued.user.display_name,
        link: publicUrl(`${link.path}?token=${issued.token}`),
      },
    });
  }
  return data<EmailLinkActionData>({ sent: true });
}
