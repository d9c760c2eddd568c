// The ranking board and the per-proposal breakdown: read from proposal_scores (kept current by
// scoring.server.ts) with filters, sorting and pagination in SQL; decisions recorded with audit.
import { sql, type RawBuilder } from "kysely";
import { z } from "zod";
import type { Call, DecisionOutcome, ProposalStatus } from "~db/schema";
import { conflictMatches } from "~/domain/assignment";
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
import { conflictsForAssignment } from "~/models/conflicts.server";
import { RANKED_STATUSES } from "~/domain/board-query";
import {
  ensureCallScoresCurrent,
  currentCallScoring,
  recomputeCallScores,
  type CriterionMeta,
} from "~/models/scoring.server";
import type { DB } from "~/services/db.server";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";
import {
  DECISION_OUTCOMES,
  MAX_DECISION_REASON,
  MAX_MODERATION_NOTE,
  PAGE_SIZE,
  type BoardQuery,
  type SortColumn,
} from "~/domain/board-query";

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

/** The board's rows for one state: filtered, sorted and paginated in SQL. */
function boardBase(db: DB, callId: number, q: BoardQuery, hidden: readonly number[]) {
  let query = db
    .selectFrom("proposal_scores as ps")
    .innerJoin("proposals as p", "p.id", "ps.proposal_id")
    .leftJoin("decisions as d", "d.proposal_id", "ps.proposal_id")
    .where("ps.call_id", "=", callId)
    .where("p.status", "in", [...RANKED_STATUSES]);
  if (hidden.length) query = query.where("ps.proposal_id", "not in", [...hidden]);
  if (q.track)
    query = query.where(
      sql<boolean>`(',' || coalesce(p.tracks, '') || ',') like ${`%,${q.track},%`}`,
    );
  if (q.status) query = query.where("p.status", "=", q.status);
  if (q.decision === "none") query = query.where("d.outcome", "is", null);
  else if (q.decision) query = query.where("d.outcome", "=", q.decision);
  if (q.qualifies !== null) query = query.where("ps.qualifies", "=", q.qualifies ? 1 : 0);
  if (q.flagged !== null) query = query.where("ps.flagged", "=", q.flagged ? 1 : 0);
  return query;
}

// What each column sorts on. Gates and decisions sort by meaning, not by spelling:
// passed → pending → split → failed; shortlisted → reserve → rejected (no decision last).
const SORT_EXPRESSIONS: Record<Exclude<SortColumn, "rank">, RawBuilder<unknown>> = {
  reference: sql.ref("p.reference"),
  company: sql`${sql.ref("p.company_en")} collate nocase`,
  title: sql`${sql.ref("p.title")} collate nocase`,
  sector: sql.ref("p.tracks"),
  investment: sql.ref("p.investment_usd_cents"),
  reviews: sql.ref("ps.reviews_submitted"),
  score: sql.ref("ps.score"),
  calibrated: sql.ref("ps.calibrated_score"),
  gates: sql`case ps.gates_summary when 'passed' then 0 when 'pending' then 1 when 'split' then 2 else 3 end`,
  flags: sql.ref("ps.flag_count"),
  decision: sql`case d.outcome when 'shortlisted' then 0 when 'reserve' then 1 when 'rejected' then 2 else null end`,
};

export interface BoardPage {
  rows: BoardRow[];
  total: number;
  page: number;
  pageCount: number;
  /** How many rows of the call the user may see, before filters. */
  callTotal: number;
}

/**
 * Counts the board's rows in SQL. proposal_scores holds rows only for ranked proposals (writeScores
 * writes nothing else, and a withdrawal bumps the call's score marker so the rows are rewritten
 * before the next read), so the count joins proposals and decisions only when a filter reads them:
 * the unfiltered counts read one covering index instead of looking up 10,000 proposal rows
 * (bench/FINDINGS.md §1).
 */
