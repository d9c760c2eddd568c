// Loads a call's scoring inputs from the database, runs the pure rules (app/domain/scoring.ts)
// and keeps the board's read model (proposal_scores) current.
//
// WHO CALLS recomputeCallScores: every change that can move a score, a gate, a flag or a rank —
// a review submitted or returned for rework, a gate moderation or a disagreement note recorded,
// a proposal submitted or withdrawn. Call it with the same transaction as the change
// (`await recomputeCallScores(trx, callId)`), so that the board never shows a state that did not
// exist. The board also checks cheaply whether its rows are out of date (ensureCallScoresCurrent)
// and recomputes when they are, so a missed call costs one slow page view, never a wrong board.
import { sql } from "kysely";
import type { Call } from "~db/schema";
import {
  computeCallScores,
  type CalibrationSummary,
  type CriterionInput,
  type GateResult,
  type ProposalResult,
  type ScoringInput,
  type ScoringResult,
  type ScoreMode,
} from "~/domain/scoring";
import { nowIso, type DB } from "~/services/db.server";
import { RANKED_STATUSES } from "~/domain/board-query";

export { RANKED_STATUSES };

export interface CriterionMeta extends CriterionInput {
  id: number;
  titleEn: string;
  titleZh: string;
  position: number;
}

/** The criteria a call is scored against: its latest published version (else its latest draft). */
export async function loadCallCriteria(db: DB, callId: number): Promise<CriterionMeta[]> {
  const version = await db
    .selectFrom("criteria_versions")
    .select(["id"])
    .where("call_id", "=", callId)
    .orderBy(sql`published_at is null`)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!version) return [];
  const rows = await db
    .selectFrom("criteria")
    .selectAll()
    .where("criteria_version_id", "=", version.id)
    .orderBy("position")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    weight: r.weight,
    minLevel: r.min_level,
    appliesToTrack: r.applies_to_track,
    titleEn: r.title_en,
    titleZh: r.title_zh,
    position: r.position,
  }));
}

export function paramsOf(call: Call): ScoringInput["params"] {
  let tieBreak: string[] = [];
  try {
    const v: unknown = JSON.parse(call.tie_break_json);
    if (Array.isArray(v)) tieBreak = v.filter((k): k is string => typeof k === "string");
  } catch {
    tieBreak = [];
  }
  return {
    minReviews: call.min_reviews,
    qualifyingScore: call.qualifying_score,
    disagreementSpread: call.disagreement_spread,
    disagreementSd: call.disagreement_sd,
    calibrationMinReviews: call.calibration_min_reviews,
    tieBreak,
  };
}

