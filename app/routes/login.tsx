import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Honeypot, TextField } from "~/components/form";
import { chosenLocale, LOCALE_CHOSEN_COOKIE, LOCALE_COOKIE } from "~/i18n/locales";
import {
  auditRefusedSignIn,
  findUserByEmail,
  noticeSignInAttack,
  setPreferredLanguage,
  signInWithPassword,
} from "~/models/users.server";
import { LoginSchema, orderErrors, parseForm, rawField, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { verifyPassword } from "~/services/password.server";
import { publicUrl } from "~/services/env.server";
import { getLogger } from "~/services/logger.server";
import { sendMail } from "~/services/mail.server";
import {
  accountAddressKey,
  clearAttempts,
  clientAddress,
  countAttempts,
  isRateLimited,
  RATE_RULES,
  recordAttempt,
  SIGN_IN_NOTICE_AFTER,
  signInDelayMs,
  signInSlowdown,
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
  const pairKey = accountAddressKey(email, address);
  // Refused: this address (password spraying) or this address on this account (guessing). Never
  // the account as such, so that guesses from elsewhere cannot lock its owner out.
  if (
    (await isRateLimited(db, RATE_RULES.signInAddress, address)) ||
    (await isRateLimited(db, RATE_RULES.signInAccountAddress, pairKey))
  ) {
    await auditRefusedSignIn(
      db,
      "sign_in_throttled",
      email,
      await findUserByEmail(db, email),
      auditCtx,
    );
    return data<ActionData>(
      { errors: { email: msg(RATE_RULES.signInAccountAddress.message) }, values },
      { status: 429 },
    );
  }
  // Slowed: every attempt on an account that many addresses are guessing at.
  const accountFailures = await countAttempts(db, RATE_RULES.signInAccount, email);
  const delay = signInDelayMs(accountFailures);
  if (delay > 0) await signInSlowdown.sleep(delay);

  const user = await findUserByEmail(db, email);
  // The hash is checked even without an account, so the time taken does not tell either.
  const passwordOk = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || !passwordOk || user.disabled_at) {
    await recordAttempt(db, RATE_RULES.signInAccount, email);
    await recordAttempt(db, RATE_RULES.signInAccountAddress, pairKey);
    await recordAttempt(db, RATE_RULES.signInAddress, address);
    await auditRefusedSignIn(db, "sign_in_failed", email, user, auditCtx);
    if (user && !user.disabled_at && accountFailures + 1 >= SIGN_IN_NOTICE_AFTER) {
      await tellOwnerOfAttack(user, accountFailures + 1, context);
    }
    return failed();
  }
  await clearAttempts(db, RATE_RULES.signInAccount, email);
  await clearAttempts(db, RATE_RULES.signInAccountAddress, pairKey);
  if (!user.email_verified_at) {
    return data<ActionData>({ unverified: { email: user.email }, values }, { status: 400 });
  }

  const { setCookie: sessionCookie, stage } = await signInWithPassword(db, user, {
    request,
    ...auditCtx,
  });
  const headers = new Headers();
  headers.append("Set-Cookie", sessionCookie);
  // A language chosen on this browser before signing in (on this very page, say) wins and becomes
  // the account's preference; otherwise the stored preference becomes the page language here too.
  const chosen = chosenLocale(request);
  if (chosen) {
    await setPreferredLanguage(db, user.id, chosen, {
      actorId: user.id,
      actorEmail: user.email,
      ...auditCtx,
    });
  }
  headers.append(
    "Set-Cookie",
    `${LOCALE_COOKIE}=${chosen ?? user.locale}; Path=/; Max-Age=31536000; SameSite=Lax`,
  );
  headers.append("Set-Cookie", `${LOCALE_CHOSEN_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`);
  if (stage === "enrol") return redirect("/account/security", { headers });
  if (stage === "totp") {
    const query = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : "";
    return redirect(`/login/code${query}`, { headers });
  }
  return redirect(returnTo ?? homePathFor(user.role), { headers });
}

/** The audit row and (at most once an hour) the owner's e-mail when their account is attacked. */
async function tellOwnerOfAttack(
  user: NonNullable<Awaited<ReturnType<typeof findUserByEmail>>>,
  failures: number,
  context: ActionFunctionArgs["context"],
) {
  const db = getDb();
  const tell = await noticeSignInAttack(db, user, {
    failures,
    ip: context?.ip ?? null,
    requestId: context?.requestId ?? null,
  });
  if (!tell) return;
  try {
    await sendMail(db, {
      to: user.email,
      template: "sign_in_attack",
      locale: user.locale,
      vars: {
        name: user.display_name,
        attempts: String(failures),
        link: publicUrl("/forgot-password"),
      },
    });
  } catch (err) {
    getLogger().error({ err }, "could not tell an account's owner of failed sign-ins");
  }
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
