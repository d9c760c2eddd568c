// The breakdown of one proposal is computed from its own counting reviews and the call's running
// calibration sums (the score read model, migration 0008), its ranks from the derived ranking,
// instead of from the whole call: what it shows must be exactly what the whole-call computation
// gives, and must follow every change that moves a score — a stale breakdown is the bug these
// tests guard against.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { migrationProvider } from "~db/migrations";
import type { Call } from "~db/schema";
import { describeScore } from "~/domain/scoring";
import * as breakdownRoute from "~/routes/board.$slug.$proposalId";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as reviewPage from "~/routes/review.$proposalId";
import {
  rebuildCallScores,
  rebuildMarkedCalls,
  refreshProposalScores,
} from "~/models/score-read-model.server";
import { scoreCall } from "~/models/scoring.server";
import { getDb, migrateToLatest, openDatabase } from "~/services/db.server";
import { callAction, callLoader } from "../support/remix";
import { createReview, signedIn } from "../support/factories";
import { completeReview, createCallWithCriteria, createSubmittedProposal } from "./review-fixtures";

type Criterion = Awaited<ReturnType<typeof createCallWithCriteria>>["criteria"][number];

let call: Call;
let criteria: Criterion[] = [];
let official: Awaited<ReturnType<typeof signedIn>>;
const reviewers: Awaited<ReturnType<typeof signedIn>>[] = [];
/** Proposals by name: P1…P5. */
const ids: Record<string, number> = {};

/** A submitted review (tests/support/factories.ts): `level` for every scored criterion unless overridden. */
const addReview = async (
  proposalId: number,
  reviewerId: number,
  level: number,
  opts: { levels?: Record<string, number | null>; gates?: Record<string, boolean> } = {},
) => (await createReview(proposalId, reviewerId, criteria, { level, ...opts })).id;

async function currentCall(): Promise<Call> {
  return getDb()
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", call.id)
    .executeTakeFirstOrThrow();
}

async function breakdownOf(proposalId: number) {
  const res = await callLoader(breakdownRoute.loader, `/board/${call.slug}/${proposalId}`, {
    params: { slug: call.slug, proposalId: String(proposalId) },
    cookie: official.cookie,
  });
  expect(res.status).toBe(200);
  return res.data.breakdown;
}

/** What the page must show for the proposal, from the rules run over the whole call now. */
async function expected(proposalId: number) {
  const { result, input, criteria: meta } = await scoreCall(getDb(), await currentCall());
  const own = result.byId.get(proposalId)!;
  return {
    criteria: meta,
    result: own,
    arithmetic: describeScore(own, result.calibration, input.params),
    rankRaw: own.rankRaw,
    rankCalibrated: own.rankCalibrated,
    rankedCount: result.proposals.length,
  };
}

async function expectExact(proposalId: number) {
  const b = await breakdownOf(proposalId);
  const want = await expected(proposalId);
  expect({
    criteria: b.criteria,
    result: b.result,
    arithmetic: b.arithmetic,
    rankRaw: b.rankRaw,
    rankCalibrated: b.rankCalibrated,
    rankedCount: b.rankedCount,
  }).toStrictEqual(want);
  return b;
}

async function refresh(...proposalIds: number[]) {
  await getDb()
    .transaction()
    .execute((trx) => refreshProposalScores(trx, proposalIds));
}

async function boardRow(proposalId: number) {
  return getDb()
    .selectFrom("proposal_scores")
    .select("proposal_id")
    .where("proposal_id", "=", proposalId)
    .executeTakeFirst();
}

