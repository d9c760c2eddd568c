// The Chinese terminology list (issue 14, point 7): one Chinese word per concept, used by every
// dictionary. Where the English says `en`, the Chinese says `zh`; the words in `avoid` are the
// synonyms that had drifted in and must not come back. tests/unit/terminology.test.ts reads
// every message of both dictionaries against this list and fails when a term drifts.
// To add a concept: its English word (matched as a whole word, case-insensitive; null when the
// English has no one fixed word), its one Chinese word, and the synonyms to refuse.
export interface Term {
  concept: string;
  en: string | null;
  zh: string;
  avoid: readonly string[];
}

export const TERMS: readonly Term[] = [
  {
    concept: "change (an answer, a password, a record)",
    // "change" is also a noun in English ("a status change"): the buttons are checked by key.
    en: null,
    zh: "修改",
    avoid: ["更改"],
  },
  {
    concept: "save as draft (the button)",
    en: "save as draft",
    zh: "保存草稿",
    avoid: ["保存为草稿", "存为草稿"],
  },
  { concept: "proposal", en: "proposal", zh: "提案", avoid: ["申请书", "建议书", "方案书"] },
  { concept: "call for proposals", en: null, zh: "征集", avoid: ["招标", "征求"] },
  { concept: "reviewer", en: "reviewer", zh: "评审人", avoid: ["评审员", "审核人", "评委"] },
  { concept: "submit", en: "submit", zh: "提交", avoid: ["递交", "呈交"] },
  { concept: "section (of the proposal)", en: null, zh: "部分", avoid: ["章节"] },
  { concept: "CDA", en: null, zh: "首都发展局", avoid: ["首都开发局", "首都发展管理局"] },
  {
    concept: "Unified Social Credit Code",
    en: "unified social credit code",
    zh: "统一社会信用代码",
    avoid: ["社会信用统一代码", "信用代码号"],
  },
];
