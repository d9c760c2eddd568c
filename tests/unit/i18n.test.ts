import { describe, expect, it } from "vitest";
import { translate } from "~/i18n";
import { dictionaries } from "~/i18n/catalog.server";
import { localeFromAcceptLanguage, localeFromRequest } from "~/i18n/locales";

describe("dictionaries", () => {
  it("English and Chinese have exactly the same keys, none empty", () => {
    const en = Object.keys(dictionaries.en).sort();
    const zh = Object.keys(dictionaries["zh-Hans"]).sort();
    expect(zh).toEqual(en);
    for (const key of en) {
      expect(dictionaries.en[key as keyof typeof dictionaries.en].trim(), key).not.toBe("");
      expect(dictionaries["zh-Hans"][key as keyof typeof dictionaries.en].trim(), key).not.toBe("");
    }
  });

  it("placeholders match between languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(dictionaries.en) as (keyof typeof dictionaries.en)[]) {
      expect(names(dictionaries["zh-Hans"][key]), key).toEqual(names(dictionaries.en[key]));
    }
  });

  it("fills placeholders", () => {
    expect(translate("en", "error.reference", { id: "abc" })).toBe("Reference: abc");
    expect(translate("zh-Hans", "error.reference", { id: "abc" })).toBe("编号：abc");
  });
});

describe("language choice", () => {
  it("follows Accept-Language on a first visit", () => {
    expect(localeFromAcceptLanguage("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("en-GB,en;q=0.9")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR,zh;q=0.5")).toBe("zh-Hans");
    expect(localeFromAcceptLanguage("de")).toBe("en");
    expect(localeFromAcceptLanguage(null)).toBe("en");
  });

  it("the cookie wins over Accept-Language", () => {
    const request = new Request("http://x/", {
      headers: { Cookie: "a=1; lang=en", "Accept-Language": "zh-CN" },
    });
    expect(localeFromRequest(request)).toBe("en");
  });
});
