// An independent reference implementation of product.md "Scoring rules", written for the tests
// from the spec's words (not from app/domain/scoring.ts): exact rationals (a tiny BigInt fraction
// class) for everything rational, and square roots evaluated to 36 decimals with BigInt integer
// square roots, so that "rounded to 6 decimal places, half away from zero" is decided on the true
// value. tests/unit/scoring.reference.property.test.ts compares the scoring module with it.
//
// The spec's words this follows, one by one:
// - A review counts when it is submitted and its proposal is in the competition (submitted, under
//   review, clarification requested, or decided). A withdrawn proposal's reviews leave every
//   computation, calibration included.
// - Gate: fails when a majority of its counting reviews mark it fail; an even split counts as not
//   passed until a moderation decides it. A moderation names the reviews it decided and lapses as
//   soon as the set of counting reviews changes (once lapsed, for good).
// - Score = Σ weightᵢ × mean levelᵢ / 5. Qualifies: at least min reviews, every gate passed, every
//   criterion's mean at or above its minimum level, score at least the qualifying score. Fewer
//   counting reviews than the minimum: provisional.
// - Disagreement: levels for one criterion differ by the spread or more; or the population SD of
//   the reviews' totals is above the threshold. A moderation note resolves them (and lapses).
// - Calibrated: per reviewer z-score over the reviewer's counting reviews in the call, mapped back
//   onto the call's mean and population SD; fewer than calibrationMinReviews reviews or no
//   variation: raw. Proposal's calibrated score = mean of its reviews' calibrated totals.
// - Every comparison on values rounded to 6 decimals, half away from zero.
// - Rank: by the score in use, then the tie-break criteria's means, then the earlier submission
//   time, then the reference's sequence number; unscored proposals last.

// ---------------------------------------------------------------- exact numbers

const babs = (x: bigint) => (x < 0n ? -x : x);
function bgcd(a: bigint, b: bigint): bigint {
  a = babs(a);
  b = babs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** An exact rational number n / d (d > 0, in lowest terms). */
export class Q {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d = 1n) {
    if (d === 0n) throw new Error("division by zero");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = bgcd(n, d) || 1n;
    this.n = n / g;
    this.d = d / g;
  }
  static int(k: number | bigint): Q {
    return new Q(BigInt(k));
  }
  /** The exact value of a decimal number as written (65.4 → 654/10, not the double's value). */
  static dec(x: number): Q {
    const [mant, expText] = String(x).toLowerCase().split("e");
    const exp = Number(expText ?? 0);
    const neg = mant!.startsWith("-");
    const [ip, fp = ""] = mant!.replace("-", "").split(".");
    let n = BigInt(ip! + fp);
    let d = 10n ** BigInt(fp.length);
    if (exp > 0) n *= 10n ** BigInt(exp);
    if (exp < 0) d *= 10n ** BigInt(-exp);
    return new Q(neg ? -n : n, d);
  }
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Q): Q {
    return new Q(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d);
  }
  div(o: Q): Q {
    return new Q(this.n * o.d, this.d * o.n);
  }
  cmp(o: Q): number {
    const x = this.n * o.d - o.n * this.d;
    return x > 0n ? 1 : x < 0n ? -1 : 0;
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  toNumber(): number {
    return Number(this.n) / Number(this.d);
  }
}

