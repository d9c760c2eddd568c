// The ranking board: its rows, counts and histogram. Filters and the proposals' own columns are
// read in SQL from proposal_scores (the score read model's rows, score-read-model.server.ts);
// calibrated scores and ranks come from the derived ranking (callRanking). Moderation, decisions
// and the breakdown live in moderation.server.ts, board-decisions.server.ts, breakdown.server.ts.
import { sql, type RawBuilder } from "kysely";
import type { Call, DecisionOutcome, ProposalStatus } from "~db/schema";
import { toMicros } from "~/domain/precision";
import { isProvisional, type Flag, type ScoreMode } from "~/domain/scoring";
import { parseOverride, type DecisionOverride } from "~/domain/decision-override";
import { creditCodePending } from "~/models/credit-code-check.server";
import { walledProposalIds } from "~/models/access.server";
import { callRanking, scopedRanks, type CallRanking } from "~/models/score-read-model.server";
import { dialectOf, type DB } from "~/services/db.server";
import { PAGE_SIZE, type BoardQuery, type SortColumn } from "~/domain/board-query";
import {
  greatest,
  least,
  orderWithoutCase,
  truncateToInteger,
} from "~/services/sql-dialect.server";

export * from "~/domain/board-query";

export interface BoardRow {
  proposalId: number;
  rank: number;
  reference: string | null;
  companyEn: string | null;
  companyZh: string | null;
  title: string | null;
  tracks: string[];
  status: ProposalStatus;
  investmentUsdCents: number | null;
  reviewsSubmitted: number;
  reviewsRequired: number;
  /** Fewer counting reviews than required: ranked, marked provisional, never qualifies. */
  provisional: boolean;
  score: number | null;
  calibratedScore: number | null;
  gatesSummary: "passed" | "failed" | "split" | "pending";
  qualifies: boolean;
  flagged: boolean;
  flags: Flag[];
  decision: DecisionOutcome | null;
  decisionReason: string | null;
  /** What the decision (a shortlisting) overrode, and why; null when it overrode nothing. */
  override: DecisionOverride | null;
  overrideReason: string | null;
  /** The credit code needs a manual check that no official has recorded yet. */
  creditCodeCheck: boolean;
  submittedAt: string | null;
}

/**
 * Proposal ids of the call that a user with declared conflicts must not see on the board: the
 * access policy's wall (access.server walledProposalIds).
 */
export async function conflictedProposalIds(
  db: DB,
  userId: number,
  callId: number,
): Promise<number[]> {
  return walledProposalIds(db, userId, { callId });
}

// The board reads proposal_scores for everything the proposal's own results decide (one row per
// proposal in the competition, with copies of the proposal fields the board filters, sorts and
// shows, all written by the score read model in the transaction of each change), and the derived
// ranking for what needs the whole call (calibrated score, ranks). A page: SQL returns the filtered
// ids with the sort column, in the column's order; the rank in use breaks ties in memory; the page
// is sliced and its rows read by id.

/**
 * The board's rows for one state: filtered in SQL (ordering and pagination are the caller's).
 * `decisions as d` is joined only for the decision sort (SORT_EXPRESSIONS.decision reads d): a join
 * costs a lookup per row, and the decision filters read the decisions table through subqueries.
 */
function boardBase(
  db: DB,
  callId: number,
  q: BoardFilters,
  hidden: readonly number[],
  joinDecisions = false,
) {
  let query = db
    .selectFrom("proposal_scores as ps")
    .$if(joinDecisions, (qb) => qb.leftJoin("decisions as d", "d.proposal_id", "ps.proposal_id"))
    .where("ps.call_id", "=", callId);
  if (hidden.length) query = query.where("ps.proposal_id", "not in", [...hidden]);
  if (q.track)
    query = query.where(
      sql<boolean>`(',' || coalesce(${sql.ref("ps.tracks")}, '') || ',') like ${`%,${q.track},%`}`,
    );
  if (q.status) query = query.where("ps.status", "=", q.status);
  if (q.decision === "none")
    query = query.where("ps.proposal_id", "not in", (eb) =>
      eb.selectFrom("decisions").select("decisions.proposal_id"),
    );
  else if (q.decision) {
    const outcome = q.decision;
    query = query.where("ps.proposal_id", "in", (eb) =>
      eb
        .selectFrom("decisions")
        .select("decisions.proposal_id")
        .where("decisions.outcome", "=", outcome),
    );
  }
  if (q.qualifies !== null) query = query.where("ps.qualifies", "=", q.qualifies ? 1 : 0);
  if (q.flagged !== null) query = query.where("ps.flagged", "=", q.flagged ? 1 : 0);
  return query;
}

