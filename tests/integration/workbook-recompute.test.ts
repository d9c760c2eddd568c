// The exported workbook ALONE recomputes the board (product.md "Scoring rules": "Anyone with the
// exported workbook can recompute every score, qualification, flag and rank from its sheets
// alone"). A generated call (seeded levels, reviewers with more and fewer than five reviews, short
// proposals, an unreviewed one, a withdrawn one, a moderated gate split, a tie decided by
// submission time and one decided by reference) is exported as XLSX through the real route, read
// back with exceljs, and recomputed here by a small computation written from the spec's words
// (not the application's code): it must match the board row for row.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import * as xlsxRoute from "~/routes/board.$slug.export[.xlsx]";
import { listBoard, parseBoardQuery } from "~/models/board.server";
import { recordModeration } from "~/models/moderation.server";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { BASE, testContext } from "../support/remix";
import {
  createCall,
  createReview,
  createSubmittedProposal,
  createUser,
  signedIn,
} from "../support/factories";

type Cell = ExcelJS.CellValue;
type Row = Record<string, Cell>;

let slug = "";
let callId = 0;
let official: Awaited<ReturnType<typeof signedIn>>;
const refs: Record<string, string> = {};

/** A small deterministic generator (mulberry32), so the generated call is the same every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["tier4", "energy", "data", "value", "finance", "track", "local", "delivery"];

beforeAll(async () => {
  const db = getDb();
  const made = await createCall({ status: "closed", minReviews: 3 });
  slug = made.call.slug;
  callId = made.call.id;
  const criteria = made.criteria;
  official = await signedIn("official", { displayName: "Workbook Official" });
  const reviewers = [];
  for (let i = 0; i < 6; i++) reviewers.push((await createUser("reviewer")).id);
  const rnd = random(20261202);
  const levels = (base: number) =>
    Object.fromEntries(
      KEYS.map((k) => [k, Math.max(0, Math.min(5, base + Math.floor(rnd() * 3) - 1))]),
    );
  const at = (minute: number) =>
    new Date(Date.UTC(2026, 2, 1, 8, minute, 0, minute % 7)).toISOString();

  // Eighteen generated proposals: three reviewers each (rotating, so reviewers 0–5 all have ≥ 5
  // reviews and are calibrated), except every fifth, which has one or two (provisional).
  for (let i = 0; i < 18; i++) {
    const { proposal } = await createSubmittedProposal(callId, {
      status: "under_review",
      submittedAt: at(i),
      tracks: i % 3 === 0 ? "bigDataPlatform" : "tier4DataCentre,bigDataPlatform",
    });
    refs[`g${i}`] = proposal.reference!;
    const count = i % 5 === 4 ? 1 + (i % 2) : 3;
    const base = 2 + Math.floor(rnd() * 3);
    for (let r = 0; r < count; r++)
      await createReview(proposal.id, reviewers[(i + r) % 6]!, criteria, {
        levels: levels(base),
        gates: { g1: rnd() > 0.1 },
      });
  }

  // A tie decided by submission time: the same reviewers give the same levels to two proposals;
  // the one made LATER (higher reference) was submitted EARLIER and must rank first.
  const same = levels(4);
  const timeLate = await createSubmittedProposal(callId, {
    status: "under_review",
    submittedAt: at(40),
  });
  const timeEarly = await createSubmittedProposal(callId, {
    status: "under_review",
    submittedAt: at(30),
  });
  refs.timeLate = timeLate.proposal.reference!;
  refs.timeEarly = timeEarly.proposal.reference!;
  for (const p of [timeLate, timeEarly])
    for (const r of [0, 2, 4])
      await createReview(p.proposal.id, reviewers[r]!, criteria, { levels: same });

  // A tie decided by reference: same reviews, same submission time; the one made FIRST (lower id)
  // gets the HIGHER reference, so only the reference can put the other first.
  const sameToo = levels(3);
  const refHigh = await createSubmittedProposal(callId, {
    status: "under_review",
    submittedAt: at(50),
  });
  const refLow = await createSubmittedProposal(callId, {
    status: "under_review",
    submittedAt: at(50),
  });
  await db
    .updateTable("proposals")
    .set({ reference: "CDA-2026-8999" })
    .where("id", "=", refHigh.proposal.id)
    .execute();
  await db
    .updateTable("proposals")
    .set({ reference: "CDA-2026-8998" })
    .where("id", "=", refLow.proposal.id)
    .execute();
  refs.refHigh = "CDA-2026-8999";
  refs.refLow = "CDA-2026-8998";
  for (const p of [refHigh, refLow])
    for (const r of [1, 3, 5])
      await createReview(p.proposal.id, reviewers[r]!, criteria, { levels: sameToo });

  // A 2–2 gate split an official moderated "pass"; a proposal nobody reviewed; a withdrawn one
  // whose reviews must leave every computation.
  const split = await createSubmittedProposal(callId, {
    status: "under_review",
    submittedAt: at(55),
  });
  refs.split = split.proposal.reference!;
  for (const [r, pass] of [
    [0, true],
    [1, false],
    [2, true],
    [3, false],
  ] as const)
    await createReview(split.proposal.id, reviewers[r]!, criteria, {
      levels: levels(4),
      gates: { g3: pass },
    });
  const none = await createSubmittedProposal(callId, {
    status: "under_review",
    submittedAt: at(56),
  });
  refs.none = none.proposal.reference!;
  const gone = await createSubmittedProposal(callId, { status: "withdrawn", submittedAt: at(57) });
  refs.gone = gone.proposal.reference!;
  for (const r of [0, 1, 2])
    await createReview(gone.proposal.id, reviewers[r]!, criteria, { level: 0 });

  await db.transaction().execute((trx) => rebuildCallScores(trx, callId));
  const call = await db
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", callId)
    .executeTakeFirstOrThrow();
  expect(
    await recordModeration(db, {
      call,
      proposalId: split.proposal.id,
      kind: "gate_decision",
      values: { gate: "g3", gatePass: "pass", gateNote: "Verified with the operator." },
      actor: { id: official.user.id, email: official.user.email },
    }),
  ).toEqual({ ok: true });
});

async function downloadXlsx(query: string): Promise<ExcelJS.Workbook> {
  const request = new Request(new URL(`/board/${slug}/export.xlsx${query}`, BASE), {
    headers: { Cookie: official.cookie },
  });
  const response = (await xlsxRoute.loader({
    request,
    params: { slug },
    context: testContext,
  })) as Response;
  expect(response.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}

/** A sheet's rows as objects keyed by its header row. */
function rows(wb: ExcelJS.Workbook, name: string): Row[] {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  const header = (ws.getRow(1).values as Cell[]).slice(1).map(String);
  const out: Row[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const values = row.values as Cell[];
    out.push(Object.fromEntries(header.map((h, i) => [h, values[i + 1] ?? null])));
  });
  return out;
}

