// Issue 12, item 6: characters XML 1.0 forbids and Unicode noncharacters are refused at input,
// next to the field, and stripped again by the workbook writer (tests/integration/xlsx-xml-safe).
import { describe, expect, it } from "vitest";
import { hasForbiddenXmlChar, stripForbiddenXmlChars } from "~/domain/xml-text";
import { parseStep, prepareInput, type QuestionStepId } from "~/schemas";
import { decodeMsg, formDataToObject } from "~/utils/form";
import { toSearchParams, VALID_POSTS } from "../support/proposal-answers";

function post(step: QuestionStepId, changes: Record<string, string>) {
  const fields = { ...VALID_POSTS[step]!, ...changes };
  return parseStep(step, prepareInput(step, formDataToObject(toSearchParams(fields))));
}

const errorKey = (r: ReturnType<typeof post>, field: string) =>
  r.ok ? null : r.errors[field] ? decodeMsg(r.errors[field]!).key : null;

describe("characters a workbook cannot hold", () => {
  it("finds what XML 1.0 forbids and noncharacters, and nothing else", () => {
    for (const bad of ["\uFFFF", "\uFFFE", "\u0000", "\u0001", "\u001F", "\uFDD0", "\uFDEF"])
      expect(hasForbiddenXmlChar(`a${bad}b`), JSON.stringify(bad)).toBe(true);
    expect(hasForbiddenXmlChar("a\uD800b")).toBe(true); // a lone surrogate
    expect(hasForbiddenXmlChar("\u{1FFFE}")).toBe(true);
    expect(hasForbiddenXmlChar("\u{10FFFF}")).toBe(true);
    for (const good of ["华为云 Huawei", "tab\tline\nreturn\r", "😀 emoji", "\uFFFD", "\u{1FFFD}"])
      expect(hasForbiddenXmlChar(good), JSON.stringify(good)).toBe(false);
    expect(stripForbiddenXmlChars("Evil \uFFFF\uFFFE Data Co")).toBe("Evil  Data Co");
    expect(stripForbiddenXmlChars("华为 😀")).toBe("华为 😀");
  });

  it("the company step refuses a name with \\uFFFF\\uFFFE, with a message beside the field", () => {
    const r = post("organisation", { legalNameEn: "Evil \uFFFF\uFFFE Data Co" });
    expect(errorKey(r, "legalNameEn")).toBe("validation.forbiddenCharacters");
    expect(errorKey(post("organisation", { legalNameZh: "邪恶\u0007数据" }), "legalNameZh")).toBe(
      "validation.forbiddenCharacters",
    );
    // Fields checked only by the step's own rules (loose) refuse them too.
    expect(
      errorKey(post("organisation", { "references[0].site": "Site\uFFFE" }), "references[0].site"),
    ).toBe("validation.forbiddenCharacters");
    expect(post("organisation", { legalNameEn: "Evil Data Co" }).ok).toBe(true);
  });

  it("every step's text fields refuse them", () => {
    expect(errorKey(post("project", { title: "Campus \uFFFF phase" }), "title")).toBe(
      "validation.forbiddenCharacters",
    );
    expect(errorKey(post("contact", { familyName: "Li\u0000" }), "familyName")).toBe(
      "validation.forbiddenCharacters",
    );
  });
});
