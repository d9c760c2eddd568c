import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "~/services/db.server";
import { countOutbox, listOutbox } from "~/services/mail.server";
import { requireRole } from "~/models/access.server";
import { formatDateTime } from "~/utils/dates";

// Admins only: every message the portal wrote, newest first. Without SMTP_URL this is where
// confirmation links, reset links and invitations are read (the demo works without a mail server).

const PAGE_SIZE = 50;

export const meta: MetaFunction = () => [{ title: "Mail outbox – CDA Investment Proposal Portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  await requireRole(request, ["admin"], db);
  const pageParam = Number(new URL(request.url).searchParams.get("page") ?? "1");
  // Bounded: "1e308" is an integer to JavaScript, and an offset SQLite refuses.
  const page =
    Number.isSafeInteger(pageParam) && pageParam > 0 && pageParam <= 1_000_000 ? pageParam : 1;
  const [messages, total] = await Promise.all([
    listOutbox(db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    countOutbox(db),
  ]);
  return data({ messages, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) });
}

const STATUS_TAG = { stored: "tag--grey", sent: "tag--green", failed: "tag--red" } as const;

export default function Outbox() {
  const { messages, total, page, pages } = useLoaderData<typeof loader>();
  return (
    <div lang="en">
      <p>
        <a href="/admin">Administration</a>
      </p>
      <h1>Mail outbox</h1>
      <p>
        Status “stored” means no mail server is configured (SMTP_URL): the message was kept here
        only. Open a message to read it and follow its links. One-time links (confirmation, password
        reset, invitation) are kept with their secret removed: a message holding one shows it live
        once, the first time it is opened after it was written, and never after a restart.
      </p>
      {messages.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>
              {total} {total === 1 ? "message" : "messages"}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Template</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.created_at, "en")}</td>
                  <td>{m.to_address}</td>
                  <td>
                    <a href={`/admin/outbox/${m.id}`}>{m.subject}</a>
                  </td>
                  <td>
                    {m.template} ({m.locale})
                  </td>
                  <td>
                    <span className={`tag ${STATUS_TAG[m.status]}`}>{m.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="pagination">
          {page > 1 ? <a href={`/admin/outbox?page=${page - 1}`}>Newer messages</a> : null}{" "}
          <span>
            Page {page} of {pages}
          </span>{" "}
          {page < pages ? <a href={`/admin/outbox?page=${page + 1}`}>Older messages</a> : null}
        </nav>
      ) : null}
    </div>
  );
}
