import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, TextField } from "~/components/form";
import { checkAuthToken } from "~/models/auth-tokens.server";
import { resetPasswordWithToken } from "~/models/users.server";
import { rawField } from "~/schemas/auth";
import { checkNewPassword } from "~/services/password-strength.server";
import { getDb } from "~/services/db.server";
import { sendMail, absoluteUrl } from "~/services/mail.server";
import { hashPassword } from "~/services/password.server";
import { formatDateTime } from "~/utils/dates";
import type { FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

// A new password from the link in the reset e-mail. Success ends every session of the account
// and sends the person to sign in with the new password (not signed in automatically).

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.reset.title");

type Invalid = { invalid: "used" | "expired" | "unknown" };
const NAMES = { password: "password", confirm: "confirmPassword" };

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const check = await checkAuthToken(getDb(), "reset_password", token);
  if (check.status !== "valid") return data<Invalid>({ invalid: check.status }, { status: 410 });
  return data({ invalid: null, token: token!, email: check.token.email });
}

interface ActionData {
  errors?: FieldErrors;
  invalid?: Invalid["invalid"];
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const form = await readForm(request);
  const token = String(form.get("token") ?? "");
  const check = await checkAuthToken(db, "reset_password", token);
  if (check.status !== "valid") {
    return data<ActionData>({ invalid: check.status }, { status: 410 });
  }
  const password = rawField(form, "password");
  const errors = checkNewPassword(
    password,
    rawField(form, "confirmPassword"),
    check.token.email,
    NAMES,
  );
  if (Object.keys(errors).length) return data<ActionData>({ errors }, { status: 400 });
  const result = await resetPasswordWithToken(db, token, await hashPassword(password), {
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  });
  if (result.status !== "valid" || !result.user) {
    return data<ActionData>(
      { invalid: result.status === "valid" ? "unknown" : result.status },
      {
        status: 410,
      },
    );
  }
  await sendMail(db, {
    to: result.user.email,
    template: "password_changed",
    locale: result.user.locale,
    vars: {
      name: result.user.display_name,
      time: formatDateTime(result.user.password_changed_at!, result.user.locale),
      link: absoluteUrl(request, "/forgot-password"),
    },
  });
  return redirect("/login?reset=1");
}

function InvalidLink({ status }: { status: Invalid["invalid"] }) {
  const t = useT();
  return (
    <>
      <h1>{t("auth.link.invalidTitle")}</h1>
      <p>
        {status === "expired"
          ? t("auth.reset.expired")
          : status === "used"
            ? t("auth.reset.used")
            : t("auth.link.unknown")}
      </p>
      <p>
        <a href="/forgot-password" className="button">
          {t("auth.reset.askNew")}
        </a>
      </p>
    </>
  );
}

export default function ResetPassword() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  if (actionData?.invalid) return <InvalidLink status={actionData.invalid} />;
  if (loaded.invalid !== null) return <InvalidLink status={loaded.invalid} />;
  const errors = actionData?.errors;
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t("auth.reset.title")}</h1>
      <p>{t("auth.reset.intro", { email: loaded.email })}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="token" value={loaded.token} />
        <input
          type="hidden"
          name="username"
          autoComplete="username"
          value={loaded.email}
          readOnly
        />
        <TextField
          name="password"
          type="password"
          label={t("auth.field.newPassword")}
          hint={t("auth.field.password.hint")}
          autoComplete="new-password"
          error={errors?.password}
        />
        <TextField
          name="confirmPassword"
          type="password"
          label={t("auth.field.confirmNewPassword")}
          autoComplete="new-password"
          error={errors?.confirmPassword}
        />
        <button type="submit" className="button">
          {t("auth.reset.submit")}
        </button>
      </Form>
    </>
  );
}
