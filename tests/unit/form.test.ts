import { describe, expect, it } from "vitest";
import { formDataToObject, getAt, normaliseInput } from "~/utils/form";

describe("typed input", () => {
  it("turns full-width codes, numbers and addresses into ASCII", () => {
    expect(normaliseInput("１２０")).toBe("120");
    expect(normaliseInput("＋８６ １３８ ００１３ ８０００")).toBe("+86 138 0013 8000");
    expect(normaliseInput("９１３５０１００Ｍ０００１００Ｙ４３")).toBe("91350100M000100Y43");
    expect(normaliseInput("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ")).toBe("wang@example.cn");
  });

  it("keeps Chinese text exactly as typed, full-width punctuation included", () => {
    expect(normaliseInput("容错设计，并已计划认证（2027年）：是")).toBe(
      "容错设计，并已计划认证（2027年）：是",
    );
    expect(normaliseInput("贵阳市观山湖区１号")).toBe("贵阳市观山湖区１号");
    expect(normaliseInput("\u3000贵州云山数据科技有限公司 ")).toBe("贵州云山数据科技有限公司");
  });

  it("builds nested values from dotted and bracketed names, refusing prototype keys", () => {
    const form = new URLSearchParams();
    form.append("capex.amount", "１２５００");
    form.append("references[1].site", "贵安新区，一期");
    form.append("tracks", "tier4DataCentre");
    form.append("tracks", "bigDataPlatform");
    form.append("__proto__.polluted", "yes");
    const obj = formDataToObject(form);
    expect(getAt(obj, "capex.amount")).toBe("12500");
    expect(getAt(obj, "references[1].site")).toBe("贵安新区，一期");
    expect(obj.tracks).toEqual(["tier4DataCentre", "bigDataPlatform"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
