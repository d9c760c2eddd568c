import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Choices, ErrorSummary, TextField } from "~/components/form";
import type { MessageKey } from "~/i18n";
import { LOCALE_COOKIE } from "~/i18n/locales";
import { changePassword, getUserById, updateAccountDetails } from "~/models/users.server";
import { AccountDetailsSchema, orderErrors, parseForm, rawField, str } from "~/schemas/auth";
import { getDb } from "~/services/db.server";
import { checkNewPassword } from "~/services/password-strength.server";
import { absoluteUrl, sendMail } from "~/services/mail.server";
import { hashPassword, verifyPassword } from "~/services/password.server";
import { isRateLimited, RATE_RULES, recordAttempt } from "~/services/rate-limit.server";
import { requireUser } from "~/services/session.server";
import { formatDateTime } from "~/utils/dates";
import { msg, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.account.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const session = await requireUser(request, db);
  const user = (await getUserById(db, session.id))!;
  return data({
    email: user.email,
    displayName: user.display_name,
    role: user.role,
    locale: user.locale,
  });
}

interface ActionData {
  form: "details" | "password";
  errors?: FieldErrors;
  values?: { displayName: string; locale: string };
  saved?: boolean;
}

const PASSWORD_NAMES = { password: "newPassword", confirm: "confirmNewPassword" };

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const session = await requireUser(request, db);
  const user = (await getUserById(db, session.id))!;
  const ctx = {
    actorId: user.id,
    actorEmail: user.email,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  };
  const form = await readForm(request);

  if (form.get("intent") === "password") {
    const current = rawField(form, "currentPassword");
    const next = rawField(form, "newPassword");
    const errors: FieldErrors = {};
    if (!current) errors.currentPassword = msg("auth.error.currentPasswordRequired");
    else if (await isRateLimited(db, RATE_RULES.signInAccount, user.email)) {
      errors.currentPassword = msg(RATE_RULES.signInAccount.message);
    } else if (!(await verifyPassword(current, user.password_hash))) {
      // Counted like a failed sign-in: a borrowed session cannot guess the password at leisure.
      await recordAttempt(db, RATE_RULES.signInAccount, user.email);
      errors.currentPassword = msg("auth.error.currentPasswordWrong");
    }
    Object.assign(
      errors,
      checkNewPassword(next, rawField(form, "confirmNewPassword"), user.email, PASSWORD_NAMES, [
        user.display_name,
      ]),
    );
    if (Object.keys(errors).length) {
      return data<ActionData>(
        {
          form: "password",
          errors: orderErrors(errors, ["currentPassword", "newPassword", "confirmNewPassword"]),
        },
        { status: 400 },
      );
    }
    await changePassword(db, user.id, await hashPassword(next), request, ctx);
    const updated = (await getUserById(db, user.id))!;
    await sendMail(db, {
      to: updated.email,
      template: "password_changed",
      locale: updated.locale,
      vars: {
        name: updated.display_name,
        time: formatDateTime(updated.password_changed_at!, updated.locale),
        link: absoluteUrl(request, "/forgot-password"),
      },
    });
    return data<ActionData>({ form: "password", saved: true });
  }

  const values = {
    displayName: str(form.get("displayName")).normalize("NFKC").trim(),
    locale: str(form.get("locale")),
  };
  const parsed = parseForm(AccountDetailsSchema, values);
  if (!parsed.ok) {
    return data<ActionData>(
      {
        form: "details",
        errors: orderErrors(parsed.errors, ["displayName", "locale"]),
        values,
      },
      { status: 400 },
    );
  }
  const updated = await updateAccountDetails(db, user.id, parsed.data, ctx);
  return data<ActionData>(
    { form: "details", saved: true },
    {
      headers: {
        "Set-Cookie": `${LOCALE_COOKIE}=${updated.locale}; Path=/; Max-Age=31536000; SameSite=Lax`,
      },
    },
  );
}

export default function Account() {
  const t = useT();
  const user = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const details = actionData?.form === "details" ? actionData : undefined;
  const password = actionData?.form === "password" ? actionData : undefined;
  return (
    <>
      <ErrorSummary errors={actionData?.errors} />
      {actionData?.saved ? (
        <div className="notice notice--success" role="status">
          <p>
            {actionData.form === "password"
              ? t("auth.account.passwordChanged")
              : t("auth.account.saved")}
          </p>
        </div>
      ) : null}
      <h1>{t("auth.account.title")}</h1>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>{t("auth.account.email")}</dt>
          <dd>{user.email}</dd>
        </div>
        <div className="summary-list__row">
          <dt>{t("auth.account.role")}</dt>
          <dd>{t(`auth.role.${user.role}` as MessageKey)}</dd>
        </div>
      </dl>

      <p>
        <a href="/account/security">{t("security.link")}</a>
      </p>

      <h2>{t("auth.account.details")}</h2>
      <Form method="post" noValidate key={details?.saved ? "saved" : "details"}>
        <input type="hidden" name="intent" value="details" />
        <TextField
          name="displayName"
          label={t("auth.field.name")}
          autoComplete="name"
          spellCheck={false}
          defaultValue={details?.values?.displayName ?? user.displayName}
          error={details?.errors?.displayName}
        />
        <Choices
          name="locale"
          label={t("auth.field.locale")}
          hint={t("auth.field.locale.hint")}
          options={[
            { value: "en", label: t("auth.locale.en") },
            { value: "zh-Hans", label: t("auth.locale.zh-Hans") },
          ]}
          defaultValue={details?.values?.locale ?? user.locale}
          error={details?.errors?.locale}
        />
        <button type="submit" className="button">
          {t("auth.account.saveDetails")}
        </button>
      </Form>

      <h2>{t("auth.account.passwordHeading")}</h2>
      <p className="hint">{t("auth.account.passwordHint")}</p>
      <Form method="post" noValidate key={password?.saved ? "changed" : "password"}>
        <input type="hidden" name="intent" value="password" />
        <input type="hidden" name="username" autoComplete="username" value={user.email} readOnly />
        <TextField
          name="currentPassword"
          type="password"
          label={t("auth.field.currentPassword")}
          autoComplete="current-password"
          error={password?.errors?.currentPassword}
        />
        <TextField
          name="newPassword"
          type="password"
          label={t("auth.field.newPassword")}
          hint={t("auth.field.password.hint")}
          autoComplete="new-password"
          error={password?.errors?.newPassword}
        />
        <TextField
          name="confirmNewPassword"
          type="password"
          label={t("auth.field.confirmNewPassword")}
          autoComplete="new-password"
          error={password?.errors?.confirmNewPassword}
        />
        <button type="submit" className="button">
          {t("auth.account.passwordSubmit")}
        </button>
      </Form>
    </>
  );
}
