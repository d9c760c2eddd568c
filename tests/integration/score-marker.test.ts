// The board's per-call score marker (migration 0005): every change that can move a score marks
// the call's proposal_scores rows stale in the same transaction, changes that cannot do not, the
// board rewrites stale rows before it counts them, and the breakdown reads the stored results
// (migration 0007) only while the marker says they are current.
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { Call } from "~db/schema";
import { countBoard, listBoard, parseBoardQuery } from "~/models/board.server";
import {
  proposalScoring,
  recomputeCallScores,
  scoreCall,
  scoresAreStale,
} from "~/models/scoring.server";
import { getDb } from "~/services/db.server";
import { createUser } from "../support/factories";

let callId = 0;
let otherCallId = 0;
let versionId = 0;
let criterionId = 0;
let ownerId = 0;
let officialId = 0;
let reviewerIds: number[] = [];
let refCounter = 0;

async function getCall(id = callId): Promise<Call> {
  return getDb().selectFrom("calls").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function stale(id = callId): Promise<boolean> {
  return scoresAreStale(getDb(), { id });
}

async function makeCall(slug: string): Promise<number> {
  const call = await getDb()
    .insertInto("calls")
    .values({
      slug,
      title_en: `Call ${slug}`,
      title_zh: `征集 ${slug}`,
      status: "open",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2027-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return call.id;
}

async function makeProposal(status: "draft" | "submitted" | "under_review" = "under_review") {
  refCounter += 1;
  const p = await getDb()
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: ownerId,
      status,
      reference: status === "draft" ? null : `CDA-2026-${String(refCounter).padStart(4, "0")}`,
      title: `Proposal ${refCounter}`,
      tracks: "tier4DataCentre",
      criteria_version_id: versionId,
      submitted_at: status === "draft" ? null : "2026-03-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return p.id;
}

async function addReview(
  proposalId: number,
  reviewerId: number,
  level: number,
  status = "submitted",
) {
  const db = getDb();
  const r = await db
    .insertInto("reviews")
    .values({
      proposal_id: proposalId,
      reviewer_id: reviewerId,
      criteria_version_id: versionId,
      status: status as "submitted" | "draft",
      submitted_at: status === "submitted" ? new Date().toISOString() : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("review_scores")
    .values({ review_id: r.id, criterion_id: criterionId, level, rationale: "Because." })
    .execute();
  return r.id;
}

async function recompute(): Promise<void> {
  await recomputeCallScores(getDb(), callId);
  expect(await stale()).toBe(false);
}

beforeAll(async () => {
  const db = getDb();
  callId = await makeCall("marker-test");
  otherCallId = await makeCall("marker-other");
  const version = await db
    .insertInto("criteria_versions")
    .values({ call_id: callId, version: 1, published_at: "2026-01-01T00:00:00.000Z" })
    .returning("id")
    .executeTakeFirstOrThrow();
  versionId = version.id;
  const c = await db
    .insertInto("criteria")
    .values({
      criteria_version_id: versionId,
      key: "only",
      kind: "scored",
      position: 0,
      title_en: "Only criterion",
      title_zh: "唯一标准",
      weight: 100,
      min_level: 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  criterionId = c.id;
  ownerId = (await createUser("applicant")).id;
  officialId = (await createUser("official")).id;
  reviewerIds = [];
  for (let i = 0; i < 3; i++) reviewerIds.push((await createUser("reviewer")).id);
  for (let i = 0; i < 3; i++) {
    const p = await makeProposal();
    for (const r of reviewerIds) await addReview(p, r, 2 + i);
  }
});

describe("the call's score marker", () => {
  it("starts stale for a new call and is current after a recomputation", async () => {
    expect(await stale(otherCallId)).toBe(true);
    await recomputeCallScores(getDb(), otherCallId);
    expect(await stale(otherCallId)).toBe(false);
    await recompute();
  });

  it("is not moved by drafts: a draft proposal saved, a draft review saved", async () => {
    await recompute();
    const draft = await makeProposal("draft");
    await getDb()
      .updateTable("proposals")
      .set({ tracks: "bigDataPlatform" })
      .where("id", "=", draft)
      .execute();
    const [first] = await getDb()
      .selectFrom("proposals")
      .select("id")
      .where("call_id", "=", callId)
      .where("status", "=", "under_review")
      .execute();
    const reviewer = (await createUser("reviewer")).id;
    const reviewId = await addReview(first!.id, reviewer, 5, "draft");
    await getDb()
      .updateTable("review_scores")
      .set({ level: 1 })
      .where("review_id", "=", reviewId)
      .execute();
    expect(await stale()).toBe(false);
    // The unrelated parts of the call too (its wording).
    await getDb()
      .updateTable("calls")
      .set({ title_en: "Renamed" })
      .where("id", "=", callId)
      .execute();
    expect(await stale()).toBe(false);
    // Submitting that draft review moves the scores.
    await getDb()
      .updateTable("reviews")
      .set({ status: "submitted", submitted_at: new Date().toISOString() })
      .where("id", "=", reviewId)
      .execute();
    expect(await stale()).toBe(true);
    expect(await stale(otherCallId)).toBe(false);
  });

  it("is moved by a submission, a withdrawal, a changed level, a moderation, the criteria and the rules", async () => {
    const db = getDb();
    const changes: [string, () => Promise<unknown>][] = [
      [
        "submission",
        async () => {
          const draft = await makeProposal("draft");
          await db
            .updateTable("proposals")
            .set({
              status: "submitted",
              reference: "CDA-2026-9001",
              submitted_at: new Date().toISOString(),
            })
            .where("id", "=", draft)
            .execute();
        },
      ],
      [
        "withdrawal",
        async () => {
          const p = await makeProposal("submitted");
          await recompute();
          await db
            .updateTable("proposals")
            .set({ status: "withdrawn" })
            .where("id", "=", p)
            .execute();
        },
      ],
      [
        "level of a submitted review",
        async () => {
          const r = await db
            .selectFrom("reviews")
            .select("id")
            .where("status", "=", "submitted")
            .executeTakeFirstOrThrow();
          await db
            .updateTable("review_scores")
            .set({ level: 0 })
            .where("review_id", "=", r.id)
            .execute();
        },
      ],
      [
        "review returned for rework",
        async () => {
          const r = await db
            .selectFrom("reviews")
            .select("id")
            .where("status", "=", "submitted")
            .executeTakeFirstOrThrow();
          await db
            .updateTable("reviews")
            .set({ status: "returned" })
            .where("id", "=", r.id)
            .execute();
        },
      ],
      [
        "moderation",
        async () => {
          const p = await db
            .selectFrom("proposals")
            .select("id")
            .where("call_id", "=", callId)
            .where("status", "=", "under_review")
            .executeTakeFirstOrThrow();
          await db
            .insertInto("moderations")
            .values({
              proposal_id: p.id,
              kind: "disagreement_note",
              note: "Resolved.",
              official_id: officialId,
            })
            .execute();
        },
      ],
      [
        "criterion weight",
        async () => {
          await db
            .updateTable("criteria")
            .set({ weight: 90 })
            .where("id", "=", criterionId)
            .execute();
        },
      ],
      [
        "new criteria version",
        async () => {
          await db
            .insertInto("criteria_versions")
            .values({ call_id: callId, version: 2 })
            .execute();
        },
      ],
      [
        "qualifying score",
        async () => {
          await db
            .updateTable("calls")
            .set({ qualifying_score: 50 })
            .where("id", "=", callId)
            .execute();
        },
      ],
    ];
    for (const [what, change] of changes) {
      await recompute();
      await change();
      expect({ what, stale: await stale() }).toEqual({ what, stale: true });
    }
    await recompute();
  });

  it("rolls back with the change: a failed transaction leaves the rows current", async () => {
    await recompute();
    await expect(
      getDb()
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable("calls").set({ min_reviews: 5 }).where("id", "=", callId).execute();
          throw new Error("abandoned");
        }),
    ).rejects.toThrow("abandoned");
    expect(await stale()).toBe(false);
  });
});

describe("the board reads the rows only once they are current", () => {
  it("counts without a withdrawn proposal after the withdrawal, without joining proposals", async () => {
    const db = getDb();
    await recompute();
    const q = parseBoardQuery(new URLSearchParams());
    const before = await listBoard(db, await getCall(), officialId, q);
    const p = await makeProposal("submitted");
    const withP = await listBoard(db, await getCall(), officialId, q);
    expect(withP.total).toBe(before.total + 1);
    expect(withP.callTotal).toBe(before.callTotal + 1);
    await db.updateTable("proposals").set({ status: "withdrawn" }).where("id", "=", p).execute();
    const after = await listBoard(db, await getCall(), officialId, q);
    expect(after.total).toBe(before.total);
    expect(after.rows.map((r) => r.proposalId)).not.toContain(p);
    expect(await countBoard(db, callId, q, [])).toBe(before.total);
    expect(await countBoard(db, callId, q, [after.rows[0]!.proposalId])).toBe(before.total - 1);
  });
});

describe("a stale call is recomputed once however many views find it stale", () => {
  it("lets concurrent board views share one recomputation", async () => {
    const db = getDb();
    await recompute();
    // Counts each rewrite of the call's rows (a temporary trigger: this connection only).
    await sql`create temp table if not exists rewrites (n integer)`.execute(db);
    await sql`delete from temp.rewrites`.execute(db);
    await sql`create temp trigger if not exists count_rewrites after update of scores_computed_version on main.calls
      begin insert into temp.rewrites values (1); end`.execute(db);
    await makeProposal("submitted");
    expect(await stale()).toBe(true);
    const q = parseBoardQuery(new URLSearchParams());
    const call = await getCall();
    const pages = await Promise.all(
      Array.from({ length: 4 }, () => listBoard(db, call, officialId, q)),
    );
    expect(new Set(pages.map((p) => p.total)).size).toBe(1);
    expect(await stale()).toBe(false);
    const { rows } = await sql<{ n: number }>`select count(*) as n from temp.rewrites`.execute(db);
    expect(rows[0]!.n).toBe(1);
    await sql`drop trigger temp.count_rewrites`.execute(db);
  });
});

describe("the breakdown's scoring follows the marker", () => {
  it("uses the stored calibration summary while the rows are current, the whole call while they are stale", async () => {
    const db = getDb();
    const p = await makeProposal("under_review");
    for (const r of reviewerIds) await addReview(p, r, 5);
    await recompute();
    const call = await getCall();
    // Level 5 everywhere scores the criterion's full weight (an earlier test changed it).
    const { weight } = await db
      .selectFrom("criteria")
      .select("weight")
      .where("id", "=", criterionId)
      .executeTakeFirstOrThrow();
    const current = await proposalScoring(db, call, p);
    const whole = await scoreCall(db, call);
    expect(current?.result).toStrictEqual(whole.result.byId.get(p));
    expect(current?.result.score).toBe(weight);
    expect(current?.rankedCount).toBe(whole.result.proposals.length);
    // While current, the stored summary is what is read (no computation over the call): a call
    // mean written into it shows in the proposal's calibration.
    const summary = await db
      .selectFrom("call_score_summaries")
      .select("calibration_json")
      .where("call_id", "=", callId)
      .executeTakeFirstOrThrow();
    const altered = { ...JSON.parse(summary.calibration_json), callMean: 12.5 };
    await db
      .updateTable("call_score_summaries")
      .set({ calibration_json: JSON.stringify(altered) })
      .where("call_id", "=", callId)
      .execute();
    expect((await proposalScoring(db, call, p))?.calibration.callMean).toBe(12.5);
    // A change marks the rows stale: the summary is no longer trusted.
    const other = await makeProposal("under_review");
    expect(await stale()).toBe(true);
    const fresh = await proposalScoring(db, call, p);
    expect(fresh?.calibration.callMean).toBe(whole.result.calibration.callMean);
    expect(fresh?.result).toMatchObject({ proposalId: p, score: weight });
    expect(fresh?.rankedCount).toBe(current!.rankedCount + 1);
    expect(await proposalScoring(db, call, other)).not.toBeNull();
    await recompute();
    expect(await proposalScoring(db, call, p)).toStrictEqual(fresh);
  });

  it("is computed inside a transaction from what the transaction sees", async () => {
    const db = getDb();
    await recompute();
    const call = await getCall();
    const p = await makeProposal("under_review");
    await recompute();
    expect((await proposalScoring(db, call, p))?.result.score).toBeNull();
    await expect(
      db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto("reviews")
          .values({
            proposal_id: p,
            reviewer_id: reviewerIds[0]!,
            criteria_version_id: versionId,
            status: "submitted",
            submitted_at: new Date().toISOString(),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("review_scores")
          .values({ review_id: r.id, criterion_id: criterionId, level: 5, rationale: "Because." })
          .execute();
        expect((await proposalScoring(trx, call, p))?.result.reviewsSubmitted).toBe(1);
        throw new Error("abandoned");
      }),
    ).rejects.toThrow("abandoned");
    expect(await stale()).toBe(false);
    expect((await proposalScoring(db, call, p))?.result.score).toBeNull();
  });
});
