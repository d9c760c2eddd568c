import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale, LOCALE_COOKIE } from "~/i18n/locales";
import { sanitizeReturnTo } from "~/services/session.server";

/**
 * The language switch: a plain link (works without JavaScript) that remembers the choice for a
 * year in a cookie and returns to the page it came from.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const lang = url.searchParams.get("lang");
  const returnTo = sanitizeReturnTo(url.searchParams.get("returnTo")) ?? "/";
  if (!isLocale(lang)) return redirect(returnTo);
  return redirect(returnTo, {
    headers: {
      "Set-Cookie": `${LOCALE_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`,
      "Cache-Control": "no-store",
    },
  });
}
