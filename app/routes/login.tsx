import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Honeypot, TextField } from "~/components/form";
import { LOCALE_COOKIE } from "~/i18n/locales";
import { auditRefusedSignIn, findUserByEmail, signInWithPassword } from "~/models/users.server";
import { LoginSchema, orderErrors, parseForm, rawField, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { verifyPassword } from "~/services/password.server";
import {
  clearAttempts,
  clientAddress,
  isRateLimited,
  RATE_RULES,
  recordAttempt,
} from "~/services/rate-limit.server";
import { getStagedUser, getUser, homePathFor, sanitizeReturnTo } from "~/services/session.server";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.login.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const returnTo = sanitizeReturnTo(url.searchParams.get("returnTo"));
  const user = await getUser(request);
  if (user) throw redirect(returnTo ?? homePathFor(user.role));
  // Password already given: the second step, or enrolment, is what remains open.
  if (await getStagedUser(request, "enrol")) throw redirect("/account/security");
  if (await getStagedUser(request, "totp"))
    throw redirect(`/login/code${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`);
  const notice = url.searchParams.has("verified")
    ? ("verified" as const)
    : url.searchParams.has("reset")
      ? ("reset" as const)
      : null;
  return data({ returnTo: returnTo ?? "", notice });
}

interface ActionData {
  errors?: FieldErrors;
  values?: { email: string };
  unverified?: { email: string };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const form = await readForm(request);
  const values = { email: normaliseInput(str(form.get("email"))) };
  const password = rawField(form, "password");
  const returnTo = sanitizeReturnTo(form.get("returnTo"));
  const failed = () =>
    data<ActionData>({ errors: { email: msg("auth.error.loginFailed") }, values }, { status: 400 });

  if (str(form.get("websiteUrl"))) return failed();
  const parsed = parseForm(LoginSchema, { email: values.email, password });
  if (!parsed.ok) {
    return data<ActionData>(
      { errors: orderErrors(parsed.errors, ["email", "password"]), values },
      { status: 400 },
    );
  }
  const email = parsed.data.email;
  const address = clientAddress(context);
  const auditCtx = { requestId: context?.requestId ?? null, ip: context?.ip ?? null };
  if (
    (await isRateLimited(db, RATE_RULES.signInAccount, email)) ||
    (await isRateLimited(db, RATE_RULES.signInAddress, address))
  ) {
    await auditRefusedSignIn(
      db,
      "sign_in_throttled",
      email,
      await findUserByEmail(db, email),
      auditCtx,
    );
    return data<ActionData>(
      { errors: { email: msg(RATE_RULES.signInAccount.message) }, values },
      { status: 429 },
    );
  }

  const user = await findUserByEmail(db, email);
  // The hash is checked even without an account, so the time taken does not tell either.
  const passwordOk = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || !passwordOk || user.disabled_at) {
    await recordAttempt(db, RATE_RULES.signInAccount, email);
    await recordAttempt(db, RATE_RULES.signInAddress, address);
    await auditRefusedSignIn(db, "sign_in_failed", email, user, auditCtx);
    return failed();
  }
  await clearAttempts(db, RATE_RULES.signInAccount, email);
  if (!user.email_verified_at) {
    return data<ActionData>({ unverified: { email: user.email }, values }, { status: 400 });
  }

  const { setCookie: sessionCookie, stage } = await signInWithPassword(db, user, {
    request,
    ...auditCtx,
  });
  const headers = new Headers();
  headers.append("Set-Cookie", sessionCookie);
  // The account's language preference becomes the page language on this browser too.
  headers.append(
    "Set-Cookie",
    `${LOCALE_COOKIE}=${user.locale}; Path=/; Max-Age=31536000; SameSite=Lax`,
  );
  if (stage === "enrol") return redirect("/account/security", { headers });
  if (stage === "totp") {
    const query = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : "";
    return redirect(`/login/code${query}`, { headers });
  }
  return redirect(returnTo ?? homePathFor(user.role), { headers });
}

export default function Login() {
  const t = useT();
  const { returnTo, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;

  if (actionData?.unverified) {
    return (
      <>
        <h1>{t("auth.login.unverified.title")}</h1>
        <p>{t("auth.login.unverified.body", { email: actionData.unverified.email })}</p>
        <Form method="post" action="/verify-email/resend">
          <input type="hidden" name="email" value={actionData.unverified.email} />
          <button type="submit" className="button">
            {t("auth.link.resend")}
          </button>
        </Form>
      </>
    );
  }

  const errors = actionData?.errors;
  return (
    <>
      <ErrorSummary errors={errors} />
      {notice ? (
        <div className="notice notice--success" role="status">
          <p>{notice === "verified" ? t("auth.login.verified") : t("auth.login.passwordReset")}</p>
        </div>
      ) : null}
      <h1>{t("auth.login.title")}</h1>
      <Form method="post" noValidate>
        <input type="hidden" name="returnTo" value={returnTo} />
        <TextField
          name="email"
          type="email"
          label={t("auth.field.email")}
          autoComplete="username"
          spellCheck={false}
          defaultValue={actionData?.values?.email}
          error={errors?.email}
        />
        <TextField
          name="password"
          type="password"
          label={t("auth.field.password")}
          autoComplete="current-password"
          error={errors?.password}
        />
        <Honeypot />
        <button type="submit" className="button">
          {t("auth.login.submit")}
        </button>
      </Form>
      <p>
        <a href="/forgot-password">{t("auth.login.forgot")}</a>
      </p>
      <p>
        {t("auth.login.noAccount")} <a href="/register">{t("auth.link.register")}</a>
      </p>
    </>
  );
}
