// The ranking board and the breakdown against a real migrated SQLite file: permissions, order,
// filters, sorting, pagination, the read model kept current, and decisions with their audit rows.
import { beforeAll, describe, expect, it } from "vitest";
import * as boardRoute from "~/routes/board.$slug._index";
import * as breakdownRoute from "~/routes/board.$slug.$proposalId";
import { boardSearch, listBoard, parseBoardQuery } from "~/models/board.server";
import { rebuildCallScores, refreshProposalScores } from "~/models/score-read-model.server";
import { scoreCall } from "~/models/scoring.server";
import { getDb } from "~/services/db.server";
import { callAction, callLoader } from "../support/remix";
import { createUser, signedIn } from "../support/factories";

const SCORED = [
  ["tier4", 20, 3],
  ["energy", 10, 2],
  ["data", 15, 3],
  ["value", 10, 2],
  ["finance", 15, 2],
  ["track", 10, 2],
  ["local", 10, 2],
  ["delivery", 10, 2],
] as const;
const GATES = [
  ["G1", null],
  ["G2", "tier4DataCentre"],
  ["G3", null],
] as const;

type Levels = [number, number, number, number, number, number, number, number];
const all = (n: number): Levels => [n, n, n, n, n, n, n, n];

let callId = 0;
let versionId = 0;
const criterionIds = new Map<string, number>();
const ids: Record<string, number> = {};
let reviewers: number[] = [];
let official: Awaited<ReturnType<typeof signedIn>>;
let refCounter = 0;

async function makeProposal(
  name: string,
  tracks: string,
  submittedAt: string,
  investmentUsd: number,
  status: "submitted" | "under_review" | "withdrawn" = "under_review",
) {
  const db = getDb();
  const owner = await createUser("applicant");
  const org = await db
    .insertInto("organisations")
    .values({ legal_name_en: `${name} Ltd`, legal_name_zh: `${name}有限公司` })
    .returning("id")
    .executeTakeFirstOrThrow();
  refCounter += 1;
  const p = await db
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: owner.id,
      organisation_id: org.id,
      status,
      reference: `CDA-2026-${String(refCounter).padStart(4, "0")}`,
      title: `${name} data centre`,
      tracks,
      company_en: `${name} Ltd`,
      company_zh: `${name}有限公司`,
      investment_amount: String(investmentUsd),
      investment_currency: "USD",
      investment_usd_cents: investmentUsd * 100,
      criteria_version_id: versionId,
      submitted_at: submittedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids[name] = p.id;
  return p.id;
}

