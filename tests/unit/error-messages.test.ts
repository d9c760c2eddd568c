// Issue 14, point 3: every message a question step can show names its question, in English and
// Chinese ("Enter the company's legal name in English" / "请输入公司英文法定名称", never a bare
// "Enter a value" / "请填写此项"), and a reviewer's messages name their criterion.
import { describe, expect, it } from "vitest";
import { getTranslator, type MessageKey } from "~/i18n";
import { dictionaries } from "~/i18n/catalog.server";
import { parseStep, prepareInput, QUESTION_STEP_IDS, type QuestionStepId } from "~/schemas";
import { STEP_FIELDS } from "~/schemas/describe";
import { validateReview, type ReviewCriterion } from "~/domain/review-validation";
import { decodeMsg, errorText, fieldNounKey, formDataToObject } from "~/utils/form";
import { toSearchParams, VALID_POSTS } from "../support/proposal-answers";

const LOCALES = ["en", "zh-Hans"] as const;

/** Messages whose own words already say which question they are about. */
const NAME_THEMSELVES = new Set([
  "proposal.err.usccRequired",
  "proposal.err.usccLetterDigit",
  "proposal.err.usccLetter",
  "proposal.err.usccDigit",
  "proposal.err.usccCharacter",
  "proposal.err.usccLength",
  "proposal.err.nameZhHan",
  "proposal.err.province",
  "proposal.err.phone",
  "proposal.err.phoneCn",
  "proposal.err.membersMin",
  "proposal.err.useCasesMin",
  "proposal.err.finalBelowPhase1",
  "proposal.err.constructedAfterDesign",
  "proposal.err.iso27001",
  "proposal.err.residencyCommitment",
  "proposal.err.pctSum",
  "proposal.err.supportNone",
  "proposal.err.order.constructionStart",
  "proposal.err.order.facilityCertified",
  "proposal.err.order.operationsStart",
]);

/** Bad posts of a step: empty, every field blank, every field nonsense, every field too long. */
function badPosts(step: QuestionStepId): Record<string, string | string[]>[] {
  const valid = VALID_POSTS[step]!;
  const all = (value: string) =>
    Object.fromEntries(Object.keys(valid).map((k) => [k, value])) as Record<string, string>;
  return [
    {},
    all(""),
    all("x"),
    all("0.001"),
    all("9".repeat(20)),
    all("y".repeat(3001)),
    { ...valid, applicantType: "consortium" },
    { ...valid, tracks: ["tier4DataCentre", "bigDataPlatform"], site: "cdaSite" },
    { ...valid, country: "PK", uscc: "" },
  ];
}

describe("every message of a question step names its question", () => {
  it("every question has a name, in both languages", () => {
    for (const fields of Object.values(STEP_FIELDS)) {
      for (const f of fields) {
        const names = f.columns
          ? f.columns.map((c) => `${f.name}[0].${c.name}`)
          : f.kind === "money"
            ? [`${f.name}.amount`, `${f.name}.currency`]
            : [f.name];
        for (const name of names) expect(fieldNounKey(name), name).not.toBeNull();
      }
    }
  });

  it.each(QUESTION_STEP_IDS)("%s", (step) => {
    let seen = 0;
    for (const post of badPosts(step)) {
      const parsed = parseStep(step, prepareInput(step, formDataToObject(toSearchParams(post))));
      for (const [name, encoded] of Object.entries(parsed.errors ?? {})) {
        const { key } = decodeMsg(encoded);
        if (NAME_THEMSELVES.has(key)) continue;
        seen++;
        const noun = fieldNounKey(name);
        expect(noun, `a name for ${name}`).not.toBeNull();
        for (const locale of LOCALES) {
          const t = getTranslator(locale);
          const text = errorText(t, encoded, { name, prefix: "field." });
          const called = t(noun!.key, { n: noun!.n });
          expect(text, `${step} ${name} ${key} (${locale})`).toContain(called);
          expect(text).not.toMatch(/\{\w+\}/);
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("the brief's examples read as they should", () => {
    const en = getTranslator("en");
    const zh = getTranslator("zh-Hans");
    const opts = { name: "legalNameEn", prefix: "field." };
    expect(errorText(en, "validation.required", opts)).toBe(
      "Enter the company's legal name in English",
    );
    expect(errorText(zh, "validation.required", opts)).toBe("请输入公司英文法定名称");
    expect(
      errorText(en, "validation.required", { name: "references[1].site", prefix: "field." }),
    ).toBe("Enter the site of reference project 2");
    // Outside the proposal (no prefix), a field's name is not guessed: "email" on another form
    // is not the proposal contact's.
    expect(errorText(en, "validation.required", { name: "email" })).toBe("Enter a value");
  });

  it("every .named message exists for a plain one, with the same placeholders and a {field}", () => {
    const en = dictionaries.en as Record<string, string>;
    for (const key of Object.keys(en).filter((k) => k.endsWith(".named"))) {
      const plain = key.slice(0, -".named".length);
      expect(en[plain], plain).toBeDefined();
      for (const dict of [dictionaries.en, dictionaries["zh-Hans"]] as Record<string, string>[]) {
        expect(dict[key]).toContain("{field}");
        const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(vars(dict[key]!).filter((v) => v !== "field")).toEqual(vars(dict[plain]!));
      }
    }
  });
});

describe("a reviewer's messages name their criterion", () => {
  it("a missing level says which criterion, in both languages", () => {
    const criteria: ReviewCriterion[] = [
      { id: 7, key: "c1", kind: "scored", appliesToTrack: null },
    ];
    const { errors } = validateReview(criteria, [], {}, "submit");
    const encoded = errors["c.7.level"]!;
    expect(
      errorText(getTranslator("en"), encoded, { name: "c.7.level", noun: "Technical capability" }),
    ).toBe("Select a level from 0 to 5 for Technical capability");
    expect(
      errorText(getTranslator("zh-Hans"), encoded, { name: "c.7.level", noun: "技术能力" }),
    ).toBe("请为技术能力选择 0 至 5 的等级");
    const rationale = errors["c.7.rationale"]!;
    expect(
      errorText(getTranslator("en"), rationale, {
        name: "c.7.rationale",
        noun: "Technical capability" as MessageKey,
      }),
    ).toBe("Write a rationale of at least 20 characters for Technical capability");
  });
});
