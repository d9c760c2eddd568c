// Small, dependency-free statistics used by the scoring rules.

/** Arithmetic mean; null for an empty list. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population standard deviation (divide by n, not n − 1); null for an empty list. */
export function populationSd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null) return null;
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / values.length);
}

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

export function lcm(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : Math.abs(a * b) / gcd(a, b);
}

/** Count, sum and sum of squares of integers: what running statistics keep (exact, no drift). */
export interface IntegerSums {
  n: number;
  sum: number;
  sumSq: number;
}

export const NO_SUMS: IntegerSums = { n: 0, sum: 0, sumSq: 0 };

/** The sums of a list of integers. */
export function integerSums(values: readonly number[]): IntegerSums {
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  return { n: values.length, sum, sumSq };
}

/**
 * Mean and population SD of the values x = num / scale, from the integer sums of the nums (n, Σ,
 * Σ²). n·Σ² − (Σ)² is computed with BigInt, so it is exact whatever the size; the same sums always
 * give the same doubles, whichever way they were accumulated. `varies`: not every value is equal.
 */
export function statsFromIntegerSums(
  s: IntegerSums,
  scale: number,
): { mean: number | null; sd: number | null; varies: boolean } {
  if (s.n === 0) return { mean: null, sd: null, varies: false };
  const exact = Number.isSafeInteger(s.sum) && Number.isSafeInteger(s.sumSq);
  const spread = exact
    ? Number(BigInt(s.n) * BigInt(s.sumSq) - BigInt(s.sum) * BigInt(s.sum))
    : Math.max(0, s.n * s.sumSq - s.sum * s.sum);
  return {
    mean: s.sum / (scale * s.n),
    sd: Math.sqrt(spread) / (scale * s.n),
    varies: spread > 0,
  };
}
