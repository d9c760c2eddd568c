// The breakdown of one proposal's score for officials: its counting reviews, the arithmetic of
// its score and calibration, moderation, decision, and where it stands in the call. Its result is
// computed from its own reviews and the call's running calibration sums, its ranks read from the
// derived ranking (score-read-model.server.ts proposalScoring): never the whole call.
import type { Call, DecisionOutcome, ProposalStatus } from "~db/schema";
import { RANKED_STATUSES } from "~/domain/board-query";
import { describeScore, type ProposalResult, type ScoreArithmetic } from "~/domain/scoring";
import { conflictedProposalIds, scoreHistogram, type HistogramData } from "~/models/board.server";
import { proposalScoring } from "~/models/score-read-model.server";
import { parseIds, type CriterionMeta } from "~/models/scoring.server";
import type { DB } from "~/services/db.server";
import { isProvisional, parseOverride, type DecisionOverride } from "~/domain/decision-override";
import { getCreditCodeCheck, type CreditCodeCheck } from "~/models/credit-code-check.server";

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
    /** The counting reviews it decided (null: recorded before moderations named them). */
    decidedReviewIds: number[] | null;
    /** When it lapsed (its proposal's counting reviews changed), or null while it applies. */
    lapsedAt: string | null;
  }[];
  decision: {
    outcome: DecisionOutcome;
    reason: string;
    decidedBy: string;
    decidedAt: string;
    /** What a shortlisting overrode, and why; null when it overrode nothing. */
    override: DecisionOverride | null;
    overrideReason: string | null;
  } | null;
  /** Fewer counting reviews than the call's minimum. */
  provisional: boolean;
  /** The credit-code manual check applicants are told about. */
  creditCode: CreditCodeCheck;
  histogram: HistogramData;
  rankRaw: number;
  rankCalibrated: number;
  /** Proposals ranked for the viewer: their withheld proposals are left out before ranking. */
  rankedCount: number;
  /** How many proposals are withheld from the viewer by their declared conflicts. */
  withheld: number;
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
  // The proposal from its own counting reviews and the call's running calibration sums, its ranks
  // from the derived ranking: no computation over the whole call.
  const hidden = await conflictedProposalIds(db, userId, call.id);
  const scoring = await proposalScoring(db, call, proposalId, hidden);
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
      "moderations.decided_review_ids",
      "moderations.lapsed_at",
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
    .select([
      "decisions.outcome",
      "decisions.reason",
      "decisions.decided_at",
      "decisions.override_json",
      "decisions.override_reason",
      "users.display_name",
    ])
    .where("decisions.proposal_id", "=", proposalId)
    .executeTakeFirst();
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
      decidedReviewIds: parseIds(m.decided_review_ids),
      lapsedAt: m.lapsed_at,
    })),
    decision: decision
      ? {
          outcome: decision.outcome,
          reason: decision.reason,
          decidedBy: decision.display_name,
          decidedAt: decision.decided_at,
          override: parseOverride(decision.override_json),
          overrideReason: decision.override_reason,
        }
      : null,
    provisional: isProvisional(own),
    creditCode: await getCreditCodeCheck(db, proposalId),
    histogram: await scoreHistogram(db, call.id, "raw", hidden),
    rankRaw: own.rankRaw,
    rankCalibrated: own.rankCalibrated,
    rankedCount: scoring.rankedCount,
    withheld: scoring.withheld,
  };
}