type BoardFilters = Pick<BoardQuery, "track" | "status" | "decision" | "qualifies" | "flagged">;

// What each column sorts on in SQL. Gates and decisions sort by meaning, not by spelling:
// passed → pending → split → failed; shortlisted → reserve → rejected (no decision last). Rank and
// calibrated score are sorted in memory (they come from the derived ranking). `group`: the value
// two rows tie on (company and title compare without ASCII case, as `collate nocase` orders).
const SORT_EXPRESSIONS: Record<
  Exclude<SortColumn, "rank" | "calibrated">,
  { order: RawBuilder<unknown>; group: RawBuilder<unknown>; withoutCase?: true }
> = {
  reference: same(sql.ref("ps.reference")),
  company: {
    order: sql.ref("ps.company_en"),
    group: sql`lower(${sql.ref("ps.company_en")})`,
    withoutCase: true,
  },
  title: {
    order: sql.ref("ps.title"),
    group: sql`lower(${sql.ref("ps.title")})`,
    withoutCase: true,
  },
  sector: same(sql.ref("ps.tracks")),
  investment: same(sql.ref("ps.investment_usd_cents")),
  reviews: same(sql.ref("ps.reviews_submitted")),
  score: same(sql.ref("ps.score")),
  gates: same(
    sql`case ps.gates_summary when 'passed' then 0 when 'pending' then 1 when 'split' then 2 else 3 end`,
  ),
  flags: same(sql.ref("ps.flag_count")),
  decision: same(
    sql`case d.outcome when 'shortlisted' then 0 when 'reserve' then 1 when 'rejected' then 2 else null end`,
  ),
};

function same(e: RawBuilder<unknown>) {
  return { order: e, group: e };
}

/**
 * Every id of the board's state in the board's order: the sort column (empty values last), then
 * the rank in use, then the id.
 */
async function orderedIds(
  db: DB,
  callId: number,
  q: BoardQuery,
  hidden: readonly number[],
  ranking: CallRanking,
): Promise<readonly number[]> {
  const rankOf = (id: number) => {
    const r = ranking.byId.get(id);
    if (!r) return Number.MAX_SAFE_INTEGER;
    return q.score === "raw" ? r.rankRaw : r.rankCalibrated;
  };
  if (q.sort === "rank") {
    // The ranking already holds the call in rank order: keep the rows the filters let through
    // (a linear pass, no sort), or take it whole when nothing is filtered or hidden.
    const order = q.score === "raw" ? ranking.byRaw : ranking.byCalibrated;
    const filtered = hidden.length > 0 || Object.values(filtersOf(q)).some((v) => v !== null);
    let ids: readonly number[] = order;
    if (filtered) {
      const keep = new Set(
        (await boardBase(db, callId, q, hidden).select("ps.proposal_id").execute()).map(
          (r) => r.proposal_id,
        ),
      );
      ids = order.filter((id) => keep.has(id));
    }
    return q.dir === "asc" ? ids : [...ids].reverse();
  }
  if (q.sort === "calibrated") {
    const ids = (await boardBase(db, callId, q, hidden).select("ps.proposal_id").execute()).map(
      (r) => r.proposal_id,
    );
    const sign = q.dir === "asc" ? 1 : -1;
    // Compared at 6 decimals, as the rules compare (equal ones go by rank).
    const micros = new Map<number, number | null>();
    for (const id of ids) {
      const v = ranking.byId.get(id)?.calibratedScore ?? null;
      micros.set(id, v === null ? null : toMicros(v));
    }
    const cal = (id: number) => micros.get(id) ?? null;
    return ids.sort((a, b) => {
      const x = cal(a);
      const y = cal(b);
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return sign * (x < y ? -1 : 1);
      }
      return rankOf(a) - rankOf(b) || a - b;
    });
  }
  // SQL orders by the column (empty values last in either direction: SQLite puts NULL first
  // ascending, last descending); rows with the same value are then ordered by rank, then id.
  const col = SORT_EXPRESSIONS[q.sort];
  let query = boardBase(db, callId, q, hidden, q.sort === "decision").select([
    "ps.proposal_id",
    col.group.as("k"),
  ]);
  const sortBy = col.withoutCase ? orderWithoutCase(db, col.order) : col.order;
  // PostgreSQL, unlike SQLite, puts NULL first descending: there it needs saying both ways.
  if (q.dir === "asc" || dialectOf(db) === "postgres")
    query = query.orderBy(sql`${sortBy} is null`, "asc");
  query = query.orderBy(sortBy, q.dir);
  const rows = await query.execute();
  const group = new Int32Array(rows.length);
  for (let i = 1; i < rows.length; i++)
    group[i] = group[i - 1]! + (rows[i]!.k === rows[i - 1]!.k ? 0 : 1);
  const order = rows.map((_, i) => i);
  order.sort(
    (a, b) =>
      group[a]! - group[b]! ||
      rankOf(rows[a]!.proposal_id) - rankOf(rows[b]!.proposal_id) ||
      rows[a]!.proposal_id - rows[b]!.proposal_id,
  );
  return order.map((i) => rows[i]!.proposal_id);
}

