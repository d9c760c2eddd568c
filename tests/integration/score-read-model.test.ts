// The score read model (app/models/score-read-model.server.ts): after any sequence of the changes
// that move scores — reviews submitted and returned, moderations, withdrawals, conflicts declared
// after a review — its rows, its derived ranking and the breakdown equal the pure rules run over
// the whole call, and equal a rebuild from scratch. And a review's submission touches its own
// proposal only, never the whole call (issue 11: the whole-call recompute froze the portal).
import type { Insertable } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { Call, ReviewScoresTable } from "~db/schema";
import { mulberry32 } from "~db/seed/random";
import { declareConflict } from "~/models/conflicts.server";
import { recordModeration } from "~/models/moderation.server";
import { returnReview } from "~/models/reviews.server";
import {
  callRanking,
  proposalScoring,
  rankingBuilds,
  rebuildCallScores,
  refreshProposalScores,
} from "~/models/score-read-model.server";
import { gatesSummary, scoreCall } from "~/models/scoring.server";
import { withdrawProposal } from "~/models/submission.server";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as reviewPage from "~/routes/review.$proposalId";
import { getDb, type DB } from "~/services/db.server";
import { recordInserts } from "../support/database";
import { createUser, signedIn } from "../support/factories";
import { callAction } from "../support/remix";
import { completeReview, createCallWithCriteria, createSubmittedProposal } from "./review-fixtures";

type Criterion = Awaited<ReturnType<typeof createCallWithCriteria>>["criteria"][number];

