// /admin/webhooks: administrators register webhook endpoints (issue 17 item 3) and see each one's
// state. The signing secret of a new endpoint is shown once, in the answer to the POST that made
// it (never stored readable, never in a URL). docs/webhooks.md describes what is sent.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Choices, ErrorSummary, Select, TextField } from "~/components/form";
import { actorFrom } from "~/domain/command";
import { WEBHOOK_EVENTS } from "~/domain/webhooks";
import type { MessageKey } from "~/i18n";
import { requireRole } from "~/models/access.server";
import { createEndpoint, listEndpoints, listPossibleOwners } from "~/models/webhooks.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useT } from "~/utils/use-t";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "Webhooks" });

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, ["admin"]);
  const db = getDb();
  const [endpoints, owners] = await Promise.all([listEndpoints(db), listPossibleOwners(db)]);
  return data({ endpoints, owners, meId: me.id });
}

interface Values {
  url: string;
  description: string;
  events: string[];
  ownerId: string;
}

type ActionData =
  | { errors: FieldErrors; values: Values; created?: undefined }
  | { errors?: undefined; created: { id: number; secret: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["admin"]);
  const form = await readForm(request);
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v.trim() : "";
  };
  const values: Values = {
    url: text("url"),
    description: text("description"),
    events: form.getAll("events").filter((v): v is string => typeof v === "string"),
    ownerId: text("ownerId"),
  };
  const ownerId = /^\d+$/.test(values.ownerId) ? Number(values.ownerId) : null;
  const created = await createEndpoint(getDb(), actorFrom(user, context), {
    ...values,
    ownerId,
  });
  if (!created.ok)
    return data<ActionData>({ errors: created.errors, values }, { status: created.status });
  return data<ActionData>({ created: { id: created.id, secret: created.secret } });
}

function eventLabel(t: ReturnType<typeof useT>, event: string): string {
  return t(`webhooks.event.${event}` as MessageKey);
}

export default function Webhooks() {
  const { endpoints, owners, meId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const errors = actionData?.errors ?? {};
  const values = actionData?.errors ? actionData.values : undefined;
  const created = actionData?.created;
  return (
    <>
      <p>
        <Link to="/admin">{t("nav.admin")}</Link>
      </p>
      <ErrorSummary errors={actionData?.errors} />
      {created ? (
        <div className="notice notice--success" role="status">
          <p>{t("webhooks.created")}</p>
          <h2>{t("webhooks.secret.heading")}</h2>
          <p>
            <code data-testid="webhook-secret">{created.secret}</code>
          </p>
          <p>{t("webhooks.secret.once")}</p>
          <p>
            <Link to={`/admin/webhooks/${created.id}`}>
              {t("webhooks.endpoint.heading", { id: created.id })}
            </Link>
          </p>
        </div>
      ) : null}
      <h1>{t("webhooks.title")}</h1>
      <p>{t("webhooks.intro")}</p>
      {endpoints.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("webhooks.col.url")}</th>
              <th scope="col">{t("webhooks.col.events")}</th>
              <th scope="col">{t("webhooks.col.owner")}</th>
              <th scope="col">{t("webhooks.col.status")}</th>
              <th scope="col">{t("webhooks.col.deliveries")}</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={`/admin/webhooks/${e.id}`}>{e.url}</Link>
                  {e.description ? <div>{e.description}</div> : null}
                </td>
                <td>{e.events.map((ev) => eventLabel(t, ev)).join(", ")}</td>
                <td>{e.owner_email}</td>
                <td>
                  {t(e.status === "paused" ? "webhooks.status.paused" : "webhooks.status.active")}
                </td>
                <td>
                  {e.delivered} / {e.pending} / {e.failed}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("webhooks.none")}</p>
      )}
      <h2>{t("webhooks.register")}</h2>
      <Form method="post" noValidate>
        <TextField
          name="url"
          type="url"
          label={t("webhooks.field.url")}
          hint={t("webhooks.field.urlHint")}
          error={errors.url}
          defaultValue={values?.url}
          spellCheck={false}
        />
        <TextField
          name="description"
          label={t("webhooks.field.description")}
          hint={t("webhooks.field.descriptionHint")}
          error={errors.description}
          defaultValue={values?.description}
          optional
        />
        <Choices
          name="events"
          multiple
          label={t("webhooks.field.events")}
          error={errors.events}
          defaultValue={values?.events}
          options={WEBHOOK_EVENTS.map((e) => ({ value: e, label: `${eventLabel(t, e)} (${e})` }))}
        />
        <Select
          name="ownerId"
          label={t("webhooks.field.owner")}
          hint={t("webhooks.field.ownerHint")}
          error={errors.ownerId}
          defaultValue={values?.ownerId ?? String(meId)}
          options={owners.map((o) => ({
            value: String(o.id),
            label: `${o.display_name} (${o.email})`,
          }))}
        />
        <button type="submit" className="button">
          {t("webhooks.submit")}
        </button>
      </Form>
    </>
  );
}
