// Issue 14, point 8: what a good portal accepts. Grouped and full-width numbers, web addresses
// without a scheme and credit codes with spaces are normalised before the rules check them; a
// credit code with a letter the code never uses gets a message that points at it.
import { describe, expect, it } from "vitest";
import {
  normaliseDate,
  normaliseNumber,
  normaliseUrl,
  normaliseUscc,
  usccProblem,
} from "~/domain/input-normalise";
import { parseStep, prepareInput } from "~/schemas";
import { decodeMsg } from "~/utils/form";

describe("normaliseNumber", () => {
  it("drops the separators between groups of three digits", () => {
    expect(normaliseNumber("1,250,000,000")).toBe("1250000000");
    expect(normaliseNumber("1 250 000.50")).toBe("1250000.50");
    expect(normaliseNumber("12\u202f500")).toBe("12500");
    expect(normaliseNumber("-1,000")).toBe("-1000");
  });
  it("turns full-width digits, commas and points into ASCII", () => {
    expect(normaliseNumber("１２０")).toBe("120");
    expect(normaliseNumber("１，２５０，０００，０００")).toBe("1250000000");
    expect(normaliseNumber("１２．５")).toBe("12.5");
  });
  it("leaves what is not a grouped number for the rules to refuse", () => {
    expect(normaliseNumber("1,25")).toBe("1,25");
    expect(normaliseNumber("12,5000")).toBe("12,5000");
    expect(normaliseNumber("abc")).toBe("abc");
    expect(normaliseNumber(" 42 ")).toBe("42");
  });
});

describe("normaliseDate", () => {
  it("turns the common ways of writing a date into the ISO form the hint shows", () => {
    expect(normaliseDate("2027/3/31")).toBe("2027-03-31");
    expect(normaliseDate("2027.03.31")).toBe("2027-03-31");
    expect(normaliseDate("2027年3月31日")).toBe("2027-03-31");
    expect(normaliseDate("２０２７－０３－３１")).toBe("2027-03-31");
    expect(normaliseDate("2027-03-31")).toBe("2027-03-31");
  });
  it("leaves what is not a date in that order", () => {
    expect(normaliseDate("31/03/2027")).toBe("31/03/2027");
    expect(normaliseDate("soon")).toBe("soon");
  });
});

describe("normaliseUrl", () => {
  it("adds https:// to an address typed without a scheme", () => {
    expect(normaliseUrl("www.example.cn")).toBe("https://www.example.cn");
    expect(normaliseUrl("example.com.cn/about?x=1")).toBe("https://example.com.cn/about?x=1");
    expect(normaliseUrl("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ")).toBe("https://www.example.cn");
  });
  it("keeps an address with http:// or https://", () => {
    expect(normaliseUrl("http://example.cn")).toBe("http://example.cn");
    expect(normaliseUrl("HTTPS://Example.cn")).toBe("https://Example.cn");
  });
  it("leaves what is not an address", () => {
    expect(normaliseUrl("not a website")).toBe("not a website");
    expect(normaliseUrl("ftp://example.cn")).toBe("ftp://example.cn");
    expect(normaliseUrl("")).toBe("");
  });
});

describe("usccProblem", () => {
  it("finds nothing wrong with a code of the right form", () => {
    expect(usccProblem("91110000600037341L")).toBeNull();
    expect(usccProblem("91350100M000100Y43")).toBeNull();
  });
  it("points at a letter O and says which digit it probably is", () => {
    expect(usccProblem("9111000060OO37341L")).toEqual({
      kind: "letter",
      char: "O",
      position: 11,
      digit: "0",
    });
    expect(usccProblem("91110000600037341V")).toEqual({
      kind: "letter",
      char: "V",
      position: 18,
      digit: null,
    });
  });
  it("points at a letter in the region code, an odd character, a wrong length", () => {
    expect(usccProblem("9111A000600037341L")).toEqual({ kind: "digit", char: "A", position: 5 });
    expect(usccProblem("911100006000373-1L")).toEqual({
      kind: "character",
      char: "-",
      position: 16,
    });
    expect(usccProblem("91110000600037341")).toEqual({ kind: "length", length: 17 });
  });
  it("normalises spaces, hyphens and lower case away first", () => {
    expect(normaliseUscc("9111 0000-6000 3734 1l")).toBe("91110000600037341L");
  });
});

describe("the organisation step", () => {
  const base = {
    legalNameEn: "Guizhou Cloud Data Ltd",
    country: "CN",
    uscc: "91110000600037341L",
    province: "Guizhou",
    city: "Guiyang",
    address: "1 Road",
    yearFounded: "２００８",
    employees: "1,200",
    annualRevenue: { amount: "1,250,000,000", currency: "CNY" },
    website: "www.example.cn",
  };
  it("accepts a website without https://, grouped and full-width numbers, and stores them normalised", () => {
    const input = prepareInput("organisation", base);
    expect(input).toMatchObject({
      website: "https://www.example.cn",
      yearFounded: "2008",
      employees: "1200",
      annualRevenue: { amount: "1250000000", currency: "CNY" },
    });
    const parsed = parseStep("organisation", input);
    expect(parsed.errors).toBeNull();
  });
  it("says where the letter O is in a credit code", () => {
    const parsed = parseStep(
      "organisation",
      prepareInput("organisation", { ...base, uscc: "91110000600O37341L" }),
    );
    expect(parsed.ok).toBe(false);
    expect(decodeMsg(parsed.errors!.uscc!)).toEqual({
      key: "proposal.err.usccLetterDigit",
      vars: { char: "O", position: 12, digit: "0" },
    });
  });
});
