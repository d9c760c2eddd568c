// Rules for a call's criteria set: what may be published. Plain TypeScript: no Remix, no database.
// Messages are dictionary keys encoded with msg() (see app/i18n/messages/call-admin.ts).
import { msg, normaliseInput } from "~/utils/form";

export const LEVELS = [0, 1, 2, 3, 4, 5] as const;
export const MIN_LEVEL = 0;
export const MAX_LEVEL = 5;
export const TOTAL_WEIGHT = 100;
export const TRACKS = ["tier4DataCentre", "bigDataPlatform"] as const;
export type Track = (typeof TRACKS)[number];

export interface Descriptor {
  en: string;
  zh: string;
}

export interface CriterionDraft {
  key: string;
  kind: "scored" | "gate";
  titleEn: string;
  titleZh: string;
  /** For a gate: its wording (what passing requires). */
  descriptionEn: string;
  descriptionZh: string;
  weight: number | null;
  minLevel: number | null;
  /** Six descriptors, levels 0..5 (scored criteria only). */
  descriptors: Descriptor[];
  appliesToTrack: string | null;
}

/** Field name → encoded message, as the pages show them. */
export type CriteriaErrors = Record<string, string>;

export const KEY_RE = /^[a-z][a-z0-9_]{0,31}$/;

const isWhole = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n);
const blank = (s: string | null | undefined) => !s || s.trim() === "";

/**
 * One criterion on its own (the edit form). Field names: key, titleEn, titleZh, descriptionEn,
 * descriptionZh, weight, minLevel, descriptors[i].en / descriptors[i].zh, appliesToTrack.
 * `otherKeys` are the keys of the rest of the set (keys are unique within a version).
 */
export function validateCriterion(
  c: CriterionDraft,
  otherKeys: readonly string[] = [],
): CriteriaErrors {
  const e: CriteriaErrors = {};
  if (blank(c.key)) e.key = msg("criteria.keyRequired");
  else if (!KEY_RE.test(c.key)) e.key = msg("criteria.keyFormat");
  else if (otherKeys.includes(c.key)) e.key = msg("criteria.keyDuplicate", { key: c.key });
  if (blank(c.titleEn)) e.titleEn = msg("criteria.titleEnRequired");
  else if (c.titleEn.length > 200) e.titleEn = msg("validation.tooLong", { max: 200 });
  if (blank(c.titleZh)) e.titleZh = msg("criteria.titleZhRequired");
  else if (c.titleZh.length > 200) e.titleZh = msg("validation.tooLong", { max: 200 });
  if (c.descriptionEn.length > 2000) e.descriptionEn = msg("validation.tooLong", { max: 2000 });
  if (c.descriptionZh.length > 2000) e.descriptionZh = msg("validation.tooLong", { max: 2000 });
  if (c.kind === "gate") {
    if (blank(c.descriptionEn)) e.descriptionEn = msg("criteria.gateWordingEn");
    if (blank(c.descriptionZh)) e.descriptionZh = msg("criteria.gateWordingZh");
    if (c.appliesToTrack !== null && !(TRACKS as readonly string[]).includes(c.appliesToTrack))
      e.appliesToTrack = msg("validation.choose");
    return e;
  }
  if (c.weight !== null && (!isWhole(c.weight) || c.weight < 0 || c.weight > TOTAL_WEIGHT))
    e.weight = msg("criteria.weightRange");
  if (
    c.minLevel !== null &&
    (!isWhole(c.minLevel) || c.minLevel < MIN_LEVEL || c.minLevel > MAX_LEVEL)
  )
    e.minLevel = msg("criteria.minLevelRange");
  for (const level of LEVELS) {
    const d = c.descriptors[level];
    if (blank(d?.en)) e[`descriptors[${level}].en`] = msg("criteria.descriptorEn", { level });
    else if (d!.en.length > 500)
      e[`descriptors[${level}].en`] = msg("validation.tooLong", { max: 500 });
    if (blank(d?.zh)) e[`descriptors[${level}].zh`] = msg("criteria.descriptorZh", { level });
    else if (d!.zh.length > 500)
      e[`descriptors[${level}].zh`] = msg("validation.tooLong", { max: 500 });
  }
  return e;
}

/** The weights and minimum levels of the scored criteria, in set order. */
export interface WeightRow {
  key: string;
  weight: number | null;
  minLevel: number | null;
}

export function sumWeights(rows: readonly { weight: number | null }[]): number {
  return rows.reduce((sum, r) => sum + (isWhole(r.weight) ? r.weight : 0), 0);
}

/**
 * The weights form: every scored weight a whole number 1–100, every minimum level a whole number
 * 0–5, and the weights summing to exactly 100 (the message gives the actual sum).
 * Field names: weights[i].weight, weights[i].minLevel, and `_total` for the sum.
 */
