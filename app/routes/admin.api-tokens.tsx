// /admin/api-tokens: administrators issue read-only API tokens per integration (a name, the
// account it acts for, the resources and calls it may read, an expiry), see each token once, list
// and revoke them (issue 17, docs/decisions/0021). Staff page: English.
import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Choices, ErrorSummary, TextField } from "~/components/form";
import { SCOPES_BY_ROLE, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "~/domain/api";
import { actorFrom } from "~/domain/command";
import { requireRole } from "~/models/access.server";
import { listApiTokens, submitTokenForm } from "~/models/api-tokens.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { formatDateTime } from "~/utils/dates";
import { formDataToObject, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "API tokens" });
// The one answer that carries a secret must never be kept by a cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ["admin"]);
  const db = getDb();
  const calls = await db.selectFrom("calls").select(["slug", "title_en"]).orderBy("id").execute();
  return data({ tokens: await listApiTokens(db, { all: true }), calls });
}

type ActionData =
  | { issued: { name: string; secret: string } }
  | { revoked: true }
  | { errors: FieldErrors; values: Record<string, unknown> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["admin"]);
  const form = await readForm(request);
  const actor = actorFrom(user, context);
  const result = await submitTokenForm(getDb(), actor, formDataToObject(form));
  if (!result.ok)
    return data<ActionData>(
      { errors: result.errors, values: result.values },
      { status: result.status },
    );
  return data<ActionData>("revoked" in result ? { revoked: true } : { issued: result.issued });
}

const SCOPE_LABELS: Record<string, string> = {
  calls: "Calls",
  criteria: "Published criteria",
  ranking: "Rankings (as the board shows them)",
  proposals: "Proposal summaries and status",
  "own-proposals": "Own proposals",
};

export default function ApiTokens() {
  const { tokens, calls } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const errors = result && "errors" in result ? result.errors : {};
  const values = result && "values" in result ? result.values : {};
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const list = (k: string) =>
    Array.isArray(values[k]) ? (values[k] as string[]) : str(k) ? [str(k)!] : undefined;
  return (
    <>
      <p>
        <Link to="/admin">Administration</Link>
      </p>
      <ErrorSummary errors={result && "errors" in result ? result.errors : undefined} />
      {result && "issued" in result ? (
        <div className="notice notice--success" role="status">
          <h2>Token “{result.issued.name}” issued</h2>
          <p>
            Copy it now: it is shown only this once. The portal keeps only its SHA-256 fingerprint.
          </p>
          <p>
            <code className="token-secret">{result.issued.secret}</code>
          </p>
        </div>
      ) : null}
      {result && "revoked" in result ? (
        <div className="notice notice--success" role="status">
          The token was revoked.
        </div>
      ) : null}
      <h1>API tokens</h1>
      <p>
        Tokens let other systems read the portal through its read-only API (
        <Link to="/api">documentation</Link>, <a href="/api/openapi.json">OpenAPI document</a>). A
        token acts for one account: it reads what that account&apos;s role may read, never what the
        account&apos;s declared conflicts wall off, and only the resources and calls given here.
        Every use is audited (one audit row per token per minute).
      </p>

      <h2>Issue a token</h2>
      <Form method="post" noValidate>
        <TextField
          name="name"
          label="Name"
          hint="The integration that will use it, for example: Foreign Office MoU tracker."
          error={errors.name}
          defaultValue={str("name")}
        />
        <TextField
          name="actsFor"
          label="Acts for (e-mail of an official or administrator account)"
          hint="Leave empty for your own account. An integration's own staff account keeps its conflicts separate from yours."
          optional
          error={errors.actsFor}
          defaultValue={str("actsFor")}
          type="email"
        />
        <Choices
          name="scopes"
          label="May read"
          multiple
          error={errors.scopes}
          defaultValue={list("scopes")}
          options={SCOPES_BY_ROLE.official.map((s) => ({ value: s, label: SCOPE_LABELS[s]! }))}
        />
        <Choices
          name="calls"
          label="Calls"
          hint="None selected: every call."
          optional
          multiple
          error={errors.calls}
          defaultValue={list("calls")}
          options={calls.map((c) => ({ value: c.slug, label: c.title_en }))}
        />
        <TextField
          name="expiresInDays"
          label="Valid for (days)"
          hint={`From 1 to ${TOKEN_MAX_DAYS}.`}
          error={errors.expiresInDays}
          defaultValue={str("expiresInDays") ?? String(TOKEN_DEFAULT_DAYS)}
          inputMode="numeric"
          className="input--short"
        />
        <button type="submit" className="button" name="intent" value="issue">
          Issue the token
        </button>
      </Form>

      <h2>Tokens</h2>
      {tokens.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Every API token, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Acts for</th>
                <th scope="col">Reads</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.hint}…</code>
                  </td>
                  <td>{t.userEmail}</td>
                  <td>
                    {t.scopes.join(", ")}
                    {t.calls ? ` (calls: ${t.calls.join(", ")})` : " (every call)"}
                  </td>
                  <td>{formatDateTime(t.expiresAt, "en")}</td>
                  <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt, "en") : "Never"}</td>
                  <td>{t.state}</td>
                  <td>
                    {t.state === "revoked" ? null : (
                      <Form method="post">
                        <input type="hidden" name="id" value={t.id} />
                        <button
                          type="submit"
                          className="button button--secondary"
                          name="intent"
                          value="revoke"
                        >
                          Revoke<span className="visually-hidden"> {t.name}</span>
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
        <p>No token has been issued yet.</p>
      )}
    </>
  );
}
