// The score read model: the ONLY writer of proposal_scores, review_totals, reviewer_score_stats,
// call_score_state, calls.scores_version and moderations.lapsed_at
// (docs/decisions/0002-score-read-model.md, 0012-precision-and-moderation-basis.md).
//
// Write side — in the transaction of the change, cost proportional to the changed proposals'
// reviews, never the call:
//   refreshProposalScores(trx, ids) after anything that moves those proposals' own results: a
//   review submitted or returned, a moderation, a proposal submitted, withdrawn or moved between
//   statuses, a conflict declared. It recomputes their own results with the pure rules, rewrites
//   their proposal_scores rows (a row exists exactly while the proposal is in the competition),
//   replaces their counting reviews' totals and applies the integer deltas to the reviewers' and
//   the call's running calibration sums, and bumps calls.scores_version once per call.
//   rebuildCallScores(trx, callId) does the whole call from scratch: criteria or call-rule edits,
//   the seed, start-up after migration 0008, tests. Never on a review's path.
//
// Read side — derived on read: callRanking(db, callId) reads the compact per-call state (the
// counting totals, the sums, per proposal its exact score and tie-break means) and computes
// calibrated scores and both rank orders with the domain's own functions (calibrationFromSums,
// calibratedScoreOf, rankEntries: the ones computeCallScores uses, so they cannot disagree). It is
// kept in memory per (database instance, call, scores_version); concurrent requests share one
// build; nothing is cached from inside a transaction (an uncommitted version can roll back).
import { sql } from "kysely";
import type { Call } from "~db/schema";
import { RANKED_STATUSES } from "~/domain/board-query";
import {
  calibrationFromSums,
  calibratedScoreOf,
  computeCallScores,
  indexCalibration,
  rankEntries,
  ranksWithout,
  reviewTotalNum,
  tieBreakKeys,
  type CalibrationSummary,
  type Flag,
  type IntegerSums,
  type ProposalResult,
  type RankEntry,
  type ScoringParams,
} from "~/domain/scoring";
import {
  gatesSummary,
  loadCallCriteria,
  loadScoringInput,
  paramsOf,
  type CriterionMeta,
} from "~/models/scoring.server";
import { withRetry, type DB, type RetryOptions } from "~/services/db.server";
import { forUpdate, jsonRows } from "~/services/sql-dialect.server";
import { isReadSnapshot } from "~/services/exports/snapshot.server";

/** Proposals refreshed per round of reads and writes (bounds statement parameters and memory). */
const CHUNK = 1000;

const NO_CALIBRATION: CalibrationSummary = { callMean: null, callSd: null, reviewers: [] };

// ---------------------------------------------------------------- write side

function requireTransaction(db: DB, what: string): void {
  if (!db.isTransaction) throw new Error(`${what} runs inside the transaction of the change`);
}

/**
 * Brings the given proposals' scores up to date with their reviews, moderations, status and the
 * call's rules, in the caller's transaction. Proposals of several calls may be given.
 */
export async function refreshProposalScores(
  trx: DB,
  proposalIds: readonly number[],
): Promise<void> {
  requireTransaction(trx, "refreshProposalScores");
  const ids = [...new Set(proposalIds)];
  if (!ids.length) return;
  const byCall = new Map<number, number[]>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx
      .selectFrom("proposals")
      .select(["id", "call_id"])
      .where("id", "in", ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) byCall.set(r.call_id, [...(byCall.get(r.call_id) ?? []), r.id]);
  }
  // Calls in id order: two transactions refreshing the same calls lock them in the same order.
  for (const [callId, list] of [...byCall].sort(([a], [b]) => a - b)) {
    const call = await trx
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", callId)
      // One writer of a call's scores at a time: on PostgreSQL two refreshes of one proposal read
      // the same old rows and both inserted (a duplicate key in proposal_scores, a 500).
      .$call(forUpdate(trx, "calls"))
      .executeTakeFirstOrThrow();
    const criteria = await loadCallCriteria(trx, call.id);
    for (let i = 0; i < list.length; i += CHUNK)
      await refreshInCall(trx, call, list.slice(i, i + CHUNK), criteria);
    await logChanges(trx, call.id, await bumpVersion(trx, call.id), list);
  }
}