/** Everything the rules need for one call: ranked proposals, their submitted reviews, moderation. */
export async function loadScoringInput(
  db: DB,
  call: Call,
  onlyProposalId?: number,
): Promise<{ input: ScoringInput; criteria: CriterionMeta[] }> {
  const criteria = await loadCallCriteria(db, call.id);
  const proposals = await db
    .selectFrom("proposals")
    .select(["id", "reference", "submitted_at", "tracks"])
    .where("call_id", "=", call.id)
    .where("status", "in", [...RANKED_STATUSES])
    .$if(onlyProposalId !== undefined, (q) => q.where("id", "=", onlyProposalId!))
    .orderBy("id")
    .execute();
  // Only submitted reviews count, everywhere. Criteria are matched by key, so a review written
  // against an earlier criteria version still counts for the same criterion. One row per review
  // with its levels packed as "criterionId:level:gatePass,…" (10,000 proposals × 3 reviews × 11
  // criteria would otherwise be 330,000 rows to turn into objects).
  const keyOf = new Map(
    (
      await db
        .selectFrom("criteria")
        .innerJoin("criteria_versions", "criteria_versions.id", "criteria.criteria_version_id")
        .select(["criteria.id", "criteria.key", "criteria.kind"])
        .where("criteria_versions.call_id", "=", call.id)
        .execute()
    ).map((c) => [c.id, c]),
  );
  const reviewRows = await db
    .selectFrom("reviews")
    .innerJoin("proposals", "proposals.id", "reviews.proposal_id")
    .leftJoin("review_scores", "review_scores.review_id", "reviews.id")
    .select([
      "reviews.id as reviewId",
      "reviews.proposal_id as proposalId",
      "reviews.reviewer_id as reviewerId",
      "reviews.submitted_at as submittedAt",
      sql<
        string | null
      >`group_concat(review_scores.criterion_id || ':' || coalesce(review_scores.level, '') || ':' || coalesce(review_scores.gate_pass, ''), ',')`.as(
        "packed",
      ),
    ])
    .where("proposals.call_id", "=", call.id)
    .where("proposals.status", "in", [...RANKED_STATUSES])
    .where("reviews.status", "=", "submitted")
    .$if(onlyProposalId !== undefined, (q) => q.where("reviews.proposal_id", "=", onlyProposalId!))
    .groupBy("reviews.id")
    .orderBy("reviews.id")
    .execute();
  const reviews: ScoringInput["reviews"][number][] = reviewRows.map((row) => {
    const levels: Record<string, number> = {};
    const gates: Record<string, boolean> = {};
    for (const part of (row.packed ?? "").split(",")) {
      if (!part) continue;
      const [id, level, gatePass] = part.split(":");
      const c = keyOf.get(Number(id));
      if (!c) continue;
      if (c.kind === "scored" && level) levels[c.key] = Number(level);
      if (c.kind === "gate" && gatePass) gates[c.key] = gatePass === "1";
    }
    return {
      proposalId: row.proposalId,
      reviewerId: row.reviewerId,
      status: "submitted",
      submittedAt: row.submittedAt,
      levels,
      gates,
    };
  });

  const moderations = await db
    .selectFrom("moderations")
    .innerJoin("proposals", "proposals.id", "moderations.proposal_id")
    .leftJoin("criteria", "criteria.id", "moderations.criterion_id")
    .select([
      "moderations.proposal_id as proposalId",
      "moderations.kind as kind",
      "moderations.gate_pass as gatePass",
      "moderations.created_at as createdAt",
      "criteria.key as key",
    ])
    .where("proposals.call_id", "=", call.id)
    .$if(onlyProposalId !== undefined, (q) =>
      q.where("moderations.proposal_id", "=", onlyProposalId!),
    )
    .execute();

  return {
    criteria,
    input: {
      params: paramsOf(call),
      criteria,
      proposals: proposals.map((p) => ({
        id: p.id,
        reference: p.reference,
        submittedAt: p.submitted_at,
        tracks: (p.tracks ?? "")
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
      })),
      reviews,
      gateModerations: moderations.flatMap((m) =>
        m.kind === "gate_decision" && m.key !== null && m.gatePass !== null
          ? [
              {
                proposalId: m.proposalId,
                gateKey: m.key,
                pass: m.gatePass === 1,
                createdAt: m.createdAt,
              },
            ]
          : [],
      ),
      disagreementNotes: moderations.flatMap((m) =>
        m.kind === "disagreement_note"
          ? [{ proposalId: m.proposalId, criterionKey: m.key, createdAt: m.createdAt }]
          : [],
      ),
    },
  };
}

/** The board's one-word gate column: the worst result among the proposal's gates. */
export function gatesSummary(
  gates: readonly GateResult[],
): "passed" | "failed" | "split" | "pending" {
  if (gates.some((g) => g.status === "fail" || g.status === "moderated_fail")) return "failed";
  if (gates.some((g) => g.status === "split")) return "split";
  if (gates.some((g) => g.status === "no_reviews")) return "pending";
  return "passed";
}

/** Runs the rules over one call (for the breakdown and the exports). */
export async function scoreCall(
  db: DB,
  call: Call,
  rankBy: ScoreMode = "raw",
): Promise<{ result: ScoringResult; input: ScoringInput; criteria: CriterionMeta[] }> {
  const { input, criteria } = await loadScoringInput(db, call);
  return { result: computeCallScores(input, { rankBy }), input, criteria };
}

/** What the breakdown of one proposal needs from its call's scoring. */
export interface ProposalScoring {
  result: ProposalResult;
  /** The call's calibration summary, which the proposal's calibrated arithmetic reads. */
  calibration: CalibrationSummary;
  params: ScoringInput["params"];
  criteria: CriterionMeta[];
  rankedCount: number;
}

/**
 * One proposal's scoring, for its breakdown (call ensureCallScoresCurrent first). The result
 * depends on the whole call only through its calibration (every reviewer's totals across the call:
 * 30,000 reviews at 10,000 proposals) and the ranks, so writeScores stores the call's calibration
 * summary beside the board's rows (migration 0007), and while they are current this computes the
 * proposal alone from its own reviews with that summary — exactly what the whole-call computation
 * gives (tests/integration/breakdown-results.test.ts) — and takes its ranks from its row. All of it
 * is read in one transaction (one snapshot). Inside a transaction, or when the rows are stale (a
 * read-only connection cannot rewrite them), the call is computed afresh as the board would
 * compute it, and nothing is kept in memory. Null when the proposal is not ranked in the call.
 */