export function validateWeights(rows: readonly WeightRow[]): CriteriaErrors {
  const e: CriteriaErrors = {};
  rows.forEach((r, i) => {
    if (!isWhole(r.weight) || r.weight < 1 || r.weight > TOTAL_WEIGHT)
      e[`weights[${i}].weight`] = msg("criteria.weightWhole", { key: r.key });
    if (!isWhole(r.minLevel) || r.minLevel < MIN_LEVEL || r.minLevel > MAX_LEVEL)
      e[`weights[${i}].minLevel`] = msg("criteria.minLevelFor", { key: r.key });
  });
  const sum = sumWeights(rows);
  if (rows.length === 0) e._total = msg("criteria.noScored");
  else if (sum !== TOTAL_WEIGHT) e._total = msg("criteria.weightsSum", { sum });
  return e;
}

/**
 * A whole set, before it is published: at least one scored criterion, unique keys, every
 * criterion complete (titles, six descriptors in both languages, gate wording), weights whole
 * numbers 1–100 summing to exactly 100, minimum levels 0–5, and tie-break keys that name scored
 * criteria of this set (each once). Errors are keyed by criterion key (`<key>.<field>`), plus
 * `_total` and `_tieBreak`.
 */
export function validateCriteriaSet(
  set: readonly CriterionDraft[],
  tieBreak: readonly string[],
): CriteriaErrors {
  const e: CriteriaErrors = {};
  const keys = set.map((c) => c.key);
  set.forEach((c, i) => {
    const others = keys.filter((_, j) => j !== i);
    for (const [field, message] of Object.entries(validateCriterion(c, others)))
      if (!(`${c.key || i}.${field}` in e)) e[`${c.key || i}.${field}`] = message;
  });
  const scored = set.filter((c) => c.kind === "scored");
  Object.assign(
    e,
    Object.fromEntries(
      Object.entries(
        validateWeights(
          scored.map((c) => ({ key: c.key, weight: c.weight, minLevel: c.minLevel })),
        ),
      ).map(([name, message]) => {
        const m = /^weights\[(\d+)\]\.(weight|minLevel)$/.exec(name);
        return [m ? `${scored[Number(m[1])]!.key}.${m[2]}` : name, message];
      }),
    ),
  );
  const scoredKeys = new Set(scored.map((c) => c.key));
  const seen = new Set<string>();
  for (const key of tieBreak) {
    if (!scoredKeys.has(key)) {
      e._tieBreak = msg("criteria.tieBreakUnknown", { key });
      break;
    }
    if (seen.has(key)) {
      e._tieBreak = msg("criteria.tieBreakRepeated", { key });
      break;
    }
    seen.add(key);
  }
  return e;
}

/** Tie-break keys checked against the scored keys of a set (the call settings form). */
export function validateTieBreak(
  tieBreak: readonly string[],
  scoredKeys: readonly string[],
): string | null {
  const seen = new Set<string>();
  for (const key of tieBreak) {
    if (!scoredKeys.includes(key)) return msg("criteria.tieBreakUnknown", { key });
    if (seen.has(key)) return msg("criteria.tieBreakRepeated", { key });
    seen.add(key);
  }
  return null;
}

/** "tier4, data ,finance" → ["tier4","data","finance"]. */
export function parseTieBreak(text: string): string[] {
  return text
    .split(/[\s,，、]+/)
    .map((k) => k.trim())
    .filter(Boolean);
}

const text = (v: unknown) => (typeof v === "string" ? normaliseInput(v) : "");
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The criterion form's fields (from formDataToObject) → the texts of a criterion. */
export function parseCriterionForm(
  obj: Record<string, unknown>,
): Omit<CriterionDraft, "kind" | "weight" | "minLevel"> {
  const descriptors = Array.isArray(obj.descriptors) ? obj.descriptors : [];
  const track = text(obj.appliesToTrack);
  return {
    key: text(obj.key),
    titleEn: text(obj.titleEn),
    titleZh: text(obj.titleZh),
    descriptionEn: text(obj.descriptionEn),
    descriptionZh: text(obj.descriptionZh),
    descriptors: LEVELS.map((level) => {
      const d = record(descriptors[level]);
      return { en: text(d.en), zh: text(d.zh) };
    }),
    appliesToTrack: track === "" ? null : track,
  };
}

/** "12" → 12; anything that is not a plain whole number (blank, "1.5", "-1", "1e2") → null. */
export function parseWhole(v: unknown): number | null {
  const s = text(v);
  return /^\d{1,6}$/.test(s) ? Number(s) : null;
}

/** The weights form's rows: weights[i].id, weights[i].weight, weights[i].minLevel. */
export function parseWeightsForm(
  obj: Record<string, unknown>,
): { id: number; weight: number | null; minLevel: number | null }[] {
  const rows = Array.isArray(obj.weights) ? obj.weights : [];
  return rows.map((r) => {
    const row = record(r);
    return {
      id: parseWhole(row.id) ?? -1,
      weight: parseWhole(row.weight),
      minLevel: parseWhole(row.minLevel),
    };
  });
}