export interface BoardPage {
  rows: BoardRow[];
  total: number;
  page: number;
  pageCount: number;
  /** How many rows of the call the user may see, before filters. */
  callTotal: number;
  /**
   * How many proposals of the call are withheld from the user by their declared conflicts (never
   * which): left out before ranking, so the ranks run without gaps over what they may see.
   */
  withheld: number;
}

// ---------------------------------------------------------------- counts kept between changes
//
// The counts and the histogram read proposal_scores and the derived ranking, which change only
// together with calls.scores_version (the score read model bumps it in the transaction of every
// write; nothing else writes them). So a count or a histogram computed at one version stays exact
// until that version changes, and is kept in memory keyed by (call id, call created_at, version,
// what was counted, the user's hidden ids).
// - Counts filtered by decision also read `decisions`, which changes without any version: they are
//   never kept.
// - Inside a transaction nothing is kept or served (an uncommitted state could roll back and its
//   version number be reused by another state). The values are also kept per connection object
//   (a transaction, an export's read snapshot each have their own, dropped with it).
// - A value is kept only if the version is the same after it was computed as before (a change
//   committed in between would have computed it from rows newer than its key; committed versions
//   only grow, so such a key would never be asked for again anyway: this is a second guard).
// - At most BOARD_CACHE_SIZE values per connection (least recently used dropped first), each a
//   number or ten bins under a key of the filters and the hidden ids: kilobytes, not megabytes.
const BOARD_CACHE_SIZE = 256;
const boardCaches = new WeakMap<object, Map<string, unknown>>();

async function rowsVersion(db: DB, callId: number): Promise<string | null> {
  if (db.isTransaction) return null;
  const call = await db
    .selectFrom("calls")
    .select(["created_at", "scores_version"])
    .where("id", "=", callId)
    .executeTakeFirst();
  return call ? `${callId}|${call.created_at}|${call.scores_version}` : null;
}