export async function countBoard(
  db: DB,
  callId: number,
  q: Pick<BoardQuery, "track" | "status" | "decision" | "qualifies" | "flagged">,
  hidden: readonly number[],
): Promise<number> {
  if (q.track || q.status || q.decision) {
    const { n } = await boardBase(db, callId, q as BoardQuery, hidden)
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
  let query = db.selectFrom("proposal_scores as ps").where("ps.call_id", "=", callId);
  if (hidden.length) query = query.where("ps.proposal_id", "not in", [...hidden]);
  if (q.qualifies !== null) query = query.where("ps.qualifies", "=", q.qualifies ? 1 : 0);
  if (q.flagged !== null) query = query.where("ps.flagged", "=", q.flagged ? 1 : 0);
  const { n } = await query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  return Number(n);
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
  // Orders the rows of one board state (the same order for the page's ids and for its rows).
  const ordered = <T extends ReturnType<typeof boardBase>>(query: T): T => {
    let out = query;
    if (q.sort !== "rank") {
      const col = SORT_EXPRESSIONS[q.sort];
      // Empty values last in either direction; then the rank in use keeps the order stable.
      out = out.orderBy(sql`${col} is null`).orderBy(col, q.dir) as T;
      out = out.orderBy(sql.ref(rankCol), "asc") as T;
    } else {
      out = out.orderBy(sql.ref(rankCol), q.dir) as T;
    }
    return out.orderBy("ps.proposal_id") as T;
  };
  // Two steps: the page's ids are chosen reading only the columns that filter and sort, then the
  // page's 50 rows are read in full. Sorting every matching row with all its columns made SQLite
  // read each proposal's submitted_at, which lies after the proposal's large snapshot (overflow
  // pages): a sorted board read the whole call's snapshots on every request (bench/FINDINGS.md §1).
  const pageIds = ordered(boardBase(db, call.id, q, hidden).select("ps.proposal_id"))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const query = boardBase(db, call.id, q, hidden)
    .where("ps.proposal_id", "in", pageIds)
    .select([
      "ps.proposal_id as proposalId",
      sql<number>`${sql.ref(rankCol)}`.as("rank"),
      "p.reference",
      "p.company_en as companyEn",
      "p.company_zh as companyZh",
      "p.title",
      "p.tracks",
      "p.status",
      "p.investment_usd_cents as investmentUsdCents",
      "p.submitted_at as submittedAt",
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
  const rows = await ordered(query).execute();
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

/** The call's score distribution in ten bins of 10 points (100 falls in the last), counted in SQL. */
export async function scoreHistogram(
  db: DB,
  callId: number,
  mode: ScoreMode,
  hidden: readonly number[] = [],
): Promise<HistogramData> {
  const col = sql.ref(mode === "raw" ? "ps.score" : "ps.calibrated_score");
  // No join to proposals: the rows are those of ranked proposals (see countBoard).
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
  const scoring = await currentCallScoring(db, call);
  const { criteria } = scoring;
  const own = scoring.byId.get(proposalId);
  if (!own) return null;
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

export const DecisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { error: msg("validation.choose") }),
  reason: z
    .string({ error: msg("validation.required") })
    .min(1, { error: msg("validation.required") })
    .max(MAX_DECISION_REASON, { error: msg("validation.tooLong", { max: MAX_DECISION_REASON }) }),
});

/** A call by slug for staff (any status). */
export async function getBoardCall(db: DB, slug: string): Promise<Call | undefined> {
  return db.selectFrom("calls").selectAll().where("slug", "=", slug).executeTakeFirst();
}

/** Whether decisions on the call can still be recorded or changed. */
export function decisionsOpen(call: Pick<Call, "status">): boolean {
  return call.status !== "decided" && call.status !== "archived";
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
        errors: { _form: "The call has been decided: decisions are final." },
        status: 409,
      };
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id"])
      .where("id", "=", input.proposalId)
      .where("call_id", "=", call.id)
      .where("status", "in", [...RANKED_STATUSES])
      .executeTakeFirst();
    if (!proposal) return { ok: false, errors: { _form: "No such proposal." }, status: 404 };
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

export const GateModerationSchema = z.object({
  gate: z.string({ error: msg("validation.choose") }).min(1, { error: msg("validation.choose") }),
  gatePass: z.enum(["pass", "fail"], { error: msg("validation.choose") }),
  gateNote: z
    .string({ error: msg("validation.required") })
    .min(1, { error: msg("validation.required") })
    .max(MAX_MODERATION_NOTE, {
      error: msg("validation.tooLong", { max: MAX_MODERATION_NOTE }),
    }),
});

export const DisagreementNoteSchema = z.object({
  noteCriterion: z.string().optional(),
  flagNote: z
    .string({ error: msg("validation.required") })
    .min(1, { error: msg("validation.required") })
    .max(MAX_MODERATION_NOTE, {
      error: msg("validation.tooLong", { max: MAX_MODERATION_NOTE }),
    }),
});

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
        errors: { _form: "The call has been decided: moderation is closed." },
        status: 409,
      };
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id"])
      .where("id", "=", input.proposalId)
      .where("call_id", "=", call.id)
      .where("status", "in", [...RANKED_STATUSES])
      .executeTakeFirst();
    if (!proposal) return { ok: false, errors: { _form: "No such proposal." }, status: 404 };
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