/**
 * How a transaction that rebuilds a call's scores runs (withRetry's options): on PostgreSQL at
 * repeatable read, so that every statement of the rebuild reads the one snapshot its first read
 * took; if the call changed after that snapshot (a review submitted, a proposal moved: each bumps
 * the call's scores version), locking the call fails with 40001 and withRetry runs the whole
 * transaction again on a fresh snapshot, its own checks (criteria may change?) included.
 */
export const CALL_SNAPSHOT: RetryOptions = { isolation: "repeatable read" };

/**
 * The whole call from scratch, in the caller's transaction: every caller in the app begins it
 * with CALL_SNAPSHOT (at read committed it would still be right, the call being locked against
 * every score writer, but each statement would read a later commit). Never on a review's path.
 */
export async function rebuildCallScores(trx: DB, callId: number): Promise<void> {
  requireTransaction(trx, "rebuildCallScores");
  const call = await trx
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", callId)
    .$call(forUpdate(trx, "calls"))
    .executeTakeFirst();
  if (!call) return;
  await trx.deleteFrom("proposal_scores").where("call_id", "=", callId).execute();
  await trx.deleteFrom("review_totals").where("call_id", "=", callId).execute();
  await trx.deleteFrom("reviewer_score_stats").where("call_id", "=", callId).execute();
  const zero = { review_count: 0, total_sum: 0, total_sum_sq: 0, rebuild_needed: 0 };
  await trx
    .insertInto("call_score_state")
    .values({ call_id: callId, ...zero })
    .onConflict((oc) => oc.column("call_id").doUpdateSet(zero))
    .execute();
  const ids = (
    await trx
      .selectFrom("proposals")
      .select("id")
      .where("call_id", "=", callId)
      .where("status", "in", [...RANKED_STATUSES])
      .orderBy("id")
      .execute()
  ).map((r) => r.id);
  const criteria = await loadCallCriteria(trx, callId);
  for (let i = 0; i < ids.length; i += CHUNK)
    await refreshInCall(trx, call, ids.slice(i, i + CHUNK), criteria);
  // Every row may have changed: a ranking kept from before this version is read again whole.
  const version = await bumpVersion(trx, callId);
  await trx.deleteFrom("score_changes").where("call_id", "=", callId).execute();
  await trx
    .updateTable("call_score_state")
    .set({ log_from_version: version })
    .where("call_id", "=", callId)
    .execute();
}

/** Rebuilds every call that migration 0008 (or anything else) marked; returns their ids. */
export async function rebuildMarkedCalls(db: DB): Promise<number[]> {
  const marked = await db
    .selectFrom("call_score_state")
    .select("call_id")
    .where("rebuild_needed", "=", 1)
    .execute();
  for (const { call_id } of marked)
    await withRetry(db, (trx) => rebuildCallScores(trx, call_id), CALL_SNAPSHOT);
  return marked.map((m) => m.call_id);
}

/** Bumps calls.scores_version (locking the call's row) and returns the new version. */
async function bumpVersion(trx: DB, callId: number): Promise<number> {
  const row = await trx
    .updateTable("calls")
    .set((eb) => ({ scores_version: eb("scores_version", "+", 1) }))
    .where("id", "=", callId)
    .returning("scores_version")
    .executeTakeFirstOrThrow();
  return row.scores_version;
}

/** Versions of the change log kept per call; a ranking older than that is read again whole. */
const LOG_VERSIONS = 1000;

/** Records which proposals this version changed, and prunes the log to its last versions. */
async function logChanges(
  trx: DB,
  callId: number,
  version: number,
  ids: readonly number[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK)
    await trx
      .insertInto("score_changes")
      .values(
        ids.slice(i, i + CHUNK).map((proposal_id) => ({ call_id: callId, version, proposal_id })),
      )
      .execute();
  if (version % 100 === 0) {
    const from = version - LOG_VERSIONS;
    await trx
      .deleteFrom("score_changes")
      .where("call_id", "=", callId)
      .where("version", "<=", from)
      .execute();
    await trx
      .updateTable("call_score_state")
      .set({ log_from_version: from })
      .where("call_id", "=", callId)
      .where("log_from_version", "<", from)
      .execute();
  }
}

interface Delta {
  n: number;
  sum: number;
  sumSq: number;
}

function addTo(map: Map<number, Delta>, key: number, num: number, sign: 1 | -1): void {
  const d = map.get(key) ?? { n: 0, sum: 0, sumSq: 0 };
  d.n += sign;
  d.sum += sign * num;
  d.sumSq += sign * num * num;
  map.set(key, d);
}

