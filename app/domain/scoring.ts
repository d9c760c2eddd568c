// The published scoring rules (product.md "Scoring rules", criteria.md) as one pure module:
// no database, no Remix. The board, the breakdown, the exports and the criteria page all read
// their numbers from here so that they cannot disagree.
//
// Precision (product.md "Precision", docs/decisions/0012): every comparison the rules make — ties,
// the qualifying score, minimum levels, the disagreement thresholds — is made on values rounded to
// 6 decimals half away from zero, as integers of millionths (app/domain/precision.ts, the one
// place that rounds). Levels are integers 0–5 and weights whole percents, so a raw score is an
// exact rational Σ wᵢ·Sᵢ/(5·nᵢ) and a mean level Sᵢ/nᵢ: they are rounded exactly. Calibrated
// scores and standard deviations involve square roots: computed in double precision (the SD from
// exact integer sums), then rounded as a spreadsheet rounds them.
//
// Counting reviews (product.md): submitted, of a proposal in the competition (a proposal given
// with a status outside RANKED_STATUSES, e.g. withdrawn, is left out with all its reviews, from
// calibration too). The model leaves out conflicted reviewers' reviews before calling.
//
// Decisions where the published rules are silent:
// - A proposal without a submitted review has no score (null), no calibrated score, does not
//   qualify, and ranks after every scored proposal (among themselves: tie-break chain, i.e.
//   submission time, then reference, then id).
// - A gate is decided by the reviews that marked it: more fails than passes = fail, more passes =
//   pass, equal = split. A moderation (gate decision or disagreement note) names the counting
//   reviews it decided and applies only while they are exactly the proposal's counting reviews and
//   it has not lapsed; once they differ it lapses for good (reported in `lapsingModerations` for
//   the read model to record), even if the same set comes back. The latest applying moderation of
//   a gate decides it (by time, then id). A gate with an appliesToTrack the proposal does not have
//   is "not applicable" and counts as passed.
// - Scored criteria apply to every proposal (their weights sum to 100).
// - A review missing a level contributes the levels it has to the criterion means, but has no
//   total, so it is left out of the totals' SD and of calibration.
// - Calibration counts a reviewer's complete submitted reviews over the proposals passed in
//   (the model passes every ranked proposal of the call: submitted, not withdrawn).
// - A disagreement note without a criterion resolves every flag; with one, that criterion's flag.
// - Ranks are unique 1..n (no shared ranks): ties (at 6 decimals) go to the tie-break criteria's
//   means, the submission instant, the reference's year and sequence number (CDA-2026-9999 before
//   CDA-2026-10000), and finally the proposal id.
// - Calibrated scores are not clamped: they may fall outside 0–100.
import { rationalMicros, toMicros } from "./precision";
import { isRanked } from "./proposal-lifecycle";
import { integerSums, lcm, mean, NO_SUMS, statsFromIntegerSums, type IntegerSums } from "./stats";

export type { IntegerSums };

// ---------------------------------------------------------------- input

export interface ScoringParams {
  /** Submitted reviews a proposal needs before it can qualify (default 3). */
  minReviews: number;
  /** Score (0–100) a proposal must reach to qualify (default 65). */
  qualifyingScore: number;
  /** Levels for one criterion that differ by this much or more are flagged (default 2). */
  disagreementSpread: number;
  /** Review totals whose population SD is above this are flagged (default 15). */
  disagreementSd: number;
  /** Reviewers with fewer submitted reviews in the call count raw (default 5). */
  calibrationMinReviews: number;
  /** Scored criterion keys in the published tie-break order (default tier4, data, finance). */
  tieBreak: readonly string[];
}

export const DEFAULT_PARAMS: ScoringParams = {
  minReviews: 3,
  qualifyingScore: 65,
  disagreementSpread: 2,
  disagreementSd: 15,
  calibrationMinReviews: 5,
  tieBreak: ["tier4", "data", "finance"],
};

export interface CriterionInput {
  key: string;
  kind: "scored" | "gate";
  /** Whole percent; scored criteria only (null for gates). */
  weight: number | null;
  /** 0–5; scored criteria only. */
  minLevel: number | null;
  /** A gate that applies to one track only (G2: tier4DataCentre); null = every proposal. */
  appliesToTrack: string | null;
}

export interface ProposalInput {
  id: number;
  /** The proposal's status; when given and not in the competition (e.g. withdrawn) it is left out. */
  status?: string;
  reference: string | null;
  /** ISO 8601 UTC. */
  submittedAt: string | null;
  tracks: readonly string[];
}

