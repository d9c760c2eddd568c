// Building blocks for the step schemas. Client-safe (zod/mini keeps the browser bundle small).
// Form values arrive as NFKC-normalised, trimmed strings (see utils/form.ts formDataToObject), so
// numbers, dates and money stay strings here and are checked with plain functions that return an
// encoded message (msg()) or null. Those functions are reused by the conditional rules.
import * as z from "zod/mini";
import { isAmount, toMinorUnits } from "~/domain/money";
import { hasForbiddenXmlChar } from "~/domain/xml-text";
import { msg } from "~/utils/form";

export type Check = (value: string) => string | null;

export const REQUIRED = msg("validation.required");
/**
 * Every text field refuses what XML 1.0 forbids and Unicode noncharacters (domain/xml-text): such
 * a character in a company name broke the official workbook (issue 12, item 6).
 */
export const FORBIDDEN_CHARACTERS = msg("validation.forbiddenCharacters");
export const CHOOSE = msg("validation.choose");

/**
 * The length in characters (code points) that limits count, the same as `[...v].length` but
 * without building an array of every character: the submission re-checks every text answer.
 */
export function characterCount(v: string): number {
  let count = v.length;
  for (let i = 0; i < v.length - 1; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = v.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--; // a surrogate pair is one character
        i++;
      }
    }
  }
  return count;
}

export function textCheck(opts: { min?: number; max: number }): Check {
  return (v) => {
    if (!v) return REQUIRED;
    const count = characterCount(v);
    if (opts.min && count < opts.min) return msg("validation.tooShort", { min: opts.min });
    if (count > opts.max) return msg("validation.tooLong", { max: opts.max });
    return null;
  };
}

const NUMBER = /^-?\d+(\.\d+)?$/;

export function integerCheck(opts: { min: number; max: number }): Check {
  return (v) => {
    if (!v) return REQUIRED;
    if (!/^-?\d{1,12}$/.test(v)) return msg("validation.wholeNumber");
    const n = Number(v);
    if (n < opts.min || n > opts.max)
      return msg("validation.between", { min: opts.min, max: opts.max });
    return null;
  };
}

/** A decimal number with at most `decimals` places, min ≤ n ≤ max (or n > min if exclusive). */
export function decimalCheck(opts: {
  min: number;
  max: number;
  decimals?: number;
  minExclusive?: boolean;
}): Check {
  return (v) => {
    if (!v) return REQUIRED;
    if (!NUMBER.test(v) || v.length > 20) return msg("validation.number");
    const decimals = v.split(".")[1]?.length ?? 0;
    if (decimals > (opts.decimals ?? 2))
      return msg("proposal.err.decimals", { places: opts.decimals ?? 2 });
    const n = Number(v);
    if (opts.minExclusive ? n <= opts.min : n < opts.min)
      return opts.minExclusive
        ? msg("proposal.err.moreThan", { min: opts.min })
        : msg("validation.between", { min: opts.min, max: opts.max });
    if (n > opts.max) return msg("validation.between", { min: opts.min, max: opts.max });
    return null;
  };
}

/** Today's date (YYYY-MM-DD) in Pakistan, where the authority works. */
// Built once: a formatter costs far more to make than to use, and dates are checked on every
// submission (the benchmark saw ~0.35 ms per submission here).
const PAKISTAN_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Karachi" });

export function todayInPakistan(now: Date = new Date()): string {
  return PAKISTAN_DAY.format(now);
}

export function isRealDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return (
    y >= 1900 &&
    y <= 2200 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d
  );
}

export function dateCheck(opts: { afterToday?: boolean } = {}): Check {
  return (v) => {
    if (!v) return REQUIRED;
    if (!isRealDate(v)) return msg("validation.date");
    if (opts.afterToday && v <= todayInPakistan()) return msg("proposal.err.dateFuture");
    return null;
  };
}

