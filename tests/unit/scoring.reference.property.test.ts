// The scoring module against an independent reference implementation of the spec's words
// (tests/support/scoring-reference.ts: exact rationals, square roots to 36 decimals) over thousands
// of random calls built to be adversarial: ties made of the same levels in another order,
// non-default weights, decimal thresholds hit exactly, gate splits, moderations and notes that
// lapse, withdrawals, reviewers with fewer than five reviews, equal submission instants written
// differently, references around CDA-2026-9999 / CDA-2026-10000.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeCallScores, type ScoringInput } from "~/domain/scoring";
import { toMicros } from "~/domain/precision";
import { Q, referenceScores, type RefCall } from "../support/scoring-reference";

const KEYS = ["tier4", "energy", "data", "value", "finance", "track", "local", "delivery"];
const WEIGHT_SETS = [
  [20, 10, 15, 10, 15, 10, 10, 10],
  [22, 13, 15, 10, 15, 9, 8, 8],
];
const STATUSES = [
  "submitted",
  "under_review",
  "under_review",
  "clarification_requested",
  "shortlisted",
  "reserve",
  "rejected",
  "withdrawn",
  "withdrawn",
];
const INSTANTS = [
  ["2026-03-01T08:00:00.000Z", "2026-03-01T08:00:00Z", "2026-03-01T13:00:00+05:00"],
  ["2026-03-02T09:30:00.000Z", "2026-03-02T09:30:00Z"],
  ["2026-03-03T10:00:00.000Z"],
];

/** mulberry32: a small deterministic generator, one per call, seeded by fast-check. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const chance = (p: number) => next() < p;
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = xs.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return { int, pick, chance, shuffle };
}

function randomWeights(r: ReturnType<typeof rng>): number[] {
  const w = KEYS.map(() => 1);
  for (let left = 100 - KEYS.length; left > 0; left--) w[r.int(0, KEYS.length - 1)]! += 1;
  return w;
}

/** A finite decimal with at most 6 places equal to q, or null. */
function exactDecimal(q: Q): number | null {
  const scaled = q.n * 1_000_000n;
  if (scaled % q.d !== 0n) return null;
  return Number(scaled / q.d) / 1_000_000;
}

function sqrtExact(q: Q): Q | null {
  const root = (x: bigint) => {
    const s = BigInt(Math.round(Math.sqrt(Number(x))));
    for (const c of [s - 1n, s, s + 1n]) if (c >= 0n && c * c === x) return c;
    return null;
  };
  const a = root(q.n);
  const b = root(q.d);
  return a !== null && b !== null ? new Q(a, b) : null;
}