/** The row of proposal_scores for one result (the board copies are taken from `proposals`). */
function scoreRow(p: ProposalResult, callId: number, tieBreak: readonly string[]) {
  return {
    proposal_id: p.proposalId,
    call_id: callId,
    score: p.score,
    score_num: p.scoreExact?.num ?? null,
    score_den: p.scoreExact?.den ?? null,
    tie_break_json: JSON.stringify(
      tieBreak.map((k) => {
        const c = p.criteria.find((x) => x.key === k);
        return c && c.count ? [c.sum, c.count] : null;
      }),
    ),
    reviews_submitted: p.reviewsSubmitted,
    reviews_required: p.reviewsRequired,
    gates_summary: gatesSummary(p.gates),
    gates_json: JSON.stringify(p.gates),
    qualifies: p.qualifies ? 1 : 0,
    reasons_json: JSON.stringify(p.reasons),
    flagged: p.flagged ? 1 : 0,
    flag_count: p.flags.filter((f) => !f.resolved).length,
    flags_json: JSON.stringify(p.flags),
    criterion_means_json: JSON.stringify(
      Object.fromEntries(p.criteria.map((c) => [c.key, c.mean])),
    ),
  };
}

/** The proposal fields copied beside the scores for the board to filter, sort and show. */
const BOARD_KEYS = [
  "status",
  "reference",
  "title",
  "tracks",
  "company_en",
  "company_zh",
  "investment_usd_cents",
  "submitted_at",
] as const;

/** Refreshes up to CHUNK proposals of one call (no version bump: the caller bumps once). */
async function refreshInCall(
  trx: DB,
  call: Call,
  ids: readonly number[],
  criteria: CriterionMeta[],
): Promise<void> {
  const { input, reviewIds } = await loadScoringInput(trx, call, ids, criteria);
  const result = computeCallScores(input, { calibration: NO_CALIBRATION });

  // Moderations whose named reviews are no longer the counting ones lapse, for good.
  if (result.lapsingModerations.length)
    await trx
      .updateTable("moderations")
      .set({ lapsed_at: new Date().toISOString() })
      .where("id", "in", result.lapsingModerations)
      .where("lapsed_at", "is", null)
      .execute();
  const scored = criteria.filter((c) => c.kind === "scored");
  const tieBreak = tieBreakKeys(input.params, criteria);

  // Totals of the counting reviews: the old ones out of the sums, the new ones in.
  const old = await trx
    .selectFrom("review_totals")
    .select(["reviewer_id", "total_num"])
    .where("proposal_id", "in", [...ids])
    .execute();
  const fresh = input.reviews.map((r, i) => ({
    review_id: reviewIds[i]!,
    call_id: call.id,
    proposal_id: r.proposalId,
    reviewer_id: r.reviewerId,
    total_num: reviewTotalNum(r.levels, scored),
  }));
  const perReviewer = new Map<number, Delta>();
  const perCall = new Map<number, Delta>();
  for (const t of old)
    if (t.total_num !== null) {
      addTo(perReviewer, t.reviewer_id, t.total_num, -1);
      addTo(perCall, call.id, t.total_num, -1);
    }
  for (const t of fresh)
    if (t.total_num !== null) {
      addTo(perReviewer, t.reviewer_id, t.total_num, 1);
      addTo(perCall, call.id, t.total_num, 1);
    }
  await trx
    .deleteFrom("review_totals")
    .where("proposal_id", "in", [...ids])
    .execute();
  if (fresh.length) {
    const j = jsonRows(trx, "review_totals", JSON.stringify(fresh));
    await sql`insert into review_totals (review_id, call_id, proposal_id, reviewer_id, total_num)
      select ${j.field("review_id")}, ${j.field("call_id")}, ${j.field("proposal_id")},
        ${j.field("reviewer_id")}, ${j.field("total_num")}
      from ${j.from}`.execute(trx);
  }

  const call_delta = perCall.get(call.id);
  if (call_delta && (call_delta.n || call_delta.sum || call_delta.sumSq))
    await sql`insert into call_score_state (call_id, review_count, total_sum, total_sum_sq)
      values (${call.id}, ${call_delta.n}, ${call_delta.sum}, ${call_delta.sumSq})
      on conflict (call_id) do update set
        review_count = call_score_state.review_count + excluded.review_count,
        total_sum = call_score_state.total_sum + excluded.total_sum,
        total_sum_sq = call_score_state.total_sum_sq + excluded.total_sum_sq`.execute(trx);
  const changed = [...perReviewer].filter(([, d]) => d.n || d.sum || d.sumSq);
  if (changed.length) {
    const j = jsonRows(
      trx,
      "reviewer_score_stats",
      JSON.stringify(
        changed.map(([id, d]) => ({
          reviewer_id: id,
          review_count: d.n,
          total_sum: d.sum,
          total_sum_sq: d.sumSq,
        })),
      ),
    );
    await sql`insert into reviewer_score_stats (call_id, reviewer_id, review_count, total_sum, total_sum_sq)
      select ${call.id}, ${j.field("reviewer_id")}, ${j.field("review_count")},
        ${j.field("total_sum")}, ${j.field("total_sum_sq")}
      from ${j.from} where true
      on conflict (call_id, reviewer_id) do update set
        review_count = reviewer_score_stats.review_count + excluded.review_count,
        total_sum = reviewer_score_stats.total_sum + excluded.total_sum,
        total_sum_sq = reviewer_score_stats.total_sum_sq + excluded.total_sum_sq`.execute(trx);
    await trx
      .deleteFrom("reviewer_score_stats")
      .where("call_id", "=", call.id)
      .where("review_count", "=", 0)
      .execute();
  }

  // The proposals' own rows: present exactly while the proposal is in the competition.
  await trx
    .deleteFrom("proposal_scores")
    .where("proposal_id", "in", [...ids])
    .execute();
  if (result.proposals.length) {
    const rows = result.proposals.map((p) => scoreRow(p, call.id, tieBreak));
    const columns = Object.keys(rows[0]!);
    const j = jsonRows(trx, "proposal_scores", JSON.stringify(rows));
    await sql`insert into proposal_scores (${sql.join([
      ...columns.map((c) => sql.ref(c)),
      ...BOARD_KEYS.map((c) => sql.ref(c)),
    ])})
      select ${sql.join([...columns.map((c) => j.field(c)), ...BOARD_KEYS.map((c) => sql.ref(`p.${c}`))])}
      from ${j.from}
      join proposals as p on p.id = ${j.field("proposal_id")}`.execute(trx);
  }
}