beforeAll(async () => {
  const db = getDb();
  const made = await createCallWithCriteria();
  criteria = made.criteria;
  // Reviewers with two or more reviews are calibrated, so the fixture has both kinds.
  await db
    .updateTable("calls")
    .set({ calibration_min_reviews: 2 })
    .where("id", "=", made.call.id)
    .execute();
  call = await db
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", made.call.id)
    .executeTakeFirstOrThrow();
  official = await signedIn("official");
  for (let i = 0; i < 5; i++) reviewers.push(await signedIn("reviewer"));
  for (const [name, tracks] of [
    ["P1", "tier4DataCentre,bigDataPlatform"],
    ["P2", "tier4DataCentre"],
    ["P3", "bigDataPlatform"],
    ["P4", "tier4DataCentre"],
    ["P5", "bigDataPlatform"],
  ] as const)
    ids[name] = (await createSubmittedProposal(call.id, { tracks })).proposal.id;
  const [r1, r2, r3, r4] = reviewers.map((r) => r.user.id) as [number, number, number, number];
  // r1: four reviews with different totals (calibrated). r2: two equal totals (no variance:
  // raw). r3: one review (too few: raw). r4: two reviews, one incomplete (no total).
  await addReview(ids.P1!, r1, 4, { levels: { tier4: 2, energy: 5 } });
  await addReview(ids.P1!, r2, 3);
  await addReview(ids.P1!, r3, 5, { levels: { tier4: 1 } });
  await addReview(ids.P2!, r1, 5);
  await addReview(ids.P2!, r2, 3);
  await addReview(ids.P2!, r4, 4, { levels: { data: null } });
  await addReview(ids.P3!, r1, 3, { gates: { g1: false } });
  await addReview(ids.P3!, r4, 4);
  await addReview(ids.P4!, r1, 2, { gates: { g3: false } });
  // P5: no submitted review at all.
  await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
});

