// The ranking board and the per-proposal breakdown: read from proposal_scores (kept current by
// scoring.server.ts) with filters, sorting and pagination in SQL; decisions recorded with audit.
import { sql, type RawBuilder } from "kysely";
import type { z } from "zod";
import type { Call, DecisionOutcome, ProposalStatus } from "~db/schema";
import { conflictMatches } from "~/domain/assignment";
import { callResultsFrozen } from "~/domain/call-lifecycle";
import {
  describeScore,
  type Flag,
  type GateResult,
  type NotQualifiedReason,
  type ProposalResult,
  type ScoreArithmetic,
  type ScoreMode,
} from "~/domain/scoring";
import { writeAudit } from "~/models/audit.server";
import { DecisionSchema, DisagreementNoteSchema, GateModerationSchema } from "~/schemas/board";
import { conflictsForAssignment } from "~/models/conflicts.server";
import { RANKED_STATUSES } from "~/domain/board-query";
import {
  ensureCallScoresCurrent,
  proposalScoring,
  recomputeCallScores,
  type CriterionMeta,
} from "~/models/scoring.server";
import type { DB } from "~/services/db.server";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";
import { PAGE_SIZE, type BoardQuery, type SortColumn } from "~/domain/board-query";

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
  score: number | null;
  calibratedScore: number | null;
  gatesSummary: "passed" | "failed" | "split" | "pending";
  qualifies: boolean;
  flagged: boolean;
  flags: Flag[];
  decision: DecisionOutcome | null;
  decisionReason: string | null;
  submittedAt: string | null;
}

/** Proposal ids of the call that a user with declared conflicts must not see on the board. */
export async function conflictedProposalIds(
  db: DB,
  userId: number,
  callId: number,
): Promise<number[]> {
  const conflicts = await conflictsForAssignment(db, [userId]);
  if (!conflicts.length) return [];
  const proposals = await db
    .selectFrom("proposals")
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select(["proposals.id", "proposals.organisation_id", "organisations.parent_group"])
    .where("proposals.call_id", "=", callId)
    .execute();
  return proposals
    .filter((p) =>
      conflicts.some((c) =>
        conflictMatches(c, {
          id: p.id,
          organisationId: p.organisation_id,
          parentGroup: p.parent_group,
        }),
      ),
    )
    .map((p) => p.id);
}

// The board reads its read model alone: proposal_scores holds one row per ranked proposal with the
// proposal's own fields the board filters, sorts and shows (migration 0006, written by
// writeScores), so the page's ids and the counts are read from one covering index
// (proposal_scores_board_keys) instead of ~5,000 rows of `proposals` with their snapshots
// (bench/FINDINGS.md §1). Rows exist only for ranked proposals: writeScores writes nothing else,
// and a withdrawal, a status change or an edit of a copied field marks the call's scores stale
// (calls.scores_version), so listBoard rewrites the rows before it reads them. Decisions (one row
// per proposal at most) are read through their primary key or their outcome index, and only by
// the filters and the sort that need them.

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

// What each column sorts on. Gates and decisions sort by meaning, not by spelling:
// passed → pending → split → failed; shortlisted → reserve → rejected (no decision last).
const SORT_EXPRESSIONS: Record<Exclude<SortColumn, "rank">, RawBuilder<unknown>> = {
  reference: sql.ref("ps.reference"),
  company: sql`${sql.ref("ps.company_en")} collate nocase`,
  title: sql`${sql.ref("ps.title")} collate nocase`,
  sector: sql.ref("ps.tracks"),
  investment: sql.ref("ps.investment_usd_cents"),
  reviews: sql.ref("ps.reviews_submitted"),
  score: sql.ref("ps.score"),
  calibrated: sql.ref("ps.calibrated_score"),
  gates: sql`case ps.gates_summary when 'passed' then 0 when 'pending' then 1 when 'split' then 2 else 3 end`,
  flags: sql.ref("ps.flag_count"),
  decision: sql`case d.outcome when 'shortlisted' then 0 when 'reserve' then 1 when 'rejected' then 2 else null end`,
};