// ---------------------------------------------------------------- read side

export interface RankedProposal {
  proposalId: number;
  rankRaw: number;
  rankCalibrated: number;
  calibratedScore: number | null;
}

/** The call's whole-call results, derived on read from the read model's compact state. */
export interface CallRanking {
  callId: number;
  /** calls.scores_version the state was read at. */
  version: number;
  /** Proposals in the competition, by raw rank and by calibrated rank. */
  byRaw: number[];
  byCalibrated: number[];
  byId: Map<number, RankedProposal>;
  calibration: CalibrationSummary;
  params: ScoringParams;
}

async function readVersion(db: DB, callId: number): Promise<number | null> {
  const row = await db
    .selectFrom("calls")
    .select("scores_version")
    .where("id", "=", callId)
    .executeTakeFirst();
  return row ? row.scores_version : null;
}

interface SumsRow {
  review_count: number;
  total_sum: number;
  total_sum_sq: number;
}

const sumsOf = (r: SumsRow | undefined): IntegerSums =>
  r ? { n: r.review_count, sum: r.total_sum, sumSq: r.total_sum_sq } : { n: 0, sum: 0, sumSq: 0 };

/** One proposal's part of the compact state: what ranking it needs. */
interface StateEntry {
  entry: Omit<RankEntry, "calibratedScore">;
  totals: { reviewerId: number; totalNum: number | null }[];
}

/** The compact state of a call at one version, kept to bring the next version's up to date. */
interface RankState {
  version: number;
  entries: Map<number, StateEntry>;
}

/**
 * Reads the compact state and derives the ranking (see the module comment). With the state of an
 * earlier version whose changes the log still holds, only the proposals changed since are read
 * again (a review changes one proposal's rows; the calibration sums are read whole, they are
 * small); otherwise every row of the call is read.
 */
