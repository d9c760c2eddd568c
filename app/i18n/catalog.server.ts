// Every dictionary, registered for server-side rendering, mail and PDFs. Server-only: the
// browser fetches just the page language's dictionary (/i18n/<locale>.json, cached) before it
// hydrates the page (app/entry.client.tsx).
import { createHash } from "node:crypto";
import { registerDictionary, type Dictionary } from "./index";
import type { Locale } from "./locales";
import * as common from "./messages/common";
import * as validation from "./messages/validation";
import * as callAdmin from "./messages/call-admin";
import * as auth from "./messages/auth";
import * as proposal from "./messages/proposal";
import * as submission from "./messages/submission";
import * as review from "./messages/review";
import * as publicPages from "./messages/public";
import * as session from "./messages/session";
import * as decision from "./messages/decision";
import * as security from "./messages/security";
import * as scoring from "./messages/scoring";
import * as staffWork from "./messages/staff-work";
import * as webhooks from "./messages/webhooks";
import * as api from "./messages/api";

const AREAS = [
  common,
  validation,
  auth,
  callAdmin,
  proposal,
  submission,
  review,
  publicPages,
  session,
  decision,
  security,
  scoring,
  staffWork,
  webhooks,
  api,
] as const;

export const dictionaries: Record<Locale, Dictionary> = {
  en: Object.assign({}, ...AREAS.map((a) => a.en)),
  "zh-Hans": Object.assign({}, ...AREAS.map((a) => a.zh)),
};

/** Changes whenever any word changes: the browser may cache a dictionary URL carrying it forever. */
export const dictionaryVersion = createHash("sha256")
  .update(JSON.stringify(dictionaries))
  .digest("hex")
  .slice(0, 12);

export function dictionaryHref(locale: Locale): string {
  return `/i18n/${locale}.json?v=${dictionaryVersion}`;
}

registerDictionary("en", dictionaries.en);
registerDictionary("zh-Hans", dictionaries["zh-Hans"]);
