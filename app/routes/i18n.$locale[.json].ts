// GET /i18n/<locale>.json?v=<version> — one language's dictionary for the browser, fetched once
// before hydration and then cached: with the current version in the URL it never changes.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { dictionaries, dictionaryVersion } from "~/i18n/catalog.server";
import { isLocale } from "~/i18n/locales";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = params.locale;
  if (!isLocale(locale)) throw new Response("Not Found", { status: 404 });
  const current = new URL(request.url).searchParams.get("v") === dictionaryVersion;
  return Response.json(dictionaries[locale], {
    headers: {
      "Cache-Control": current ? "public, max-age=31536000, immutable" : "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
