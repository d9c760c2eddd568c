// POST /session/keep-alive: the idle-timeout warning's "Stay signed in". Reading the session
// through getUser refreshes its last-seen time (the warning comes long after the last refresh);
// a session that has already ended answers 401, so the page can say so instead of following a
// redirect to the sign-in page. No loader: a GET is not a way to extend a session.
import { data, type ActionFunctionArgs } from "@remix-run/node";
import { getUser, idleTimeoutFor } from "~/services/session.server";

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return data({ ok: false }, { status: 405 });
  const user = await getUser(request);
  if (!user) return data({ ok: false }, { status: 401, headers: { "Cache-Control": "no-store" } });
  return data(
    { ok: true, idleTimeoutMs: idleTimeoutFor(user.role) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
