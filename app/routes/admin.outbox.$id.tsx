import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { getDb } from "~/services/db.server";
import { absoluteUrl, getOutboxMessage } from "~/services/mail.server";
import { requireRole } from "~/models/access.server";
import { formatDateTime } from "~/utils/dates";

// Admins only: one stored message as its recipient would read it. Links to this portal are
// clickable (that is how the demo follows a confirmation or invitation link).

export const meta: MetaFunction = () => [
  { title: "Mail message – CDA Investment Proposal Portal" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  await requireRole(request, ["admin"], db);
  const id = Number(params.id);
  const message = Number.isInteger(id) && id > 0 ? await getOutboxMessage(db, id) : undefined;
  if (!message) throw new Response("Not Found", { status: 404 });
  return data({ message, origin: new URL(absoluteUrl(request, "/")).origin });
}

/** Splits the text into strings and links; only links to the portal itself become <a>. */
function linkify(text: string, origin: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /https?:\/\/[^\s<>"]+/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const url = m[0];
    let own = false;
    try {
      own = new URL(url).origin === origin;
    } catch {
      own = false;
    }
    if (!own) continue;
    out.push(text.slice(last, m.index));
    out.push(
      <a key={m.index} href={url}>
        {url}
      </a>,
    );
    last = m.index + url.length;
  }
  out.push(text.slice(last));
  return out;
}

export default function OutboxMessage() {
  const { message, origin } = useLoaderData<typeof loader>();
  return (
    <div lang="en">
      <p>
        <a href="/admin/outbox">Mail outbox</a>
      </p>
      <h1>{message.subject}</h1>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>To</dt>
          <dd>{message.to_address}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Date</dt>
          <dd>{formatDateTime(message.created_at, "en")}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Template</dt>
          <dd>
            {message.template} ({message.locale})
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Status</dt>
          <dd>
            {message.status}
            {message.sent_at ? `, sent ${formatDateTime(message.sent_at, "en")}` : ""}
            {message.error ? ` (${message.error})` : ""}
          </dd>
        </div>
      </dl>
      <pre className="mail" lang={message.locale}>
        {linkify(message.text_body, origin)}
      </pre>
    </div>
  );
}
