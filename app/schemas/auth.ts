// Account forms: registration, sign-in, e-mail only forms, new password, account details, staff
// invitation. Client-safe: messages are dictionary keys (see utils/form.ts `msg`).
import { z } from "zod";
import { LOCALES } from "~/i18n/locales";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const requiredText = (key: string) =>
  z
    .string({ error: msg(key) })
    .trim()
    .min(1, msg(key));

export const emailField = requiredText("auth.error.emailRequired")
  .max(254, msg("auth.error.emailTooLong"))
  .regex(EMAIL_RE, msg("validation.email"))
  .transform(normalizeEmail);

export const nameField = requiredText("auth.error.nameRequired").max(
  200,
  msg("auth.error.nameTooLong"),
);

export const localeField = z.enum(LOCALES, { error: msg("auth.error.localeChoose") });

export const EmailOnlySchema = z.object({ email: emailField });

export const LoginSchema = z.object({
  email: emailField,
  // Not trimmed: a password is checked exactly as typed.
  password: z
    .string({ error: msg("auth.error.loginPasswordRequired") })
    .min(1, msg("auth.error.loginPasswordRequired")),
});

export const RegisterSchema = z.object({
  displayName: nameField,
  email: emailField,
  locale: localeField,
});

export const AccountDetailsSchema = z.object({ displayName: nameField, locale: localeField });

export const STAFF_INVITE_ROLES = ["reviewer", "official", "admin"] as const;
export const InviteSchema = z.object({
  displayName: nameField,
  email: emailField,
  role: z.enum(STAFF_INVITE_ROLES, { error: msg("validation.choose") }),
});

/**
 * The rules for a new password and its confirmation, checked beside the other fields so that every
 * problem shows at once: 10–200 characters, not the account's email address, typed twice the same.
 */
export function newPasswordErrors(
  password: unknown,
  confirm: unknown,
  email: string | null | undefined,
  names: { password: string; confirm: string } = {
    password: "password",
    confirm: "confirmPassword",
  },
): FieldErrors {
  const errors: FieldErrors = {};
  const pw = typeof password === "string" ? password : "";
  const again = typeof confirm === "string" ? confirm : "";
  if (!pw) errors[names.password] = msg("auth.error.passwordRequired");
  else if ([...pw].length < PASSWORD_MIN)
    errors[names.password] = msg("auth.error.passwordTooShort");
  else if ([...pw].length > PASSWORD_MAX)
    errors[names.password] = msg("auth.error.passwordTooLong");
  else if (email && normalizeEmail(pw) === normalizeEmail(email))
    errors[names.password] = msg("auth.error.passwordIsEmail");
  if (!again) errors[names.confirm] = msg("auth.error.confirmRequired");
  else if (pw && again !== pw) errors[names.confirm] = msg("auth.error.confirmMismatch");
  return errors;
}

/** Parses with a schema; returns the data or the per-field encoded messages. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: zodFieldErrors(result.error) };
}

/** Password fields are read exactly as typed: never trimmed or normalised before hashing. */
export function rawField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A form value as a string ("" when absent), for refilling fields. */
export function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Errors in the order the fields appear on the page (the summary lists them that way). */
export function orderErrors(errors: FieldErrors, order: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const name of order) if (errors[name]) out[name] = errors[name];
  for (const [name, message] of Object.entries(errors)) if (!(name in out)) out[name] = message;
  return out;
}
