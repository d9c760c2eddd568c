// Refuses common and breached-pattern passwords (ASVS 2.1.7) with zxcvbn-ts and its common and
// English dictionaries (the most common passwords, diceware words, names, Wikipedia words),
// keyboard patterns, sequences, repeats and dates. Server only: the dictionaries are megabytes,
// and the step pages' JavaScript budget (bench/RESULTS.md) must not carry them. The feedback's
// warning comes back as a key of our own dictionaries, so it is said in English and Chinese alike.
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { lazyRequire } from "~/services/lazy-module.server";
import { newPasswordErrors } from "~/schemas/auth";
import { msg, type FieldErrors } from "~/utils/form";

/** zxcvbn's scale is 0–4; below 3 a password falls to an offline attack on a stolen hash. */
export const MIN_PASSWORD_SCORE = 3;

// The dictionaries are loaded when a password is first checked, not at start-up
// (lazy-module.server.ts).
const zxcvbnCore = lazyRequire<typeof import("@zxcvbn-ts/core")>("@zxcvbn-ts/core");
const zxcvbnCommon = lazyRequire<typeof import("@zxcvbn-ts/language-common")>(
  "@zxcvbn-ts/language-common",
);
const zxcvbnEn = lazyRequire<typeof import("@zxcvbn-ts/language-en")>("@zxcvbn-ts/language-en");

type Translations = (typeof import("@zxcvbn-ts/language-en"))["translations"];
type Warning = keyof Translations["warnings"];

/** zxcvbn's warnings that have a sentence of their own in app/i18n/messages/auth.ts. */
export function passwordWarnings(): Warning[] {
  return Object.keys(zxcvbnEn().translations.warnings) as Warning[];
}

let factory: ZxcvbnFactory | undefined;
function getFactory(): ZxcvbnFactory {
  if (factory) return factory;
  const { translations, dictionary: enDictionary } = zxcvbnEn();
  const { adjacencyGraphs, dictionary: commonDictionary } = zxcvbnCommon();
  // Translations that are their own keys: the warning comes back as "warnings.<name>".
  const keyed = {
    warnings: Object.fromEntries(
      Object.keys(translations.warnings).map((k) => [k, `warnings.${k}`]),
    ),
    suggestions: Object.fromEntries(
      Object.keys(translations.suggestions).map((k) => [k, `suggestions.${k}`]),
    ),
    timeEstimation: translations.timeEstimation,
  } as Translations;
  factory = new (zxcvbnCore().ZxcvbnFactory)({
    translations: keyed,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...enDictionary },
  });
  return factory;
}

/** zxcvbn's verdict: its score and the name of its warning, if it gave one. */
export function passwordStrength(
  password: string,
  userInputs: readonly string[] = [],
): { score: number; warning: Warning | null } {
  // zxcvbn's cost grows with length; the first 100 characters decide as well as all 200.
  const result = getFactory().check(password.slice(0, 100), [
    ...userInputs.flatMap((s) => [s, ...s.split(/[@.\s_-]+/)]).filter((s) => s.length > 2),
    "cda",
    "islamabad",
    "portal",
    "proposal",
  ]);
  const w = result.feedback.warning?.replace(/^warnings\./, "") ?? null;
  return {
    score: result.score,
    warning: w && (passwordWarnings() as string[]).includes(w) ? (w as Warning) : null,
  };
}

/**
 * The message for a password that is too easy to guess, or null when it is strong enough.
 * `userInputs` are the account's own words (e-mail, name), which make a password weaker.
 */
export function weakPasswordError(password: string, userInputs: readonly string[] = []) {
  if (!password) return null;
  const { score, warning } = passwordStrength(password, userInputs);
  if (score >= MIN_PASSWORD_SCORE) return null;
  return warning ? msg(`auth.error.passwordWeak.${warning}`) : msg("auth.error.passwordWeak");
}

/**
 * Every rule for a new password, for the server: the form rules of app/schemas/auth.ts (length,
 * not the e-mail, typed twice) and, when those pass, strength against zxcvbn's dictionaries.
 */
export function checkNewPassword(
  password: unknown,
  confirm: unknown,
  email: string | null | undefined,
  names: { password: string; confirm: string } = {
    password: "password",
    confirm: "confirmPassword",
  },
  otherInputs: readonly string[] = [],
): FieldErrors {
  const errors = newPasswordErrors(password, confirm, email, names);
  if (!errors[names.password] && typeof password === "string") {
    const weak = weakPasswordError(password, [...(email ? [email] : []), ...otherInputs]);
    if (weak) errors[names.password] = weak;
  }
  return errors;
}