async function buildRanking(
  db: DB,
  callId: number,
  base?: RankState,
): Promise<{ ranking: CallRanking; state: RankState } | null> {
  const call = await db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirst();
  if (!call) return null;
  const params = paramsOf(call);
  const callSums = await db
    .selectFrom("call_score_state")
    .select(["review_count", "total_sum", "total_sum_sq", "log_from_version"])
    .where("call_id", "=", callId)
    .executeTakeFirst();
  const reviewerSums = await db
    .selectFrom("reviewer_score_stats")
    .select(["reviewer_id", "review_count", "total_sum", "total_sum_sq"])
    .where("call_id", "=", callId)
    .execute();
  const calibration = calibrationFromSums(
    sumsOf(callSums),
    reviewerSums.map((r) => [r.reviewer_id, sumsOf(r)] as const),
    params,
  );
  const cal = indexCalibration(calibration);

  let entries: Map<number, StateEntry>;
  const usable =
    base &&
    callSums &&
    base.version >= callSums.log_from_version &&
    base.version <= call.scores_version;
  if (usable) {
    const changed = (
      await db
        .selectFrom("score_changes")
        .select("proposal_id")
        .distinct()
        .where("call_id", "=", callId)
        .where("version", ">", base.version)
        .execute()
    ).map((r) => r.proposal_id);
    entries = new Map(base.entries);
    for (const id of changed) entries.delete(id);
    for (let i = 0; i < changed.length; i += CHUNK)
      await readEntries(db, callId, changed.slice(i, i + CHUNK), entries);
    rankingBuilds.incremental++;
  } else {
    entries = new Map();
    await readEntries(db, callId, null, entries);
  }

  const ranked: RankEntry[] = [];
  for (const { entry, totals } of entries.values())
    ranked.push({ ...entry, calibratedScore: calibratedScoreOf(totals, cal) });
  const { byRaw, byCalibrated } = rankEntries(ranked);
  const byId = new Map<number, RankedProposal>();
  for (const e of ranked)
    byId.set(e.id, {
      proposalId: e.id,
      rankRaw: 0,
      rankCalibrated: 0,
      calibratedScore: e.calibratedScore,
    });
  byRaw.forEach((e, i) => (byId.get(e.id)!.rankRaw = i + 1));
  byCalibrated.forEach((e, i) => (byId.get(e.id)!.rankCalibrated = i + 1));
  return {
    ranking: {
      callId,
      version: call.scores_version,
      byRaw: byRaw.map((e) => e.id),
      byCalibrated: byCalibrated.map((e) => e.id),
      byId,
      calibration,
      params,
    },
    state: { version: call.scores_version, entries },
  };
}

/** A call's ranks as one person sees them: their withheld proposals left out before ranking. */
export interface ScopedRanks {
  rankRaw(id: number): number | null;
  rankCalibrated(id: number): number | null;
  /** How many proposals in the competition are withheld from this person (never which). */
  withheld: number;
  /** How many are ranked for them. */
  ranked: number;
}

const scopedCache = new WeakMap<CallRanking, Map<string, ScopedRanks>>();

/**
 * The ranking seen by someone from whom `hidden` (their declared conflicts, from the access
 * policy) is withheld: ranks renumbered over the rest (product.md "Rank"). Kept with the ranking.
 */
export function scopedRanks(ranking: CallRanking, hidden: Iterable<number>): ScopedRanks {
  const set = new Set([...hidden].filter((id) => ranking.byId.has(id)));
  const key = [...set].sort((a, b) => a - b).join(",");
  let perRanking = scopedCache.get(ranking);
  if (!perRanking) scopedCache.set(ranking, (perRanking = new Map()));
  const kept = perRanking.get(key);
  if (kept) return kept;
  let scoped: ScopedRanks;
  if (!set.size)
    scoped = {
      rankRaw: (id) => ranking.byId.get(id)?.rankRaw ?? null,
      rankCalibrated: (id) => ranking.byId.get(id)?.rankCalibrated ?? null,
      withheld: 0,
      ranked: ranking.byRaw.length,
    };
  else {
    const raw = ranksWithout(ranking.byRaw, set);
    const cal = ranksWithout(ranking.byCalibrated, set);
    scoped = {
      rankRaw: (id) => raw.get(id) ?? null,
      rankCalibrated: (id) => cal.get(id) ?? null,
      withheld: set.size,
      ranked: raw.size,
    };
  }
  perRanking.set(key, scoped);
  while (perRanking.size > 64) perRanking.delete(perRanking.keys().next().value!);
  return scoped;
}

