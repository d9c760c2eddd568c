// The <title> of a page in the page language, for a route's `meta` export:
//   export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.login.title");
import { translate, type MessageKey } from "~/i18n";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/i18n/locales";

interface MatchLike {
  id: string;
  data?: unknown;
}

export function localeFromMatches(matches: readonly MatchLike[]): Locale {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  return isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
}

export function pageTitle(
  matches: readonly MatchLike[],
  key: MessageKey | { text: string },
  vars?: Record<string, string | number>,
) {
  const locale = localeFromMatches(matches);
  const title = typeof key === "string" ? translate(locale, key, vars) : key.text;
  return [{ title: `${title} – ${translate(locale, "site.name")}` }];
}