/** The board's order for one state: the sort column (empty values last), the rank, the id. */
function boardOrder(q: BoardQuery): [RawBuilder<unknown>, "asc" | "desc"][] {
  const rank = sql.ref(q.score === "raw" ? "ps.rank_raw" : "ps.rank_calibrated");
  const id = sql.ref("ps.proposal_id");
  if (q.sort === "rank")
    return [
      [rank, q.dir],
      [id, "asc"],
    ];
  const col = SORT_EXPRESSIONS[q.sort];
  // Empty values last in either direction; then the rank in use keeps the order stable. SQLite
  // orders NULL below every value, so a descending sort puts them last by itself: the `is null`
  // term is added only for ascending sorts. One sort key less, and an order an index can give:
  // qualifying proposals by investment (descending, the default) are read in the order of
  // proposal_scores_board_keys (migration 0006), and a page stops reading after its rows.
  return [
    ...(q.dir === "asc" ? [[sql`${col} is null`, "asc"] as [RawBuilder<unknown>, "asc"]] : []),
    [col, q.dir],
    [rank, "asc"],
    [id, "asc"],
  ];
}

export interface BoardPage {
  rows: BoardRow[];
  total: number;
  page: number;
  pageCount: number;
  /** How many rows of the call the user may see, before filters. */
  callTotal: number;
}

// ---------------------------------------------------------------- counts kept between changes
//
// The counts and the histogram read proposal_scores alone, whose rows change only together with
// calls.scores_computed_version (recomputeCallScores rewrites them and records the version in the
// same transaction; nothing else writes them). So a count or a histogram computed from the rows
// at one computed version stays exact until that version changes, and is kept in memory keyed by
// (call id, call created_at, computed version, what was counted, the user's hidden ids). A change
// that moves a score bumps scores_version; the next board view recomputes the rows, which gives a
// new computed version, hence a new key: the kept value can never be served for other rows.
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
    .select(["created_at", "scores_computed_version"])
    .where("id", "=", callId)
    .executeTakeFirst();
  return call ? `${callId}|${call.created_at}|${call.scores_computed_version}` : null;
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

/** Counts the board's rows for one state's filters, in SQL (kept between changes, see above). */
export async function countBoard(
  db: DB,
  callId: number,
  q: BoardFilters,
  hidden: readonly number[],
): Promise<number> {
  const filters: BoardFilters = {
    track: q.track,
    status: q.status,
    decision: q.decision,
    qualifies: q.qualifies,
    flagged: q.flagged,
  };
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
  await ensureCallScoresCurrent(db, call);
  const hidden = options.hidden ?? (await conflictedProposalIds(db, userId, call.id));
  const rankCol = q.score === "raw" ? "ps.rank_raw" : "ps.rank_calibrated";
  const total = options.counts?.total ?? (await countBoard(db, call.id, q, hidden));
  const callTotal =
    options.counts?.callTotal ?? (await countBoard(db, call.id, NO_FILTERS, hidden));
  const pageCount = Math.max(1, Math.ceil(Number(total) / pageSize));
  const page = Math.min(q.page, pageCount);
  const order = boardOrder(q);
  // Two steps: the page's ids are chosen reading only the columns that filter and sort (the
  // covering index proposal_scores_board_keys), then the page's rows are read in full.
  let pageIds = boardBase(db, call.id, q, hidden, q.sort === "decision").select("ps.proposal_id");
  for (const [expr, dir] of order) pageIds = pageIds.orderBy(expr, dir);
  pageIds = pageIds.limit(pageSize).offset((page - 1) * pageSize);
  let query = db
    .selectFrom("proposal_scores as ps")
    .leftJoin("decisions as d", "d.proposal_id", "ps.proposal_id")
    .where("ps.proposal_id", "in", pageIds)
    .select([
      "ps.proposal_id as proposalId",
      sql<number>`${sql.ref(rankCol)}`.as("rank"),
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
      "ps.calibrated_score as calibratedScore",
      "ps.gates_summary as gatesSummary",
      "ps.qualifies",
      "ps.flagged",
      "ps.flags_json as flagsJson",
      "d.outcome as decision",
      "d.reason as decisionReason",
    ]);
  for (const [expr, dir] of order) query = query.orderBy(expr, dir);
  const rows = await query.execute();
  return {
    total,
    callTotal,
    page,
    pageCount,
    rows: rows.map((r) => ({
      proposalId: r.proposalId,
      rank: Number(r.rank),
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
      score: r.score,
      calibratedScore: r.calibratedScore,
      gatesSummary: r.gatesSummary,
      qualifies: r.qualifies === 1,
      flagged: r.flagged === 1,
      flags: parseJson<Flag[]>(r.flagsJson, []),
      decision: r.decision,
      decisionReason: r.decisionReason,
    })),
  };
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
  const col = sql.ref(mode === "raw" ? "ps.score" : "ps.calibrated_score");
  let q = db.selectFrom("proposal_scores as ps").where("ps.call_id", "=", callId);
  if (hidden.length) q = q.where("ps.proposal_id", "not in", [...hidden]);
  const rows = await q
    .select([
      sql<
        number | null
      >`case when ${col} is null then null else min(9, max(0, cast(${col} / 10 as integer))) end`.as(
        "bin",
      ),
      sql<number>`count(*)`.as("n"),
    ])
    .groupBy("bin")
    .execute();
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
  let unscored = 0;
  for (const r of rows) {
    if (r.bin === null) unscored += Number(r.n);
    else bins[Number(r.bin)]!.count += Number(r.n);
  }
  return { bins, unscored };
}