export interface ReviewInput {
  /** The review's id: what moderations name. */
  id?: number;
  proposalId: number;
  reviewerId: number;
  /** When given, anything but "submitted" is ignored: only submitted reviews count. */
  status?: "draft" | "submitted" | "returned";
  submittedAt?: string | null;
  /** Level 0–5 per scored criterion key. */
  levels: Readonly<Record<string, number>>;
  /** true = pass, false = fail, per gate key. */
  gates: Readonly<Record<string, boolean>>;
}

/** What every moderation carries: the counting reviews it decided, and whether it has lapsed. */
export interface ModerationBasis {
  /** The moderation's id (reported when it lapses). */
  id?: number;
  /** The ids of the counting reviews it decided; null/absent: it names none and never applies. */
  decidedReviewIds?: readonly number[] | null;
  /** Recorded as lapsed (the counting reviews changed after it): never applies again. */
  lapsed?: boolean;
}

/** An official's decision on an evenly split gate. */
export interface GateModerationInput extends ModerationBasis {
  proposalId: number;
  gateKey: string;
  pass: boolean;
  createdAt: string;
}

/** An official's note resolving a disagreement flag (criterionKey null = every flag of the proposal). */
export interface DisagreementNoteInput extends ModerationBasis {
  proposalId: number;
  criterionKey: string | null;
  createdAt: string;
}

export interface ScoringInput {
  params: ScoringParams;
  criteria: readonly CriterionInput[];
  proposals: readonly ProposalInput[];
  /** Every review of the call (all proposals, whatever the board's filter): calibration needs them all. */
  reviews: readonly ReviewInput[];
  gateModerations?: readonly GateModerationInput[];
  disagreementNotes?: readonly DisagreementNoteInput[];
}

export type ScoreMode = "raw" | "calibrated";

// ---------------------------------------------------------------- output

export interface CriterionResult {
  key: string;
  weight: number;
  minLevel: number;
  /** Levels given by submitted reviews, in reviewer id order. */
  levels: { reviewerId: number; level: number }[];
  sum: number;
  count: number;
  /** Mean level, or null when no submitted review gave one. */
  mean: number | null;
  /** weight × mean / 5 (0 when there is no mean). */
  contribution: number;
  /** Mean at or above the minimum level; null when there is no mean. */
  meetsMinimum: boolean | null;
  /** Highest minus lowest level (null with fewer than two levels). */
  spread: number | null;
}

export type GateStatus =
  "pass" | "fail" | "split" | "moderated_pass" | "moderated_fail" | "not_applicable" | "no_reviews";

export interface GateResult {
  key: string;
  status: GateStatus;
  passes: number;
  fails: number;
  /** pass, moderated_pass and not_applicable count as passed. */
  passed: boolean;
}

export type Flag =
  | {
      kind: "criterion_spread";
      criterion: string;
      min: number;
      max: number;
      spread: number;
      threshold: number;
      resolved: boolean;
    }
  | { kind: "totals_sd"; sd: number; threshold: number; resolved: boolean }
  | { kind: "gate_split"; gate: string; resolved: boolean };

export type NotQualifiedReason =
  | { code: "too_few_reviews"; submitted: number; required: number }
  | { code: "gate_not_passed"; gate: string; status: GateStatus }
  | { code: "below_minimum"; criterion: string; mean: number | null; minLevel: number }
  | { code: "below_qualifying_score"; score: number; qualifyingScore: number };

export interface ReviewTotal {
  reviewerId: number;
  /** Σ weight × level / 5; null when the review lacks a level for some scored criterion. */
  total: number | null;
  /** The total after calibration (equal to `total` for reviewers counted raw). */
  calibratedTotal: number | null;
  /** Whether this reviewer's totals were standardised (false = counted raw). */
  calibrated: boolean;
}

export interface ProposalResult {
  proposalId: number;
  reference: string | null;
  submittedAt: string | null;
  reviewsSubmitted: number;
  reviewsRequired: number;
  /** Fewer counting reviews than the call's minimum: ranked, marked provisional, never qualifies. */
  provisional: boolean;
  /** Ids of the counting reviews (ascending; reviews given without an id are left out). */
  countingReviewIds: number[];
  /** 0–100 at full precision; null with no submitted review. */
  score: number | null;
  /** Exact score as numerator / denominator (integers when weights are whole numbers). */
  scoreExact: { num: number; den: number } | null;
  calibratedScore: number | null;
  criteria: CriterionResult[];
  gates: GateResult[];
  reviewTotals: ReviewTotal[];
  /** Population SD of the review totals (null with no complete review). */
  totalsSd: number | null;
  qualifies: boolean;
  reasons: NotQualifiedReason[];
  flags: Flag[];
  /** Any flag not yet resolved by an official. */
  flagged: boolean;
  rankRaw: number;
  rankCalibrated: number;
}

