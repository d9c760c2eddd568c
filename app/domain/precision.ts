// Precision of the published rules (product.md "Scoring rules", Precision): values are computed in
// double precision, and every comparison the rules make — ties, the qualifying score, minimum
// levels, the standard-deviation threshold — is made on the values rounded to 6 decimal places,
// half away from zero, so that anyone can reproduce every decision in a spreadsheet with
// ROUND(x; 6). This module is the one place that rounding is done (docs/decisions/0012).
//
// A value is held as an integer number of millionths ("micros"), so that comparing two rounded
// values is comparing two integers: no floating-point product or difference is ever compared.
// - A double is rounded as a spreadsheet rounds it: first to 15 significant digits (what a
//   spreadsheet keeps and shows of a double, so 49.199999999999996 and 49.20000000000001 are both
//   49.2, and 0.285 is 0.285, not 0.28499999999999998), then to 6 decimals half away from zero, on
//   the decimal digits (exact integer arithmetic, no multiplication of the double).
// - A rational num / den (raw scores, mean levels: exact when weights are whole) is rounded
//   exactly with BigInt.

const MICRO = 1_000_000n;

/** A double rounded to 6 decimals half away from zero, in millionths (an integer). */
export function toMicros(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (x === 0) return 0;
  // 15 significant digits, as d.dddddddddddddde±n.
  const [mantissa, expText] = Math.abs(x).toExponential(14).split("e");
  const digits = BigInt(mantissa!.replace(".", "")); // 15 digits: value = digits × 10^(exp − 14)
  const shift = Number(expText) - 14 + 6; // value × 10⁶ = digits × 10^shift
  let micros: bigint;
  if (shift >= 0) micros = digits * 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    micros = (2n * digits + div) / (2n * div); // half away from zero (digits ≥ 0)
  }
  const n = Number(micros);
  return x < 0 ? -n : n;
}

/** num / den (den ≠ 0) rounded to 6 decimals half away from zero, in millionths: exact. */
export function rationalMicros(num: number | bigint, den: number | bigint): number {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new RangeError("division by zero");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const a = n < 0n ? -n : n;
  const m = (2n * a * MICRO + d) / (2n * d);
  return Number(n < 0n ? -m : m);
}

/** A value rounded to 6 decimals, as a number (for display and export of the compared value). */
export function round6(x: number): number {
  return toMicros(x) / 1_000_000;
}

/** Sign of a − b, compared at 6 decimals. */
export function compare6(a: number, b: number): -1 | 0 | 1 {
  const x = toMicros(a);
  const y = toMicros(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
