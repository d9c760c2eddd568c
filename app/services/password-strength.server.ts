// Refuses common and breached-pattern passwords (ASVS 2.1.7) with zxcvbn-ts and its common and
// English dictionaries (the most common passwords, diceware words, names, Wikipedia words),
// keyboard patterns, sequences, repeats and dates. Server only: the dictionaries are megabytes,
// and the step pages' JavaScript budget (bench/RESULTS.md) must not carry them. The feedback's
// warning comes back as a key of our own dictionaries, so it is said in English and Chinese alike.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary as commonDictionary } from "@zxcvbn-ts/language-common";
import { dictionary as enDictionary, translations } from "@zxcvbn-ts/language-en";
import { newPasswordErrors } from "~/schemas/auth";
import { msg, type FieldErrors } from "~/utils/form";

/** zxcvbn's scale is 0–4; below 3 a password falls to an offline attack on a stolen hash. */
export const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's warnings that have a sentence of their own in app/i18n/messages/auth.ts. */
export const PASSWORD_WARNINGS = Object.keys(translations.warnings) as Warning[];
type Warning = keyof typeof translations.warnings;

// Translations that are their own keys: the warning comes back as "warnings.<name>".
const keyed = {
  warnings: Object.fromEntries(Object.keys(translations.warnings).map((k) => [k, `warnings.${k}`])),
  suggestions: Object.fromEntries(
    Object.keys(translations.suggestions).map((k) => [k, `suggestions.${k}`]),
  ),
  timeEstimation: translations.timeEstimation,
} as typeof translations;

let factory: ZxcvbnFactory | undefined;
function getFactory(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
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
    warning: w && (PASSWORD_WARNINGS as string[]).includes(w) ? (w as Warning) : null,
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
