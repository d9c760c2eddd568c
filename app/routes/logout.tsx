import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/models/users.server";
import { getDb } from "~/services/db.server";
import { getUser } from "~/services/session.server";

// Signing out is a POST (the "Sign out" button in the header). A GET changes nothing and goes home.

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const user = await getUser(request, db);
  const setCookie = await signOut(db, request, user, {
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  });
  return redirect("/", { headers: { "Set-Cookie": setCookie } });
}