/** Reads the given proposals' rows (all the call's when null) into `into`. */
async function readEntries(
  db: DB,
  callId: number,
  ids: readonly number[] | null,
  into: Map<number, StateEntry>,
): Promise<void> {
  let totals = db
    .selectFrom("review_totals")
    .select(["proposal_id", "reviewer_id", "total_num"])
    .where("call_id", "=", callId)
    .where("total_num", "is not", null);
  let rows = db
    .selectFrom("proposal_scores")
    .select([
      "proposal_id",
      "score_num",
      "score_den",
      "tie_break_json",
      "submitted_at",
      "reference",
    ])
    .where("call_id", "=", callId);
  if (ids) {
    totals = totals.where("proposal_id", "in", [...ids]);
    rows = rows.where("proposal_id", "in", [...ids]);
  }
  const totalRows = await totals.orderBy("proposal_id").orderBy("reviewer_id").execute();
  // totals and rows both in proposal id order: one pass.
  let t = 0;
  for (const r of await rows.orderBy("proposal_id").execute()) {
    while (t < totalRows.length && totalRows[t]!.proposal_id < r.proposal_id) t++;
    const own: StateEntry["totals"] = [];
    while (t < totalRows.length && totalRows[t]!.proposal_id === r.proposal_id) {
      own.push({ reviewerId: totalRows[t]!.reviewer_id, totalNum: totalRows[t]!.total_num });
      t++;
    }
    const tie = JSON.parse(r.tie_break_json) as ([number, number] | null)[];
    into.set(r.proposal_id, {
      entry: {
        id: r.proposal_id,
        reference: r.reference,
        submittedAt: r.submitted_at,
        scoreExact:
          r.score_num === null || r.score_den === null
            ? null
            : { num: r.score_num, den: r.score_den },
        tieBreak: tie.map((x) => (x ? { num: x[0], den: x[1] } : null)),
      },
      totals: own,
    });
  }
}

interface Kept {
  version: number;
  promise: Promise<CallRanking | null>;
  /** The state the ranking was derived from, once built. */
  state?: RankState;
  /** Until then, the state its build started from (for a build that starts meanwhile). */
  base?: RankState;
}

/** Per database instance, per call: the latest ranking (or its build in progress). */
const rankingCache = new WeakMap<object, Map<number, Kept>>();

/**
 * How many rankings were built (not served from memory), and how many of those reread only the
 * proposals changed since the one before: for tests and the benchmark.
 */
export const rankingBuilds = { count: 0, incremental: 0 };

/**
 * The call's ranking, derived on read (see the module comment). Null when there is no such call.
 * Inside a transaction it is built from what the transaction sees and not kept.
 */
export async function callRanking(db: DB, callId: number): Promise<CallRanking | null> {
  if (db.isTransaction) {
    rankingBuilds.count++;
    return (await buildRanking(db, callId))?.ranking ?? null;
  }
  const version = await readVersion(db, callId);
  if (version === null) return null;
  let perDb = rankingCache.get(db);
  if (!perDb) rankingCache.set(db, (perDb = new Map()));
  const kept = perDb.get(callId);
  if (kept && kept.version === version) return kept.promise;
  const base = kept?.state ?? kept?.base;
  const built = buildConsistent(db, callId, base);
  const entry: Kept = { version, base, promise: built.then((b) => b?.ranking ?? null) };
  perDb.set(callId, entry);
  built.then(
    (b) => {
      // Keyed by the version it was read at (a change may have committed during the build).
      if (b) {
        entry.version = b.state.version;
        entry.state = b.state;
        entry.base = undefined;
      }
    },
    () => {
      if (perDb.get(callId) === entry) perDb.delete(callId);
    },
  );
  return entry.promise;
}

/**
 * The compact state is read in one read transaction, so every statement sees the same commit and
 * the ranking carries exactly the version it was computed from (the process's other queries wait
 * for it on the one connection).
 */
function buildConsistent(db: DB, callId: number, base: RankState | undefined) {
  rankingBuilds.count++;
  // An export's snapshot connection is already inside its one read transaction.
  if (isReadSnapshot(db)) return buildRanking(db, callId, base);
  // On PostgreSQL a read-committed transaction would give each statement its own snapshot.
  return withRetry(db, (trx) => buildRanking(trx, callId, base), {
    isolation: "repeatable read",
    readOnly: true,
  });
}

/** What the breakdown of one proposal needs from its call's scoring. */
export interface ProposalScoring {
  result: ProposalResult;
  /** The call's calibration summary (from the running sums), which the arithmetic reads. */
  calibration: CalibrationSummary;
  params: ScoringParams;
  criteria: CriterionMeta[];
  /** Proposals ranked for the viewer (withheld ones left out). */
  rankedCount: number;
  /** Proposals withheld from the viewer by their declared conflicts. */
  withheld: number;
}

