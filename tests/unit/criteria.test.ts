import { describe, expect, it } from "vitest";
import { DEFAULT_CRITERIA, DEFAULT_TIE_BREAK } from "~db/seed/default-criteria";
import {
  parseCriterionForm,
  parseTieBreak,
  parseWeightsForm,
  sumWeights,
  validateCriteriaSet,
  validateCriterion,
  validateWeights,
  type CriterionDraft,
} from "~/domain/criteria";
import { decodeMsg, formDataToObject } from "~/utils/form";

const defaults = (): CriterionDraft[] =>
  DEFAULT_CRITERIA.map((c) => ({ ...c, descriptors: c.descriptors.map((d) => ({ ...d })) }));

function scored(key: string, weight: number, minLevel = 2): CriterionDraft {
  return {
    key,
    kind: "scored",
    titleEn: `Title ${key}`,
    titleZh: `标题 ${key}`,
    descriptionEn: "",
    descriptionZh: "",
    weight,
    minLevel,
    descriptors: [0, 1, 2, 3, 4, 5].map((l) => ({ en: `Level ${l}`, zh: `等级 ${l}` })),
    appliesToTrack: null,
  };
}

function gate(key: string): CriterionDraft {
  return {
    key,
    kind: "gate",
    titleEn: `Gate ${key}`,
    titleZh: `门槛 ${key}`,
    descriptionEn: "Must hold a licence",
    descriptionZh: "必须持有执照",
    weight: null,
    minLevel: null,
    descriptors: [],
    appliesToTrack: null,
  };
}

describe("a criteria set", () => {
  it("accepts the published default criteria (criteria.md) with their tie-break order", () => {
    expect(validateCriteriaSet(defaults(), [...DEFAULT_TIE_BREAK])).toEqual({});
  });

  it("refuses weights that do not add up to 100 and says what they add up to", () => {
    const set = [scored("a", 60), scored("b", 35), gate("g1")];
    const errors = validateCriteriaSet(set, ["a"]);
    expect(decodeMsg(errors._total!)).toEqual({ key: "criteria.weightsSum", vars: { sum: 95 } });
    const over = validateCriteriaSet([scored("a", 60), scored("b", 45)], []);
    expect(decodeMsg(over._total!).vars).toEqual({ sum: 105 });
  });

  it("refuses weights that are not whole numbers from 1 to 100", () => {
    const errors = validateCriteriaSet([scored("a", 50.5), scored("b", 49.5)], []);
    expect(decodeMsg(errors["a.weight"]!).key).toBe("criteria.weightWhole");
    expect(decodeMsg(errors["b.weight"]!).key).toBe("criteria.weightWhole");
    const zero = validateCriteriaSet([scored("a", 100), scored("b", 0)], []);
    expect(zero["b.weight"]).toBeDefined();
    expect(zero._total).toBeUndefined();
  });

  it("refuses minimum levels outside 0–5", () => {
    const errors = validateCriteriaSet([scored("a", 50, 6), scored("b", 50, -1)], []);
    expect(decodeMsg(errors["a.minLevel"]!).key).toBe("criteria.minLevelFor");
    expect(decodeMsg(errors["b.minLevel"]!).key).toBe("criteria.minLevelFor");
    expect(validateCriteriaSet([scored("a", 50, 0), scored("b", 50, 5)], [])).toEqual({});
  });

  it("refuses duplicate keys", () => {
    const errors = validateCriteriaSet([scored("a", 50), scored("a", 50)], []);
    expect(decodeMsg(errors["a.key"]!)).toEqual({
      key: "criteria.keyDuplicate",
      vars: { key: "a" },
    });
  });

  it("needs all six descriptors in both languages for each scored criterion", () => {
    const c = scored("a", 100);
    c.descriptors[3] = { en: "Realistic", zh: " " };
    c.descriptors = c.descriptors.slice(0, 5);
    const errors = validateCriteriaSet([c], []);
    expect(decodeMsg(errors["a.descriptors[3].zh"]!)).toEqual({
      key: "criteria.descriptorZh",
      vars: { level: 3 },
    });
    expect(errors["a.descriptors[5].en"]).toBeDefined();
    expect(errors["a.descriptors[5].zh"]).toBeDefined();
    expect(errors["a.descriptors[3].en"]).toBeUndefined();
  });

  it("needs a gate's wording in both languages", () => {
    const g = { ...gate("g1"), descriptionZh: "" };
    const errors = validateCriteriaSet([scored("a", 100), g], []);
    expect(errors["g1.descriptionZh"]).toBe("criteria.gateWordingZh");
    expect(errors["g1.descriptionEn"]).toBeUndefined();
  });

  it("needs at least one scored criterion", () => {
    expect(validateCriteriaSet([gate("g1")], [])._total).toBe("criteria.noScored");
  });

  it("accepts only scored criteria of the set in the tie-break order, each once", () => {
    const set = [scored("a", 50), scored("b", 50), gate("g1")];
    expect(validateCriteriaSet(set, ["b", "a"])).toEqual({});
    expect(decodeMsg(validateCriteriaSet(set, ["a", "g1"])._tieBreak!)).toEqual({
      key: "criteria.tieBreakUnknown",
      vars: { key: "g1" },
    });
    expect(decodeMsg(validateCriteriaSet(set, ["zzz"])._tieBreak!).vars).toEqual({ key: "zzz" });
    expect(decodeMsg(validateCriteriaSet(set, ["a", "a"])._tieBreak!).key).toBe(
      "criteria.tieBreakRepeated",
    );
  });
});