function makeCall(seed: number): RefCall {
  const r = rng(seed);
  const weights = r.chance(0.35)
    ? WEIGHT_SETS[1]!
    : r.chance(0.4)
      ? WEIGHT_SETS[0]!
      : randomWeights(r);
  const criteria: RefCall["criteria"] = KEYS.map((key, i) => ({
    key,
    kind: "scored",
    weight: weights[i]!,
    minLevel: r.int(0, 3),
    appliesToTrack: null,
  }));
  criteria.push(
    { key: "G1", kind: "gate", weight: null, minLevel: null, appliesToTrack: null },
    { key: "G2", kind: "gate", weight: null, minLevel: null, appliesToTrack: "tier4DataCentre" },
    { key: "G3", kind: "gate", weight: null, minLevel: null, appliesToTrack: null },
  );
  const reviewerCount = r.int(1, 6);
  const proposalCount = r.int(1, 12);
  const narrow = r.chance(0.5);
  const level = () => (narrow ? r.int(2, 4) : r.int(0, 5));
  const seqBase = r.pick([1, 42, 9_995, 99_995]);
  const seqs = r.shuffle(Array.from({ length: proposalCount + 4 }, (_, i) => seqBase + i));
  const fixedLevels = r.chance(0.3) ? KEYS.map(() => level()) : null;

  const proposals: RefCall["proposals"] = [];
  const reviews: RefCall["reviews"] = [];
  const vectors: number[][][] = [];
  let reviewId = 1;
  for (let i = 0; i < proposalCount; i++) {
    const id = i + 1;
    proposals.push({
      id,
      status: r.pick(STATUSES),
      reference: `CDA-2026-${String(seqs[i]!).padStart(4, "0")}`,
      submittedAt: r.pick(r.pick(INSTANTS)),
      tracks: r.chance(0.5) ? ["tier4DataCentre"] : ["bigDataPlatform"],
    });
    // The same level vectors as an earlier proposal, given by other reviewers: adversarial ties.
    const copy = vectors.length && r.chance(0.4) ? r.pick(vectors) : null;
    const reviewers = r.shuffle(Array.from({ length: reviewerCount }, (_, k) => 100 + k));
    const count = copy ? Math.min(copy.length, reviewerCount) : r.int(0, reviewerCount);
    const mine: number[][] = [];
    for (let k = 0; k < count; k++) {
      const levels = copy
        ? r.shuffle(copy[k]!)
        : fixedLevels && r.chance(0.5)
          ? fixedLevels.slice()
          : KEYS.map(() => level());
      mine.push(levels);
      reviews.push({
        id: reviewId++,
        proposalId: id,
        reviewerId: reviewers[k]!,
        status: r.chance(0.85) ? "submitted" : r.pick(["draft", "returned"] as const),
        levels: Object.fromEntries(KEYS.map((key, j) => [key, levels[j]!])),
        gates: { G1: r.chance(0.6), G2: r.chance(0.5), G3: r.chance(0.75) },
      });
    }
    if (mine.length) vectors.push(mine);
  }

  const params: RefCall["params"] = {
    minReviews: r.int(1, 4),
    qualifyingScore: r.pick([65, 65.4, 60.2, 50, 70.8, 55.55]),
    disagreementSpread: r.pick([1, 2, 2, 3]),
    disagreementSd: r.pick([15, 15, 7.5, 12.4, 4]),
    calibrationMinReviews: r.pick([5, 5, 2, 3, 4, 99]),
    tieBreak: r.chance(0.7) ? ["tier4", "data", "finance"] : r.shuffle(KEYS).slice(0, r.int(0, 4)),
  };
  const call: RefCall & { weights22?: boolean } = {
    weights22: weights === WEIGHT_SETS[1],
    params,
    criteria,
    proposals,
    reviews,
    gateModerations: [],
    disagreementNotes: [],
  };

  // Thresholds hit exactly: a proposal's own score as the qualifying score, its totals' SD as the
  // disagreement threshold (when they are decimals of at most 6 places).
  const inComp = proposals.filter((p) => p.status !== "withdrawn");
  const countingOf = (pid: number) =>
    inComp.some((p) => p.id === pid)
      ? reviews.filter((x) => x.proposalId === pid && x.status === "submitted")
      : [];
  const five = Q.int(5);
  const totalOf = (x: RefCall["reviews"][number]) =>
    criteria
      .filter((c) => c.kind === "scored")
      .reduce((s, c) => s.add(Q.int(c.weight! * x.levels[c.key]!)), Q.int(0))
      .div(five);
  if (inComp.length && r.chance(0.4)) {
    const own = countingOf(r.pick(inComp).id);
    if (own.length) {
      let score = Q.int(0);
      for (const c of criteria.filter((c) => c.kind === "scored")) {
        const sum = own.reduce((s, x) => s + x.levels[c.key]!, 0);
        score = score.add(new Q(BigInt(c.weight! * sum), BigInt(5 * own.length)));
      }
      const dec = exactDecimal(score);
      if (dec !== null) params.qualifyingScore = dec;
    }
  }
  if (inComp.length && r.chance(0.4)) {
    const own = countingOf(r.pick(inComp).id);
    if (own.length >= 2) {
      const ts = own.map(totalOf);
      const m = ts.reduce((s, x) => s.add(x), Q.int(0)).div(Q.int(ts.length));
      const v = ts.reduce((s, x) => s.add(x.sub(m).mul(x.sub(m))), Q.int(0)).div(Q.int(ts.length));
      const sd = sqrtExact(v);
      const dec = sd && exactDecimal(sd);
      if (dec) params.disagreementSd = dec;
    }
  }

  // Moderations naming the reviews they decided: the current set (applies), another set (lapses
  // now), or the current set again after an earlier lapse (stays lapsed).
  let modId = 1;
  const namedSet = (pid: number) => {
    const ids = countingOf(pid).map((x) => x.id);
    const roll = r.int(0, 9);
    if (roll < 6) return { ids, lapsed: roll === 5 };
    const others = reviews.filter((x) => x.proposalId === pid).map((x) => x.id);
    if (roll < 8 && ids.length) return { ids: ids.slice(1), lapsed: false };
    return {
      ids: [...ids, ...others.filter((x) => !ids.includes(x)).slice(0, 1), 9999],
      lapsed: false,
    };
  };
  for (const p of proposals) {
    for (const gate of ["G1", "G2", "G3"]) {
      const times = r.int(0, 2);
      for (let k = 0; k < times; k++) {
        const set = namedSet(p.id);
        call.gateModerations.push({
          id: modId++,
          proposalId: p.id,
          gateKey: gate,
          pass: r.chance(0.5),
          createdAt: r.pick(["2026-04-01T00:00:00.000Z", "2026-04-02T00:00:00.000Z"]),
          decidedReviewIds: set.ids,
          lapsed: set.lapsed,
        });
      }
    }
    if (r.chance(0.4)) {
      const set = namedSet(p.id);
      call.disagreementNotes.push({
        id: modId++,
        proposalId: p.id,
        criterionKey: r.chance(0.5) ? null : r.pick(KEYS),
        createdAt: "2026-04-01T00:00:00.000Z",
        decidedReviewIds: set.ids,
        lapsed: set.lapsed,
      });
    }
  }
  return call;
}