// ---------------------------------------------------------------- breakdown

export interface BreakdownReview {
  reviewId: number;
  reviewerId: number;
  reviewerName: string;
  submittedAt: string | null;
  overallComment: string;
  scores: Record<string, { level: number | null; gatePass: boolean | null; rationale: string }>;
}

export interface Breakdown {
  proposal: {
    id: number;
    reference: string | null;
    companyEn: string | null;
    companyZh: string | null;
    title: string | null;
    tracks: string[];
    status: ProposalStatus;
    investmentUsdCents: number | null;
    submittedAt: string | null;
  };
  criteria: CriterionMeta[];
  result: ProposalResult;
  arithmetic: ScoreArithmetic;
  reviews: BreakdownReview[];
  /** Reviews that do not count (draft or returned for rework). */
  otherReviews: number;
  moderations: {
    id: number;
    kind: "gate_decision" | "disagreement_note";
    criterionKey: string | null;
    gatePass: boolean | null;
    note: string;
    officialName: string;
    createdAt: string;
  }[];
  decision: {
    outcome: DecisionOutcome;
    reason: string;
    decidedBy: string;
    decidedAt: string;
  } | null;
  histogram: HistogramData;
  rankRaw: number;
  rankCalibrated: number;
  rankedCount: number;
}

export async function getBreakdown(
  db: DB,
  call: Call,
  proposalId: number,
  userId: number,
): Promise<Breakdown | null> {
  const proposal = await db
    .selectFrom("proposals")
    .select([
      "id",
      "reference",
      "company_en",
      "company_zh",
      "title",
      "tracks",
      "status",
      "investment_usd_cents",
      "submitted_at",
    ])
    .where("id", "=", proposalId)
    .where("call_id", "=", call.id)
    .where("status", "in", [...RANKED_STATUSES])
    .executeTakeFirst();
  if (!proposal) return null;
  await ensureCallScoresCurrent(db, call);
  // The proposal's stored result and the call's calibration summary (one row each), not a
  // computation over the whole call (migration 0007).
  const scoring = await proposalScoring(db, call, proposalId);
  if (!scoring) return null;
  const { criteria, result: own } = scoring;
  const reviewRows = await db
    .selectFrom("reviews")
    .innerJoin("users", "users.id", "reviews.reviewer_id")
    .select([
      "reviews.id",
      "reviews.reviewer_id",
      "reviews.status",
      "reviews.submitted_at",
      "reviews.overall_comment",
      "users.display_name",
    ])
    .where("reviews.proposal_id", "=", proposalId)
    .orderBy("reviews.reviewer_id")
    .execute();
  const submitted = reviewRows.filter((r) => r.status === "submitted");
  const scoreRows = submitted.length
    ? await db
        .selectFrom("review_scores")
        .innerJoin("criteria", "criteria.id", "review_scores.criterion_id")
        .select([
          "review_scores.review_id",
          "criteria.key",
          "review_scores.level",
          "review_scores.gate_pass",
          "review_scores.rationale",
        ])
        .where(
          "review_scores.review_id",
          "in",
          submitted.map((r) => r.id),
        )
        .execute()
    : [];
  const reviews: BreakdownReview[] = submitted.map((r) => ({
    reviewId: r.id,
    reviewerId: r.reviewer_id,
    reviewerName: r.display_name,
    submittedAt: r.submitted_at,
    overallComment: r.overall_comment,
    scores: Object.fromEntries(
      scoreRows
        .filter((s) => s.review_id === r.id)
        .map((s) => [
          s.key,
          {
            level: s.level,
            gatePass: s.gate_pass === null ? null : s.gate_pass === 1,
            rationale: s.rationale,
          },
        ]),
    ),
  }));
  const moderations = await db
    .selectFrom("moderations")
    .innerJoin("users", "users.id", "moderations.official_id")
    .leftJoin("criteria", "criteria.id", "moderations.criterion_id")
    .select([
      "moderations.id",
      "moderations.kind",
      "moderations.gate_pass",
      "moderations.note",
      "moderations.created_at",
      "users.display_name",
      "criteria.key",
    ])
    .where("moderations.proposal_id", "=", proposalId)
    .orderBy("moderations.created_at")
    .orderBy("moderations.id")
    .execute();
  const decision = await db
    .selectFrom("decisions")
    .innerJoin("users", "users.id", "decisions.decided_by")
    .select(["decisions.outcome", "decisions.reason", "decisions.decided_at", "users.display_name"])
    .where("decisions.proposal_id", "=", proposalId)
    .executeTakeFirst();
  const hidden = await conflictedProposalIds(db, userId, call.id);
  return {
    proposal: {
      id: proposal.id,
      reference: proposal.reference,
      companyEn: proposal.company_en,
      companyZh: proposal.company_zh,
      title: proposal.title,
      tracks: (proposal.tracks ?? "").split(",").filter(Boolean),
      status: proposal.status,
      investmentUsdCents: proposal.investment_usd_cents,
      submittedAt: proposal.submitted_at,
    },
    criteria,
    result: own,
    arithmetic: describeScore(own, scoring.calibration, scoring.params),
    reviews,
    otherReviews: reviewRows.length - submitted.length,
    moderations: moderations.map((m) => ({
      id: m.id,
      kind: m.kind,
      criterionKey: m.key,
      gatePass: m.gate_pass === null ? null : m.gate_pass === 1,
      note: m.note,
      officialName: m.display_name,
      createdAt: m.created_at,
    })),
    decision: decision
      ? {
          outcome: decision.outcome,
          reason: decision.reason,
          decidedBy: decision.display_name,
          decidedAt: decision.decided_at,
        }
      : null,
    histogram: await scoreHistogram(db, call.id, "raw", hidden),
    rankRaw: own.rankRaw,
    rankCalibrated: own.rankCalibrated,
    rankedCount: scoring.rankedCount,
  };
}