export function amountCheck(opts: { positive?: boolean } = {}): Check {
  return (v) => {
    if (!v) return REQUIRED;
    if (/^\d+\.\d{3,}$/.test(v)) return msg("proposal.err.decimals", { places: 2 });
    if (!isAmount(v)) return msg("proposal.err.amount");
    if (opts.positive && toMinorUnits(v) <= 0n) return msg("proposal.err.moreThan", { min: 0 });
    return null;
  };
}

/** A required string field validated by `check`. */
export function field(check: Check) {
  return z.string({ error: REQUIRED }).check(
    z.superRefine((v: string, ctx) => {
      const m = hasForbiddenXmlChar(v) ? FORBIDDEN_CHARACTERS : check(v);
      if (m) ctx.addIssue({ code: "custom", message: m, input: v });
    }),
  );
}

/** An optional string field: empty or absent is fine, anything else must pass `check`. */
export function optionalField(check: Check) {
  return z.optional(
    z.string().check(
      z.superRefine((v: string, ctx) => {
        if (!v) return;
        const m = hasForbiddenXmlChar(v) ? FORBIDDEN_CHARACTERS : check(v);
        if (m) ctx.addIssue({ code: "custom", message: m, input: v });
      }),
    ),
  );
}

/** A lenient string (validated by the step's conditional rules). */
export const loose = () =>
  z.optional(
    z.string().check(
      z.superRefine((v: string, ctx) => {
        if (hasForbiddenXmlChar(v))
          ctx.addIssue({ code: "custom", message: FORBIDDEN_CHARACTERS, input: v });
      }),
    ),
  );

export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: CHOOSE });
}

/** Checkboxes: posted as nothing, one string or several; always an array after parsing. */
export function multi<const T extends readonly [string, ...string[]]>(values: T, min = 0) {
  return z.pipe(
    z.transform((v: unknown) =>
      v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v],
    ),
    z.array(z.enum(values, { error: CHOOSE })).check(z.minLength(min, CHOOSE)),
  );
}

/** A required single checkbox (a declaration), posted as "yes". */
export const mustAccept = () => z.literal("yes", { error: msg("validation.mustAccept") });

export const money = (opts: { positive?: boolean } = {}) =>
  z.object(
    {
      amount: field(amountCheck(opts)),
      currency: z.enum(["USD", "PKR", "CNY"], { error: msg("proposal.err.currency") }),
    },
    { error: REQUIRED },
  );

/** Loose rows: a list of objects of optional strings (validated by the step's rules). */
export function looseRows<const K extends string>(keys: readonly K[]) {
  const shape = Object.fromEntries(keys.map((k) => [k, loose()])) as Record<
    K,
    ReturnType<typeof loose>
  >;
  return z.optional(z.array(z.object(shape)));
}

type Ctx = { addIssue: (issue: any) => void };

/** Adds an issue at `path` if `check` fails on `value` (undefined counts as empty). */
export function need(ctx: Ctx, path: (string | number)[], value: unknown, check: Check): boolean {
  const m = check(typeof value === "string" ? value : "");
  if (m) ctx.addIssue({ code: "custom", message: m, path, input: value });
  return !m;
}

export function issue(ctx: Ctx, path: (string | number)[], message: string) {
  ctx.addIssue({ code: "custom", message, path, input: undefined });
}

/** Runs the object-level rules even when a field has already failed (all errors at once). */
export const always = { when: () => true } as const;

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** E.164 after removing spaces, hyphens and brackets; +86 mobiles are 11 digits starting with 1. */
export function phoneCheck(v: string): string | null {
  if (!v) return REQUIRED;
  const compact = v.replace(/[\s\-()]/g, "");
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) return msg("proposal.err.phone");
  if (compact.startsWith("+86") && !/^\+861\d{10}$/.test(compact))
    return msg("proposal.err.phoneCn");
  return null;
}

export function urlCheck(v: string): string | null {
  if (!/^https?:\/\/[^\s]+\.[^\s]+$/i.test(v)) return msg("validation.url");
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? null : msg("validation.url");
  } catch {
    return msg("validation.url");
  }
}