function moduleInput(call: RefCall): ScoringInput {
  return {
    params: call.params,
    criteria: call.criteria,
    proposals: call.proposals.map((p) => ({
      id: p.id,
      status: p.status,
      reference: p.reference,
      submittedAt: p.submittedAt,
      tracks: p.tracks,
    })),
    reviews: call.reviews,
    gateModerations: call.gateModerations,
    disagreementNotes: call.disagreementNotes,
  } as ScoringInput;
}

/** The adversarial situations a call holds (so that the test proves it met them). */
function situations(
  call: RefCall & { weights22?: boolean },
  ref: ReturnType<typeof referenceScores>,
): string[] {
  const out = new Set<string>();
  const rows = [...ref.byId.values()];
  const q = BigInt(Math.round(call.params.qualifyingScore * 1e6));
  const sd = BigInt(Math.round(call.params.disagreementSd * 1e6));
  if (rows.some((r) => r.scoreMicros === q && call.params.qualifyingScore % 1 !== 0))
    out.add("score exactly at a decimal qualifying score");
  if (rows.some((r) => r.sdMicros === sd)) out.add("totals SD exactly at the threshold");
  const seen = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    if (r.calibratedMicros === null) continue;
    const other = seen.get(String(r.calibratedMicros));
    if (other && (r.someCalibrated || other.someCalibrated)) out.add("calibrated tie, calibrated");
    if (other) out.add("calibrated tie");
    seen.set(String(r.calibratedMicros), r);
  }
  if (ref.lapsing.length) out.add("a moderation lapsing");
  if (call.gateModerations.some((m) => m.lapsed)) out.add("a moderation lapsed before");
  if (
    call.proposals.some(
      (p) => p.status === "withdrawn" && call.reviews.some((x) => x.proposalId === p.id),
    )
  )
    out.add("a withdrawn proposal with reviews");
  if (call.weights22) out.add("weights 22/13/15/10/15/9/8/8");
  if (rows.some((r) => r.provisional && r.scoreMicros !== null)) out.add("a provisional proposal");
  return [...out];
}

