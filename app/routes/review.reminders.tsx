import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { REMINDER_HOURS_BEFORE } from "~/domain/reminders";
import { REMINDER_TEMPLATES } from "~/models/reminders.server";
import { getDb } from "~/services/db.server";
import { listMailTo } from "~/services/mail.server";
import { requireRole } from "~/models/access.server";
import { STAFF_ROLES } from "~/services/session.server";
import { useT } from "~/utils/use-t";

// The reminders the portal has sent to the signed-in staff member (issue 15): a reviewer's due
// and overdue reviews, an official's daily digest of a call's overdue reviews. Administrators read
// every message, reminders included, in the outbox (/admin/outbox).

export const meta: MetaFunction = () => [
  { title: "Reminders sent to you – CDA Investment Proposal Portal" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  const rows = await listMailTo(db, user.id, REMINDER_TEMPLATES);
  return data({
    reminders: rows.map((r) => ({
      id: r.id,
      subject: r.subject,
      text: r.text_body,
      status: r.status,
      createdAt: r.created_at,
    })),
  });
}

const STATUS_TAG = { stored: "tag--grey", sent: "tag--green", failed: "tag--red" } as const;

export default function Reminders() {
  const { reminders } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <a href="/review">{t("common.back")}</a>
      </p>
      <h1 className="h1">{t("reminders.title")}</h1>
      <p>{t("reminders.intro", { days: REMINDER_HOURS_BEFORE / 24 })}</p>
      {reminders.length === 0 ? (
        <p>{t("reminders.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="reminders-table">
            <caption className="visually-hidden">{t("reminders.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reminders.col.date")}</th>
                <th scope="col">{t("reminders.col.subject")}</th>
                <th scope="col">{t("reminders.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {reminders.map((r) => (
                <tr key={r.id}>
                  <td>
                    <DateTime iso={r.createdAt} />
                  </td>
                  <td>
                    <details>
                      <summary>{r.subject}</summary>
                      <pre className="mail-text">{r.text}</pre>
                    </details>
                  </td>
                  <td>
                    <span className={`tag ${STATUS_TAG[r.status]}`}>
                      {t(`reminders.status.${r.status}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