// ---------------------------------------------------------------- the spec, from the sheets alone

/** ROUND(x; 6), half away from zero: every comparison the rules make is on these values. */
const r6 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 1e6)) / 1e6;
/** Shown and exported to 2 decimals, half away from zero. */
const r2 = (x: number) => ((Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9)) / 100).toFixed(2);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const popSd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
};
/** "CDA-2026-0042" → [2026, 42]: references compare by year, then sequence number. */
const refKey = (ref: string) => ref.split("-").slice(1).map(Number);

interface Recomputed {
  reference: string;
  rank: number;
  score: number | null;
  calibrated: number | null;
  qualifies: boolean;
  provisional: boolean;
}

function recompute(wb: ExcelJS.Workbook): Map<string, Recomputed> {
  const rules = new Map(rows(wb, "Rules").map((r) => [String(r.parameter), r.value]));
  const minReviews = Number(rules.get("min_reviews"));
  const qualifying = Number(rules.get("qualifying_score"));
  const calMin = Number(rules.get("calibration_min_reviews"));
  const scoreInUse = String(rules.get("score_in_use"));
  const tieBreak = String(rules.get("tie_break_order") ?? "")
    .split(",")
    .filter(Boolean);
  expect(String(rules.get("rank_scope"))).toMatch(/^call\b/);

  const criteria = rows(wb, "Criteria");
  const scored = criteria.filter((c) => c.kind === "scored");
  const gates = criteria.filter((c) => c.kind === "gate");
  const proposals = rows(wb, "Proposals");
  const moderations = rows(wb, "Moderations");

  // Raw scores: one row per review × criterion; a review is (reference, reviewer).
  const reviews = new Map<string, Map<string, Map<string, Cell>>>();
  for (const r of rows(wb, "Raw scores")) {
    const ref = String(r.reference);
    const byReviewer = reviews.get(ref) ?? new Map<string, Map<string, Cell>>();
    const answers = byReviewer.get(String(r.reviewer)) ?? new Map<string, Cell>();
    answers.set(String(r.criterion_key), r.level_or_pass_fail);
    byReviewer.set(String(r.reviewer), answers);
    reviews.set(ref, byReviewer);
  }
  // "A review's total = Σ weightᵢ × levelᵢ / 5".
  const totalOf = (a: Map<string, Cell>) =>
    scored.reduce((s, c) => s + (Number(c.weight) * Number(a.get(String(c.key)))) / 5, 0);
  const all: { reviewer: string; total: number }[] = [];
  for (const byReviewer of reviews.values())
    for (const [reviewer, a] of byReviewer) all.push({ reviewer, total: totalOf(a) });
  const callMean = mean(all.map((t) => t.total));
  const callSd = popSd(all.map((t) => t.total));
  // "each reviewer's totals are standardised (z-score, population standard deviation) over all
  // counting reviews that reviewer gave in the call, then mapped back onto the mean and population
  // standard deviation of all counting review totals in the call … Reviewers with fewer than 5
  // counting reviews in the call, or whose totals do not vary, count raw".
  const calibratedTotal = (reviewer: string, total: number) => {
    const own = all.filter((t) => t.reviewer === reviewer).map((t) => t.total);
    const sd = popSd(own);
    if (own.length < calMin || r6(sd) === 0) return total;
    return callMean + (callSd * (total - mean(own))) / sd;
  };

  const results = proposals.map((p) => {
    const ref = String(p.reference);
    const byReviewer = reviews.get(ref) ?? new Map<string, Map<string, Cell>>();
    const n = byReviewer.size;
    const means = new Map<string, number | null>();
    for (const c of scored) {
      const levels = [...byReviewer.values()].map((a) => Number(a.get(String(c.key))));
      means.set(String(c.key), levels.length ? mean(levels) : null);
    }
    // "score = Σ weightᵢ × (mean level of criterion i over counting reviews) / 5".
    const score = n
      ? scored.reduce((s, c) => s + (Number(c.weight) * means.get(String(c.key))!) / 5, 0)
      : null;
    const calibrated = n
      ? mean([...byReviewer].map(([reviewer, a]) => calibratedTotal(reviewer, totalOf(a))))
      : null;
    const tracks = String(p.tracks ?? "").split(";");
    // Gates: "fails a gate when a majority of its counting reviews mark it fail; an even split …
    // counts as not passed until an official records a moderation decision for that gate" (one
    // that has not lapsed).
    const gatesPassed = gates.every((g) => {
      if (g.applies_to_track && !tracks.includes(String(g.applies_to_track))) return true;
      const votes = [...byReviewer.values()].map((a) => a.get(String(g.key)));
      const pass = votes.filter((v) => v === "pass").length;
      const fail = votes.filter((v) => v === "fail").length;
      if (pass !== fail) return pass > fail;
      const standing = moderations.filter(
        (m) =>
          m.reference === ref &&
          m.kind === "gate_decision" &&
          m.criterion_key === g.key &&
          m.lapsed === "no",
      );
      return standing.length > 0 && standing[standing.length - 1]!.decision === "pass";
    });
    const qualifies =
      n >= minReviews &&
      gatesPassed &&
      scored.every((c) => r6(means.get(String(c.key)) ?? -1) >= r6(Number(c.min_level))) &&
      score !== null &&
      r6(score) >= r6(qualifying);
    return {
      reference: ref,
      submittedAt: (p.submitted_at as Date).getTime(),
      score,
      calibrated,
      means,
      qualifies,
      provisional: n < minReviews,
    };
  });
  // "Rank is a proposal's position in the whole call by the score in use … Ties (scores equal at
  // 6 decimals) are broken by the call's published tie-break order of criteria (higher mean
  // first, compared at 6 decimals), then by the earlier submission time, then by the reference
  // number's sequence". Proposals without a score come last.
  const desc = (a: number | null, b: number | null) => {
    if (a === null && b === null) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return r6(b) - r6(a);
  };
  const inUse = (r: (typeof results)[number]) => (scoreInUse === "raw" ? r.score : r.calibrated);
  results.sort((a, b) => {
    const d = desc(inUse(a), inUse(b));
    if (d) return d;
    for (const k of tieBreak) {
      const t = desc(a.means.get(k) ?? null, b.means.get(k) ?? null);
      if (t) return t;
    }
    if (a.submittedAt !== b.submittedAt) return a.submittedAt - b.submittedAt;
    const [ya, sa] = refKey(a.reference);
    const [yb, sb] = refKey(b.reference);
    return ya! - yb! || sa! - sb!;
  });
  return new Map(
    results.map((r, i) => [
      r.reference,
      {
        reference: r.reference,
        rank: i + 1,
        score: r.score,
        calibrated: r.calibrated,
        qualifies: r.qualifies,
        provisional: r.provisional,
      },
    ]),
  );
}

