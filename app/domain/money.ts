// Money as decimal strings and integers, never JS floats: an amount is a string with at most two
// decimals; a USD equivalent is computed with BigInt and rounded half-up to the cent.
import { numberFormat } from "~/utils/intl-cache";

export const CURRENCIES = ["USD", "PKR", "CNY"] as const;
export type CurrencyCode = (typeof CURRENCIES)[number];

/** Digits, an optional point and one or two decimals; at most 12 whole digits. */
export const AMOUNT_PATTERN = /^\d{1,12}(\.\d{1,2})?$/;
/** A rate: US dollars per unit, a positive decimal string with up to 12 decimals. */
export const RATE_PATTERN = /^\d{1,9}(\.\d{1,12})?$/;

export function isCurrency(value: unknown): value is CurrencyCode {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

export function isAmount(value: string): boolean {
  return AMOUNT_PATTERN.test(value);
}

/** A decimal string as an integer of 10^-scale units ("12.5", 2 → 1250n). */
export function decimalToScaled(value: string, scale: number): bigint {
  const [whole = "0", frac = ""] = value.split(".");
  if (frac.length > scale) throw new Error(`more than ${scale} decimals: ${value}`);
  return BigInt(whole + frac.padEnd(scale, "0"));
}

/** The amount in minor units (cents, paisa, fen): "1250.5" → 125050n. */
export function toMinorUnits(amount: string): bigint {
  if (!isAmount(amount)) throw new Error(`not an amount: ${amount}`);
  return decimalToScaled(amount, 2);
}

export function isPositiveAmount(amount: string): boolean {
  return isAmount(amount) && toMinorUnits(amount) > 0n;
}

/**
 * The US-dollar equivalent in cents of `amount` (a currency amount with ≤ 2 decimals) at
 * `usdPerUnit` dollars per unit. Exact integer arithmetic; the one rounding step is half-up
 * (away from zero, amounts being non-negative) to the nearest cent.
 */
export function toUsdCents(amount: string, usdPerUnit: string): bigint {
  if (!RATE_PATTERN.test(usdPerUnit)) throw new Error(`not a rate: ${usdPerUnit}`);
  const minor = toMinorUnits(amount);
  const rateDecimals = usdPerUnit.split(".")[1]?.length ?? 0;
  const rate = decimalToScaled(usdPerUnit, rateDecimals);
  const divisor = 10n ** BigInt(rateDecimals);
  const product = minor * rate;
  return (product * 2n + divisor) / (divisor * 2n);
}

/** Cents as a plain number for storage; refuses values beyond exact float integers. */
export function centsToNumber(cents: bigint): number {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("amount too large");
  return Number(cents);
}

/** Cents as a decimal string "1234.56" (for display through Intl and exports). */
export function centsToDecimal(cents: bigint | number): string {
  const value = BigInt(cents);
  const whole = value / 100n;
  const frac = (value % 100n).toString().padStart(2, "0");
  return `${whole}.${frac}`;
}

/** An amount shown in the viewer's language, e.g. "CNY 1,250,000.00". Strings keep full precision
 * (Intl.NumberFormat formats decimal strings exactly, without going through a float). */
export function formatMoney(amount: string, currency: string, intlLocale: string): string {
  if (!isAmount(amount) || !isCurrency(currency)) return `${amount} ${currency}`.trim();
  return numberFormat(intlLocale, {
    style: "currency",
    currency,
    currencyDisplay: "code",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount as unknown as number);
}
