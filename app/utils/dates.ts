import type { Locale } from "~/i18n/locales";
import { dateTimeFormat, numberFormat } from "~/utils/intl-cache";

export const PAKISTAN_TZ = "Asia/Karachi";

const intlLocale = (locale: Locale) => (locale === "zh-Hans" ? "zh-Hans-CN" : "en-GB");

/** A UTC instant shown as a date and time in Pakistan (or another zone), in the viewer's language. */
export function formatDateTime(
  iso: string,
  locale: Locale,
  timeZone: string = PAKISTAN_TZ,
): string {
  return dateTimeFormat(intlLocale(locale), {
    dateStyle: "long",
    timeStyle: "short",
    timeZone,
  }).format(new Date(iso));
}

export function formatDate(iso: string, locale: Locale, timeZone: string = PAKISTAN_TZ): string {
  return dateTimeFormat(intlLocale(locale), { dateStyle: "long", timeZone }).format(new Date(iso));
}

export function formatNumber(
  value: number,
  locale: Locale,
  options?: Intl.NumberFormatOptions,
): string {
  return numberFormat(intlLocale(locale), options).format(value);
}

/** Whole days, hours and minutes from `now` until `iso` (all zero once it has passed). */
export function timeUntil(iso: string, now: number = Date.now()) {
  const ms = Math.max(0, Date.parse(iso) - now);
  const minutes = Math.floor(ms / 60_000);
  return {
    days: Math.floor(minutes / 1440),
    hours: Math.floor((minutes % 1440) / 60),
    minutes: minutes % 60,
    passed: ms === 0,
  };
}