describe("the breakdown computed from the running calibration sums", () => {
  it("shows for every proposal exactly what the whole-call computation gives", async () => {
    const texts: string[] = [];
    for (const name of ["P1", "P2", "P3", "P4", "P5"]) {
      const b = await expectExact(ids[name]!);
      texts.push(...b.arithmetic.reviews.map((r: { text: string }) => r.text));
    }
    // The fixture exercises every branch of the calibration arithmetic.
    expect(texts.some((t) => / × \(/.test(t))).toBe(true);
    expect(texts.some((t) => t.includes("do not vary"))).toBe(true);
    expect(texts.some((t) => t.includes("fewer than 2"))).toBe(true);
    expect(texts.some((t) => t.includes("incomplete review"))).toBe(true);
    const p5 = await breakdownOf(ids.P5!);
    expect(p5.result.score).toBeNull();
    expect(p5.arithmetic.scoreText).toBe("No submitted review yet: no score.");
  });

  it("changes after a review is submitted, for that proposal and for the calibration of others", async () => {
    const reviewer = reviewers[4]!;
    const p5 = ids.P5!;
    const beforeP5 = await breakdownOf(p5);
    const beforeP1 = await breakdownOf(ids.P1!);
    const assigned = await callAction(
      adminProposal.action,
      `/admin/proposals/${p5}`,
      { intent: "assign", reviewerId: String(reviewer.user.id) },
      { cookie: official.cookie, params: { id: String(p5) } },
    );
    expect(assigned.status).toBe(302);
    const review = (fields: Record<string, string>) =>
      callAction(reviewPage.action, `/review/${p5}`, fields, {
        cookie: reviewer.cookie,
        params: { proposalId: String(p5) },
      });
    expect((await review({ intent: "attest" })).status).toBe(302);
    const submitted = await review({
      intent: "submit",
      ...completeReview(criteria, { level: 5, tracks: ["bigDataPlatform"] }),
    });
    expect(submitted.status).toBe(302);
    expect(submitted.location).toBe(`/review/${p5}?saved=submitted`);

    const afterP5 = await expectExact(p5);
    expect(beforeP5.result.score).toBeNull();
    expect(afterP5.result.score).toBe(100);
    expect(afterP5.reviews).toHaveLength(1);
    // A new review total moves the call's mean and SD, hence every calibrated total elsewhere.
    const afterP1 = await expectExact(ids.P1!);
    expect(afterP1.arithmetic.reviews).not.toStrictEqual(beforeP1.arithmetic.reviews);
  });

  it("changes after a split gate is moderated", async () => {
    const p3 = ids.P3!;
    const before = await expectExact(p3);
    expect(before.result.gates.find((g: { key: string }) => g.key === "g1")).toMatchObject({
      status: "split",
    });
    expect(before.result.qualifies).toBe(false);
    const res = await callAction(
      breakdownRoute.action,
      `/board/${call.slug}/${p3}`,
      { intent: "gate", gate: "g1", gatePass: "pass", gateNote: "Licence verified." },
      { params: { slug: call.slug, proposalId: String(p3) }, cookie: official.cookie },
    );
    expect(res.status).toBe(302);
    const after = await expectExact(p3);
    expect(after.result.gates.find((g: { key: string }) => g.key === "g1")).toMatchObject({
      status: "moderated_pass",
    });
    expect(after.moderations).toHaveLength(1);
  });

  it("follows a changed level once that one proposal is refreshed", async () => {
    const db = getDb();
    const p4 = ids.P4!;
    const before = await expectExact(p4);
    const tier4 = criteria.find((c) => c.key === "tier4")!;
    await db
      .updateTable("review_scores")
      .set({ level: 5 })
      .where("criterion_id", "=", tier4.id)
      .where("review_id", "in", (q) =>
        q.selectFrom("reviews").select("id").where("proposal_id", "=", p4),
      )
      .execute();
    await refresh(p4);
    const after = await expectExact(p4);
    expect(after.result.score).toBeGreaterThan(before.result.score);
    expect(after.arithmetic.terms[0].text).toMatch(/^20 × \(5\) \/ 1 \/ 5/);
  });

  it("is the same after a rebuild of the call from scratch", async () => {
    const db = getDb();
    await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
    for (const name of ["P1", "P3", "P5"]) await expectExact(ids[name]!);
  });

  it("answers 404 for a proposal that is no longer ranked", async () => {
    const db = getDb();
    await db
      .updateTable("proposals")
      .set({ status: "withdrawn" })
      .where("id", "=", ids.P4!)
      .execute();
    await refresh(ids.P4!);
    const res = await callLoader(breakdownRoute.loader, `/board/${call.slug}/${ids.P4}`, {
      params: { slug: call.slug, proposalId: String(ids.P4) },
      cookie: official.cookie,
    });
    expect(res.status).toBe(404);
    // The refresh took its row and its reviews' totals out of the call.
    await expectExact(ids.P1!);
    expect(await boardRow(ids.P4!)).toBeUndefined();
  });
});

describe("migration 0008", () => {
  it("marks every existing call for a rebuild, which start-up does once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-0008-"));
    const { db } = openDatabase(path.join(dir, "old.db"));
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      const { error } = await migrator.migrateTo("2026-11-28-0007-breakdown-results");
      expect(error).toBeUndefined();
      await db
        .insertInto("calls")
        .values({
          slug: "scored-before",
          title_en: "Scored before 0008",
          title_zh: "之前评分",
          status: "open",
          opens_at: "2026-01-01T00:00:00.000Z",
          closes_at: "2027-01-01T00:00:00.000Z",
        })
        .execute();
      expect(await migrateToLatest(db)).toContain("2026-12-02-0008-score-read-model");
      const marked = await db
        .selectFrom("call_score_state")
        .select(["call_id", "rebuild_needed"])
        .execute();
      expect(marked.map((m) => m.rebuild_needed)).toEqual([1]);
      const before = await db
        .selectFrom("calls")
        .select("scores_version")
        .executeTakeFirstOrThrow();
      expect(await rebuildMarkedCalls(db)).toEqual([marked[0]!.call_id]);
      const after = await db.selectFrom("calls").select("scores_version").executeTakeFirstOrThrow();
      expect(after.scores_version).toBeGreaterThan(before.scores_version);
      // Once: the next start-up finds nothing to rebuild.
      expect(await rebuildMarkedCalls(db)).toEqual([]);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
