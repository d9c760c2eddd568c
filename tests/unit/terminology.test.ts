// Issue 14, point 7: one Chinese word per concept in both dictionaries (i18n/terminology.ts),
// every key in both languages, provinces in Chinese, and step pages counting sections as the
// task list does.
import { describe, expect, it } from "vitest";
import { dictionaries } from "~/i18n/catalog.server";
import { MAIL_TEMPLATES } from "~/services/mail-templates";
import { TERMS } from "~/i18n/terminology";
import { provinceName } from "~/components/proposal-summary";
import { sectionPosition, STEP_IDS } from "~/domain/step-order";
import { taskStatuses } from "~/domain/proposal-steps";
import { CN_PROVINCES } from "~/schemas/countries";

const en = dictionaries.en as Record<string, string>;
const zh = dictionaries["zh-Hans"] as Record<string, string>;

describe("the Chinese terminology list", () => {
  it("both dictionaries have every key", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(TERMS.map((t) => [t.concept, t] as const))(
    "%s: the Chinese never uses a refused synonym",
    (_, term) => {
      const drifted = Object.entries(zh)
        .filter(([, text]) => term.avoid.some((word) => text.includes(word)))
        .map(([key]) => key);
      expect(drifted).toEqual([]);
    },
  );

  it.each(TERMS.filter((t) => t.en).map((t) => [t.concept, t] as const))(
    "%s: where the English uses the term, the Chinese uses its one word",
    (_, term) => {
      const word = new RegExp(`\\b${term.en}\\b`, "i");
      const drifted = Object.keys(en)
        .filter((key) => word.test(en[key]!) && !zh[key]!.includes(term.zh))
        .map((key) => `${key}: ${zh[key]}`);
      expect(drifted).toEqual([]);
    },
  );

  it("the mail templates keep to the list too", () => {
    const text = JSON.stringify(MAIL_TEMPLATES);
    for (const term of TERMS)
      for (const word of term.avoid)
        expect(text.includes(word), `${term.concept}: ${word}`).toBe(false);
  });

  it("the buttons and links of the proposal say the same words everywhere", () => {
    for (const key of ["proposal.form.saveDraft", "docs.saveDraft", "scoring.saveDraft"])
      expect(zh[key], key).toBe("保存草稿");
    for (const key of ["proposal.form.change", "check.change"]) expect(zh[key], key).toBe("修改");
  });
});

describe("Chinese on the check-answers page", () => {
  it("shows a province from the list in Chinese, and in English on English pages", () => {
    expect(provinceName("Guizhou", "zh-Hans")).toBe("贵州");
    expect(provinceName("Guizhou", "en")).toBe("Guizhou");
    for (const p of CN_PROVINCES) expect(provinceName(p.value, "zh-Hans")).toBe(p.zh);
    // A province typed for a company outside China is shown as typed.
    expect(provinceName("Punjab", "zh-Hans")).toBe("Punjab");
  });
});

describe("'Section n of N' counts what the task list counts", () => {
  const withTracks = (tracks: string[]) => ({
    project: { data: { tracks }, complete: true },
  });
  it.each([
    ["data centre", ["tier4DataCentre"]],
    ["big data only", ["bigDataPlatform"]],
    ["not chosen yet", []],
  ])("%s", (_, tracks) => {
    const answers = withTracks(tracks);
    const statuses = taskStatuses(answers);
    const taskListTotal = STEP_IDS.filter(
      (s) => s !== "check" && statuses[s] !== "notNeeded",
    ).length;
    expect(sectionPosition("eligibility", answers)).toEqual({ n: 1, total: taskListTotal });
    expect(sectionPosition("documents", answers).n).toBe(taskListTotal);
    expect(sectionPosition("local-benefit", answers).n).toBe(taskListTotal - 1);
  });
});