async function keptWhileRowsUnchanged<T>(
  db: DB,
  callId: number,
  what: string,
  compute: () => Promise<T>,
): Promise<T> {
  const version = await rowsVersion(db, callId);
  if (version === null) return compute();
  let cache = boardCaches.get(db);
  if (!cache) boardCaches.set(db, (cache = new Map()));
  const key = `${version}|${what}`;
  if (cache.has(key)) {
    const value = cache.get(key) as T;
    cache.delete(key);
    cache.set(key, value);
    return value;
  }
  const value = await compute();
  if ((await rowsVersion(db, callId)) === version) {
    cache.set(key, value);
    while (cache.size > BOARD_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return value;
}

function hiddenKey(hidden: readonly number[]): string {
  return [...hidden].sort((a, b) => a - b).join(",");
}

/** The filters of a board state, and nothing else. */
function filtersOf(q: BoardFilters): BoardFilters {
  return {
    track: q.track,
    status: q.status,
    decision: q.decision,
    qualifies: q.qualifies,
    flagged: q.flagged,
  };
}

/** Counts the board's rows for one state's filters, in SQL (kept between changes, see above). */
export async function countBoard(
  db: DB,
  callId: number,
  q: BoardFilters,
  hidden: readonly number[],
): Promise<number> {
  const filters = filtersOf(q);
  const count = async () => {
    const { n } = await boardBase(db, callId, filters, hidden)
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    return Number(n);
  };
  if (filters.decision) return count();
  return keptWhileRowsUnchanged(
    db,
    callId,
    `count|${JSON.stringify(filters)}|${hiddenKey(hidden)}`,
    count,
  );
}

export interface ListBoardOptions {
  /**
   * The user's conflicted proposals (conflictedProposalIds), when the caller already has them:
   * one lookup per request. (Not returned with the page: the page is sent to the browser, and the
   * ids of proposals hidden from the user are not the user's to see.)
   */
  hidden?: readonly number[];
  /** The counts, when the caller already took them for this query (the exports page through). */
  counts?: { total: number; callTotal: number };
}

export async function listBoard(
  db: DB,
  call: Call,
  userId: number,
  q: BoardQuery,
  pageSize = PAGE_SIZE,
  options: ListBoardOptions = {},
): Promise<BoardPage> {
  const ranking = await callRanking(db, call.id);
  const hidden = options.hidden ?? (await conflictedProposalIds(db, userId, call.id));
  const total = options.counts?.total ?? (await countBoard(db, call.id, q, hidden));
  const callTotal =
    options.counts?.callTotal ?? (await countBoard(db, call.id, NO_FILTERS, hidden));
  const pageCount = Math.max(1, Math.ceil(Number(total) / pageSize));
  const page = Math.min(q.page, pageCount);
  if (!ranking) return { total, callTotal, page, pageCount, rows: [], withheld: 0 };
  const scoped = scopedRanks(ranking, hidden);
  const ids = (await orderedIds(db, call.id, q, hidden, ranking)).slice(
    (page - 1) * pageSize,
    page * pageSize,
  );
  return {
    total,
    callTotal,
    page,
    pageCount,
    withheld: scoped.withheld,
    rows: await readBoardRows(db, ids, q, ranking, scoped),
  };
}

/**
 * The board's rows after one row (the API's cursor, issue 17): the same filters, ordering, ranks
 * and conflict wall as listBoard, `limit` rows after `afterId` in the board's order (from the
 * start when null). `found` is false when `afterId` is not in the order (the ranking changed);
 * `version` is the ranking's calls.scores_version, null when nothing is ranked yet.
 */
export async function listBoardAfter(
  db: DB,
  call: Call,
  userId: number,
  q: BoardQuery,
  options: { afterId: number | null; limit: number; hidden?: readonly number[] },
): Promise<{
  rows: BoardRow[];
  total: number;
  callTotal: number;
  withheld: number;
  version: number | null;
  hasMore: boolean;
  found: boolean;
}> {
  const ranking = await callRanking(db, call.id);
  const hidden = options.hidden ?? (await conflictedProposalIds(db, userId, call.id));
  const total = await countBoard(db, call.id, q, hidden);
  const callTotal = await countBoard(db, call.id, NO_FILTERS, hidden);
  if (!ranking)
    return {
      rows: [],
      total,
      callTotal,
      withheld: 0,
      version: null,
      hasMore: false,
      found: options.afterId === null,
    };
  const scoped = scopedRanks(ranking, hidden);
  const order = await orderedIds(db, call.id, q, hidden, ranking);
  const start = options.afterId === null ? 0 : order.indexOf(options.afterId) + 1;
  if (start === 0 && options.afterId !== null)
    return {
      rows: [],
      total,
      callTotal,
      withheld: scoped.withheld,
      version: ranking.version,
      hasMore: false,
      found: false,
    };
  const ids = order.slice(start, start + options.limit);
  return {
    rows: await readBoardRows(db, ids, q, ranking, scoped),
    total,
    callTotal,
    withheld: scoped.withheld,
    version: ranking.version,
    hasMore: start + options.limit < order.length,
    found: true,
  };
}

/** The board rows of the given ids, in that order. */
async function readBoardRows(
  db: DB,
  ids: readonly number[],
  q: BoardQuery,
  ranking: CallRanking,
  scoped: ReturnType<typeof scopedRanks>,
): Promise<BoardRow[]> {
  const rows = ids.length
    ? await db
        .selectFrom("proposal_scores as ps")
        .leftJoin("decisions as d", "d.proposal_id", "ps.proposal_id")
        .innerJoin("proposals as p", "p.id", "ps.proposal_id")
        .where("ps.proposal_id", "in", [...ids])
        .select([
          "ps.proposal_id as proposalId",
          "ps.reference",
          "ps.company_en as companyEn",
          "ps.company_zh as companyZh",
          "ps.title",
          "ps.tracks",
          "ps.status",
          "ps.investment_usd_cents as investmentUsdCents",
          "ps.submitted_at as submittedAt",
          "ps.reviews_submitted as reviewsSubmitted",
          "ps.reviews_required as reviewsRequired",
          "ps.score",
          "ps.gates_summary as gatesSummary",
          "ps.qualifies",
          "ps.flagged",
          "ps.flags_json as flagsJson",
          "d.outcome as decision",
          "d.reason as decisionReason",
          "d.override_json as overrideJson",
          "d.override_reason as overrideReason",
          "p.uscc_needs_check",
          "p.uscc_checked_at",
        ])
        .execute()
    : [];
  const byId = new Map(rows.map((r) => [r.proposalId, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    const ranked = ranking.byId.get(id);
    if (!r) return [];
    return [
      {
        proposalId: r.proposalId,
        rank: (q.score === "raw" ? scoped.rankRaw(id) : scoped.rankCalibrated(id)) ?? 0,
        reference: r.reference,
        companyEn: r.companyEn,
        companyZh: r.companyZh,
        title: r.title,
        tracks: (r.tracks ?? "").split(",").filter(Boolean),
        status: r.status,
        investmentUsdCents: r.investmentUsdCents,
        submittedAt: r.submittedAt,
        reviewsSubmitted: r.reviewsSubmitted,
        reviewsRequired: r.reviewsRequired,
        provisional: isProvisional(r.reviewsSubmitted, r.reviewsRequired),
        score: r.score,
        calibratedScore: ranked?.calibratedScore ?? null,
        gatesSummary: r.gatesSummary,
        qualifies: r.qualifies === 1,
        flagged: r.flagged === 1,
        flags: parseJson<Flag[]>(r.flagsJson, []),
        decision: r.decision,
        decisionReason: r.decisionReason,
        override: parseOverride(r.overrideJson),
        overrideReason: r.overrideReason,
        creditCodeCheck: creditCodePending(r),
      },
    ];
  });
}

const NO_FILTERS = {
  track: null,
  status: null,
  decision: null,
  qualifies: null,
  flagged: null,
} as const;

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export interface HistogramData {
  bins: { from: number; to: number; count: number }[];
  unscored: number;
}

/**
 * The call's score distribution in ten bins of 10 points (100 falls in the last), counted in SQL
 * from proposal_scores alone (its rows are those of ranked proposals) and kept between changes
 * (see above).
 */
export async function scoreHistogram(
  db: DB,
  callId: number,
  mode: ScoreMode,
  hidden: readonly number[] = [],
): Promise<HistogramData> {
  const data = await keptWhileRowsUnchanged(db, callId, `hist|${mode}|${hiddenKey(hidden)}`, () =>
    computeHistogram(db, callId, mode, hidden),
  );
  // A copy: the kept value must not change if a caller changes what it was given.
  return { bins: data.bins.map((b) => ({ ...b })), unscored: data.unscored };
}

async function computeHistogram(
  db: DB,
  callId: number,
  mode: ScoreMode,
  hidden: readonly number[],
): Promise<HistogramData> {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
  let unscored = 0;
  const binOf = (v: number) => Math.min(9, Math.max(0, Math.trunc(v / 10)));
  if (mode === "calibrated") {
    // Calibrated scores are derived on read (the ranking holds every proposal in the competition).
    const ranking = await callRanking(db, callId);
    const skip = new Set(hidden);
    for (const r of ranking?.byId.values() ?? []) {
      if (skip.has(r.proposalId)) continue;
      if (r.calibratedScore === null) unscored += 1;
      else bins[binOf(r.calibratedScore)]!.count += 1;
    }
    return { bins, unscored };
  }
  const col = sql.ref("ps.score");
  let q = db.selectFrom("proposal_scores as ps").where("ps.call_id", "=", callId);
  if (hidden.length) q = q.where("ps.proposal_id", "not in", [...hidden]);
  const rows = await q
    .select([
      sql<
        number | null
      >`case when ${col} is null then null else ${least(db, 9, greatest(db, 0, truncateToInteger(db, sql`${col} / 10`)))} end`.as(
        "bin",
      ),
      sql<number>`count(*)`.as("n"),
    ])
    .groupBy("bin")
    .execute();
  for (const r of rows) {
    if (r.bin === null) unscored += Number(r.n);
    else bins[Number(r.bin)]!.count += Number(r.n);
  }
  return { bins, unscored };
}

/** A call by slug for staff (any status). */
export async function getBoardCall(db: DB, slug: string): Promise<Call | undefined> {
  return db.selectFrom("calls").selectAll().where("slug", "=", slug).executeTakeFirst();
}
