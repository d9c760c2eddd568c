// /admin/webhooks/:id: one webhook endpoint (issue 17 item 3): its state, its latest deliveries
// with every attempt (HTTP status, or why there was none, and the start of the answer), and what
// an administrator may do: resume a paused endpoint, send a given-up delivery again, make a new
// signing secret (shown once, in the answer to that POST).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorSummary } from "~/components/form";
import { actorFrom, refusal } from "~/domain/command";
import type { MessageKey } from "~/i18n";
import { requireRole } from "~/models/access.server";
import {
  getEndpoint,
  listDeliveries,
  redeliver,
  resumeEndpoint,
  rotateEndpointSecret,
} from "~/models/webhooks.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { formatDateTime } from "~/utils/dates";
import { type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { useLocale, useT } from "~/utils/use-t";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "Webhook endpoint" });

function endpointId(params: { id?: string }): number {
  if (!params.id || !/^\d{1,9}$/.test(params.id)) throw new Response("Not found", { status: 404 });
  return Number(params.id);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ["admin"]);
  const id = endpointId(params);
  const db = getDb();
  const endpoint = await getEndpoint(db, id);
  if (!endpoint) throw new Response("Not found", { status: 404 });
  return data({ endpoint, deliveries: await listDeliveries(db, id) });
}

type ActionData =
  { errors: FieldErrors; secret?: undefined } | { secret: string; errors?: undefined };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["admin"]);
  const id = endpointId(params);
  const form = await readForm(request);
  const intent = form.get("intent");
  const actor = actorFrom(user, context);
  const db = getDb();
  if (intent === "resume") {
    const r = await resumeEndpoint(db, actor, id);
    if (!r.ok) return data<ActionData>({ errors: r.errors }, { status: r.status });
    return redirect(`/admin/webhooks/${id}?resumed=${r.pending}`);
  }
  if (intent === "redeliver") {
    const deliveryId = Number(form.get("deliveryId"));
    const r = Number.isSafeInteger(deliveryId)
      ? await redeliver(db, actor, id, deliveryId)
      : refusal(400, "webhooks.error.notRedeliverable");
    if (!r.ok) return data<ActionData>({ errors: r.errors }, { status: r.status });
    return redirect(`/admin/webhooks/${id}?redelivered=1`);
  }
  if (intent === "rotate") {
    const r = await rotateEndpointSecret(db, actor, id);
    if (!r.ok) return data<ActionData>({ errors: r.errors }, { status: r.status });
    return data<ActionData>({ secret: r.secret });
  }
  const refused = refusal(400, "webhooks.error.intent");
  return data<ActionData>({ errors: refused.errors }, { status: refused.status });
}

export default function WebhookEndpoint() {
  const { endpoint, deliveries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const when = (iso: string) => formatDateTime(iso, locale);
  const resumed = search.get("resumed");
  return (
    <>
      <p>
        <Link to="/admin/webhooks">{t("webhooks.back")}</Link>
      </p>
      <ErrorSummary errors={actionData?.errors} />
      {actionData?.secret ? (
        <div className="notice notice--success" role="status">
          <h2>{t("webhooks.secret.heading")}</h2>
          <p>
            <code data-testid="webhook-secret">{actionData.secret}</code>
          </p>
          <p>{t("webhooks.secret.once")}</p>
        </div>
      ) : null}
      {resumed && !actionData ? (
        <div className="notice notice--success" role="status">
          {t("webhooks.resumed", { count: resumed })}
        </div>
      ) : null}
      {search.get("redelivered") && !actionData ? (
        <div className="notice notice--success" role="status">
          {t("webhooks.redelivered")}
        </div>
      ) : null}
      <h1>{t("webhooks.endpoint.heading", { id: endpoint.id })}</h1>
      <dl className="summary-list">
        <div>
          <dt>{t("webhooks.col.url")}</dt>
          <dd>{endpoint.url}</dd>
        </div>
        {endpoint.description ? (
          <div>
            <dt>{t("webhooks.field.description")}</dt>
            <dd>{endpoint.description}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("webhooks.col.events")}</dt>
          <dd>
            {endpoint.events
              .map((e) => `${t(`webhooks.event.${e}` as MessageKey)} (${e})`)
              .join(", ")}
          </dd>
        </div>
        <div>
          <dt>{t("webhooks.col.owner")}</dt>
          <dd>{endpoint.owner_email}</dd>
        </div>
        <div>
          <dt>{t("webhooks.col.status")}</dt>
          <dd>
            {endpoint.status === "paused"
              ? t("webhooks.endpoint.pausedSince", {
                  at: endpoint.paused_at ? when(endpoint.paused_at) : "",
                  reason: t(
                    endpoint.paused_reason === "expired"
                      ? "webhooks.reason.expired"
                      : "webhooks.reason.failures",
                  ),
                })
              : t("webhooks.status.active")}{" "}
            {t("webhooks.endpoint.failures", { count: endpoint.consecutive_failures })}
          </dd>
        </div>
      </dl>
      {endpoint.status === "paused" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="resume" />
          <button type="submit" className="button">
            {t("webhooks.resume")}
          </button>
        </Form>
      ) : null}
      <Form method="post">
        <input type="hidden" name="intent" value="rotate" />
        <p>{t("webhooks.rotateHint")}</p>
        <button type="submit" className="button button--secondary">
          {t("webhooks.rotate")}
        </button>
      </Form>
      <h2>{t("webhooks.deliveries.heading")}</h2>
      {deliveries.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("webhooks.delivery.event")}</th>
              <th scope="col">{t("webhooks.delivery.created")}</th>
              <th scope="col">{t("webhooks.delivery.status")}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td>
                  {d.event_type}
                  <div>
                    {t("webhooks.delivery.id")}: <code>{d.uuid}</code>
                  </div>
                </td>
                <td>{when(d.created_at)}</td>
                <td>
                  {d.status === "delivered"
                    ? t("webhooks.delivery.delivered", {
                        at: d.delivered_at ? when(d.delivered_at) : "",
                      })
                    : d.status === "failed"
                      ? t("webhooks.delivery.failed")
                      : `${t("webhooks.delivery.pending")} · ${t("webhooks.delivery.next", { at: when(d.next_attempt_at) })}`}
                  {d.attemptList.length ? (
                    <ol>
                      {d.attemptList.map((a) => (
                        <li key={a.attempt}>
                          {t("webhooks.attempt", {
                            n: a.attempt,
                            at: when(a.started_at),
                            ms: a.duration_ms,
                          })}
                          {": "}
                          {a.status_code !== null
                            ? t("webhooks.attempt.status", { status: a.status_code })
                            : t("webhooks.attempt.error", { error: a.error ?? "" })}
                          {a.response_excerpt ? (
                            <details>
                              <summary>{t("webhooks.attempt.response")}</summary>
                              <pre>{a.response_excerpt}</pre>
                            </details>
                          ) : null}
                        </li>
                      ))}
                    </ol>
                  ) : null}
                  {d.status === "failed" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="redeliver" />
                      <input type="hidden" name="deliveryId" value={d.id} />
                      <button type="submit" className="button button--secondary">
                        {t("webhooks.redeliver")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("webhooks.deliveries.none")}</p>
      )}
    </>
  );
}