export async function proposalScoring(
  db: DB,
  call: Call,
  proposalId: number,
): Promise<ProposalScoring | null> {
  if (db.isTransaction) return scoreCallFor(db, call, proposalId);
  return db.transaction().execute(async (trx) => {
    const stored = await trx
      .selectFrom("calls")
      .leftJoin("call_score_summaries as s", "s.call_id", "calls.id")
      .leftJoin("proposal_scores as ps", (join) =>
        join.on("ps.proposal_id", "=", proposalId).onRef("ps.call_id", "=", "calls.id"),
      )
      .select([
        "calls.scores_version",
        "calls.scores_computed_version",
        "s.calibration_json",
        "s.params_json",
        "s.criteria_json",
        "s.ranked_count",
        "ps.proposal_id as rankedId",
        "ps.rank_raw",
        "ps.rank_calibrated",
      ])
      .where("calls.id", "=", call.id)
      .executeTakeFirst();
    if (!stored) return null;
    // No summary: the rows were written before migration 0007 (it marks every call stale, so
    // only a call recomputed by an older build lacks one) — computed afresh below.
    if (
      stored.scores_version !== stored.scores_computed_version ||
      stored.calibration_json === null ||
      stored.params_json === null ||
      stored.criteria_json === null ||
      stored.ranked_count === null
    )
      return scoreCallFor(trx, call, proposalId);
    if (stored.rankedId === null || stored.rank_raw === null || stored.rank_calibrated === null)
      return null;
    const calibration = JSON.parse(stored.calibration_json) as CalibrationSummary;
    const params = JSON.parse(stored.params_json) as ScoringInput["params"];
    const criteria = JSON.parse(stored.criteria_json) as CriterionMeta[];
    const { input } = await loadScoringInput(trx, call, proposalId);
    const own = computeCallScores({ ...input, params, criteria }, { calibration }).byId.get(
      proposalId,
    );
    if (!own) return null;
    return {
      result: { ...own, rankRaw: stored.rank_raw, rankCalibrated: stored.rank_calibrated },
      calibration,
      params,
      criteria,
      rankedCount: stored.ranked_count,
    };
  });
}

/** proposalScoring from a computation over the whole call. */
async function scoreCallFor(
  db: DB,
  call: Call,
  proposalId: number,
): Promise<ProposalScoring | null> {
  const { result, input, criteria } = await scoreCall(db, call);
  const own = result.byId.get(proposalId);
  if (!own) return null;
  return {
    result: own,
    calibration: result.calibration,
    params: input.params,
    criteria,
    rankedCount: result.proposals.length,
  };
}

/**
 * With the board's rows and in the same transaction, what the breakdown needs besides a
 * proposal's own reviews (migration 0007): the call's calibration summary, the parameters and
 * criteria it was computed with, and the number of ranked proposals.
 */
async function writeCallSummary(
  db: DB,
  call: Call,
  result: ScoringResult,
  criteria: CriterionMeta[],
  computedAt: string,
): Promise<void> {
  const summary = {
    calibration_json: JSON.stringify(result.calibration),
    params_json: JSON.stringify(paramsOf(call)),
    // The criteria the result was computed with (scoreCall loaded them in this transaction).
    criteria_json: JSON.stringify(criteria),
    ranked_count: result.proposals.length,
    computed_at: computedAt,
  };
  await db
    .insertInto("call_score_summaries")
    .values({ call_id: call.id, ...summary })
    .onConflict((oc) => oc.column("call_id").doUpdateSet(summary))
    .execute();
}

/** The proposal fields that writeScores copies into proposal_scores for the board (migration 0006). */
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

const SCORE_ROWS_PER_STATEMENT = 1000;