function isqrt(n: bigint): bigint {
  if (n < 0n) throw new Error("negative");
  if (n < 2n) return n;
  // Newton's method from above (x₀ = 2^⌈bits/2⌉ ≥ √n) decreases to ⌊√n⌋.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** A rational rounded to 6 decimals half away from zero, in millionths. */
export function microsOfQ(q: Q): bigint {
  const a = babs(q.n);
  const m = (2n * a * 1_000_000n + q.d) / (2n * q.d);
  return q.n < 0n ? -m : m;
}

/** √q (q ≥ 0) rounded to 6 decimals half away from zero, in millionths: exact. */
export function microsOfSqrt(q: Q): bigint {
  const twice = isqrt((4n * q.n * 10n ** 12n) / q.d); // floor(2·√q·10⁶)
  return (twice + 1n) / 2n;
}

/** q + Σ cᵢ·√radᵢ: a calibrated total or score. */
export interface Real {
  q: Q;
  terms: { c: Q; rad: Q }[];
}

const SCALE = 10n ** 30n; // fixed point below the millionths: 10⁻³⁶ resolution

/**
 * A Real rounded to 6 decimals half away from zero, in millionths. The square roots are evaluated
 * to 36 decimals; a value within the evaluation's error of a half is taken to be exactly on it
 * (irrational values are never that close; rational ones then are exactly on it).
 */
export function microsOfReal(r: Real): bigint {
  const terms = r.terms.filter((t) => !t.c.isZero());
  if (!terms.length) return microsOfQ(r.q);
  const unit = 1_000_000n * SCALE;
  let v = (r.q.n * unit) / r.q.d;
  let err = 2n;
  for (const t of terms) {
    const root = isqrt(t.rad.n * t.rad.d * unit * unit) / t.rad.d; // ≈ √rad · unit
    v += (t.c.n * root) / t.c.d;
    err += babs(t.c.n) / t.c.d + 3n;
  }
  const neg = v < 0n;
  const a = babs(v);
  const whole = a / SCALE;
  const rest = a % SCALE;
  const half = SCALE / 2n;
  const m = babs(rest - half) <= err ? whole + 1n : rest > half ? whole + 1n : whole;
  return neg ? -m : m;
}

export function realToNumber(r: Real): number {
  let x = r.q.toNumber();
  for (const t of r.terms) x += t.c.toNumber() * Math.sqrt(t.rad.toNumber());
  return x;
}

// ---------------------------------------------------------------- the call

export interface RefCriterion {
  key: string;
  kind: "scored" | "gate";
  weight: number | null;
  minLevel: number | null;
  appliesToTrack: string | null;
}

export interface RefCall {
  params: {
    minReviews: number;
    qualifyingScore: number;
    disagreementSpread: number;
    disagreementSd: number;
    calibrationMinReviews: number;
    tieBreak: string[];
  };
  criteria: RefCriterion[];
  proposals: {
    id: number;
    status: string;
    reference: string;
    submittedAt: string;
    tracks: string[];
  }[];
  reviews: {
    id: number;
    proposalId: number;
    reviewerId: number;
    status: "submitted" | "draft" | "returned";
    levels: Record<string, number>;
    gates: Record<string, boolean>;
  }[];
  gateModerations: {
    id: number;
    proposalId: number;
    gateKey: string;
    pass: boolean;
    createdAt: string;
    decidedReviewIds: number[];
    lapsed: boolean;
  }[];
  disagreementNotes: {
    id: number;
    proposalId: number;
    criterionKey: string | null;
    createdAt: string;
    decidedReviewIds: number[];
    lapsed: boolean;
  }[];
}

export interface RefProposal {
  id: number;
  scoreMicros: bigint | null;
  calibratedMicros: bigint | null;
  calibrated: number | null;
  /** Population SD of the reviews' totals, in millionths (null without reviews). */
  sdMicros: bigint | null;
  /** Whether some review of it was calibrated (its reviewer standardised). */
  someCalibrated: boolean;
  qualifies: boolean;
  provisional: boolean;
  /** "criterion_spread:key:resolved", "totals_sd::resolved", "gate_split:key:resolved", sorted. */
  flags: string[];
  gates: Record<string, string>;
  rankRaw: number;
  rankCalibrated: number;
}

export interface RefResult {
  byId: Map<number, RefProposal>;
  /** Moderations (gate decisions and notes) that are not marked lapsed but lapse now. */
  lapsing: number[];
}

const IN_COMPETITION = new Set([
  "submitted",
  "under_review",
  "clarification_requested",
  "shortlisted",
  "reserve",
  "rejected",
]);

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function referenceSequence(ref: string): [number, number] {
  const m = /^CDA-(\d{4})-(\d+)$/.exec(ref);
  if (!m) throw new Error(`bad reference ${ref}`);
  return [Number(m[1]), Number(m[2])];
}

/** The latest of the moderations that apply (by time, then by id). */
function latest<T extends { createdAt: string; id: number }>(list: T[]): T | undefined {
  return list
    .slice()
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id)
    .at(-1);
}

