import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { ErrorSummary, Honeypot, TextField } from "~/components/form";
import { issueVerificationLink } from "~/models/users.server";
import { EmailOnlySchema, parseForm, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { absoluteUrl, sendMail } from "~/services/mail.server";
import { clientAddress, hitRateLimit, RATE_RULES } from "~/services/rate-limit.server";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

// Asks for a new confirmation link. The answer is the same whether or not the address has an
// account, and whether or not it still needs confirming.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.resend.title");

interface ActionData {
  errors?: FieldErrors;
  values?: { email: string };
  sent?: boolean;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const form = await readForm(request);
  const values = { email: normaliseInput(str(form.get("email"))) };
  if (str(form.get("websiteUrl"))) return data<ActionData>({ sent: true });
  const parsed = parseForm(EmailOnlySchema, values);
  if (!parsed.ok) return data<ActionData>({ errors: parsed.errors, values }, { status: 400 });
  if (await hitRateLimit(db, RATE_RULES.emailLink, clientAddress(context))) {
    return data<ActionData>(
      { errors: { email: msg(RATE_RULES.emailLink.message) }, values },
      { status: 429 },
    );
  }
  const issued = await issueVerificationLink(db, parsed.data.email);
  if (issued) {
    await sendMail(db, {
      to: issued.user.email,
      template: "verify_email",
      locale: issued.user.locale,
      vars: {
        name: issued.user.display_name,
        link: absoluteUrl(request, `/verify-email?token=${issued.token}`),
      },
    });
  }
  return data<ActionData>({ sent: true });
}

export default function ResendVerification() {
  const t = useT();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  if (actionData?.sent) {
    return (
      <>
        <h1>{t("auth.resend.sent.title")}</h1>
        <p className="lead">{t("auth.resend.sent.body")}</p>
        <p>
          <a href="/login">{t("auth.link.signIn")}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <ErrorSummary errors={actionData?.errors} />
      <h1>{t("auth.resend.title")}</h1>
      <p>{t("auth.resend.intro")}</p>
      <Form method="post" noValidate>
        <TextField
          name="email"
          type="email"
          label={t("auth.field.email")}
          autoComplete="email"
          spellCheck={false}
          defaultValue={actionData?.values?.email}
          error={actionData?.errors?.email}
        />
        <Honeypot />
        <button type="submit" className="button">
          {t("auth.resend.submit")}
        </button>
      </Form>
    </>
  );
}
