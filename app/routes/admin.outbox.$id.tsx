import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { getDb } from "~/services/db.server";
import { REDACTED } from "~/services/mail-templates";
import { getOutboxMessage, takeLiveText } from "~/services/mail.server";
import { publicUrl } from "~/services/env.server";
import { requireRole } from "~/models/access.server";
import { formatDateTime } from "~/utils/dates";

// Admins only: one stored message as its recipient would read it. Links to this portal are
// clickable (that is how the demo follows a confirmation or invitation link). One-time links are
// stored redacted; without SMTP their live text is shown here once, unsealed from the database
// and deleted as it is read (app/services/mail.server.ts, docs/decisions/0009).

export const meta: MetaFunction = () => [
  { title: "Mail message – CDA Investment Proposal Portal" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  await requireRole(request, ["admin"], db);
  const id = Number(params.id);
  const message = Number.isSafeInteger(id) && id > 0 ? await getOutboxMessage(db, id) : undefined;
  if (!message) throw new Response("Not Found", { status: 404 });
  const live = await takeLiveText(db, message);
  return data(
    {
      message: { ...message, text_body: live ?? message.text_body },
      shownOnce: live !== null,
      redacted: live === null && message.text_body.includes(REDACTED),
      origin: new URL(publicUrl("/")).origin,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
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
    // A redacted one-time link leads nowhere: it stays text.
    if (!own || url.includes(REDACTED)) continue;
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
  const { message, origin, shownOnce, redacted } = useLoaderData<typeof loader>();
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
      {shownOnce ? (
        <div className="notice" role="status">
          <p>
            This message holds a one-time link. It is shown this once: the outbox keeps the message
            with the link removed, so copy or follow it now.
          </p>
        </div>
      ) : null}
      {redacted ? (
        <div className="notice" role="status">
          <p>
            The one-time link of this message was removed ({REDACTED}) once it was delivered: by the
            mail server, or shown here once. Whoever needs it asks for a new one (“resend the
            confirmation link”, “forgot password”, or a new invitation).
          </p>
        </div>
      ) : null}
      <pre className="mail" lang={message.locale}>
        {linkify(message.text_body, origin)}
      </pre>
    </div>
  );
}
