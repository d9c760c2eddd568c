import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { Role } from "~db/schema";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
// Issue 15 (i15b): the officials' home lists each call's board with its counts.
import { CallBoards } from "~/components/call-boards";
import { listCallBoards } from "~/models/official-home.server";
import { getDb } from "~/services/db.server";

// The staff administration hub (officials and admins). English only, like every staff page.
// To add your page: append an entry below, with the roles that may open it (the page itself must
// still check the role on the server). List only pages that exist.
interface AdminLink {
  href: string;
  title: string;
  description: string;
  roles: readonly Role[];
}

const ADMIN_LINKS: readonly AdminLink[] = [
  {
    href: "/admin/calls",
    title: "Calls",
    description:
      "Create and edit calls, open, close, decide and archive them; write, weight and publish their criteria.",
    roles: ["official", "admin"],
  },
  {
    href: "/admin/exchange-rates",
    title: "Exchange rates",
    description:
      "Record dated US-dollar rates for Pakistani rupees and Chinese yuan, with their source; the board ranks investments in US dollars.",
    roles: ["official", "admin"],
  },
  {
    href: "/admin/users",
    title: "Users and staff",
    description:
      "Invite reviewers, officials and administrators; change a staff member's role; disable or re-enable accounts.",
    roles: ["admin"],
  },
  {
    href: "/admin/outbox",
    title: "Mail outbox",
    description:
      "Every email the portal has written: confirmation links, password resets, invitations. Without a mail server this is where they are read.",
    roles: ["admin"],
  },
  {
    href: "/admin/webhooks",
    title: "Webhooks",
    description:
      "Register the endpoints of systems that are told of submissions, reviews, decisions and calls as they happen; see every delivery and its answer; resume a paused endpoint.",
    roles: ["admin"],
  },
  {
    href: "/review/reminders",
    title: "Reminders sent to you",
    description:
      "The e-mails the portal sent you about overdue reviews in your calls. Every reminder to every reviewer is in the mail outbox.",
    roles: ["official", "admin"],
  },
  {
    href: "/admin/audit",
    title: "Audit log",
    description:
      "Every change and every export, newest first: filter by person, action, proposal and date, and download the entries as CSV.",
    roles: ["official", "admin"],
  },
];

export const meta: MetaFunction = () => [
  { title: "Administration – CDA Investment Proposal Portal" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  return data({
    name: user.display_name,
    boards: await listCallBoards(getDb(), user.id),
    links: ADMIN_LINKS.filter((l) => l.roles.includes(user.role)).map(
      ({ href, title, description }) => ({ href, title, description }),
    ),
  });
}

export default function AdminHub() {
  const { name, links, boards } = useLoaderData<typeof loader>();
  return (
    <div lang="en">
      <h1>Administration</h1>
      <p className="lead">Signed in as {name}.</p>
      {/* Issue 15 (i15b): the boards first, the officials' daily work. */}
      <CallBoards boards={boards} />
      <h2 className="h2">Administration tasks</h2>
      {links.length ? (
        <ul className="card-list">
          {links.map((l) => (
            <li key={l.href} className="card">
              <h3 className="h3">
                <a href={l.href}>{l.title}</a>
              </h3>
              <p>{l.description}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p>There is nothing to administer with your role yet.</p>
      )}
    </div>
  );
}
