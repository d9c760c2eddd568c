// The board's read model (migrations 0006, 0008): proposal_scores carries the proposal fields the
// board filters, sorts and shows, written by the score read model next to every change of them
// (refreshProposalScores), and the board keeps its counts and histogram between changes. Guards
// the two ways this could go wrong: a copied field that no longer matches the proposal, and a kept
// count or histogram served after the rows changed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator, sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { Call } from "~db/schema";
import { migrationProvider } from "~db/migrations";
import { countBoard, listBoard, parseBoardQuery, scoreHistogram } from "~/models/board.server";
import { recordDecision } from "~/models/board-decisions.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { withdrawProposal } from "~/models/submission.server";
import { getDb, openDatabase, type DB } from "~/services/db.server";
import { createUser } from "../support/factories";
import { createCallWithCriteria, createSubmittedProposal } from "./review-fixtures";

let call: Call;
let criteria: { id: number; kind: string; applies_to_track: string | null }[] = [];
let official: { id: number; email: string };
const reviewers: number[] = [];
const owners = new Map<number, number>();

const q = (search = "") => parseBoardQuery(new URLSearchParams(search));

async function currentCall(): Promise<Call> {
  return getDb()
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", call.id)
    .executeTakeFirstOrThrow();
}

async function board(search = "", hidden: number[] = []) {
  return listBoard(getDb(), await currentCall(), official.id, q(search), 50, { hidden });
}

/** The board as the page shows it: the rows (ensuring they are current), then the histogram. */
async function histogram(hidden: number[] = []) {
  await board("", hidden);
  return scoreHistogram(getDb(), call.id, "raw", hidden);
}

async function newProposal(opts: { tracks?: string; investment?: number | null } = {}) {
  const { proposal, owner } = await createSubmittedProposal(call.id, {
    tracks: opts.tracks ?? "tier4DataCentre",
  });
  await getDb()
    .updateTable("proposals")
    .set({ investment_usd_cents: opts.investment ?? null })
    .where("id", "=", proposal.id)
    .execute();
  await refresh(proposal.id);
  owners.set(proposal.id, owner.id);
  return proposal.id;
}