async function writeScores(db: DB, call: Call): Promise<number> {
  const { result, criteria } = await scoreCall(db, call);
  const computedAt = nowIso();
  await db.deleteFrom("proposal_scores").where("call_id", "=", call.id).execute();
  const toRow = (p: ProposalResult) => ({
    proposal_id: p.proposalId,
    call_id: call.id,
    score: p.score,
    calibrated_score: p.calibratedScore,
    rank_raw: p.rankRaw,
    rank_calibrated: p.rankCalibrated,
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
    computed_at: computedAt,
  });
  // A few statements for all rows: each chunk's rows travel as one JSON parameter and SQLite
  // unpacks them (10,000 rows in tens of milliseconds, instead of compiling thousands of
  // placeholders). Rows are built a chunk at a time: beside the call's results, which a recompute
  // must hold whole, every row at once was ~20 MB more of peak heap at 10,000 proposals.
  const columns = result.proposals.length
    ? (Object.keys(toRow(result.proposals[0]!)) as (keyof ReturnType<typeof toRow>)[])
    : [];
  for (let i = 0; i < result.proposals.length; i += SCORE_ROWS_PER_STATEMENT) {
    const chunk = JSON.stringify(
      result.proposals.slice(i, i + SCORE_ROWS_PER_STATEMENT).map(toRow),
    );
    // With the scores, the proposal's own fields that the board filters, sorts and shows
    // (migration 0006), copied from `proposals` as this transaction sees them: any later change to
    // them marks the call's scores stale, so the copy is rewritten before the board reads it.
    await sql`insert into proposal_scores (${sql.join([
      ...columns.map((c) => sql.ref(c)),
      ...BOARD_KEYS.map((c) => sql.ref(c)),
    ])})
      select ${sql.join([
        ...columns.map((c) => sql`j.value ->> ${"$." + c}`),
        ...BOARD_KEYS.map((c) => sql.ref(`p.${c}`)),
      ])}
      from json_each(${chunk}) as j
      join proposals as p on p.id = j.value ->> '$.proposal_id'`.execute(db);
  }
  await writeCallSummary(db, call, result, criteria, computedAt);
  return result.proposals.length;
}

/**
 * Recomputes every score, flag and rank of a call and rewrites its proposal_scores rows, all in
 * one transaction (the caller's, when given a transaction). Returns the number of rows written.
 */
export async function recomputeCallScores(db: DB, callId: number): Promise<number> {
  const run = async (trx: DB) => {
    const call = await trx
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", callId)
      .executeTakeFirst();
    if (!call) return 0;
    const written = await writeScores(trx, call);
    // The rows now reflect every change up to this version (read in this same transaction, so a
    // change committed after it bumps the version again and the rows count as stale).
    await trx
      .updateTable("calls")
      .set({ scores_computed_version: call.scores_version })
      .where("id", "=", call.id)
      .execute();
    return written;
  };
  if (db.isTransaction) return run(db);
  return db.transaction().execute(run);
}

/**
 * Whether the call's proposal_scores rows are out of date. Triggers (migration 0005) bump
 * calls.scores_version in the same transaction as every change that can move a score — a ranked
 * proposal submitted, withdrawn or edited, a submitted review changed or returned, a moderation,
 * the criteria or the call's rules edited — and recomputeCallScores records the version it
 * computed at; the rows are current exactly when the two agree. One primary-key read instead of
 * five aggregates over the call (bench/FINDINGS.md §1).
 */
export async function scoresAreStale(db: DB, call: Pick<Call, "id">): Promise<boolean> {
  const marker = await db
    .selectFrom("calls")
    .select(["scores_version", "scores_computed_version"])
    .where("id", "=", call.id)
    .executeTakeFirst();
  return marker !== undefined && marker.scores_version !== marker.scores_computed_version;
}

/**
 * Recomputes the call's board rows when they are out of date; returns whether it did. On a
 * read-only connection or inside a read snapshot that someone else opened (the exports read the
 * board through one), the rows are served as the snapshot has them instead of failing.
 */
export async function ensureCallScoresCurrent(db: DB, call: Call): Promise<boolean> {
  if (!(await scoresAreStale(db, call))) return false;
  try {
    if (db.isTransaction) {
      await recomputeCallScores(db, call.id);
      return true;
    }
    // Several requests can find the rows stale at once (officials opening the board after a
    // change). Transactions on the process's one connection run one after another, so checking
    // again inside the transaction lets the first recompute and the others find the rows current,
    // instead of each recomputing the whole call (~2 s at 10,000 proposals) in turn.
    return await db.transaction().execute(async (trx) => {
      if (!(await scoresAreStale(trx, call))) return false;
      await recomputeCallScores(trx, call.id);
      return true;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/readonly|read-only|within a transaction/i.test(message)) return false;
    throw error;
  }
}
