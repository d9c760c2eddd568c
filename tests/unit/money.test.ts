import { describe, expect, it } from "vitest";
import { centsToDecimal, formatMoney, isAmount, toMinorUnits, toUsdCents } from "~/domain/money";

describe("amounts", () => {
  it("are decimal strings with at most two decimals", () => {
    expect(isAmount("250000000")).toBe(true);
    expect(isAmount("250000000.5")).toBe(true);
    expect(isAmount("250000000.50")).toBe(true);
    expect(isAmount("1.005")).toBe(false);
    expect(isAmount("1,000")).toBe(false);
    expect(isAmount("-5")).toBe(false);
    expect(isAmount("1e6")).toBe(false);
    expect(isAmount("")).toBe(false);
  });

  it("convert to minor units exactly (no float drift)", () => {
    expect(toMinorUnits("0.29")).toBe(29n);
    expect(toMinorUnits("1.1")).toBe(110n);
    expect(toMinorUnits("999999999999.99")).toBe(99999999999999n);
  });
});

describe("toUsdCents", () => {
  it("is exact where floats are not", () => {
    // 0.1 + 0.2 style traps: 1,000,000.10 CNY at 0.1389 = 138,900.01389 USD → 13,890,001 cents.
    expect(toUsdCents("1000000.10", "0.1389")).toBe(13890001n);
    expect(toUsdCents("250000000.00", "1")).toBe(25000000000n);
  });

  it("rounds half up to the cent", () => {
    expect(toUsdCents("1", "0.005")).toBe(1n); // 0.5 cent → 1
    expect(toUsdCents("1", "0.0049")).toBe(0n); // 0.49 cent → 0
    expect(toUsdCents("3", "0.0025")).toBe(1n); // 0.75 cent → 1
    expect(toUsdCents("100", "0.003585")).toBe(36n); // 35.85 cents → 36
  });

  it("refuses amounts with three decimals and malformed rates", () => {
    expect(() => toUsdCents("1.005", "1")).toThrow();
    expect(() => toUsdCents("1", "abc")).toThrow();
  });

  it("prints cents back as a decimal string", () => {
    expect(centsToDecimal(13890001n)).toBe("138900.01");
    expect(centsToDecimal(5)).toBe("0.05");
  });

  it("formats amounts through Intl without losing precision", () => {
    expect(formatMoney("123456789012.35", "CNY", "en-GB")).toMatch(/^CNY\s123,456,789,012\.35$/);
  });
});
