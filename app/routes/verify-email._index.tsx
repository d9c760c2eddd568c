import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { checkAuthToken } from "~/models/auth-tokens.server";
import { confirmEmail } from "~/models/users.server";
import { getDb } from "~/services/db.server";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

// The link in the e-mail opens a page with one button: a GET never changes anything (mail
// scanners that follow links must not use the token up); the button's POST confirms.

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.verify.title");

type Invalid = { status: "used" | "expired" | "unknown" };

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const check = await checkAuthToken(getDb(), "verify_email", token);
  if (check.status !== "valid") return data<Invalid>({ status: check.status }, { status: 410 });
  return data({ status: "valid" as const, token: token!, email: check.token.email });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const token = String(form.get("token") ?? "");
  const result = await confirmEmail(getDb(), token, {
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  });
  if (result.status !== "valid") return data<Invalid>({ status: result.status }, { status: 410 });
  return redirect("/login?verified=1");
}

function InvalidLink({ status }: Invalid) {
  const t = useT();
  return (
    <>
      <h1>{t("auth.link.invalidTitle")}</h1>
      <p>
        {status === "expired"
          ? t("auth.verify.expired")
          : status === "used"
            ? t("auth.verify.used")
            : t("auth.link.unknown")}
      </p>
      {status === "used" ? (
        <p>
          <a href="/login">{t("auth.link.signIn")}</a>
        </p>
      ) : null}
      <h2>{t("auth.resend.title")}</h2>
      <p>{t("auth.resend.intro")}</p>
      <Form method="post" action="/verify-email/resend" noValidate>
        <div className="form-group">
          <label className="label" htmlFor="f-email">
            {t("auth.field.email")}
          </label>
          <input
            className="input"
            id="f-email"
            name="email"
            type="email"
            autoComplete="email"
            spellCheck={false}
          />
        </div>
        <button type="submit" className="button">
          {t("auth.resend.submit")}
        </button>
      </Form>
    </>
  );
}

export default function VerifyEmail() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>() as Invalid | undefined;
  if (posted) return <InvalidLink status={posted.status} />;
  if (loaded.status !== "valid") return <InvalidLink status={loaded.status} />;
  return (
    <>
      <h1>{t("auth.verify.title")}</h1>
      <p>{t("auth.verify.body", { email: loaded.email })}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="token" value={loaded.token} />
        <button type="submit" className="button">
          {t("auth.verify.submit")}
        </button>
      </Form>
    </>
  );
}