// ---------------------------------------------------------------- decisions

/** A call by slug for staff (any status). */
export async function getBoardCall(db: DB, slug: string): Promise<Call | undefined> {
  return db.selectFrom("calls").selectAll().where("slug", "=", slug).executeTakeFirst();
}

/** Whether decisions on the call can still be recorded or changed. */
export function decisionsOpen(call: Pick<Call, "status">): boolean {
  return !callResultsFrozen(call.status);
}

export type DecisionResult =
  { ok: true; changed: boolean } | { ok: false; errors: FieldErrors; status: 400 | 404 | 409 };

/** Records (or changes) the decision on one proposal, with its audit row, in one transaction. */
export async function recordDecision(
  db: DB,
  input: {
    call: Call;
    proposalId: number;
    values: Record<string, unknown>;
    actor: { id: number; email: string };
    requestId?: string | null;
    ip?: string | null;
  },
): Promise<DecisionResult> {
  const parsed = DecisionSchema.safeParse(input.values);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error), status: 400 };
  const { outcome, reason } = parsed.data;
  return db.transaction().execute(async (trx) => {
    const call = await trx
      .selectFrom("calls")
      .select(["id", "status"])
      .where("id", "=", input.call.id)
      .executeTakeFirstOrThrow();
    if (!decisionsOpen(call))
      return {
        ok: false,
        errors: { _form: msg("lifecycle.error.callDecided") },
        status: 409,
      };
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id"])
      .where("id", "=", input.proposalId)
      .where("call_id", "=", call.id)
      .where("status", "in", [...RANKED_STATUSES])
      .executeTakeFirst();
    if (!proposal)
      return { ok: false, errors: { _form: msg("lifecycle.error.notFound") }, status: 404 };
    const before = await trx
      .selectFrom("decisions")
      .select(["outcome", "reason", "decided_by", "decided_at"])
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirst();
    if (before && before.outcome === outcome && before.reason === reason)
      return { ok: true, changed: false };
    const decidedAt = new Date().toISOString();
    const after = { outcome, reason, decided_by: input.actor.id, decided_at: decidedAt };
    await trx
      .insertInto("decisions")
      .values({ proposal_id: proposal.id, ...after })
      .onConflict((oc) => oc.column("proposal_id").doUpdateSet(after))
      .execute();
    await writeAudit(trx, {
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      action: before ? "decision.change" : "decision.record",
      entityType: "decision",
      entityId: proposal.id,
      callId: call.id,
      proposalId: proposal.id,
      before: before ?? null,
      after,
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });
    return { ok: true, changed: true };
  });
}

