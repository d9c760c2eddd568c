import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Choices, ErrorSummary, Honeypot, TextField } from "~/components/form";
import { localeFromRequest } from "~/i18n/locales";
import { registerApplicant } from "~/models/users.server";
import { orderErrors, parseForm, rawField, RegisterSchema, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { checkNewPassword } from "~/services/password-strength.server";
import { absoluteUrl, sendMail } from "~/services/mail.server";
import { hashPassword } from "~/services/password.server";
import { clientAddress, hitRateLimit, RATE_RULES } from "~/services/rate-limit.server";
import { getUser, homePathFor } from "~/services/session.server";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

const FIELD_ORDER = ["displayName", "email", "password", "confirmPassword", "locale"];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.register.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePathFor(user.role));
  return data({ defaultLocale: localeFromRequest(request) });
}

interface ActionData {
  errors?: FieldErrors;
  values?: { displayName: string; email: string; locale: string };
  emailTaken?: boolean;
  sent?: { email: string };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const form = await readForm(request);
  const raw = (k: string) => normaliseInput(str(form.get(k)));
  const values = {
    displayName: raw("displayName"),
    email: raw("email"),
    locale: raw("locale"),
  };
  // A bot filled the hidden field: answer as if it worked, create nothing.
  if (raw("websiteUrl")) return data<ActionData>({ sent: { email: values.email } });
  if (await hitRateLimit(db, RATE_RULES.register, clientAddress(context))) {
    return data<ActionData>(
      { errors: { email: msg(RATE_RULES.register.message) }, values },
      { status: 429 },
    );
  }
  const parsed = parseForm(RegisterSchema, values);
  const password = rawField(form, "password");
  const errors = orderErrors(
    {
      ...(parsed.ok ? {} : parsed.errors),
      ...checkNewPassword(password, rawField(form, "confirmPassword"), values.email, undefined, [
        values.displayName,
      ]),
    },
    FIELD_ORDER,
  );
  if (!parsed.ok || Object.keys(errors).length) {
    return data<ActionData>({ errors, values }, { status: 400 });
  }
  const result = await registerApplicant(
    db,
    {
      email: parsed.data.email,
      displayName: parsed.data.displayName,
      locale: parsed.data.locale,
      passwordHash: await hashPassword(password),
    },
    { requestId: context?.requestId ?? null, ip: context?.ip ?? null },
  );
  if (result.status === "taken") {
    // A pragmatic choice (as GOV.UK services do): say the account exists and offer sign-in and
    // reset. Registration is throttled per address, which limits harvesting addresses this way.
    return data<ActionData>(
      { errors: { email: msg("auth.error.emailTaken") }, values, emailTaken: true },
      { status: 400 },
    );
  }
  await sendMail(db, {
    to: result.user.email,
    template: "verify_email",
    locale: result.user.locale,
    vars: {
      name: result.user.display_name,
      link: absoluteUrl(request, `/verify-email?token=${result.token}`),
    },
  });
  return data<ActionData>({ sent: { email: result.user.email } });
}

export default function Register() {
  const t = useT();
  const { defaultLocale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;

  if (actionData?.sent) {
    return (
      <>
        <h1>{t("auth.register.sent.title")}</h1>
        <p className="lead">{t("auth.register.sent.body", { email: actionData.sent.email })}</p>
        <p>{t("auth.register.sent.notReceived")}</p>
        <p>
          <a href="/verify-email/resend">{t("auth.link.resend")}</a>
        </p>
      </>
    );
  }

  const errors = actionData?.errors;
  const values = actionData?.values;
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t("auth.register.title")}</h1>
      <p>{t("auth.register.intro")}</p>
      {actionData?.emailTaken ? (
        <div className="notice">
          <p>{t("auth.register.emailTakenHelp")}</p>
          <p>
            <a href="/login">{t("auth.link.signIn")}</a>
            {" · "}
            <a href="/forgot-password">{t("auth.link.resetPassword")}</a>
          </p>
        </div>
      ) : null}
      <Form method="post" noValidate>
        <TextField
          name="displayName"
          label={t("auth.field.name")}
          autoComplete="name"
          spellCheck={false}
          defaultValue={values?.displayName}
          error={errors?.displayName}
        />
        <TextField
          name="email"
          type="email"
          label={t("auth.field.email")}
          hint={t("auth.field.email.hint")}
          autoComplete="email"
          spellCheck={false}
          defaultValue={values?.email}
          error={errors?.email}
        />
        <TextField
          name="password"
          type="password"
          label={t("auth.field.password")}
          hint={t("auth.field.password.hint")}
          autoComplete="new-password"
          error={errors?.password}
        />
        <TextField
          name="confirmPassword"
          type="password"
          label={t("auth.field.confirmPassword")}
          autoComplete="new-password"
          error={errors?.confirmPassword}
        />
        <Choices
          name="locale"
          label={t("auth.field.locale")}
          hint={t("auth.field.locale.hint")}
          options={[
            { value: "en", label: t("auth.locale.en") },
            { value: "zh-Hans", label: t("auth.locale.zh-Hans") },
          ]}
          defaultValue={values?.locale || defaultLocale}
          error={errors?.locale}
        />
        <Honeypot />
        <button type="submit" className="button">
          {t("auth.register.submit")}
        </button>
      </Form>
      <p>
        {t("auth.register.haveAccount")} <a href="/login">{t("auth.link.signIn")}</a>
      </p>
    </>
  );
}
