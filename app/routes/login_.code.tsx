// The second step of signing in for staff enrolled in two-step verification: the password was
// right and opened only a staged session (no page accepts it); a code from the authenticator app,
// or one recovery code, turns it into a full session with a new id.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, TextField } from "~/components/form";
import { SECOND_FACTOR_RULE, verifySecondFactor } from "~/models/second-factor.server";
import { signIn } from "~/models/users.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { isRateLimited, recordAttempt } from "~/services/rate-limit.server";
import { getStagedUser, homePathFor, sanitizeReturnTo } from "~/services/session.server";
import { msg, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "security.login.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const returnTo = sanitizeReturnTo(new URL(request.url).searchParams.get("returnTo"));
  if (!(await getStagedUser(request, "totp"))) {
    throw redirect(`/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`);
  }
  return data({ returnTo: returnTo ?? "" }, { headers: { "Cache-Control": "no-store" } });
}

interface ActionData {
  errors?: FieldErrors;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const form = await readForm(request);
  const returnTo = sanitizeReturnTo(form.get("returnTo"));
  const user = await getStagedUser(request, "totp", db);
  if (!user) return redirect("/login");
  const ctx = {
    actorId: user.id,
    actorEmail: user.email,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  };
  const code = String(form.get("code") ?? "").slice(0, 64);
  if (!code.trim()) {
    return data<ActionData>(
      { errors: { code: msg("security.error.codeRequired") } },
      { status: 400 },
    );
  }
  const key = String(user.id);
  if (await isRateLimited(db, SECOND_FACTOR_RULE, key)) {
    return data<ActionData>({ errors: { code: msg(SECOND_FACTOR_RULE.message) } }, { status: 429 });
  }
  const matched = await verifySecondFactor(db, user, code, ctx);
  if (!matched) {
    await recordAttempt(db, SECOND_FACTOR_RULE, key);
    return data<ActionData>({ errors: { code: msg("security.error.codeWrong") } }, { status: 400 });
  }
  const setCookie = await signIn(db, user, { request, ...ctx }, matched);
  return redirect(returnTo ?? homePathFor(user.role), { headers: { "Set-Cookie": setCookie } });
}

export default function LoginCode() {
  const t = useT();
  const { returnTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  return (
    <>
      <ErrorSummary errors={actionData?.errors} />
      <h1>{t("security.login.title")}</h1>
      <p>{t("security.login.body")}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="returnTo" value={returnTo} />
        <TextField
          name="code"
          label={t("security.field.code")}
          hint={t("security.field.code.hint")}
          autoComplete="one-time-code"
          inputMode="text"
          spellCheck={false}
          error={actionData?.errors?.code}
        />
        <button type="submit" className="button">
          {t("security.login.submit")}
        </button>
      </Form>
      <Form method="post" action="/logout">
        <button type="submit" className="button button--secondary">
          {t("security.login.cancel")}
        </button>
      </Form>
    </>
  );
}