describe("the workbook alone recomputes the board", () => {
  for (const query of ["", "?score=calibrated", "?score=calibrated&qualifies=no&sort=reference"]) {
    it(`row for row, ties by submission time and by reference included (${query || "no filter"})`, async () => {
      const wb = await downloadXlsx(query);
      const expected = recompute(wb);
      const call = await getDb()
        .selectFrom("calls")
        .selectAll()
        .where("id", "=", callId)
        .executeTakeFirstOrThrow();
      const board = await listBoard(
        getDb(),
        call,
        official.user.id,
        parseBoardQuery(new URLSearchParams(query.slice(1))),
        1000,
      );
      // Every proposal in the competition is on the Proposals sheet; the withdrawn one is not.
      const listed = rows(wb, "Proposals").map((p) => String(p.reference));
      expect(listed).not.toContain(refs.gone);
      expect(listed).toHaveLength(24);
      expect(expected.size).toBe(24);
      if (!query) expect(board.rows).toHaveLength(24);
      for (const row of board.rows) {
        const e = expected.get(row.reference!);
        expect(e, row.reference!).toBeDefined();
        expect({ ref: row.reference, rank: row.rank }).toEqual({
          ref: row.reference,
          rank: e!.rank,
        });
        expect(row.score === null ? "" : r2(row.score)).toBe(e!.score === null ? "" : r2(e!.score));
        expect(row.calibratedScore === null ? "" : r2(row.calibratedScore)).toBe(
          e!.calibrated === null ? "" : r2(e!.calibrated),
        );
        expect(row.qualifies).toBe(e!.qualifies);
        expect(row.reviewsSubmitted < row.reviewsRequired).toBe(e!.provisional);
      }
      // The Ranking sheet is the board's rows, in the board's order, with the same ranks.
      const ranking = rows(wb, "Ranking");
      expect(ranking.map((r) => [r.reference, r.rank])).toEqual(
        board.rows.map((r) => [r.reference, r.rank]),
      );
      // The two ties: equal scores, decided by submission time and by reference.
      const rank = (ref: string) => expected.get(ref)!.rank;
      const score = (ref: string) => expected.get(ref)!.score!;
      expect(r6(score(refs.timeEarly!))).toBe(r6(score(refs.timeLate!)));
      expect(rank(refs.timeEarly!)).toBe(rank(refs.timeLate!) - 1);
      expect(r6(score(refs.refLow!))).toBe(r6(score(refs.refHigh!)));
      expect(rank(refs.refLow!)).toBe(rank(refs.refHigh!) - 1);
      // The generated call is not trivial: both outcomes of qualification, provisional rows, and
      // calibration that moves scores.
      const all = [...expected.values()];
      expect(all.some((e) => e.qualifies)).toBe(true);
      expect(all.some((e) => !e.qualifies && !e.provisional)).toBe(true);
      expect(all.filter((e) => e.provisional).length).toBeGreaterThanOrEqual(4);
      expect(all.some((e) => e.score !== null && Math.abs(e.score - e.calibrated!) > 0.01)).toBe(
        true,
      );
      // The moderated split passes its gate; the unreviewed proposal is last.
      expect(expected.get(refs.none!)!.rank).toBe(24);
    });
  }

  it("prints: autofilters, dates as dates, landscape fit to width, header repeated", async () => {
    const wb = await downloadXlsx("");
    for (const ws of wb.worksheets) {
      expect(ws.autoFilter, ws.name).toBeTruthy();
      expect(ws.pageSetup.orientation, ws.name).toBe("landscape");
      expect(ws.pageSetup.fitToPage, ws.name).toBe(true);
      expect(ws.pageSetup.fitToWidth, ws.name).toBe(1);
      expect(ws.pageSetup.fitToHeight, ws.name).toBe(0);
      expect(ws.pageSetup.printTitlesRow, ws.name).toBe("1:1");
      expect(ws.views[0], ws.name).toMatchObject({ state: "frozen", ySplit: 1 });
    }
    for (const [sheet, column] of [
      ["Ranking", "submitted_at"],
      ["Raw scores", "submitted_at"],
      ["Proposals", "submitted_at"],
      ["Moderations", "created_at"],
    ] as const) {
      const values = rows(wb, sheet).map((r) => r[column]);
      expect(values.length, sheet).toBeGreaterThan(0);
      for (const v of values) expect(v, sheet).toBeInstanceOf(Date);
    }
    const early = rows(wb, "Proposals").find((p) => p.reference === refs.timeEarly)!;
    expect((early.submitted_at as Date).toISOString()).toBe(
      new Date(Date.UTC(2026, 2, 1, 8, 30, 0, 30 % 7)).toISOString(),
    );
    const p = rows(wb, "Proposals")[0]!;
    expect(Object.keys(p)).toEqual(["reference", "tracks", "status", "submitted_at"]);
    const m = rows(wb, "Moderations")[0]!;
    expect(Object.keys(m)).toEqual([
      "reference",
      "kind",
      "criterion_key",
      "decision",
      "note",
      "official",
      "created_at",
      "reviews_decided",
      "lapsed",
    ]);
    expect(m).toMatchObject({ reference: refs.split, decision: "pass", lapsed: "no" });
    expect(String(m.reviews_decided).split(";")).toHaveLength(4);
  });
});
