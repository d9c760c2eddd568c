// The one rounding of the rules: 6 decimals, half away from zero, on integers of millionths.
import { describe, expect, it } from "vitest";
import { compare6, rationalMicros, round6, toMicros } from "~/domain/precision";

describe("precision", () => {
  it("rounds a double as a spreadsheet does: 15 significant digits, then 6 decimals", () => {
    // The two calibrated scores of issue 13 that ranked apart although both are 49.2.
    expect(toMicros(49.199999999999996)).toBe(49_200_000);
    expect(toMicros(49.20000000000001)).toBe(49_200_000);
    expect(compare6(49.199999999999996, 49.20000000000001)).toBe(0);
    expect(toMicros(65.4)).toBe(65_400_000);
    expect(toMicros(0.0000005)).toBe(1); // half away from zero
    expect(toMicros(-0.0000005)).toBe(-1);
    expect(toMicros(0.00000049)).toBe(0);
    expect(toMicros(1.2345665)).toBe(1_234_567);
    expect(toMicros(-3.25)).toBe(-3_250_000);
    expect(toMicros(0)).toBe(0);
    expect(toMicros(123456.7)).toBe(123_456_700_000);
    expect(round6(2 / 3)).toBe(0.666667);
    expect(compare6(15.0000004, 15)).toBe(0);
    expect(compare6(15.0000005, 15)).toBe(1);
  });

  it("rounds a rational exactly", () => {
    expect(rationalMicros(498, 15)).toBe(33_200_000);
    expect(rationalMicros(1, 3)).toBe(333_333);
    expect(rationalMicros(2, 3)).toBe(666_667);
    expect(rationalMicros(-1, 2_000_000)).toBe(-1);
    expect(rationalMicros(1, -2_000_000)).toBe(-1);
    expect(rationalMicros(1, 2_000_001)).toBe(0);
  });
});
