import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, TextField } from "~/components/form";
import type { MessageKey } from "~/i18n";
import { checkAuthToken } from "~/models/auth-tokens.server";
import { acceptInvite, getUserById } from "~/models/users.server";
import { nameField, orderErrors, rawField, str } from "~/schemas/auth";
import { checkNewPassword } from "~/services/password-strength.server";

import { getDb } from "~/services/db.server";
import { hashPassword } from "~/services/password.server";
import { homePathFor } from "~/services/session.server";
import { zodFieldErrors, type FieldErrors, normaliseInput } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

// A member of staff follows the invitation link, confirms their name, chooses a password and is
// signed in. The account already exists (created by the invitation) with the invited role.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.invite.title");

type Invalid = { invalid: "used" | "expired" | "unknown" };

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const token = new URL(request.url).searchParams.get("token");
  const check = await checkAuthToken(db, "invite", token);
  if (check.status !== "valid") return data<Invalid>({ invalid: check.status }, { status: 410 });
  const user = check.token.user_id ? await getUserById(db, check.token.user_id) : undefined;
  if (!user || user.disabled_at || user.password_hash) {
    return data<Invalid>({ invalid: "used" }, { status: 410 });
  }
  return data({
    invalid: null,
    token: token!,
    email: user.email,
    role: user.role,
    displayName: user.display_name,
  });
}

interface ActionData {
  errors?: FieldErrors;
  values?: { displayName: string };
  invalid?: Invalid["invalid"];
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const form = await readForm(request);
  const token = str(form.get("token"));
  const check = await checkAuthToken(db, "invite", token);
  if (check.status !== "valid") return data<ActionData>({ invalid: check.status }, { status: 410 });
  const values = { displayName: normaliseInput(str(form.get("displayName"))) };
  const name = nameField.safeParse(values.displayName);
  const password = rawField(form, "password");
  const errors = orderErrors(
    {
      ...(name.success ? {} : { displayName: Object.values(zodFieldErrors(name.error))[0]! }),
      ...checkNewPassword(
        password,
        rawField(form, "confirmPassword"),
        check.token.email,
        undefined,
        [values.displayName],
      ),
    },
    ["displayName", "password", "confirmPassword"],
  );
  if (!name.success || Object.keys(errors).length) {
    return data<ActionData>({ errors, values }, { status: 400 });
  }
  const result = await acceptInvite(
    db,
    token,
    { displayName: name.data, passwordHash: await hashPassword(password) },
    {
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
    },
  );
  if (result.status !== "valid" || !result.user || !result.setCookie) {
    return data<ActionData>(
      { invalid: result.status === "valid" ? "used" : result.status },
      { status: 410 },
    );
  }
  return redirect(result.stage === "enrol" ? "/account/security" : homePathFor(result.user.role), {
    headers: { "Set-Cookie": result.setCookie },
  });
}

function InvalidLink({ status }: { status: Invalid["invalid"] }) {
  const t = useT();
  return (
    <>
      <h1>{t("auth.link.invalidTitle")}</h1>
      <p>
        {status === "expired"
          ? t("auth.invite.expired")
          : status === "used"
            ? t("auth.invite.used")
            : t("auth.link.unknown")}
      </p>
      <p>
        <a href="/login">{t("auth.link.signIn")}</a>
      </p>
    </>
  );
}

export default function AcceptInvite() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  if (actionData?.invalid) return <InvalidLink status={actionData.invalid} />;
  if (loaded.invalid !== null) return <InvalidLink status={loaded.invalid} />;
  const errors = actionData?.errors;
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t("auth.invite.title")}</h1>
      <p>
        {t("auth.invite.intro", {
          role: t(`auth.role.${loaded.role}` as MessageKey),
          email: loaded.email,
        })}
      </p>
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
          name="displayName"
          label={t("auth.field.name")}
          autoComplete="name"
          spellCheck={false}
          defaultValue={actionData?.values?.displayName ?? loaded.displayName}
          error={errors?.displayName}
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
        <button type="submit" className="button">
          {t("auth.invite.submit")}
        </button>
      </Form>
    </>
  );
}
