import type { Locale } from "./locales";
import * as common from "./messages/common";
import * as validation from "./messages/validation";

// Each area of the portal keeps its words in its own file under messages/, English first; the
// Chinese object is typed Record<keyof typeof en, string>, so a missing key fails the typecheck,
// and tests/unit/i18n.test.ts proves the key sets equal at run time as well.
// To add an area: create messages/<area>.ts with `en` and `zh`, then list it in AREAS.
const AREAS = [common, validation] as const;

type Union<T> = T extends { en: infer E } ? keyof E : never;
export type MessageKey = Union<(typeof AREAS)[number]>;

export const dictionaries: Record<Locale, Record<MessageKey, string>> = {
  en: Object.assign({}, ...AREAS.map((a) => a.en)),
  "zh-Hans": Object.assign({}, ...AREAS.map((a) => a.zh)),
};

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** Returns the message for `key` in `locale`, with {name} placeholders filled from `vars`. */
export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const template = dictionaries[locale][key] ?? dictionaries.en[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export function getTranslator(locale: Locale): Translate {
  return (key, vars) => translate(locale, key, vars);
}

export { LOCALES, isLocale, type Locale } from "./locales";
