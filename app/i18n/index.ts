import type { Locale } from "./locales";
import type * as common from "./messages/common";
import type * as validation from "./messages/validation";
import type * as callAdmin from "./messages/call-admin";
import type * as auth from "./messages/auth";
import type * as proposal from "./messages/proposal";
import type * as submission from "./messages/submission";
import type * as review from "./messages/review";
import type * as publicPages from "./messages/public";
import type * as session from "./messages/session";
import type * as decision from "./messages/decision";
import type * as security from "./messages/security";
import type * as scoring from "./messages/scoring";
import type * as staffWork from "./messages/staff-work";
import type * as webhooks from "./messages/webhooks";
import type * as api from "./messages/api";

// Each area of the portal keeps its words in its own file under messages/, English first; the
// Chinese object is typed Record<keyof typeof en, string>, so a missing key fails the typecheck,
// and tests/unit/i18n.test.ts proves the key sets equal at run time as well.
// To add an area: create messages/<area>.ts with `en` and `zh`, add it to catalog.server.ts and
// to MessageKey below.
//
// This module holds no words itself: the server registers every dictionary (catalog.server.ts),
// and the browser only the page language's, which the root loader sends. So a page's JavaScript
// does not carry both languages of every area.
export type MessageKey =
  | keyof typeof common.en
  | keyof typeof validation.en
  | keyof typeof auth.en
  | keyof typeof callAdmin.en
  | keyof typeof proposal.en
  | keyof typeof submission.en
  | keyof typeof review.en
  | keyof typeof publicPages.en
  | keyof typeof session.en
  | keyof typeof decision.en
  | keyof typeof security.en
  | keyof typeof scoring.en
  | keyof typeof staffWork.en
  | keyof typeof webhooks.en
  | keyof typeof api.en;

export type Dictionary = Record<MessageKey, string>;
const registry: Partial<Record<Locale, Dictionary>> = {};

export function registerDictionary(locale: Locale, messages: Dictionary): void {
  if (registry[locale] !== messages) registry[locale] = messages;
}

export function hasMessage(key: string): key is MessageKey {
  return key in (registry.en ?? registry["zh-Hans"] ?? {});
}

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** Returns the message for `key` in `locale`, with {name} placeholders filled from `vars`. */
export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const template = registry[locale]?.[key] ?? registry.en?.[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export function getTranslator(locale: Locale): Translate {
  return (key, vars) => translate(locale, key, vars);
}

export { LOCALES, isLocale, type Locale } from "./locales";