/**
 * One proposal's full result, from its own counting reviews and the call's running calibration
 * sums, with its ranks from the derived ranking: exactly what computeCallScores over the whole
 * call gives for it (tests/integration/breakdown-results.test.ts). Null when the proposal is not
 * in the competition.
 */
export async function proposalScoring(
  db: DB,
  call: Call,
  proposalId: number,
  hidden: readonly number[] = [],
): Promise<ProposalScoring | null> {
  for (let attempt = 0; ; attempt++) {
    const ranking = await callRanking(db, call.id);
    const ranked = ranking?.byId.get(proposalId);
    if (!ranking || !ranked) return null;
    const fresh = await db
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", call.id)
      .executeTakeFirstOrThrow();
    const { input, criteria } = await loadScoringInput(db, fresh, [proposalId]);
    if ((await readVersion(db, call.id)) !== ranking.version && attempt < 3) continue;
    const own = computeCallScores(input, { calibration: ranking.calibration }).byId.get(proposalId);
    if (!own) return null;
    const scoped = scopedRanks(ranking, hidden);
    return {
      result: {
        ...own,
        rankRaw: scoped.rankRaw(proposalId) ?? ranked.rankRaw,
        rankCalibrated: scoped.rankCalibrated(proposalId) ?? ranked.rankCalibrated,
      },
      calibration: ranking.calibration,
      params: input.params,
      criteria,
      rankedCount: scoped.ranked,
      withheld: scoped.withheld,
    };
  }
}

// ---------------------------------------------------------------- small reads (issue 15)

/**
 * One proposal's flags as the read model holds them (resolved ones included), or null when the
 * proposal is not in the competition: what the discussion offers an official to settle.
 */
export async function proposalFlags(db: DB, proposalId: number): Promise<Flag[] | null> {
  const row = await db
    .selectFrom("proposal_scores")
    .select("flags_json")
    .where("proposal_id", "=", proposalId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.flags_json) as Flag[]) : null;
}

/** A call's board in numbers, for the officials' home. */
export interface CallBoardCounts {
  callId: number;
  /** Proposals in the competition (submitted and not withdrawn). */
  submitted: number;
  /** …with at least the call's minimum number of counting reviews. */
  fullyReviewed: number;
  /** …with an unresolved flag. */
  flagged: number;
  qualifying: number;
  /** …with a recorded decision. */
  decided: number;
}

/**
 * Counts per call from the read model's rows, leaving out the proposals the reader is walled off
 * from (`hidden`: their declared conflicts), as the board does.
 */
export async function callBoardCounts(
  db: DB,
  callIds: readonly number[],
  hidden: readonly number[] = [],
): Promise<Map<number, CallBoardCounts>> {
  const out = new Map<number, CallBoardCounts>();
  if (!callIds.length) return out;
  let q = db
    .selectFrom("proposal_scores as ps")
    .leftJoin("decisions as d", "d.proposal_id", "ps.proposal_id")
    .select((eb) => [
      "ps.call_id",
      eb.fn.countAll<number>().as("submitted"),
      // A comparison is a boolean on PostgreSQL, which has no sum(boolean): counted as 1 or 0.
      sql<number>`sum(case when ps.reviews_submitted >= ps.reviews_required then 1 else 0 end)`.as(
        "fullyReviewed",
      ),
      sql<number>`sum(ps.flagged)`.as("flagged"),
      sql<number>`sum(ps.qualifies)`.as("qualifying"),
      sql<number>`count(d.proposal_id)`.as("decided"),
    ])
    .where("ps.call_id", "in", [...callIds])
    .groupBy("ps.call_id");
  if (hidden.length) q = q.where("ps.proposal_id", "not in", [...hidden]);
  for (const r of await q.execute())
    out.set(r.call_id, {
      callId: r.call_id,
      submitted: Number(r.submitted),
      fullyReviewed: Number(r.fullyReviewed ?? 0),
      flagged: Number(r.flagged ?? 0),
      qualifying: Number(r.qualifying ?? 0),
      decided: Number(r.decided ?? 0),
    });
  for (const id of callIds)
    if (!out.has(id))
      out.set(id, {
        callId: id,
        submitted: 0,
        fullyReviewed: 0,
        flagged: 0,
        qualifying: 0,
        decided: 0,
      });
  return out;
}
