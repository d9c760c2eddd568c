// Loads a call's scoring inputs from the database for the pure rules (app/domain/scoring.ts): the
// proposals in the competition, their counting reviews, moderations, the call's parameters and
// criteria. The score read model (score-read-model.server.ts) is the one writer of stored scores;
// this module only reads. `scoreCall` runs the rules over a whole call: for tests and tools that
// check the read model against the rules, never on a request path.
//
// A review counts when it is submitted, its proposal is in the competition (RANKED_STATUSES) and
// its reviewer is not conflicted with the proposal (access.server.ts conflictedUsersByProposal).
import { sql } from "kysely";
import type { Call } from "~db/schema";
import {
  computeCallScores,
  type CriterionInput,
  type GateResult,
  type ProposalResult,
  type ScoringInput,
  type ScoringResult,
  type ScoreMode,
} from "~/domain/scoring";
import { conflictedUsersByProposal } from "~/models/access.server";
import type { DB } from "~/services/db.server";
import { RANKED_STATUSES } from "~/domain/board-query";
import { joinedText } from "~/services/sql-dialect.server";

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

/** Conflicted staff per proposal, asked of the access policy a chunk of proposals at a time. */
export async function conflictsOf(
  db: DB,
  proposalIds: readonly number[],
): Promise<Map<number, Set<number>>> {
  const all = new Map<number, Set<number>>();
  for (let i = 0; i < proposalIds.length; i += ID_CHUNK)
    for (const [id, users] of await conflictedUsersByProposal(
      db,
      proposalIds.slice(i, i + ID_CHUNK),
    ))
      all.set(id, users);
  return all;
}

const ID_CHUNK = 2000;

/**
 * Everything the rules need for one call (or, with `only`, for those of its proposals): the
 * proposals in the competition, their counting reviews (with `reviewIds`, the review id of each,
 * in the same order), moderation.
 */
export async function loadScoringInput(
  db: DB,
  call: Call,
  only?: readonly number[],
  criteriaGiven?: CriterionMeta[],
): Promise<{ input: ScoringInput; criteria: CriterionMeta[]; reviewIds: number[] }> {
  const onlyIds = only ? [...only] : undefined;
  if (onlyIds && onlyIds.length > ID_CHUNK) throw new Error("loadScoringInput: too many ids");
  const criteria = criteriaGiven ?? (await loadCallCriteria(db, call.id));
  const proposals = await db
    .selectFrom("proposals")
    .select(["id", "reference", "submitted_at", "tracks", "status"])
    .where("call_id", "=", call.id)
    .where("status", "in", [...RANKED_STATUSES])
    .$if(onlyIds !== undefined, (q) => q.where("id", "in", onlyIds!.length ? onlyIds! : [0]))
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
      joinedText(
        db,
        sql`review_scores.criterion_id || ':' || coalesce(cast(review_scores.level as text), '') || ':' || coalesce(cast(review_scores.gate_pass as text), '')`,
        ",",
      ).as("packed"),
    ])
    .where("proposals.call_id", "=", call.id)
    .where("proposals.status", "in", [...RANKED_STATUSES])
    .where("reviews.status", "=", "submitted")
    .$if(onlyIds !== undefined, (q) =>
      q.where("reviews.proposal_id", "in", onlyIds!.length ? onlyIds! : [0]),
    )
    .groupBy("reviews.id")
    .orderBy("reviews.id")
    .execute();
  // A conflicted reviewer's review does not count (a conflict declared after it was submitted
  // takes it out of the count from then on).
  const conflicted = await conflictsOf(
    db,
    proposals.map((p) => p.id),
  );
  const counting = reviewRows.filter((row) => !conflicted.get(row.proposalId)?.has(row.reviewerId));
  const reviewIds = counting.map((row) => row.reviewId);
  const reviews: ScoringInput["reviews"][number][] = counting.map((row) => {
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
      id: row.reviewId,
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
      "moderations.id as id",
      "moderations.decided_review_ids as decidedJson",
      "moderations.lapsed_at as lapsedAt",
      "moderations.proposal_id as proposalId",
      "moderations.kind as kind",
      "moderations.gate_pass as gatePass",
      "moderations.created_at as createdAt",
      "criteria.key as key",
    ])
    .where("proposals.call_id", "=", call.id)
    .$if(onlyIds !== undefined, (q) =>
      q.where("moderations.proposal_id", "in", onlyIds!.length ? onlyIds! : [0]),
    )
    .execute();

  return {
    criteria,
    reviewIds,
    input: {
      params: paramsOf(call),
      criteria,
      proposals: proposals.map((p) => ({
        id: p.id,
        status: p.status,
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
                ...basisOf(m),
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
          ? [
              {
                ...basisOf(m),
                proposalId: m.proposalId,
                criterionKey: m.key,
                createdAt: m.createdAt,
              },
            ]
          : [],
      ),
    },
  };
}

/** The reviews a stored moderation decided (a JSON array of ids) and whether it has lapsed. */
function basisOf(m: { id: number; decidedJson: string | null; lapsedAt: string | null }) {
  return { id: m.id, decidedReviewIds: parseIds(m.decidedJson), lapsed: m.lapsedAt !== null };
}

export function parseIds(json: string | null): number[] | null {
  if (json === null) return null;
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? (v as number[]) : null;
  } catch {
    return null;
  }
}

/**
 * One proposal's own results (its counting reviews, gates, flags; no calibration, no rank), as
 * the rules give them now: what a moderation checks and names. Null when it is not in the
 * competition.
 */
export async function proposalOwnResult(
  db: DB,
  call: Call,
  proposalId: number,
): Promise<ProposalResult | null> {
  const { input } = await loadScoringInput(db, call, [proposalId]);
  const result = computeCallScores(input, {
    calibration: { callMean: null, callSd: null, reviewers: [] },
  });
  return result.byId.get(proposalId) ?? null;
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

/**
 * Runs the rules over one whole call, from scratch. The reference the read model is tested
 * against; the read model's rebuild; never on a request path.
 */
export async function scoreCall(
  db: DB,
  call: Call,
  rankBy: ScoreMode = "raw",
): Promise<{ result: ScoringResult; input: ScoringInput; criteria: CriterionMeta[] }> {
  const { input, criteria } = await loadScoringInput(db, call);
  return { result: computeCallScores(input, { rankBy }), input, criteria };
}