/** A submitted review (every applicable criterion at `level`, gates passed), as a reviewer leaves it. */
async function submitReview(proposalId: number, reviewerId: number, level: number) {
  const db = getDb();
  const p = await db
    .selectFrom("proposals")
    .select(["tracks", "criteria_version_id"])
    .where("id", "=", proposalId)
    .executeTakeFirstOrThrow();
  const version = await db
    .selectFrom("criteria_versions")
    .select("id")
    .where("call_id", "=", call.id)
    .executeTakeFirstOrThrow();
  const tracks = (p.tracks ?? "").split(",");
  await db.transaction().execute(async (trx) => {
    const review = await trx
      .insertInto("reviews")
      .values({
        proposal_id: proposalId,
        reviewer_id: reviewerId,
        criteria_version_id: version.id,
        status: "submitted",
        submitted_at: new Date().toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("review_scores")
      .values(
        criteria
          .filter((c) => !c.applies_to_track || tracks.includes(c.applies_to_track))
          .map((c) => ({
            review_id: review.id,
            criterion_id: c.id,
            level: c.kind === "scored" ? level : null,
            gate_pass: c.kind === "gate" ? 1 : null,
            rationale: "The evidence supports this.",
          })),
      )
      .execute();
    await refreshProposalScores(trx, [proposalId]);
  });
}

/** What every change of a proposal does in its transaction (the score read model's one writer). */
async function refresh(...proposalIds: number[]) {
  await getDb()
    .transaction()
    .execute((trx) => refreshProposalScores(trx, proposalIds));
}

async function scoresVersion(from: DB = getDb()) {
  return (
    await from
      .selectFrom("calls")
      .select("scores_version")
      .where("id", "=", call.id)
      .executeTakeFirstOrThrow()
  ).scores_version;
}

async function scoresRow(proposalId: number) {
  return getDb()
    .selectFrom("proposal_scores")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .executeTakeFirst();
}

const binTotal = (h: Awaited<ReturnType<typeof scoreHistogram>>) =>
  h.bins.reduce((n, b) => n + b.count, 0);

beforeAll(async () => {
  const made = await createCallWithCriteria({ minReviews: 1 });
  call = made.call;
  criteria = made.criteria;
  const o = await createUser("official");
  official = { id: o.id, email: o.email };
  for (let i = 0; i < 3; i++) reviewers.push((await createUser("reviewer")).id);
  const a = await newProposal({ investment: 500_000_00 });
  const b = await newProposal({ tracks: "bigDataPlatform", investment: 90_000_00 });
  await newProposal({ investment: null });
  await submitReview(a, reviewers[0]!, 4);
  await submitReview(b, reviewers[0]!, 2);
});

describe("the board's copy of the proposal fields", () => {
  it("matches the proposals exactly, and the board shows it", async () => {
    const page = await board();
    const proposals = await getDb()
      .selectFrom("proposals")
      .selectAll()
      .where("call_id", "=", call.id)
      .execute();
    expect(page.rows).toHaveLength(3);
    for (const row of page.rows) {
      const p = proposals.find((x) => x.id === row.proposalId)!;
      const copy = await scoresRow(p.id);
      expect(copy).toMatchObject({
        status: p.status,
        reference: p.reference,
        title: p.title,
        tracks: p.tracks,
        company_en: p.company_en,
        company_zh: p.company_zh,
        investment_usd_cents: p.investment_usd_cents,
        submitted_at: p.submitted_at,
      });
      expect(row).toMatchObject({
        status: p.status,
        reference: p.reference,
        title: p.title,
        tracks: (p.tracks ?? "").split(","),
        companyEn: p.company_en,
        companyZh: p.company_zh,
        investmentUsdCents: p.investment_usd_cents,
        submittedAt: p.submitted_at,
      });
    }
  });

  it("follows an edit of a copied field of a ranked proposal once it is refreshed", async () => {
    const db = getDb();
    await board();
    const [first] = (await board("sort=investment")).rows;
    expect(first!.investmentUsdCents).toBe(500_000_00);
    const other = (await board("sort=investment")).rows[1]!.proposalId;
    for (const set of [
      { title: "Renamed campus" },
      { company_en: "Renamed Ltd" },
      { company_zh: "改名有限公司" },
      { investment_usd_cents: 900_000_00 },
    ]) {
      await board();
      const v = await scoresVersion();
      await db.updateTable("proposals").set(set).where("id", "=", other).execute();
      await refresh(other);
      expect({ set, moved: (await scoresVersion()) > v }).toEqual({ set, moved: true });
    }
    const page = await board("sort=investment");
    expect(page.rows[0]).toMatchObject({
      proposalId: other,
      title: "Renamed campus",
      companyEn: "Renamed Ltd",
      companyZh: "改名有限公司",
      investmentUsdCents: 900_000_00,
    });
    expect(await scoresRow(other)).toMatchObject({ title: "Renamed campus" });
    // A draft is not on the board: refreshing it writes no row.
    const draft = await db
      .insertInto("proposals")
      .values({ call_id: call.id, owner_id: official.id, status: "draft", title: "Draft" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await board();
    await db
      .updateTable("proposals")
      .set({ title: "Still a draft", investment_usd_cents: 1 })
      .where("id", "=", draft.id)
      .execute();
    await refresh(draft.id);
    expect(await scoresRow(draft.id)).toBeUndefined();
  });

  it("sorts on the copied fields with empty values last in both directions", async () => {
    const rows = (await board()).rows;
    expect(rows.some((r) => r.investmentUsdCents === null)).toBe(true);
    expect(rows.some((r) => r.score === null)).toBe(true);
    for (const [sort, value] of [
      ["investment", (r: (typeof rows)[number]) => r.investmentUsdCents],
      ["score", (r: (typeof rows)[number]) => r.score],
    ] as const)
      for (const dir of ["asc", "desc"] as const) {
        const got = (await board(`sort=${sort}&dir=${dir}`)).rows;
        const values = got.map(value);
        const filled = values.filter((v) => v !== null) as number[];
        // Every empty value after every filled one, and the filled ones in the asked order.
        expect({ sort, dir, values }).toEqual({
          sort,
          dir,
          values: [
            ...[...filled].sort((a, b) => (dir === "asc" ? a - b : b - a)),
            ...values.filter((v) => v === null),
          ],
        });
      }
  });

  it("follows a status change (clarification requested) in the row and the status filter", async () => {
    const db = getDb();
    const filter = "status=clarification_requested";
    expect((await board(filter)).total).toBe(0);
    const id = (await board()).rows[0]!.proposalId;
    await db
      .updateTable("proposals")
      .set({ status: "clarification_requested" })
      .where("id", "=", id)
      .execute();
    await refresh(id);
    const page = await board(filter);
    expect(page.total).toBe(1);
    expect(page.rows.map((r) => [r.proposalId, r.status])).toEqual([
      [id, "clarification_requested"],
    ]);
    await db
      .updateTable("proposals")
      .set({ status: "under_review" })
      .where("id", "=", id)
      .execute();
    await refresh(id);
    expect((await board(filter)).total).toBe(0);
    expect((await board("status=under_review")).rows.map((r) => r.proposalId)).toContain(id);
  });

  it("follows a withdrawal: the row, the counts and the histogram", async () => {
    const db = getDb();
    const id = await newProposal({ investment: 1_000_00 });
    await submitReview(id, reviewers[1]!, 5);
    const before = await board();
    const histBefore = await histogram();
    expect(before.rows.map((r) => r.proposalId)).toContain(id);
    // Asked twice: the second answer comes from what was kept, and is the same.
    expect(await histogram()).toEqual(histBefore);
    const result = await withdrawProposal(db, { proposalId: id, userId: owners.get(id)! });
    expect(result.ok).toBe(true);
    const after = await board();
    expect(after.rows.map((r) => r.proposalId)).not.toContain(id);
    expect(after.total).toBe(before.total - 1);
    expect(after.callTotal).toBe(before.callTotal - 1);
    expect(await countBoard(db, call.id, q("track=tier4DataCentre"), [])).toBe(
      after.rows.filter((r) => r.tracks.includes("tier4DataCentre")).length,
    );
    const histAfter = await histogram();
    expect(binTotal(histAfter)).toBe(binTotal(histBefore) - 1);
    expect(histAfter.bins[9]!.count).toBe(histBefore.bins[9]!.count - 1);
    expect(await scoresRow(id)).toBeUndefined();
  });

  it("follows a new submission: the row, the counts and the histogram", async () => {
    const before = await board();
    const histBefore = await histogram();
    const id = await newProposal({ tracks: "bigDataPlatform" });
    const after = await board();
    expect(after.total).toBe(before.total + 1);
    expect(after.rows.map((r) => r.proposalId)).toContain(id);
    expect((await board("track=bigDataPlatform")).rows.map((r) => r.proposalId)).toContain(id);
    const histAfter = await histogram();
    expect(histAfter.unscored).toBe(histBefore.unscored + 1);
  });
});

describe("the counts and the histogram kept between changes", () => {
  it("change after a review is submitted", async () => {
    const unscored = (await board()).rows.find((r) => r.score === null)!.proposalId;
    const histBefore = await histogram();
    const qualifyingBefore = (await board("qualifies=yes")).total;
    expect(await histogram()).toEqual(histBefore);
    await submitReview(unscored, reviewers[2]!, 5);
    const histAfter = await histogram();
    expect(histAfter.unscored).toBe(histBefore.unscored - 1);
    expect(histAfter.bins[9]!.count).toBe(histBefore.bins[9]!.count + 1);
    expect((await board("qualifies=yes")).total).toBe(qualifyingBefore + 1);
  });

  it("follow decisions at once (the decision filter and sort read decisions, not the kept counts)", async () => {
    const db = getDb();
    const page = await board();
    const last = page.rows[page.rows.length - 1]!.proposalId;
    expect((await board("decision=shortlisted")).total).toBe(0);
    const none = (await board("decision=none")).total;
    const decide = async (outcome: string) => {
      const values = { outcome, reason: "Because the panel agreed." };
      const input = { call: await currentCall(), proposalId: last, values, actor: official };
      let r = await recordDecision(db, input);
      // The last proposal does not qualify: shortlisting it is an override, confirmed with a reason.
      if (!r.ok && r.confirm)
        r = await recordDecision(db, {
          ...input,
          values: {
            ...values,
            overrideFingerprint: r.confirm.fingerprint,
            overrideReason: "The panel overrides.",
          },
        });
      expect(r.ok).toBe(true);
    };
    const v = await scoresVersion();
    await decide("shortlisted");
    // A decision does not move scores (the version stays), yet the filters see it.
    expect(await scoresVersion()).toBe(v);
    expect((await board("decision=shortlisted")).rows.map((r) => r.proposalId)).toEqual([last]);
    expect((await board("decision=none")).total).toBe(none - 1);
    expect((await board("sort=decision")).rows[0]!.proposalId).toBe(last);
    expect((await board("sort=decision")).rows[0]!.decision).toBe("shortlisted");
    await decide("rejected");
    expect((await board("decision=shortlisted")).total).toBe(0);
    expect((await board("decision=rejected")).rows.map((r) => r.proposalId)).toEqual([last]);
  });

  it("are kept per set of hidden (conflicted) proposals", async () => {
    const all = await board();
    const hide = all.rows.find((r) => r.score !== null)!;
    const histAll = await histogram();
    const histHidden = await histogram([hide.proposalId]);
    expect(binTotal(histHidden)).toBe(binTotal(histAll) - 1);
    expect((await board("", [hide.proposalId])).total).toBe(all.total - 1);
    expect((await board("", [hide.proposalId])).callTotal).toBe(all.callTotal - 1);
    // And the other user's figures are still the whole call's.
    expect(await histogram()).toEqual(histAll);
    expect((await board()).total).toBe(all.total);
  });

  it("never keep what a transaction saw: a rolled-back change leaves no trace", async () => {
    const db = getDb();
    const big = q("track=bigDataPlatform");
    const before = await board("track=bigDataPlatform");
    const histBefore = await histogram();
    const version = scoresVersion;
    let rolledBackVersion = -1;
    await expect(
      db.transaction().execute(async (trx) => {
        const added = await trx
          .insertInto("proposals")
          .values({
            call_id: call.id,
            owner_id: official.id,
            status: "submitted",
            reference: "CDA-2026-R001",
            title: "Rolled back",
            tracks: "bigDataPlatform",
            submitted_at: new Date().toISOString(),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await refreshProposalScores(trx, [added.id]);
        expect(await countBoard(trx, call.id, big, [])).toBe(before.total + 1);
        expect((await scoreHistogram(trx, call.id, "raw")).unscored).toBe(histBefore.unscored + 1);
        rolledBackVersion = await version(trx);
        throw new Error("abandoned");
      }),
    ).rejects.toThrow("abandoned");
    expect((await board("track=bigDataPlatform")).total).toBe(before.total);
    // The next committed change (another track) reaches the version number the rolled-back one
    // had: the counts and the histogram are those of the committed rows.
    await newProposal({ tracks: "tier4DataCentre" });
    await board();
    expect(await version()).toBe(rolledBackVersion);
    expect(await countBoard(db, call.id, big, [])).toBe(before.total);
    expect((await board("track=bigDataPlatform")).total).toBe(before.total);
    expect((await histogram()).unscored).toBe(histBefore.unscored + 1);
  });
});

describe("migration 0006", () => {
  it("fills the copied fields of existing rows from their proposals", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig6-"));
    const { db } = openDatabase(path.join(dir, "old.db"));
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      const to5 = await migrator.migrateTo("2026-11-28-0005-score-marker");
      expect(to5.error).toBeUndefined();
      await sql`insert into users (email, password_hash, role, display_name) values ('o@x.test', 'x', 'applicant', 'O')`.execute(
        db,
      );
      await sql`insert into calls (slug, title_en, title_zh, status, opens_at, closes_at)
        values ('c', 'C', 'C', 'open', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')`.execute(
        db,
      );
      await sql`insert into proposals (call_id, owner_id, status, reference, title, tracks, company_en, company_zh, investment_usd_cents, submitted_at)
        values (1, 1, 'under_review', 'CDA-2026-0001', 'Campus', 'tier4DataCentre', 'Acme', '阿克米', 12345, '2026-03-01T00:00:00.000Z')`.execute(
        db,
      );
      await sql`insert into proposal_scores (proposal_id, call_id, rank_raw, rank_calibrated, reviews_required, gates_summary, qualifies, flagged)
        values (1, 1, 1, 1, 3, 'pending', 0, 0)`.execute(db);
      const latest = await migrator.migrateToLatest();
      expect(latest.error).toBeUndefined();
      const row = await sql<Record<string, unknown>>`select * from proposal_scores`.execute(db);
      expect(row.rows[0]).toMatchObject({
        status: "under_review",
        reference: "CDA-2026-0001",
        title: "Campus",
        tracks: "tier4DataCentre",
        company_en: "Acme",
        company_zh: "阿克米",
        investment_usd_cents: 12345,
        submitted_at: "2026-03-01T00:00:00.000Z",
      });
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