function differences(call: RefCall, coverage?: Map<string, number>): Map<string, string> {
  const ref = referenceScores(call);
  if (coverage) for (const s of situations(call, ref)) coverage.set(s, (coverage.get(s) ?? 0) + 1);
  const out = computeCallScores(moduleInput(call), { rankBy: "raw" });
  const diffs = new Map<string, string>();
  const note = (what: string, detail: string) => {
    if (!diffs.has(what)) diffs.set(what, detail);
  };
  const moduleIds = [...out.byId.keys()].sort((a, b) => a - b);
  const refIds = [...ref.byId.keys()].sort((a, b) => a - b);
  if (JSON.stringify(moduleIds) !== JSON.stringify(refIds))
    note("proposals in the competition", `${moduleIds} vs ${refIds}`);
  for (const [id, want] of ref.byId) {
    const got = out.byId.get(id);
    if (!got) continue;
    const micros = (x: number | null) => (x === null ? null : BigInt(toMicros(x)));
    const cmp = (what: string, a: unknown, b: unknown) => {
      const sa = JSON.stringify(a, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
      const sb = JSON.stringify(b, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
      if (sa !== sb) note(what, `proposal ${id}: module ${sa}, reference ${sb}`);
    };
    cmp("score", micros(got.score), want.scoreMicros);
    cmp("calibrated score", micros(got.calibratedScore), want.calibratedMicros);
    if (got.calibratedScore !== null && want.calibrated !== null)
      if (Math.abs(got.calibratedScore - want.calibrated) > 1e-9)
        note("calibrated value", `proposal ${id}: ${got.calibratedScore} vs ${want.calibrated}`);
    cmp("qualifies", got.qualifies, want.qualifies);
    cmp("provisional", got.provisional, want.provisional);
    cmp(
      "flags",
      got.flags
        .map(
          (f) =>
            `${f.kind}:${f.kind === "criterion_spread" ? f.criterion : f.kind === "gate_split" ? f.gate : ""}:${f.resolved ? "resolved" : "open"}`,
        )
        .sort(),
      want.flags,
    );
    cmp(
      "flagged",
      got.flagged,
      want.flags.some((f) => f.endsWith(":open")),
    );
    cmp("gates", Object.fromEntries(got.gates.map((g) => [g.key, g.status])), want.gates);
    cmp("raw rank", got.rankRaw, want.rankRaw);
    cmp("calibrated rank", got.rankCalibrated, want.rankCalibrated);
  }
  const lapsing = [...(out.lapsingModerations ?? [])].sort((a, b) => a - b);
  if (JSON.stringify(lapsing) !== JSON.stringify(ref.lapsing))
    note("lapsing moderations", `${lapsing} vs ${ref.lapsing}`);
  return diffs;
}

describe("the scoring module against a reference implementation of the spec", () => {
  it("agrees on score, calibrated score, qualification, flags and rank over 2,500 calls", () => {
    const seeds = fc.sample(fc.integer({ min: 0, max: 2 ** 31 - 1 }), {
      seed: 20261202,
      numRuns: 2500,
    });
    const tally = new Map<string, { calls: number; example: string; seed: number }>();
    const coverage = new Map<string, number>();
    for (const seed of seeds) {
      for (const [what, example] of differences(makeCall(seed), coverage)) {
        const t = tally.get(what);
        if (t) t.calls += 1;
        else tally.set(what, { calls: 1, example, seed });
      }
    }
    expect(Object.fromEntries(tally)).toEqual({});
    console.info("situations met:", Object.fromEntries(coverage));
    // The calls met every adversarial situation, many times.
    for (const what of [
      "score exactly at a decimal qualifying score",
      "totals SD exactly at the threshold",
      "calibrated tie",
      "calibrated tie, calibrated",
      "a moderation lapsing",
      "a moderation lapsed before",
      "a withdrawn proposal with reviews",
      "weights 22/13/15/10/15/9/8/8",
      "a provisional proposal",
    ])
      expect(coverage.get(what) ?? 0, what).toBeGreaterThanOrEqual(20);
    // A hang guard, not a speed target: about 3 s on a quiet machine, several times that here.
  }, 180_000);
});