export type { GateResult, NotQualifiedReason };

// ---------------------------------------------------------------- moderation

export type ModerationResult =
  { ok: true } | { ok: false; errors: FieldErrors; status: 400 | 404 | 409 };

/**
 * Records an official's moderation on one proposal — a decision on an evenly split gate, or a note
 * resolving its disagreement flags — with the audit row, and recomputes the call's board rows, all
 * in one transaction.
 */
export async function recordModeration(
  db: DB,
  input: {
    call: Call;
    proposalId: number;
    kind: "gate_decision" | "disagreement_note";
    values: Record<string, unknown>;
    actor: { id: number; email: string };
    requestId?: string | null;
    ip?: string | null;
  },
): Promise<ModerationResult> {
  const parsed =
    input.kind === "gate_decision"
      ? GateModerationSchema.safeParse(input.values)
      : DisagreementNoteSchema.safeParse(input.values);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error), status: 400 };
  return db.transaction().execute(async (trx): Promise<ModerationResult> => {
    const call = await trx
      .selectFrom("calls")
      .select(["id", "status"])
      .where("id", "=", input.call.id)
      .executeTakeFirstOrThrow();
    if (!decisionsOpen(call))
      return {
        ok: false,
        errors: { _form: msg("lifecycle.error.callDecided") },
        status: 409,
      };
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id"])
      .where("id", "=", input.proposalId)
      .where("call_id", "=", call.id)
      .where("status", "in", [...RANKED_STATUSES])
      .executeTakeFirst();
    if (!proposal)
      return { ok: false, errors: { _form: msg("lifecycle.error.notFound") }, status: 404 };
    const criteria = await trx
      .selectFrom("criteria")
      .innerJoin("criteria_versions", "criteria_versions.id", "criteria.criteria_version_id")
      .select(["criteria.id", "criteria.key", "criteria.kind", "criteria_versions.version"])
      .where("criteria_versions.call_id", "=", call.id)
      .orderBy("criteria_versions.version", "desc")
      .execute();
    const find = (key: string, kind: "scored" | "gate") =>
      criteria.find((c) => c.key === key && c.kind === kind);
    let row: {
      criterion_id: number | null;
      gate_pass: number | null;
      note: string;
      key: string | null;
    };
    if (input.kind === "gate_decision") {
      const v = parsed.data as z.infer<typeof GateModerationSchema>;
      const gate = find(v.gate, "gate");
      if (!gate) return { ok: false, errors: { gate: msg("validation.choose") }, status: 400 };
      row = {
        criterion_id: gate.id,
        gate_pass: v.gatePass === "pass" ? 1 : 0,
        note: v.gateNote,
        key: gate.key,
      };
    } else {
      const v = parsed.data as z.infer<typeof DisagreementNoteSchema>;
      const key = v.noteCriterion ?? "";
      const criterion = key ? find(key, "scored") : undefined;
      if (key && !criterion)
        return { ok: false, errors: { noteCriterion: msg("validation.choose") }, status: 400 };
      row = {
        criterion_id: criterion?.id ?? null,
        gate_pass: null,
        note: v.flagNote,
        key: criterion?.key ?? null,
      };
    }
    const inserted = await trx
      .insertInto("moderations")
      .values({
        proposal_id: proposal.id,
        criterion_id: row.criterion_id,
        kind: input.kind,
        gate_pass: row.gate_pass,
        note: row.note,
        official_id: input.actor.id,
        created_at: new Date().toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      action: input.kind === "gate_decision" ? "moderation.gate" : "moderation.note",
      entityType: "moderation",
      entityId: inserted.id,
      callId: call.id,
      proposalId: proposal.id,
      after: {
        kind: input.kind,
        criterion: row.key,
        gatePass: row.gate_pass === null ? null : row.gate_pass === 1,
        note: row.note,
      },
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });
    await recomputeCallScores(trx, call.id);
    return { ok: true as const };
  });
}