export function referenceScores(call: RefCall): RefResult {
  const p = call.params;
  const scored = call.criteria.filter((c) => c.kind === "scored");
  const gates = call.criteria.filter((c) => c.kind === "gate");
  const inCompetition = call.proposals.filter((x) => IN_COMPETITION.has(x.status));
  const inIds = new Set(inCompetition.map((x) => x.id));
  const counting = call.reviews.filter((r) => r.status === "submitted" && inIds.has(r.proposalId));
  const five = Q.int(5);
  const totalOf = (r: (typeof counting)[number]) =>
    scored.reduce((s, c) => s.add(Q.int(c.weight! * r.levels[c.key]!)), Q.int(0)).div(five);

  // Calibration over the whole call's counting reviews.
  const mean = (xs: Q[]) => xs.reduce((s, x) => s.add(x), Q.int(0)).div(Q.int(xs.length));
  const variance = (xs: Q[]) => {
    const m = mean(xs);
    return mean(xs.map((x) => x.sub(m).mul(x.sub(m))));
  };
  const allTotals = counting.map(totalOf);
  const callMean = allTotals.length ? mean(allTotals) : null;
  const callVar = allTotals.length ? variance(allTotals) : null;
  const byReviewer = new Map<number, Q[]>();
  for (const r of counting)
    byReviewer.set(r.reviewerId, [...(byReviewer.get(r.reviewerId) ?? []), totalOf(r)]);
  const reviewerStats = new Map(
    [...byReviewer].map(([id, own]) => [id, { n: own.length, m: mean(own), v: variance(own) }]),
  );
  const calibratedTotal = (reviewerId: number, total: Q): Real => {
    const { n, m, v } = reviewerStats.get(reviewerId)!;
    if (n < p.calibrationMinReviews || v.isZero() || !callMean || !callVar)
      return { q: total, terms: [] };
    // callMean + callSd × (total − reviewer mean) / reviewer SD
    return { q: callMean, terms: [{ c: total.sub(m), rad: callVar.div(v) }] };
  };

  const qualifyingMicros = microsOfQ(Q.dec(p.qualifyingScore));
  const sdMicros = microsOfQ(Q.dec(p.disagreementSd));
  const spreadMicros = microsOfQ(Q.dec(p.disagreementSpread));

  const lapsing: number[] = [];
  const countingIdsOf = (proposalId: number) =>
    counting.filter((r) => r.proposalId === proposalId).map((r) => r.id);
  for (const m of [...call.gateModerations, ...call.disagreementNotes])
    if (!m.lapsed && !sameSet(m.decidedReviewIds, countingIdsOf(m.proposalId))) lapsing.push(m.id);

  interface Row extends RefProposal {
    submittedAt: string;
    reference: string;
    tieMicros: (bigint | null)[];
  }
  const rows: Row[] = inCompetition.map((proposal) => {
    const own = counting.filter((r) => r.proposalId === proposal.id);
    const ownIds = own.map((r) => r.id);
    const applies = <T extends { proposalId: number; decidedReviewIds: number[]; lapsed: boolean }>(
      m: T,
    ) => m.proposalId === proposal.id && !m.lapsed && sameSet(m.decidedReviewIds, ownIds);
    const n = own.length;
    const means = new Map<string, Q | null>();
    for (const c of scored)
      means.set(c.key, n ? mean(own.map((r) => Q.int(r.levels[c.key]!))) : null);
    const score = n
      ? scored.reduce((s, c) => s.add(Q.int(c.weight!).mul(means.get(c.key)!).div(five)), Q.int(0))
      : null;

    // Gates.
    const gateStatus: Record<string, string> = {};
    const flags: string[] = [];
    let gatesPassed = true;
    for (const g of gates) {
      let status: string;
      if (g.appliesToTrack && !proposal.tracks.includes(g.appliesToTrack))
        status = "not_applicable";
      else if (n === 0) status = "no_reviews";
      else {
        const fails = own.filter((r) => r.gates[g.key] === false).length;
        if (2 * fails > n) status = "fail";
        else if (2 * fails === n) {
          const m = latest(call.gateModerations.filter((x) => x.gateKey === g.key && applies(x)));
          status = m ? (m.pass ? "moderated_pass" : "moderated_fail") : "split";
          flags.push(`gate_split:${g.key}:${m ? "resolved" : "open"}`);
        } else status = "pass";
      }
      gateStatus[g.key] = status;
      if (!["pass", "moderated_pass", "not_applicable"].includes(status)) gatesPassed = false;
    }

    // Disagreement.
    const notes = call.disagreementNotes.filter(applies);
    const resolvedBy = (key: string | null) =>
      notes.some((x) => x.criterionKey === null || x.criterionKey === key);
    for (const c of scored) {
      if (n < 2) continue;
      const levels = own.map((r) => r.levels[c.key]!);
      const spread = Math.max(...levels) - Math.min(...levels);
      if (microsOfQ(Q.int(spread)) >= spreadMicros)
        flags.push(`criterion_spread:${c.key}:${resolvedBy(c.key) ? "resolved" : "open"}`);
    }
    const sd = n > 0 ? microsOfSqrt(variance(own.map(totalOf))) : null;
    if (sd !== null) {
      if (sd > sdMicros) flags.push(`totals_sd::${resolvedBy(null) ? "resolved" : "open"}`);
    }
    flags.sort();

    // Qualification.
    const meetsMinimums = scored.every(
      (c) => n > 0 && microsOfQ(means.get(c.key)!) >= microsOfQ(Q.int(c.minLevel!)),
    );
    const scoreMicros = score ? microsOfQ(score) : null;
    const qualifies =
      n >= p.minReviews &&
      n > 0 &&
      gatesPassed &&
      meetsMinimums &&
      scoreMicros !== null &&
      scoreMicros >= qualifyingMicros;

    // Calibrated score: mean of the reviews' calibrated totals.
    let calibrated: Real | null = null;
    let someCalibrated = false;
    if (n) {
      const parts = own.map((r) => calibratedTotal(r.reviewerId, totalOf(r)));
      const k = Q.int(n);
      someCalibrated = parts.some((x) => x.terms.length > 0);
      calibrated = {
        q: parts.reduce((s, x) => s.add(x.q), Q.int(0)).div(k),
        terms: parts.flatMap((x) => x.terms.map((t) => ({ c: t.c.div(k), rad: t.rad }))),
      };
    }

    return {
      id: proposal.id,
      submittedAt: proposal.submittedAt,
      reference: proposal.reference,
      scoreMicros,
      calibratedMicros: calibrated ? microsOfReal(calibrated) : null,
      calibrated: calibrated ? realToNumber(calibrated) : null,
      sdMicros: sd,
      someCalibrated,
      qualifies,
      provisional: n < p.minReviews,
      flags,
      gates: gateStatus,
      tieMicros: p.tieBreak
        .filter((k) => scored.some((c) => c.key === k))
        .map((k) => {
          const m = means.get(k);
          return m ? microsOfQ(m) : null;
        }),
      rankRaw: 0,
      rankCalibrated: 0,
    };
  });

  const desc = (a: bigint | null, b: bigint | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a > b ? -1 : 1;
  const tail = (a: Row, b: Row) => {
    for (let i = 0; i < a.tieMicros.length; i++) {
      const d = desc(a.tieMicros[i]!, b.tieMicros[i]!);
      if (d) return d;
    }
    const t = Date.parse(a.submittedAt) - Date.parse(b.submittedAt);
    if (t) return t < 0 ? -1 : 1;
    const [ya, sa] = referenceSequence(a.reference);
    const [yb, sb] = referenceSequence(b.reference);
    return ya - yb || sa - sb;
  };
  rows
    .slice()
    .sort((a, b) => desc(a.scoreMicros, b.scoreMicros) || tail(a, b))
    .forEach((r, i) => (r.rankRaw = i + 1));
  rows
    .slice()
    .sort((a, b) => desc(a.calibratedMicros, b.calibratedMicros) || tail(a, b))
    .forEach((r, i) => (r.rankCalibrated = i + 1));
  return { byId: new Map(rows.map((r) => [r.id, r])), lapsing: lapsing.sort((a, b) => a - b) };
}