export interface ReviewerCalibration {
  reviewerId: number;
  reviews: number;
  mean: number | null;
  sd: number | null;
  calibrated: boolean;
  /** Why the reviewer counts raw, when they do. */
  rawBecause: "too_few_reviews" | "no_variance" | null;
}

export interface CalibrationSummary {
  /** Mean and population SD of every complete submitted review total in the call. */
  callMean: number | null;
  callSd: number | null;
  reviewers: ReviewerCalibration[];
}

export interface ScoringResult {
  /** Proposals in rank order of `rankBy`. */
  proposals: ProposalResult[];
  byId: Map<number, ProposalResult>;
  calibration: CalibrationSummary;
  rankBy: ScoreMode;
  /**
   * Ids of the moderations given that have not lapsed yet but lapse now: the counting reviews they
   * name are no longer the proposal's counting reviews. The read model records them as lapsed.
   */
  lapsingModerations: number[];
}

// ---------------------------------------------------------------- helpers

export interface Rational {
  num: number;
  den: number;
}

/** A rational rounded to 6 decimals, in millionths (null stays null). */
function microsOf(r: Rational | null): number | null {
  return r === null ? null : rationalMicros(r.num, r.den);
}

/** Higher first, no value last: for keys already rounded to millionths. */
function compareMicrosDesc(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a > b ? -1 : 1;
}

