/**
 * A row id from a form field or an address: the positive safe integer it spells, or 0, which
 * names no row. `Number()` alone gives NaN for "abc" and 1e20 for twenty digits: SQLite matched
 * no row with either, PostgreSQL refuses both for a bigint column (a 500).
 */
export function postedId(value: unknown): number {
  const id = typeof value === "string" && /^\d{1,16}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}
