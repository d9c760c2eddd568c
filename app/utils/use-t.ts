import { useRouteLoaderData } from "@remix-run/react";
import { getTranslator, type Translate } from "~/i18n";
import { DEFAULT_LOCALE, type Locale } from "~/i18n/locales";

interface RootData {
  locale: Locale;
}

/** The current page language, as the root loader decided it. */
export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as RootData | undefined;
  return data?.locale ?? DEFAULT_LOCALE;
}

/** A translate function for the current page language. */
export function useT(): Translate {
  return getTranslator(useLocale());
}