/** Earlier instant first, none last; the same instant written two ways is the same instant. */
function compareTime(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta === tb ? 0 : ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reference numbers by year, then sequence number as a number (CDA-2026-9999 before
 * CDA-2026-10000); anything else as text, after them; none last.
 */
export function compareReference(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const x = /^[A-Z]+-(\d{4})-(\d+)$/.exec(a);
  const y = /^[A-Z]+-(\d{4})-(\d+)$/.exec(b);
  if (x && y) {
    const d = Number(x[1]) - Number(y[1]) || Number(x[2]) - Number(y[2]);
    if (d) return d < 0 ? -1 : 1;
  } else if (x || y) return x ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a proposal with this many counting reviews is provisional (fewer than the minimum). */
export function isProvisional(countingReviews: number, minReviews: number): boolean {
  return countingReviews < minReviews;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}

/** Whether a moderation applies to a proposal whose counting reviews are `countingIds`. */
export function moderationApplies(m: ModerationBasis, countingIds: readonly number[]): boolean {
  return !m.lapsed && Array.isArray(m.decidedReviewIds) && sameIds(m.decidedReviewIds, countingIds);
}

/** Rounds half away from zero to 2 decimals, as scores are shown and exported. */
export function roundScore(value: number): number {
  const sign = value < 0 ? -1 : 1;
  return (sign * Math.round(Math.abs(value) * 100 + 1e-9)) / 100;
}

/** "72.35" — the 2-decimal text used on the board and in exports; "" for no score. */
export function formatScore(value: number | null): string {
  return value === null ? "" : roundScore(value).toFixed(2);
}

function reviewCounts(r: ReviewInput): boolean {
  return r.status === undefined || r.status === "submitted";
}

// ---------------------------------------------------------------- the rules

interface Internal {
  result: ProposalResult;
  proposal: ProposalInput;
  /** Per scored criterion key: exact mean as a rational (null without levels). */
  exactMeans: Map<string, Rational | null>;
}

/** A review total is Σ weight × level / TOTAL_SCALE; the integer Σ weight × level is its "num". */
export const TOTAL_SCALE = 5;

/**
 * Σ weight × level of a review over the scored criteria: the integer numerator of its total
 * (total = num / TOTAL_SCALE). Null when the review lacks a level for some scored criterion.
 */
export function reviewTotalNum(
  levels: Readonly<Record<string, number>>,
  scored: readonly Pick<CriterionInput, "key" | "weight">[],
): number | null {
  let num = 0;
  for (const c of scored) {
    const level = levels[c.key];
    if (level === undefined || level === null || !Number.isFinite(level)) return null;
    num += (c.weight ?? 0) * level;
  }
  return num;
}

/** A review's total while it is being written: what the reviewer sees beside the form. */
export interface RunningTotal {
  /** The review's total (0–100) once every scored criterion has a level; null before. */
  total: number | null;
  /** Σ weight × level / 5 over the levels given so far (the missing ones count nothing yet). */
  partial: number;
  /** Scored criteria with a level, of how many. */
  levelled: number;
  of: number;
}

/**
 * The running total of a review in progress, by the published rule (a review's total is
 * Σ weight × level / 5 over the scored criteria; an incomplete review has none): the same
 * reviewTotalNum the read model and the exports use, shared with the browser.
 */
export function runningReviewTotal(
  levels: Readonly<Record<string, number>>,
  scored: readonly Pick<CriterionInput, "key" | "weight">[],
): RunningTotal {
  let num = 0;
  let levelled = 0;
  for (const c of scored) {
    const level = levels[c.key];
    if (level === undefined || level === null || !Number.isFinite(level)) continue;
    num += (c.weight ?? 0) * level;
    levelled++;
  }
  const complete = reviewTotalNum(levels, scored);
  return {
    total: complete === null ? null : complete / TOTAL_SCALE,
    partial: num / TOTAL_SCALE,
    levelled,
    of: scored.length,
  };
}

/**
 * The call's calibration from integer sums of complete review totals' nums (count, Σ num, Σ num²):
 * the call's and each reviewer's. The same sums give the same doubles however they were gathered
 * (all at once here by computeCallScores, or kept as running sums by the score read model).
 */
export function calibrationFromSums(
  call: IntegerSums,
  reviewers: Iterable<readonly [number, IntegerSums]>,
  params: Pick<ScoringParams, "calibrationMinReviews">,
): CalibrationSummary {
  const callStats = statsFromIntegerSums(call, TOTAL_SCALE);
  const list: ReviewerCalibration[] = [];
  for (const [reviewerId, sums] of [...reviewers].sort((a, b) => a[0] - b[0])) {
    if (sums.n === 0) continue;
    const st = statsFromIntegerSums(sums, TOTAL_SCALE);
    const enough = sums.n >= params.calibrationMinReviews;
    list.push({
      reviewerId,
      reviews: sums.n,
      mean: st.mean,
      sd: st.sd,
      calibrated: enough && st.varies && callStats.sd !== null,
      rawBecause: !enough ? "too_few_reviews" : !st.varies ? "no_variance" : null,
    });
  }
  return { callMean: callStats.mean, callSd: callStats.sd, reviewers: list };
}

/** A calibration summary indexed by reviewer, for calibrating many totals. */
export interface CalibrationIndex {
  callMean: number | null;
  callSd: number | null;
  byReviewer: Map<number, ReviewerCalibration>;
}

export function indexCalibration(summary: CalibrationSummary): CalibrationIndex {
  return {
    callMean: summary.callMean,
    callSd: summary.callSd,
    byReviewer: new Map(summary.reviewers.map((r) => [r.reviewerId, r])),
  };
}

/** One review total after calibration (unchanged for a reviewer counted raw). */
export function calibrateTotal(
  cal: CalibrationIndex,
  reviewerId: number,
  total: number,
): { value: number; applied: boolean } {
  const rc = cal.byReviewer.get(reviewerId);
  if (
    !rc ||
    !rc.calibrated ||
    rc.mean === null ||
    !rc.sd ||
    cal.callMean === null ||
    cal.callSd === null
  )
    return { value: total, applied: false };
  return { value: cal.callMean + (cal.callSd * (total - rc.mean)) / rc.sd, applied: true };
}

/**
 * A proposal's calibrated score: the mean of its complete reviews' calibrated totals, taken in
 * reviewer id order (the canonical order: the same reviews always give the same bits).
 */
export function calibratedScoreOf(
  totals: readonly { reviewerId: number; totalNum: number | null }[],
  cal: CalibrationIndex,
): number | null {
  const values: number[] = [];
  for (const t of totals)
    if (t.totalNum !== null)
      values.push(calibrateTotal(cal, t.reviewerId, t.totalNum / TOTAL_SCALE).value);
  return mean(values);
}

/** What ranking needs of a proposal. */
export interface RankEntry {
  id: number;
  reference: string | null;
  submittedAt: string | null;
  scoreExact: Rational | null;
  calibratedScore: number | null;
  /** Exact means of the tie-break criteria, in tie-break order (null: no level). */
  tieBreak: readonly (Rational | null)[];
}

/** The call's tie-break criteria that exist among its scored criteria, in published order. */
export function tieBreakKeys(
  params: Pick<ScoringParams, "tieBreak">,
  criteria: readonly Pick<CriterionInput, "key" | "kind">[],
): string[] {
  return params.tieBreak.filter((k) => criteria.some((c) => c.kind === "scored" && c.key === k));
}

/**
 * Both rank orders: by the raw score and by the calibrated score, each rounded to 6 decimals
 * (unscored last), then the tie-break chain — tie-break criteria means (at 6 decimals),
 * submission instant, reference (year, sequence number), id. Ranks are positions in these orders
 * (1 = first).
 */
export function rankEntries<T extends RankEntry>(
  entries: readonly T[],
): { byRaw: T[]; byCalibrated: T[] } {
  const keyed = entries.map((e) => ({
    e,
    raw: microsOf(e.scoreExact),
    calibrated: e.calibratedScore === null ? null : toMicros(e.calibratedScore),
    tie: e.tieBreak.map(microsOf),
  }));
  type K = (typeof keyed)[number];
  const tail = (a: K, b: K): number => {
    const n = Math.max(a.tie.length, b.tie.length);
    for (let i = 0; i < n; i++) {
      const d = compareMicrosDesc(a.tie[i] ?? null, b.tie[i] ?? null);
      if (d) return d;
    }
    return (
      compareTime(a.e.submittedAt, b.e.submittedAt) ||
      compareReference(a.e.reference, b.e.reference) ||
      a.e.id - b.e.id
    );
  };
  const byRaw = keyed
    .slice()
    .sort((a, b) => compareMicrosDesc(a.raw, b.raw) || tail(a, b))
    .map((k) => k.e);
  const byCalibrated = keyed
    .slice()
    .sort((a, b) => compareMicrosDesc(a.calibrated, b.calibrated) || tail(a, b))
    .map((k) => k.e);
  return { byRaw, byCalibrated };
}

/**
 * Applies the published rules to one call. Pure and deterministic: the same input, in any order,
 * gives the same result.
 *
 * `calibration`: the call's calibration statistics as a computation over the whole call gave them
 * (its `calibration`), for computing some of its proposals without all of its reviews: their
 * calibrated totals then come out exactly as in the whole-call computation. Ranks are among the
 * proposals given.
 */
export function computeCallScores(
  input: ScoringInput,
  options: { rankBy?: ScoreMode; calibration?: CalibrationSummary } = {},
): ScoringResult {
  const { params } = input;
  const rankBy = options.rankBy ?? "raw";
  const scored = input.criteria.filter((c) => c.kind === "scored");
  const gates = input.criteria.filter((c) => c.kind === "gate");

  // One canonical order for everything (order of the input must not matter). Only proposals in
  // the competition, and only their submitted reviews, count: a withdrawn proposal's reviews
  // leave every computation, calibration included.
  const proposals = input.proposals
    .filter((p) => p.status === undefined || isRanked(p.status))
    .slice()
    .sort((a, b) => a.id - b.id);
  const inCompetition = new Set(proposals.map((p) => p.id));
  const reviews = input.reviews
    .filter((r) => reviewCounts(r) && inCompetition.has(r.proposalId))
    .slice()
    .sort((a, b) => a.proposalId - b.proposalId || a.reviewerId - b.reviewerId);

  // Review totals: Σ weight × level / 5, kept as the integer Σ weight × level.
  const totals = reviews.map((r) => {
    const num = reviewTotalNum(r.levels, scored);
    return { review: r, num, total: num === null ? null : num / TOTAL_SCALE };
  });

  // Calibration: every reviewer's totals over the call, and the call's totals, as integer sums.
  let calibration = options.calibration;
  if (!calibration) {
    const perReviewer = new Map<number, number[]>();
    for (const t of totals) {
      if (t.num === null) continue;
      const list = perReviewer.get(t.review.reviewerId) ?? [];
      list.push(t.num);
      perReviewer.set(t.review.reviewerId, list);
    }
    calibration = calibrationFromSums(
      totals.length ? integerSums(totals.flatMap((t) => (t.num === null ? [] : [t.num]))) : NO_SUMS,
      [...perReviewer].map(([id, list]) => [id, integerSums(list)] as const),
      params,
    );
  }
  const calIndex = indexCalibration(calibration);

  const reviewsByProposal = new Map<number, typeof totals>();
  for (const t of totals) {
    const list = reviewsByProposal.get(t.review.proposalId) ?? [];
    list.push(t);
    reviewsByProposal.set(t.review.proposalId, list);
  }

  // Each proposal's counting review ids (null when some counting review has no id: then no
  // moderation can name its reviews).
  const countingIds = new Map<number, number[] | null>();
  for (const r of reviews) {
    const list = countingIds.get(r.proposalId);
    if (list === null) continue;
    countingIds.set(r.proposalId, r.id === undefined ? null : [...(list ?? []), r.id]);
  }
  const idsOf = (proposalId: number) => countingIds.get(proposalId) ?? [];
  const applies = (m: ModerationBasis) => {
    const ids = countingIds.get((m as { proposalId: number }).proposalId);
    return ids !== null && moderationApplies(m, ids ?? []);
  };

  // Moderations whose named reviews are no longer the counting ones lapse now.
  const lapsingModerations: number[] = [];
  for (const m of [...(input.gateModerations ?? []), ...(input.disagreementNotes ?? [])])
    if (m.id !== undefined && !m.lapsed && !applies(m)) lapsingModerations.push(m.id);
  lapsingModerations.sort((a, b) => a - b);

  // The latest applying moderation per (proposal, gate): by time, then id.
  const moderation = new Map<string, GateModerationInput>();
  for (const m of (input.gateModerations ?? [])
    .filter(applies)
    .sort((a, b) => compareTime(a.createdAt, b.createdAt) || (a.id ?? 0) - (b.id ?? 0))) {
    moderation.set(`${m.proposalId}:${m.gateKey}`, m);
  }
  const notesByProposal = new Map<number, DisagreementNoteInput[]>();
  for (const note of (input.disagreementNotes ?? []).filter(applies)) {
    const list = notesByProposal.get(note.proposalId) ?? [];
    list.push(note);
    notesByProposal.set(note.proposalId, list);
  }

  const internals: Internal[] = proposals.map((proposal) => {
    const own = reviewsByProposal.get(proposal.id) ?? [];
    const n = own.length;
    const notes = notesByProposal.get(proposal.id) ?? [];
    const noteResolves = (criterionKey: string | null) =>
      notes.some((note) => note.criterionKey === null || note.criterionKey === criterionKey);

    // Scored criteria: exact means and the score Σ wᵢ·Sᵢ/(5·nᵢ).
    const exactMeans = new Map<string, Rational | null>();
    const criteria: CriterionResult[] = scored.map((c) => {
      const levels = own.flatMap((t) => {
        const level = t.review.levels[c.key];
        return level === undefined || level === null || !Number.isFinite(level)
          ? []
          : [{ reviewerId: t.review.reviewerId, level }];
      });
      const sum = levels.reduce((s, l) => s + l.level, 0);
      const count = levels.length;
      const weight = c.weight ?? 0;
      const minLevel = c.minLevel ?? 0;
      const m = count ? sum / count : null;
      exactMeans.set(c.key, count ? { num: sum, den: count } : null);
      const values = levels.map((l) => l.level);
      return {
        key: c.key,
        weight,
        minLevel,
        levels,
        sum,
        count,
        mean: m,
        contribution: m === null ? 0 : (weight * m) / 5,
        meetsMinimum: count ? rationalMicros(sum, count) >= toMicros(minLevel) : null,
        spread: count >= 2 ? Math.max(...values) - Math.min(...values) : null,
      };
    });
    let scoreExact: Rational | null = null;
    if (n > 0) {
      const common = criteria.reduce((acc, c) => (c.count ? lcm(acc, c.count) : acc), 1);
      let num = 0;
      for (const c of criteria) if (c.count) num += c.weight * c.sum * (common / c.count);
      scoreExact = { num, den: 5 * common };
    }
    const score = scoreExact ? scoreExact.num / scoreExact.den : null;

    // Gates: majority of submitted reviews; an even split waits for an official's decision.
    const gateResults: GateResult[] = gates.map((g) => {
      const applies = !g.appliesToTrack || proposal.tracks.includes(g.appliesToTrack);
      let passes = 0;
      let fails = 0;
      for (const t of own) {
        const v = t.review.gates[g.key];
        if (v === true) passes += 1;
        else if (v === false) fails += 1;
      }
      let status: GateStatus;
      if (!applies) status = "not_applicable";
      else if (passes + fails === 0) status = "no_reviews";
      else if (fails > passes) status = "fail";
      else if (passes > fails) status = "pass";
      else {
        const m = moderation.get(`${proposal.id}:${g.key}`);
        status = m ? (m.pass ? "moderated_pass" : "moderated_fail") : "split";
      }
      return {
        key: g.key,
        status,
        passes,
        fails,
        passed: status === "pass" || status === "moderated_pass" || status === "not_applicable",
      };
    });

    // Review totals and calibrated totals.
    const reviewTotals: ReviewTotal[] = own.map((t) => {
      if (t.total === null)
        return {
          reviewerId: t.review.reviewerId,
          total: null,
          calibratedTotal: null,
          calibrated: false,
        };
      const cal = calibrateTotal(calIndex, t.review.reviewerId, t.total);
      return {
        reviewerId: t.review.reviewerId,
        total: t.total,
        calibratedTotal: cal.value,
        calibrated: cal.applied,
      };
    });
    const calibratedScore = calibratedScoreOf(
      own.map((t) => ({ reviewerId: t.review.reviewerId, totalNum: t.num })),
      calIndex,
    );
    // Population SD of the totals, from exact integer sums of their numerators.
    const totalNums = own.flatMap((t) => (t.num === null ? [] : [t.num]));
    const totalsSd = statsFromIntegerSums(integerSums(totalNums), TOTAL_SCALE).sd;

    // Flags.
    const flags: Flag[] = [];
    for (const c of criteria) {
      if (c.spread !== null && toMicros(c.spread) >= toMicros(params.disagreementSpread)) {
        const values = c.levels.map((l) => l.level);
        flags.push({
          kind: "criterion_spread",
          criterion: c.key,
          min: Math.min(...values),
          max: Math.max(...values),
          spread: c.spread,
          threshold: params.disagreementSpread,
          resolved: noteResolves(c.key),
        });
      }
    }
    if (totalsSd !== null && toMicros(totalsSd) > toMicros(params.disagreementSd)) {
      flags.push({
        kind: "totals_sd",
        sd: totalsSd,
        threshold: params.disagreementSd,
        resolved: noteResolves(null),
      });
    }
    for (const g of gateResults) {
      if (g.status === "split" || g.status === "moderated_pass" || g.status === "moderated_fail")
        flags.push({ kind: "gate_split", gate: g.key, resolved: g.status !== "split" });
    }

    // Qualification.
    const reasons: NotQualifiedReason[] = [];
    if (n < params.minReviews)
      reasons.push({ code: "too_few_reviews", submitted: n, required: params.minReviews });
    if (n > 0) {
      for (const g of gateResults)
        if (!g.passed) reasons.push({ code: "gate_not_passed", gate: g.key, status: g.status });
      for (const c of criteria)
        if (c.meetsMinimum !== true)
          reasons.push({
            code: "below_minimum",
            criterion: c.key,
            mean: c.mean,
            minLevel: c.minLevel,
          });
      if (scoreExact && microsOf(scoreExact)! < toMicros(params.qualifyingScore))
        reasons.push({
          code: "below_qualifying_score",
          score: score!,
          qualifyingScore: params.qualifyingScore,
        });
    }

    return {
      proposal,
      exactMeans,
      result: {
        proposalId: proposal.id,
        reference: proposal.reference,
        submittedAt: proposal.submittedAt,
        reviewsSubmitted: n,
        reviewsRequired: params.minReviews,
        provisional: isProvisional(n, params.minReviews),
        countingReviewIds: [...(idsOf(proposal.id) ?? [])].sort((a, b) => a - b),
        score,
        scoreExact,
        calibratedScore,
        criteria,
        gates: gateResults,
        reviewTotals,
        totalsSd,
        qualifies: n > 0 && reasons.length === 0,
        reasons,
        flags,
        flagged: flags.some((f) => !f.resolved),
        rankRaw: 0,
        rankCalibrated: 0,
      },
    };
  });

  // Ranking: score in use (unscored last) → tie-break criteria means → submission time → reference.
  const tieBreak = tieBreakKeys(params, input.criteria);
  const entries = internals.map((p) => ({
    id: p.proposal.id,
    reference: p.proposal.reference,
    submittedAt: p.proposal.submittedAt,
    scoreExact: p.result.scoreExact,
    calibratedScore: p.result.calibratedScore,
    tieBreak: tieBreak.map((k) => p.exactMeans.get(k) ?? null),
    internal: p,
  }));
  const ranked = rankEntries(entries);
  const byRaw = ranked.byRaw.map((e) => e.internal);
  const byCalibrated = ranked.byCalibrated.map((e) => e.internal);
  byRaw.forEach((p, i) => (p.result.rankRaw = i + 1));
  byCalibrated.forEach((p, i) => (p.result.rankCalibrated = i + 1));

  const ordered = (rankBy === "raw" ? byRaw : byCalibrated).map((p) => p.result);
  return {
    proposals: ordered,
    byId: new Map(ordered.map((p) => [p.proposalId, p])),
    calibration,
    rankBy,
    lapsingModerations,
  };
}

/**
 * Ranks over what one person may see (product.md "Rank"): the proposals withheld from them (their
 * declared conflicts) are left out BEFORE ranking, so the ranks run 1..n without gaps and never
 * reveal where a withheld proposal sits. `order`: the call's proposals in rank order.
 */
export function ranksWithout(
  order: readonly number[],
  withheld: ReadonlySet<number>,
): Map<number, number> {
  const ranks = new Map<number, number>();
  let rank = 0;
  for (const id of order) if (!withheld.has(id)) ranks.set(id, ++rank);
  return ranks;
}

/** The rank of a proposal under the chosen score. */
export function rankOf(p: ProposalResult, mode: ScoreMode): number {
  return mode === "raw" ? p.rankRaw : p.rankCalibrated;
}

// ---------------------------------------------------------------- arithmetic for the breakdown

export interface ScoreArithmetic {
  terms: {
    key: string;
    weight: number;
    levels: number[];
    sum: number;
    count: number;
    mean: number | null;
    contribution: number;
    /** "20 × (4 + 3 + 5) / 3 / 5 = 16.00" */
    text: string;
  }[];
  score: number | null;
  /** "16.00 + 7.00 + … = 72.35" */
  scoreText: string;
  reviews: {
    reviewerId: number;
    total: number | null;
    calibratedTotal: number | null;
    calibrated: boolean;
    /** "50.0 + 3.2 × (61.00 − 55.00) / 4.00" or "counted raw (fewer than 5 reviews)" */
    text: string;
  }[];
  calibratedScore: number | null;
  calibratedText: string;
}

const fmt = (v: number) => formatScore(v);

/** The arithmetic of one proposal's score, written out step by step. */
export function describeScore(
  p: ProposalResult,
  calibration: CalibrationSummary,
  params: Pick<ScoringParams, "calibrationMinReviews">,
): ScoreArithmetic {
  const terms = p.criteria.map((c) => {
    const levels = c.levels.map((l) => l.level);
    const text =
      c.mean === null
        ? `${c.weight} × (no levels) = 0.00`
        : `${c.weight} × (${levels.join(" + ")}) / ${c.count} / 5 = ${c.weight} × ${fmt(c.mean)} / 5 = ${fmt(c.contribution)}`;
    return {
      key: c.key,
      weight: c.weight,
      levels,
      sum: c.sum,
      count: c.count,
      mean: c.mean,
      contribution: c.contribution,
      text,
    };
  });
  const scoreText =
    p.score === null
      ? "No submitted review yet: no score."
      : `${terms.map((t) => fmt(t.contribution)).join(" + ")} = ${fmt(p.score)}`;
  const reviewers = new Map(calibration.reviewers.map((r) => [r.reviewerId, r]));
  const reviews = p.reviewTotals.map((r) => {
    const rc = reviewers.get(r.reviewerId);
    let text: string;
    if (r.total === null) text = "incomplete review: no total";
    else if (r.calibrated && rc && rc.mean !== null && rc.sd && calibration.callMean !== null)
      text = `${fmt(calibration.callMean)} + ${fmt(calibration.callSd ?? 0)} × (${fmt(r.total)} − ${fmt(rc.mean)}) / ${fmt(rc.sd)} = ${fmt(r.calibratedTotal ?? r.total)}`;
    else if (rc?.rawBecause === "no_variance")
      text = `counted raw (the reviewer's totals do not vary) = ${fmt(r.total)}`;
    else
      text = `counted raw (fewer than ${params.calibrationMinReviews} submitted reviews) = ${fmt(r.total)}`;
    return {
      reviewerId: r.reviewerId,
      total: r.total,
      calibratedTotal: r.calibratedTotal,
      calibrated: r.calibrated,
      text,
    };
  });
  const cal = reviews.flatMap((r) => (r.calibratedTotal === null ? [] : [r.calibratedTotal]));
  const calibratedText =
    p.calibratedScore === null
      ? "No calibrated score."
      : `(${cal.map(fmt).join(" + ")}) / ${cal.length} = ${fmt(p.calibratedScore)}`;
  return {
    terms,
    score: p.score,
    scoreText,
    reviews,
    calibratedScore: p.calibratedScore,
    calibratedText,
  };
}