describe("one criterion", () => {
  it("checks the key format and titles in both languages", () => {
    const c = { ...scored("Tier 4", 10), titleZh: "" };
    const errors = validateCriterion(c);
    expect(errors.key).toBe("criteria.keyFormat");
    expect(errors.titleZh).toBe("criteria.titleZhRequired");
    expect(validateCriterion(scored("tier4", 10))).toEqual({});
  });

  it("refuses a gate limited to an unknown track", () => {
    expect(
      validateCriterion({ ...gate("g2"), appliesToTrack: "moon" }).appliesToTrack,
    ).toBeDefined();
    expect(validateCriterion({ ...gate("g2"), appliesToTrack: "tier4DataCentre" })).toEqual({});
  });
});

describe("the weights form", () => {
  it("sums only whole weights and demands exactly 100", () => {
    expect(sumWeights([{ weight: 40 }, { weight: 60 }, { weight: null }])).toBe(100);
    const rows = [
      { key: "a", weight: 40, minLevel: 2 },
      { key: "b", weight: 50, minLevel: 7 },
    ];
    const errors = validateWeights(rows);
    expect(decodeMsg(errors._total!).vars).toEqual({ sum: 90 });
    expect(decodeMsg(errors["weights[1].minLevel"]!)).toEqual({
      key: "criteria.minLevelFor",
      vars: { key: "b" },
    });
    expect(errors["weights[0].weight"]).toBeUndefined();
  });

  it("reads posted rows, turning anything but a plain whole number into null", () => {
    const form = new URLSearchParams();
    form.append("weights[0].id", "7");
    form.append("weights[0].weight", "２０");
    form.append("weights[0].minLevel", "3");
    form.append("weights[1].id", "8");
    form.append("weights[1].weight", "12.5");
    form.append("weights[1].minLevel", "-1");
    expect(parseWeightsForm(formDataToObject(form))).toEqual([
      { id: 7, weight: 20, minLevel: 3 },
      { id: 8, weight: null, minLevel: null },
    ]);
  });
});

describe("the criterion form", () => {
  it("reads six descriptor pairs by level and an empty track as every proposal", () => {
    const form = new URLSearchParams();
    form.append("key", " tier4 ");
    form.append("titleEn", "Tier IV");
    form.append("descriptors[0].en", "None");
    form.append("descriptors[5].zh", "已运营");
    form.append("appliesToTrack", "");
    const c = parseCriterionForm(formDataToObject(form));
    expect(c.key).toBe("tier4");
    expect(c.descriptors).toHaveLength(6);
    expect(c.descriptors[0]).toEqual({ en: "None", zh: "" });
    expect(c.descriptors[5]).toEqual({ en: "", zh: "已运营" });
    expect(c.appliesToTrack).toBeNull();
  });

  it("splits a tie-break order on commas, Chinese commas and spaces", () => {
    expect(parseTieBreak(" tier4,data ， finance、local ")).toEqual([
      "tier4",
      "data",
      "finance",
      "local",
    ]);
    expect(parseTieBreak("")).toEqual([]);
  });
});
