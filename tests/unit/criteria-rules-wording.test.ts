// The public criteria page states the scoring rules in the spec's words (product.md "Scoring
// rules", rewritten for issue 13), in English and Simplified Chinese.
import { describe, expect, it } from "vitest";
import { en as publicEn, zh as publicZh } from "~/i18n/messages/public";

// Sentences of the spec the page must carry (placeholders where the call's parameters go).
const SPEC_SENTENCES: [keyof typeof publicEn, string][] = [
  [
    "public.rules.submittedOnly",
    "A withdrawn proposal's reviews leave every computation, calibration included.",
  ],
  ["public.rules.gates", "it names the reviews it decided, and it lapses"],
  ["public.rules.gates", "as soon as the set of counting reviews of that proposal changes"],
  ["public.rules.gates", "A moderation of a gate that is not split is refused."],
  ["public.rules.qualifies", "(the raw score; calibration never changes qualification)"],
  ["public.rules.qualifies", "marked \u201cprovisional\u201d on the board and in every export"],
  ["public.rules.disagreement", "population standard deviation above {sd} points"],
  ["public.rules.calibration", "It is not clamped: it may fall outside 0–100."],
  [
    "public.rules.precision",
    "rounded to 6 decimal places, half away from zero, so that anyone can reproduce every decision in a spreadsheet with ROUND(x; 6)",
  ],
  ["public.rules.rank", "Rank is a proposal's position in the whole call by the score in use"],
  ["public.rules.rank", "the proposals withheld from them are left out before ranking"],
  ["public.rules.rank", "say how many proposals were withheld (never which)"],
  ["public.rules.ties", "Ties (scores equal at 6 decimals)"],
  ["public.rules.ties", "(CDA-2026-0042 before CDA-2026-10000)"],
  ["public.rules.recompute", "(Raw scores, Criteria, Rules, Proposals, Moderations)"],
];

describe("the criteria page's scoring rules", () => {
  it("carry the spec's sentences in English", () => {
    for (const [key, sentence] of SPEC_SENTENCES) expect(publicEn[key], key).toContain(sentence);
    expect(publicEn["public.rules.ties"]).not.toContain("full precision");
    expect(publicEn["public.rules.rank"]).not.toContain("in view");
  });

  it("say the same in Chinese", () => {
    expect(publicZh["public.rules.precision"]).toContain("ROUND(x; 6)");
    expect(publicZh["public.rules.precision"]).toContain("6 位");
    expect(publicZh["public.rules.ties"]).toContain("CDA-2026-0042 排在 CDA-2026-10000 之前");
    expect(publicZh["public.rules.ties"]).not.toContain("完整精度");
    expect(publicZh["public.rules.rank"]).toContain("回避");
    expect(publicZh["public.rules.gates"]).toContain("失效");
    expect(publicZh["public.rules.qualifies"]).toContain("暂定");
    expect(publicZh["public.rules.calibration"]).toContain("不设上下限");
    expect(publicZh["public.rules.submittedOnly"]).toContain("已撤回提案的评审退出一切计算");
  });
});
