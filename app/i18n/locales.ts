export const LOCALES = ["en", "zh-Hans"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALE_COOKIE = "lang";
/**
 * Set with the language cookie by the language switch and cleared at sign-in: the language in the
 * cookie was chosen on this browser since the last sign-in, so it wins over the account's stored
 * preference (and replaces it) instead of being replaced by it (issue 14, point 6).
 */
export const LOCALE_CHOSEN_COOKIE = "lang_chosen";

/** The Set-Cookie values of a language choice: the language for a year, "just chosen" until sign-in. */
export function localeChoiceCookies(locale: Locale): string[] {
  return [
    `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax`,
    `${LOCALE_CHOSEN_COOKIE}=1; Path=/; SameSite=Lax`,
  ];
}

/** The language chosen on this browser since the last sign-in, if any. */
export function chosenLocale(request: Request): Locale | null {
  const cookie = request.headers.get("Cookie") ?? "";
  if (!/(?:^|;\s*)lang_chosen=1(?:;|$)/.test(cookie)) return null;
  const match = cookie.match(/(?:^|;\s*)lang=([^;]+)/);
  const value = match?.[1] ? decodeURIComponent(match[1]) : null;
  return isLocale(value) ? value : null;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Picks the first supported language from an Accept-Language header (any zh → zh-Hans). */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag === "en" || tag.startsWith("en-")) return "en";
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-Hans";
  }
  return DEFAULT_LOCALE;
}

/** Reads the language cookie, falling back to Accept-Language on a first visit. */
export function localeFromRequest(request: Request): Locale {
  const cookie = request.headers.get("Cookie") ?? "";
  const match = cookie.match(/(?:^|;\s*)lang=([^;]+)/);
  const fromCookie = match?.[1] ? decodeURIComponent(match[1]) : null;
  if (isLocale(fromCookie)) return fromCookie;
  return localeFromAcceptLanguage(request.headers.get("Accept-Language"));
}