async function currentCall(id: number): Promise<Call> {
  return getDb().selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** A submitted review written as saveReview writes it, then the proposal refreshed as it does. */
async function submitReview(
  criteria: Criterion[],
  proposalId: number,
  reviewerId: number,
  rnd: () => number,
) {
  const db = getDb();
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto("reviews")
      .values({
        proposal_id: proposalId,
        reviewer_id: reviewerId,
        criteria_version_id: criteria[0]!.criteria_version_id,
        status: "submitted",
        overall_comment: "Review",
        submitted_at: new Date(Date.UTC(2026, 2, 1) + Math.floor(rnd() * 1e9)).toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const rows = criteria.flatMap((c): Insertable<ReviewScoresTable>[] => {
      if (c.kind === "scored") {
        // Now and then a level left out (an incomplete review: no total).
        if (rnd() < 0.05) return [];
        return [
          { review_id: r.id, criterion_id: c.id, level: Math.floor(rnd() * 6), rationale: "L" },
        ];
      }
      return [
        { review_id: r.id, criterion_id: c.id, gate_pass: rnd() < 0.7 ? 1 : 0, rationale: "G" },
      ];
    });
    await trx.insertInto("review_scores").values(rows).execute();
    await refreshProposalScores(trx, [proposalId]);
  });
}

/** Everything the read model stores for the call, in a canonical order. */
async function storedState(db: DB, callId: number) {
  const rows = await db
    .selectFrom("proposal_scores")
    .selectAll()
    .where("call_id", "=", callId)
    .orderBy("proposal_id")
    .execute();
  const totals = await db
    .selectFrom("review_totals")
    .selectAll()
    .where("call_id", "=", callId)
    .orderBy("review_id")
    .execute();
  const reviewers = await db
    .selectFrom("reviewer_score_stats")
    .selectAll()
    .where("call_id", "=", callId)
    .orderBy("reviewer_id")
    .execute();
  const state = await db
    .selectFrom("call_score_state")
    .select(["review_count", "total_sum", "total_sum_sq"])
    .where("call_id", "=", callId)
    .executeTakeFirst();
  return {
    rows,
    totals,
    reviewers,
    state: state ?? { review_count: 0, total_sum: 0, total_sum_sq: 0 },
  };
}

/** The read model against the pure rules over the whole call, and against a rebuild. */
async function expectConsistent(callId: number, step: string) {
  const db = getDb();
  const call = await currentCall(callId);
  const { result } = await scoreCall(db, call);
  // Rows: one per proposal in the competition, with the rules' own results.
  const state = await storedState(db, callId);
  expect(
    state.rows.map((r) => r.proposal_id),
    step,
  ).toEqual([...result.byId.keys()].sort((a, b) => a - b));
  for (const row of state.rows) {
    const p = result.byId.get(row.proposal_id)!;
    expect(
      {
        score: row.score,
        reviews: row.reviews_submitted,
        qualifies: row.qualifies === 1,
        flagged: row.flagged === 1,
        gates: row.gates_summary,
        flags: JSON.parse(row.flags_json),
        reasons: JSON.parse(row.reasons_json),
      },
      step,
    ).toStrictEqual({
      score: p.score,
      reviews: p.reviewsSubmitted,
      qualifies: p.qualifies,
      flagged: p.flagged,
      gates: gatesSummary(p.gates),
      flags: p.flags,
      reasons: p.reasons,
    });
  }
  // The derived ranking: the same ranks and the same calibrated doubles.
  const ranking = (await callRanking(db, callId))!;
  expect(ranking.calibration, step).toStrictEqual(result.calibration);
  for (const p of result.proposals)
    expect(ranking.byId.get(p.proposalId), step).toStrictEqual({
      proposalId: p.proposalId,
      rankRaw: p.rankRaw,
      rankCalibrated: p.rankCalibrated,
      calibratedScore: p.calibratedScore,
    });
  // The breakdown's result: exactly the whole-call result.
  for (const p of result.proposals)
    expect((await proposalScoring(db, call, p.proposalId))?.result, step).toStrictEqual(p);
  // A rebuild from scratch stores exactly the same state (rolled back afterwards).
  await db
    .transaction()
    .execute(async (trx) => {
      await rebuildCallScores(trx, callId);
      const rebuilt = await storedState(trx, callId);
      expect(rebuilt, step).toStrictEqual(state);
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
}

class Rollback extends Error {}

describe("the score read model after random sequences of changes", () => {
  for (const seed of [11, 2026]) {
    it(`equals the rules over the whole call and a rebuild after every step (seed ${seed})`, async () => {
      const incrementalBefore = rankingBuilds.incremental;
      const rnd = mulberry32(seed).next;
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
      const db = getDb();
      const { call, criteria } = await createCallWithCriteria({ minReviews: 2 });
      await db
        .updateTable("calls")
        .set({ calibration_min_reviews: 2 })
        .where("id", "=", call.id)
        .execute();
      const official = await createUser("official");
      const actor = { id: official.id, email: official.email, role: official.role };
      const reviewers = await Promise.all(Array.from({ length: 5 }, () => createUser("reviewer")));
      const proposals: { id: number; owner: number }[] = [];
      for (let i = 0; i < 8; i++) {
        const made = await createSubmittedProposal(call.id, {
          tracks: pick(["tier4DataCentre", "bigDataPlatform", "tier4DataCentre,bigDataPlatform"]),
        });
        proposals.push({ id: made.proposal.id, owner: made.owner.id });
      }
      await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
      await expectConsistent(call.id, "start");
      const gates = criteria.filter((c) => c.kind === "gate").map((c) => c.key);
      const scored = criteria.filter((c) => c.kind === "scored").map((c) => c.key);
      for (let step = 0; step < 30; step++) {
        const kind = pick([
          "submit",
          "submit",
          "submit",
          "return",
          "moderate",
          "withdraw",
          "conflict",
        ]);
        const p = pick(proposals);
        const label = `step ${step}: ${kind} on ${p.id}`;
        const submitted = await db
          .selectFrom("reviews")
          .select(["id", "reviewer_id"])
          .where("proposal_id", "=", p.id)
          .where("status", "=", "submitted")
          .execute();
        if (kind === "submit") {
          const free = reviewers.filter((r) => !submitted.some((s) => s.reviewer_id === r.id));
          const already = await db
            .selectFrom("reviews")
            .select("reviewer_id")
            .where("proposal_id", "=", p.id)
            .execute();
          const fresh = free.filter((r) => !already.some((a) => a.reviewer_id === r.id));
          if (!fresh.length) continue;
          await submitReview(criteria, p.id, pick(fresh).id, rnd);
        } else if (kind === "return") {
          if (!submitted.length) continue;
          const res = await returnReview(db, actor, p.id, pick(submitted).id, "Please redo.");
          expect(res.ok, label).toBe(true);
        } else if (kind === "moderate") {
          if (rnd() < 0.5)
            await recordModeration(db, {
              call: await currentCall(call.id),
              proposalId: p.id,
              kind: "gate_decision",
              values: {
                gate: pick(gates),
                gatePass: rnd() < 0.5 ? "pass" : "fail",
                gateNote: "Checked.",
              },
              actor,
            });
          else
            await recordModeration(db, {
              call: await currentCall(call.id),
              proposalId: p.id,
              kind: "disagreement_note",
              values: { noteCriterion: rnd() < 0.5 ? "" : pick(scored), flagNote: "Discussed." },
              actor,
            });
        } else if (kind === "withdraw") {
          if (rnd() < 0.5) continue; // withdrawals rarer than the rest
          await withdrawProposal(db, { proposalId: p.id, userId: p.owner });
        } else {
          if (!submitted.length) continue;
          const reviewerId = pick(submitted).reviewer_id;
          const reviewer = reviewers.find((r) => r.id === reviewerId)!;
          const res = await declareConflict(
            db,
            { id: reviewer.id, email: reviewer.email, role: reviewer.role },
            { kind: "proposal", proposalId: p.id },
            "Declared after reviewing.",
          );
          expect(res.ok, label).toBe(true);
        }
        await expectConsistent(call.id, label);
      }
      // The kept ranking was brought up to date from the change log along the way.
      expect(rankingBuilds.incremental).toBeGreaterThan(incrementalBefore);
    });
  }
});

describe("a review's submission", () => {
  let callId: number;
  let criteria: Criterion[];
  let official: Awaited<ReturnType<typeof signedIn>>;
  const ids: number[] = [];

  beforeAll(async () => {
    const made = await createCallWithCriteria();
    callId = made.call.id;
    criteria = made.criteria;
    official = await signedIn("official");
    const reviewer = await createUser("reviewer");
    for (let i = 0; i < 30; i++)
      ids.push((await createSubmittedProposal(callId, { tracks: "bigDataPlatform" })).proposal.id);
    for (const id of ids.slice(1))
      await submitReview(criteria, id, reviewer.id, mulberry32(id).next);
    await getDb()
      .transaction()
      .execute((trx) => rebuildCallScores(trx, callId));
  });

  it("rewrites its own proposal's row only, never the whole call's", async () => {
    const db = getDb();
    const inserted = await recordInserts(db, "proposal_scores", "proposal_id");
    try {
      const reviewer = await signedIn("reviewer");
      const p = ids[0]!;
      const assigned = await callAction(
        adminProposal.action,
        `/admin/proposals/${p}`,
        { intent: "assign", reviewerId: String(reviewer.user.id) },
        { cookie: official.cookie, params: { id: String(p) } },
      );
      expect(assigned.status).toBe(302);
      const review = (fields: Record<string, string>) =>
        callAction(reviewPage.action, `/review/${p}`, fields, {
          cookie: reviewer.cookie,
          params: { proposalId: String(p) },
        });
      expect((await review({ intent: "attest" })).status).toBe(302);
      await inserted.clear();
      const builds = rankingBuilds.count;
      const submitted = await review({
        intent: "submit",
        ...completeReview(criteria, { level: 5, tracks: ["bigDataPlatform"] }),
      });
      expect(submitted.status).toBe(302);
      expect(await inserted.values()).toEqual([p]);
      // Nor is the ranking derived on the request's path (it is derived when the board reads it).
      expect(rankingBuilds.count).toBe(builds);
      await expectConsistent(callId, "after the submission");
    } finally {
      await inserted.stop();
    }
  });
});

describe("a conflict declared after a review was submitted", () => {
  it("takes that review out of the count from then on", async () => {
    const db = getDb();
    const { call, criteria } = await createCallWithCriteria({ minReviews: 1 });
    const p = (await createSubmittedProposal(call.id)).proposal.id;
    const reviewer = await createUser("reviewer");
    const other = await createUser("reviewer");
    await submitReview(criteria, p, reviewer.id, mulberry32(1).next);
    await submitReview(criteria, p, other.id, mulberry32(2).next);
    const before = await db
      .selectFrom("proposal_scores")
      .select("reviews_submitted")
      .where("proposal_id", "=", p)
      .executeTakeFirstOrThrow();
    expect(before.reviews_submitted).toBe(2);
    const res = await declareConflict(
      db,
      { id: reviewer.id, email: reviewer.email, role: reviewer.role },
      { kind: "proposal", proposalId: p },
      "My brother runs the company.",
    );
    expect(res.ok).toBe(true);
    const after = await db
      .selectFrom("proposal_scores")
      .select("reviews_submitted")
      .where("proposal_id", "=", p)
      .executeTakeFirstOrThrow();
    expect(after.reviews_submitted).toBe(1);
    const { result } = await scoreCall(db, await currentCall(call.id));
    expect(result.byId.get(p)?.reviewsSubmitted).toBe(1);
    await expectConsistent(call.id, "after the conflict");
  });
});

describe("the kept ranking of a call", () => {
  /** The ranking as a fresh build of the whole call gives it (inside a transaction: not kept). */
  const fullBuild = (callId: number) =>
    getDb()
      .transaction()
      .execute((trx) => callRanking(trx, callId));
  const ranksOf = (r: Awaited<ReturnType<typeof callRanking>>) => ({
    version: r!.version,
    byRaw: r!.byRaw,
    byCalibrated: r!.byCalibrated,
    byId: [...r!.byId.values()].sort((a, b) => a.proposalId - b.proposalId),
    calibration: r!.calibration,
  });

  it("is brought up to date from the change log, and read whole when the log cannot", async () => {
    const db = getDb();
    const { call, criteria } = await createCallWithCriteria({ minReviews: 1 });
    await db
      .updateTable("calls")
      .set({ calibration_min_reviews: 1 })
      .where("id", "=", call.id)
      .execute();
    const reviewers = await Promise.all(Array.from({ length: 3 }, () => createUser("reviewer")));
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await createSubmittedProposal(call.id)).proposal.id);
    const rnd = mulberry32(7).next;
    for (const id of ids.slice(0, 8)) await submitReview(criteria, id, reviewers[0]!.id, rnd);
    await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
    await callRanking(db, call.id); // kept: read whole

    // Reviews change three proposals (and every calibrated score through the call's sums).
    let incremental = rankingBuilds.incremental;
    for (const id of ids.slice(5, 8)) await submitReview(criteria, id, reviewers[1]!.id, rnd);
    const kept = await callRanking(db, call.id);
    expect(rankingBuilds.incremental).toBe(incremental + 1);
    expect(ranksOf(kept)).toStrictEqual(ranksOf(await fullBuild(call.id)));
    const logged = await db
      .selectFrom("score_changes")
      .select("proposal_id")
      .where("call_id", "=", call.id)
      .execute();
    expect(new Set(logged.map((r) => r.proposal_id))).toEqual(new Set(ids.slice(5, 8)));

    // A proposal leaves the competition: its entry goes with it.
    await withdrawProposal(db, {
      proposalId: ids[6]!,
      userId: (
        await db
          .selectFrom("proposals")
          .select("owner_id")
          .where("id", "=", ids[6]!)
          .executeTakeFirstOrThrow()
      ).owner_id,
    });
    const afterWithdrawal = await callRanking(db, call.id);
    expect(afterWithdrawal!.byId.has(ids[6]!)).toBe(false);
    expect(ranksOf(afterWithdrawal)).toStrictEqual(ranksOf(await fullBuild(call.id)));

    // A rebuild from scratch: the log restarts, and a kept ranking is read whole.
    incremental = rankingBuilds.incremental;
    await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
    expect(
      await db.selectFrom("score_changes").selectAll().where("call_id", "=", call.id).execute(),
    ).toEqual([]);
    expect(ranksOf(await callRanking(db, call.id))).toStrictEqual(
      ranksOf(await fullBuild(call.id)),
    );
    expect(rankingBuilds.incremental).toBe(incremental);

    // A log pruned past the kept version: read whole, still right.
    await submitReview(criteria, ids[9]!, reviewers[2]!.id, rnd);
    const { scores_version } = await currentCall(call.id);
    await db
      .updateTable("call_score_state")
      .set({ log_from_version: scores_version })
      .where("call_id", "=", call.id)
      .execute();
    expect(ranksOf(await callRanking(db, call.id))).toStrictEqual(
      ranksOf(await fullBuild(call.id)),
    );
    expect(rankingBuilds.incremental).toBe(incremental);
  });
});
