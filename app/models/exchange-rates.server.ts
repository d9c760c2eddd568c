// Exchange rates to US dollars (decimal strings, dated and sourced), the latest one per currency.
// Officials add rates through the admin pages; the seed fills the first ones.
import type { Currency } from "~db/schema";
import { centsToNumber, isAmount, toUsdCents, type CurrencyCode } from "~/domain/money";
import type { DB } from "~/services/db.server";

export interface RateUsed {
  currency: CurrencyCode;
  usdPerUnit: string;
  rateDate: string;
  source: string;
}

/** The most recent rate of a currency (by rate date, then by entry); USD is always 1. */
export async function getLatestRate(db: DB, currency: CurrencyCode): Promise<RateUsed | null> {
  const row = await db
    .selectFrom("exchange_rates")
    .select(["currency", "usd_per_unit", "rate_date", "source"])
    .where("currency", "=", currency as Currency)
    .orderBy("rate_date", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (row)
    return {
      currency,
      usdPerUnit: row.usd_per_unit,
      rateDate: row.rate_date,
      source: row.source,
    };
  if (currency === "USD") return { currency, usdPerUnit: "1", rateDate: "", source: "identity" };
  return null;
}

/** The latest rate of each currency that has one. */
export async function listLatestRates(db: DB): Promise<RateUsed[]> {
  const out: RateUsed[] = [];
  for (const c of ["USD", "PKR", "CNY"] as const) {
    const rate = await getLatestRate(db, c);
    if (rate) out.push(rate);
  }
  return out;
}

/** What is stored beside a money value in the answers: the USD equivalent and the rate used. */
export interface UsdEquivalent {
  usdCents: number;
  usdPerUnit: string;
  rateDate: string;
  rateSource: string;
}

/** The USD equivalent of {amount, currency} at the latest rate, or null (bad amount, no rate). */
export async function usdEquivalent(
  db: DB,
  money: { amount?: unknown; currency?: unknown } | undefined,
): Promise<UsdEquivalent | null> {
  if (!money || typeof money.amount !== "string" || !isAmount(money.amount)) return null;
  if (money.currency !== "USD" && money.currency !== "PKR" && money.currency !== "CNY") return null;
  const rate = await getLatestRate(db, money.currency);
  if (!rate) return null;
  return {
    usdCents: centsToNumber(toUsdCents(money.amount, rate.usdPerUnit)),
    usdPerUnit: rate.usdPerUnit,
    rateDate: rate.rateDate,
    rateSource: rate.source,
  };
}