async function addReview(
  proposalId: number,
  reviewerId: number,
  levels: Levels,
  gates: Record<string, boolean> = { G1: true, G2: true, G3: true },
  status: "submitted" | "draft" = "submitted",
) {
  const db = getDb();
  const r = await db
    .insertInto("reviews")
    .values({
      proposal_id: proposalId,
      reviewer_id: reviewerId,
      criteria_version_id: versionId,
      status,
      submitted_at: status === "submitted" ? new Date().toISOString() : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("review_scores")
    .values([
      ...SCORED.map(([key], i) => ({
        review_id: r.id,
        criterion_id: criterionIds.get(key)!,
        level: levels[i]!,
        rationale: `Rationale for ${key} from reviewer ${reviewerId}`,
      })),
      ...GATES.map(([key]) => ({
        review_id: r.id,
        criterion_id: criterionIds.get(key)!,
        gate_pass: gates[key] === false ? 0 : 1,
        rationale: `Gate ${key}`,
      })),
    ])
    .execute();
  return r.id;
}

beforeAll(async () => {
  const db = getDb();
  const call = await db
    .insertInto("calls")
    .values({
      slug: "board-test",
      title_en: "Board test call",
      title_zh: "排名测试",
      status: "open",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2027-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  callId = call.id;
  const version = await db
    .insertInto("criteria_versions")
    .values({ call_id: callId, version: 1, published_at: "2026-01-01T00:00:00.000Z" })
    .returning("id")
    .executeTakeFirstOrThrow();
  versionId = version.id;
  let position = 0;
  for (const [key, weight, minLevel] of SCORED) {
    const c = await db
      .insertInto("criteria")
      .values({
        criteria_version_id: versionId,
        key,
        kind: "scored",
        position: position++,
        title_en: `Criterion ${key}`,
        title_zh: `标准 ${key}`,
        weight,
        min_level: minLevel,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    criterionIds.set(key, c.id);
  }
  for (const [key, track] of GATES) {
    const c = await db
      .insertInto("criteria")
      .values({
        criteria_version_id: versionId,
        key,
        kind: "gate",
        position: position++,
        title_en: `Gate ${key}`,
        title_zh: `门槛 ${key}`,
        applies_to_track: track,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    criterionIds.set(key, c.id);
  }
  reviewers = [];
  for (let i = 0; i < 3; i++) reviewers.push((await createUser("reviewer")).id);
  official = await signedIn("official");

  const [r1, r2, r3] = reviewers as [number, number, number];
  // Alpha: three reviews of all 4s → 80, qualifies.
  const alpha = await makeProposal(
    "Alpha",
    "tier4DataCentre",
    "2026-03-01T00:00:00.000Z",
    500_000_000,
  );
  for (const r of reviewers) await addReview(alpha, r, all(4));
  // Bravo: all 3s → 60, below the qualifying score 65.
  const bravo = await makeProposal(
    "Bravo",
    "tier4DataCentre",
    "2026-03-02T00:00:00.000Z",
    200_000_000,
  );
  for (const r of reviewers) await addReview(bravo, r, all(3));
  // Charlie: two reviews of 5s → 100, but short of the 3 required reviews (big-data track).
  const charlie = await makeProposal(
    "Charlie",
    "bigDataPlatform",
    "2026-03-03T00:00:00.000Z",
    50_000_000,
  );
  await addReview(charlie, r1, all(5));
  await addReview(charlie, r2, all(5));
  // Delta: all 4s (80) but G1 marked fail by two of three reviewers.
  const delta = await makeProposal(
    "Delta",
    "tier4DataCentre",
    "2026-03-04T00:00:00.000Z",
    300_000_000,
  );
  await addReview(delta, r1, all(4), { G1: false });
  await addReview(delta, r2, all(4), { G1: false });
  await addReview(delta, r3, all(4));
  // Echo: no submitted review (one draft only) → no score, ranks last.
  const echo = await makeProposal(
    "Echo",
    "tier4DataCentre",
    "2026-03-05T00:00:00.000Z",
    100_000_000,
    "submitted",
  );
  await addReview(echo, r1, all(5), undefined, "draft");
  // Foxtrot: tier4 levels 2, 4, 5 → spread 3 ≥ 2: flagged. Both tracks.
  const foxtrot = await makeProposal(
    "Foxtrot",
    "tier4DataCentre,bigDataPlatform",
    "2026-03-06T00:00:00.000Z",
    400_000_000,
  );
  await addReview(foxtrot, r1, [2, 4, 4, 4, 4, 4, 4, 4]);
  await addReview(foxtrot, r2, [4, 4, 4, 4, 4, 4, 4, 4]);
  await addReview(foxtrot, r3, [5, 4, 4, 4, 4, 4, 4, 4]);
  // Golf: withdrawn — never on the board.
  await makeProposal("Golf", "tier4DataCentre", "2026-03-07T00:00:00.000Z", 1, "withdrawn");
  await db.transaction().execute((trx) => rebuildCallScores(trx, callId));
});

const boardPath = "/board/board-test";
const params = { slug: "board-test" };

describe("who may see the board", () => {
  it("sends visitors to sign in", async () => {
    const res = await callLoader(boardRoute.loader, boardPath, { params });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?returnTo=${encodeURIComponent(boardPath)}`);
    const b = await callLoader(breakdownRoute.loader, `${boardPath}/${ids.Alpha}`, {
      params: { ...params, proposalId: String(ids.Alpha) },
    });
    expect(b.status).toBe(302);
    expect(b.location).toMatch(/^\/login\?returnTo=/);
  });

  it("refuses applicants and reviewers (403) on the board, the breakdown and the decision form", async () => {
    for (const role of ["applicant", "reviewer"] as const) {
      const { cookie } = await signedIn(role);
      expect((await callLoader(boardRoute.loader, boardPath, { params, cookie })).status).toBe(403);
      const bp = { ...params, proposalId: String(ids.Alpha) };
      expect(
        (
          await callLoader(breakdownRoute.loader, `${boardPath}/${ids.Alpha}`, {
            params: bp,
            cookie,
          })
        ).status,
      ).toBe(403);
      const post = await callAction(
        breakdownRoute.action,
        `${boardPath}/${ids.Alpha}`,
        { outcome: "shortlisted", reason: "Sneaky" },
        { params: bp, cookie },
      );
      expect(post.status).toBe(403);
    }
    const decisions = await getDb().selectFrom("decisions").selectAll().execute();
    expect(decisions).toEqual([]);
  });

  it("lets officials and admins in", async () => {
    const admin = await signedIn("admin");
    const res = await callLoader(boardRoute.loader, boardPath, { params, cookie: admin.cookie });
    expect(res.status).toBe(200);
    expect(
      (await callLoader(boardRoute.loader, boardPath, { params, cookie: official.cookie })).status,
    ).toBe(200);
  });

  it("answers 404 for an unknown call or a proposal of another call", async () => {
    const res = await callLoader(boardRoute.loader, "/board/nope", {
      params: { slug: "nope" },
      cookie: official.cookie,
    });
    expect(res.status).toBe(404);
    const b = await callLoader(breakdownRoute.loader, `${boardPath}/999999`, {
      params: { ...params, proposalId: "999999" },
      cookie: official.cookie,
    });
    expect(b.status).toBe(404);
  });
});

describe("the board", () => {
  it("orders rows exactly as the pure rules rank them, raw and calibrated", async () => {
    const db = getDb();
    const call = await db
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", callId)
      .executeTakeFirstOrThrow();
    for (const mode of ["raw", "calibrated"] as const) {
      const { result } = await scoreCall(db, call, mode);
      const res = await callLoader(boardRoute.loader, `${boardPath}?score=${mode}`, {
        params,
        cookie: official.cookie,
      });
      const rows = res.data.page.rows as { proposalId: number; rank: number }[];
      expect(rows.map((r) => r.proposalId)).toEqual(result.proposals.map((p) => p.proposalId));
      expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(res.data.query.score).toBe(mode);
    }
  });

  it("shows the expected scores, gates, qualification and flags", async () => {
    const res = await callLoader(boardRoute.loader, boardPath, { params, cookie: official.cookie });
    const rows = res.data.page.rows as any[];
    const by = (name: string) => rows.find((r) => r.proposalId === ids[name]);
    // Charlie 100 (two reviews) first; Alpha and Delta tie at 80 → tier4 equal, data equal,
    // finance equal → earlier submission: Alpha. Foxtrot: tier4 mean 11/3, others 4 →
    // 20×(11/3)/5 + 80×4/5 = 14.67 + 64 = 78.67. Bravo 60. Echo unscored.
    expect(rows.map((r) => r.proposalId)).toEqual([
      ids.Charlie,
      ids.Alpha,
      ids.Delta,
      ids.Foxtrot,
      ids.Bravo,
      ids.Echo,
    ]);
    expect(by("Alpha")).toMatchObject({ score: 80, qualifies: true, gatesSummary: "passed" });
    expect(by("Bravo")).toMatchObject({ score: 60, qualifies: false });
    expect(by("Charlie")).toMatchObject({
      score: 100,
      qualifies: false,
      reviewsSubmitted: 2,
      reviewsRequired: 3,
    });
    expect(by("Delta")).toMatchObject({ score: 80, qualifies: false, gatesSummary: "failed" });
    expect(by("Echo")).toMatchObject({ score: null, reviewsSubmitted: 0, gatesSummary: "pending" });
    expect(by("Foxtrot").score).toBeCloseTo(78.6667, 3);
    // The unresolved flags come in words (the table shows them as they are).
    expect(by("Foxtrot").flags).toEqual(["tier4: levels 2–5 differ by 3 (≥ 2)"]);
    expect(by("Alpha").flags).toEqual([]);
    expect(rows.some((r) => r.proposalId === ids.Golf)).toBe(false);
  });

  it("filters by qualification, flags, sector, status and decision", async () => {
    const get = async (qs: string) =>
      (
        (
          await callLoader(boardRoute.loader, `${boardPath}?${qs}`, {
            params,
            cookie: official.cookie,
          })
        ).data.page.rows as { proposalId: number }[]
      ).map((r) => r.proposalId);
    // A flag does not disqualify: Foxtrot (78.67, tier4 mean 3.67 ≥ 3) qualifies.
    expect(await get("qualifies=yes")).toEqual([ids.Alpha, ids.Foxtrot]);
    expect(await get("qualifies=no")).not.toContain(ids.Alpha);
    expect(await get("flagged=yes")).toEqual([ids.Foxtrot]);
    expect(await get("track=bigDataPlatform")).toEqual([ids.Charlie, ids.Foxtrot]);
    expect(await get("status=submitted")).toEqual([ids.Echo]);
    expect(await get("decision=none")).toHaveLength(6);
    expect(await get("track=bigDataPlatform&flagged=no")).toEqual([ids.Charlie]);
  });

  it("sorts on a column in both directions, empty values last", async () => {
    const get = async (qs: string) =>
      (
        (
          await callLoader(boardRoute.loader, `${boardPath}?${qs}`, {
            params,
            cookie: official.cookie,
          })
        ).data.page.rows as { proposalId: number }[]
      ).map((r) => r.proposalId);
    expect(await get("sort=company")).toEqual(
      ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"].map((n) => ids[n]),
    );
    expect(await get("sort=company&dir=desc")).toEqual(
      ["Foxtrot", "Echo", "Delta", "Charlie", "Bravo", "Alpha"].map((n) => ids[n]),
    );
    // Investment: largest first by default.
    expect((await get("sort=investment"))[0]).toBe(ids.Alpha);
    // Score ascending keeps the unscored proposal last.
    const asc = await get("sort=score&dir=asc");
    expect(asc[0]).toBe(ids.Bravo);
    expect(asc[asc.length - 1]).toBe(ids.Echo);
    // Gates sort by meaning: passed, then pending (Echo), then failed (Delta); ties by rank.
    const gates = await get("sort=gates");
    expect(gates.slice(-2)).toEqual([ids.Echo, ids.Delta]);
    expect(gates.slice(0, 4)).toEqual([ids.Charlie, ids.Alpha, ids.Foxtrot, ids.Bravo]);
  });

  it("paginates", async () => {
    const db = getDb();
    const call = await db
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", callId)
      .executeTakeFirstOrThrow();
    const q = parseBoardQuery(new URLSearchParams("page=2"));
    const page = await listBoard(db, call, official.user.id, q, 4);
    expect(page).toMatchObject({ total: 6, page: 2, pageCount: 2 });
    expect(page.rows.map((r) => r.rank)).toEqual([5, 6]);
    // A page beyond the last shows the last page.
    const far = await listBoard(db, call, official.user.id, { ...q, page: 9 }, 4);
    expect(far.page).toBe(2);
  });

  it("hides rows about proposals the official has declared a conflict with", async () => {
    const db = getDb();
    const conflicted = await signedIn("official");
    const org = await db
      .selectFrom("proposals")
      .select("organisation_id")
      .where("id", "=", ids.Bravo!)
      .executeTakeFirstOrThrow();
    await db
      .insertInto("conflicts")
      .values({
        reviewer_id: conflicted.user.id,
        organisation_id: org.organisation_id,
        reason: "Former employer",
      })
      .execute();
    const res = await callLoader(boardRoute.loader, boardPath, {
      params,
      cookie: conflicted.cookie,
    });
    expect((res.data.page.rows as { proposalId: number }[]).map((r) => r.proposalId)).not.toContain(
      ids.Bravo,
    );
    const b = await callLoader(breakdownRoute.loader, `${boardPath}/${ids.Bravo}`, {
      params: { ...params, proposalId: String(ids.Bravo) },
      cookie: conflicted.cookie,
    });
    // Answered as for a proposal that is not theirs (issue 12, item 9).
    expect(b.status).toBe(404);
  });

  it("brings its rows up to date when the one proposal's scores are refreshed, as a review's submission does", async () => {
    const db = getDb();
    // A third review for Charlie (all 5s) makes it qualify.
    await new Promise((r) => setTimeout(r, 5));
    await addReview(ids.Charlie!, reviewers[2]!, all(5));
    await db.transaction().execute((trx) => refreshProposalScores(trx, [ids.Charlie!]));
    const res = await callLoader(boardRoute.loader, `${boardPath}?qualifies=yes`, {
      params,
      cookie: official.cookie,
    });
    expect((res.data.page.rows as { proposalId: number }[]).map((r) => r.proposalId)).toEqual([
      ids.Charlie,
      ids.Alpha,
      ids.Foxtrot,
    ]);
    const row = await db
      .selectFrom("proposal_scores")
      .selectAll()
      .where("proposal_id", "=", ids.Charlie!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reviews_submitted: 3, qualifies: 1, score: 100 });
  });
});

describe("the breakdown and decisions", () => {
  const bp = () => ({ ...params, proposalId: String(ids.Foxtrot) });
  const path = () => `${boardPath}/${ids.Foxtrot}`;

  it("shows the reviewer × criterion matrix, the arithmetic, flags and the distribution", async () => {
    const res = await callLoader(breakdownRoute.loader, path(), {
      params: bp(),
      cookie: official.cookie,
    });
    expect(res.status).toBe(200);
    const b = res.data.breakdown;
    expect(b.reviews).toHaveLength(3);
    expect(b.reviews[0].scores.tier4).toMatchObject({
      level: 2,
      rationale: expect.stringContaining("tier4"),
    });
    expect(b.arithmetic.terms[0].text).toBe("20 × (2 + 4 + 5) / 3 / 5 = 20 × 3.67 / 5 = 14.67");
    expect(b.arithmetic.scoreText).toBe(
      "14.67 + 8.00 + 12.00 + 8.00 + 12.00 + 8.00 + 8.00 + 8.00 = 78.67",
    );
    expect(b.result.flags[0]).toMatchObject({
      kind: "criterion_spread",
      criterion: "tier4",
      resolved: false,
    });
    // Scores 100 (Charlie), 80, 80, 78.67, 60 → bins 9, 8, 8, 7, 6; Echo unscored.
    expect(b.histogram.bins.map((x: { count: number }) => x.count)).toEqual([
      0, 0, 0, 0, 0, 0, 1, 1, 2, 1,
    ]);
    expect(b.histogram.unscored).toBe(1);
  });

  it("records a decision with its reason and an audit row, then changes it", async () => {
    const db = getDb();
    const res = await callAction(
      breakdownRoute.action,
      path(),
      { outcome: "reserve", reason: "Strong, but Tier IV evidence is uneven." },
      { params: bp(), cookie: official.cookie },
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${path()}?saved=decision`);
    let d = await db
      .selectFrom("decisions")
      .selectAll()
      .where("proposal_id", "=", ids.Foxtrot!)
      .executeTakeFirstOrThrow();
    expect(d).toMatchObject({ outcome: "reserve", decided_by: official.user.id });

    await callAction(
      breakdownRoute.action,
      path(),
      { outcome: "shortlisted", reason: "Moderated: tier4 evidence accepted." },
      { params: bp(), cookie: official.cookie },
    );
    d = await db
      .selectFrom("decisions")
      .selectAll()
      .where("proposal_id", "=", ids.Foxtrot!)
      .executeTakeFirstOrThrow();
    expect(d.outcome).toBe("shortlisted");
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("proposal_id", "=", ids.Foxtrot!)
      .where("action", "like", "decision.%")
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["decision.record", "decision.change"]);
    expect(JSON.parse(audit[1]!.before_json!)).toMatchObject({ outcome: "reserve" });
    expect(JSON.parse(audit[1]!.after_json!)).toMatchObject({ outcome: "shortlisted" });
    expect(audit[1]).toMatchObject({
      actor_id: official.user.id,
      call_id: callId,
      request_id: "test-request",
    });

    const filtered = await callLoader(boardRoute.loader, `${boardPath}?decision=shortlisted`, {
      params,
      cookie: official.cookie,
    });
    expect((filtered.data.page.rows as { proposalId: number }[]).map((r) => r.proposalId)).toEqual([
      ids.Foxtrot,
    ]);
  });

  it("rejects a decision without a reason and keeps what was typed", async () => {
    const res = await callAction(
      breakdownRoute.action,
      path(),
      { outcome: "rejected", reason: "" },
      { params: bp(), cookie: official.cookie },
    );
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({ reason: "validation.required" });
    expect(res.data.values).toMatchObject({ outcome: "rejected" });
    const bad = await callAction(
      breakdownRoute.action,
      path(),
      { outcome: "promoted", reason: "x" },
      { params: bp(), cookie: official.cookie },
    );
    expect(bad.status).toBe(400);
    expect(bad.data.errors.outcome).toBe("validation.choose");
    const d = await getDb()
      .selectFrom("decisions")
      .select("outcome")
      .where("proposal_id", "=", ids.Foxtrot!)
      .executeTakeFirstOrThrow();
    expect(d.outcome).toBe("shortlisted");
  });

  it("refuses changes once the call is decided", async () => {
    const db = getDb();
    await db.updateTable("calls").set({ status: "decided" }).where("id", "=", callId).execute();
    try {
      const res = await callAction(
        breakdownRoute.action,
        path(),
        { outcome: "rejected", reason: "Too late" },
        { params: bp(), cookie: official.cookie },
      );
      expect(res.status).toBe(409);
      const page = await callLoader(breakdownRoute.loader, path(), {
        params: bp(),
        cookie: official.cookie,
      });
      expect(page.data.decisionsOpen).toBe(false);
      const d = await db
        .selectFrom("decisions")
        .select("outcome")
        .where("proposal_id", "=", ids.Foxtrot!)
        .executeTakeFirstOrThrow();
      expect(d.outcome).toBe("shortlisted");
    } finally {
      await db.updateTable("calls").set({ status: "open" }).where("id", "=", callId).execute();
    }
  });
});

describe("moderation", () => {
  it("a split gate stays not passed until an official moderates it; the decision is audited", async () => {
    const db = getDb();
    const extra = (await createUser("reviewer")).id;
    const hotel = await makeProposal(
      "Hotel",
      "tier4DataCentre",
      "2026-03-08T00:00:00.000Z",
      10_000_000,
    );
    // G1: two fail, two pass → an even split. All levels 4 → 80.
    await addReview(hotel, reviewers[0]!, all(4), { G1: false });
    await addReview(hotel, reviewers[1]!, all(4), { G1: false });
    await addReview(hotel, reviewers[2]!, all(4));
    await addReview(hotel, extra, all(4));
    await db.transaction().execute((trx) => rebuildCallScores(trx, callId));
    const bp = { ...params, proposalId: String(hotel) };
    const path = `${boardPath}/${hotel}`;
    let page = await callLoader(breakdownRoute.loader, path, {
      params: bp,
      cookie: official.cookie,
    });
    expect(page.data.breakdown.result.gates[0]).toMatchObject({ key: "G1", status: "split" });
    expect(page.data.breakdown.result.qualifies).toBe(false);
    let row = await db
      .selectFrom("proposal_scores")
      .selectAll()
      .where("proposal_id", "=", hotel)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ gates_summary: "split", flagged: 1, qualifies: 0 });

    // Missing reason: 400, the choice is kept.
    const bad = await callAction(
      breakdownRoute.action,
      path,
      { intent: "gate", gate: "G1", gatePass: "pass", gateNote: "" },
      { params: bp, cookie: official.cookie },
    );
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({
      intent: "gate",
      errors: { gateNote: "validation.required" },
      values: { gatePass: "pass" },
    });

    const ok = await callAction(
      breakdownRoute.action,
      path,
      {
        intent: "gate",
        gate: "G1",
        gatePass: "pass",
        gateNote: "Licence verified with the registry.",
      },
      { params: bp, cookie: official.cookie },
    );
    expect(ok.status).toBe(302);
    expect(ok.location).toBe(`${path}?saved=gate`);
    row = await db
      .selectFrom("proposal_scores")
      .selectAll()
      .where("proposal_id", "=", hotel)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ gates_summary: "passed", flagged: 0, qualifies: 1 });
    page = await callLoader(breakdownRoute.loader, path, { params: bp, cookie: official.cookie });
    expect(page.data.breakdown.result.gates[0]).toMatchObject({ status: "moderated_pass" });
    expect(page.data.breakdown.moderations[0]).toMatchObject({
      kind: "gate_decision",
      criterionKey: "G1",
      gatePass: true,
    });
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("proposal_id", "=", hotel)
      .where("action", "=", "moderation.gate")
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(official.user.id);
  });

  it("a moderation note resolves a disagreement flag", async () => {
    const db = getDb();
    const bp = { ...params, proposalId: String(ids.Foxtrot) };
    const res = await callAction(
      breakdownRoute.action,
      `${boardPath}/${ids.Foxtrot}`,
      { intent: "note", noteCriterion: "tier4", flagNote: "Reviewer 1 missed the certificate." },
      { params: bp, cookie: official.cookie },
    );
    expect(res.status).toBe(302);
    const row = await db
      .selectFrom("proposal_scores")
      .select(["flagged"])
      .where("proposal_id", "=", ids.Foxtrot!)
      .executeTakeFirstOrThrow();
    expect(row.flagged).toBe(0);
    const board = await callLoader(boardRoute.loader, `${boardPath}?flagged=yes`, {
      params,
      cookie: official.cookie,
    });
    expect(board.data.page.rows).toEqual([]);
    const unknown = await callAction(
      breakdownRoute.action,
      `${boardPath}/${ids.Foxtrot}`,
      { intent: "note", noteCriterion: "nonsense", flagNote: "x" },
      { params: bp, cookie: official.cookie },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.data.errors).toEqual({ noteCriterion: "validation.choose" });
  });
});

describe("the board's state in the URL", () => {
  it("round-trips every filter, the sort and the page through the query string", () => {
    const q = parseBoardQuery(
      new URLSearchParams(
        "score=calibrated&track=bigDataPlatform&status=under_review&decision=none&qualifies=no&flagged=yes&sort=investment&dir=asc&page=3",
      ),
    );
    expect(q).toEqual({
      score: "calibrated",
      track: "bigDataPlatform",
      status: "under_review",
      decision: "none",
      qualifies: false,
      flagged: true,
      sort: "investment",
      dir: "asc",
      page: 3,
    });
    expect(parseBoardQuery(new URLSearchParams(boardSearch(q).slice(1)))).toEqual(q);
    // Defaults are left out of links, so the plain address is the default board.
    expect(boardSearch(parseBoardQuery(new URLSearchParams("")))).toBe("");
  });

  it("ignores unknown values instead of failing (a GET form posts empty ones)", () => {
    const q = parseBoardQuery(
      new URLSearchParams("score=&track=&status=draft&decision=maybe&sort=drop table&page=-4"),
    );
    expect(q).toMatchObject({
      score: "raw",
      track: null,
      status: null,
      decision: null,
      sort: "rank",
      dir: "asc",
      page: 1,
    });
  });
});
