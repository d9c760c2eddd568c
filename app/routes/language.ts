import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale, localeChoiceCookies, type Locale } from "~/i18n/locales";
import { setPreferredLanguage } from "~/models/users.server";
import { readForm } from "~/services/form-body.server";
import { getDb } from "~/services/db.server";
import { getUser, sanitizeReturnTo } from "~/services/session.server";

function chosen(locale: Locale, returnTo: string, status = 302) {
  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const cookie of localeChoiceCookies(locale)) headers.append("Set-Cookie", cookie);
  return redirect(returnTo, { status, headers });
}

/**
 * A link to the language switch (bookmarks, tests): remembers the choice for a year in a cookie
 * and returns to the page it came from. The choice wins at the next sign-in (i18n/locales.ts).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const lang = url.searchParams.get("lang");
  const returnTo = sanitizeReturnTo(url.searchParams.get("returnTo")) ?? "/";
  if (!isLocale(lang)) return redirect(returnTo);
  return chosen(lang, returnTo);
}

/**
 * The language switch in the header (a form: works without JavaScript): the cookie as above and,
 * for a signed-in person, the account's stored preference, so mail and the next sign-in follow
 * the language just chosen (issue 14, point 6).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const lang = form.get("lang");
  const returnTo = sanitizeReturnTo(form.get("returnTo")) ?? "/";
  if (!isLocale(lang)) return redirect(returnTo, { status: 303 });
  const db = getDb();
  const user = await getUser(request, db);
  if (user) {
    await setPreferredLanguage(db, user.id, lang, {
      actorId: user.id,
      actorEmail: user.email,
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
    });
  }
  return chosen(lang, returnTo, 303);
}
