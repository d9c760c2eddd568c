// /account/api-tokens: an applicant's personal API tokens — their own software reads the calls,
// the published criteria and their own proposals' status (issue 17, docs/decisions/0021). The
// secret is shown once; tokens can be revoked here. English and Chinese.
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Choices, ErrorSummary, TextField } from "~/components/form";
import type { MessageKey } from "~/i18n";
import { SCOPES_BY_ROLE, TOKEN_DEFAULT_DAYS } from "~/domain/api";
import { actorFrom } from "~/domain/command";
import { requireRole } from "~/models/access.server";
import { listApiTokens, submitTokenForm } from "~/models/api-tokens.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { formatDateTime } from "~/utils/dates";
import { formDataToObject, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useLocale, useT } from "~/utils/use-t";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "api.account.title");
// The one answer that carries a secret must never be kept by a cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  return data({ tokens: await listApiTokens(getDb(), { userId: user.id }) });
}

type ActionData =
  | { issued: { secret: string } }
  | { revoked: true }
  | { errors: FieldErrors; values: Record<string, unknown> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const form = await readForm(request);
  const actor = actorFrom(user, context);
  const result = await submitTokenForm(getDb(), actor, { ...formDataToObject(form), actsFor: "" });
  if (!result.ok)
    return data<ActionData>(
      { errors: result.errors, values: result.values },
      { status: result.status },
    );
  return data<ActionData>(
    "revoked" in result ? { revoked: true } : { issued: { secret: result.issued.secret } },
  );
}

export default function AccountApiTokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const locale = useLocale();
  const errors = result && "errors" in result ? result.errors : {};
  const values = result && "values" in result ? result.values : {};
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const scopes = Array.isArray(values.scopes)
    ? (values.scopes as string[])
    : str("scopes")
      ? [str("scopes")!]
      : undefined;
  const scopeLabel = (s: string) => t(`api.account.scope.${s}` as MessageKey);
  return (
    <>
      <ErrorSummary errors={result && "errors" in result ? result.errors : undefined} />
      {result && "issued" in result ? (
        <div className="notice notice--success" role="status">
          <h2>{t("api.account.secretTitle")}</h2>
          <p>{t("api.account.secretOnce")}</p>
          <p>
            <code className="token-secret">{result.issued.secret}</code>
          </p>
        </div>
      ) : null}
      {result && "revoked" in result ? (
        <div className="notice notice--success" role="status">
          {t("api.account.revoked")}
        </div>
      ) : null}
      <h1>{t("api.account.title")}</h1>
      <p>{t("api.account.intro")}</p>
      <p>
        <Link to="/api">{t("api.account.docs")}</Link>
      </p>
      <Form method="post" noValidate>
        <TextField
          name="name"
          label={t("api.account.name")}
          hint={t("api.account.nameHint")}
          error={errors.name}
          defaultValue={str("name")}
        />
        <Choices
          name="scopes"
          label={t("api.account.scopes")}
          multiple
          error={errors.scopes}
          defaultValue={scopes}
          options={SCOPES_BY_ROLE.applicant.map((s) => ({ value: s, label: scopeLabel(s) }))}
        />
        <TextField
          name="expiresInDays"
          label={t("api.account.days")}
          error={errors.expiresInDays}
          defaultValue={str("expiresInDays") ?? String(TOKEN_DEFAULT_DAYS)}
          inputMode="numeric"
          className="input--short"
        />
        <button type="submit" className="button" name="intent" value="issue">
          {t("api.account.issue")}
        </button>
      </Form>
      <h2>{t("api.account.existing")}</h2>
      {tokens.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("api.account.col.name")}</th>
                <th scope="col">{t("api.account.col.token")}</th>
                <th scope="col">{t("api.account.col.scopes")}</th>
                <th scope="col">{t("api.account.col.expires")}</th>
                <th scope="col">{t("api.account.col.lastUsed")}</th>
                <th scope="col">{t("api.account.col.state")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("api.account.revoke")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tok) => (
                <tr key={tok.id}>
                  <td>{tok.name}</td>
                  <td>
                    <code>{tok.hint}…</code>
                  </td>
                  <td>{tok.scopes.map(scopeLabel).join(locale === "zh-Hans" ? "、" : ", ")}</td>
                  <td>{formatDateTime(tok.expiresAt, locale)}</td>
                  <td>
                    {tok.lastUsedAt
                      ? formatDateTime(tok.lastUsedAt, locale)
                      : t("api.account.never")}
                  </td>
                  <td>{t(`api.account.state.${tok.state}` as MessageKey)}</td>
                  <td>
                    {tok.state === "revoked" ? null : (
                      <Form method="post">
                        <input type="hidden" name="id" value={tok.id} />
                        <button
                          type="submit"
                          className="button button--secondary"
                          name="intent"
                          value="revoke"
                        >
                          {t("api.account.revoke")}
                          <span className="visually-hidden"> {tok.name}</span>
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("api.account.none")}</p>
      )}
    </>
  );
}
