import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { ErrorSummary, Honeypot, TextField } from "~/components/form";
import { issuePasswordResetLink } from "~/models/users.server";
import { EmailOnlySchema, parseForm, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { absoluteUrl, sendMail } from "~/services/mail.server";
import { clientAddress, hitRateLimit, RATE_RULES } from "~/services/rate-limit.server";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

// The answer is the same whether or not the address has an account.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.forgot.title");

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
  const issued = await issuePasswordResetLink(db, parsed.data.email);
  if (issued) {
    await sendMail(db, {
      to: issued.user.email,
      template: "reset_password",
      locale: issued.user.locale,
      vars: {
        name: issued.user.display_name,
        link: absoluteUrl(request, `/reset-password?token=${issued.token}`),
      },
    });
  }
  return data<ActionData>({ sent: true });
}

export default function ForgotPassword() {
  const t = useT();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  if (actionData?.sent) {
    return (
      <>
        <h1>{t("auth.forgot.sent.title")}</h1>
        <p className="lead">{t("auth.forgot.sent.body")}</p>
        <p>
          <a href="/login">{t("auth.link.signIn")}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <ErrorSummary errors={actionData?.errors} />
      <h1>{t("auth.forgot.title")}</h1>
      <p>{t("auth.forgot.intro")}</p>
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
          {t("auth.forgot.submit")}
        </button>
      </Form>
    </>
  );
}
