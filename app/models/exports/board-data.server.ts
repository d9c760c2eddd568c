// What the three board exports (CSV, XLSX, PDF) read: the board's rows in the board's filter and
// order (listBoard with the board's own query parsing, page after page), the call's criteria and
// rules, every submitted review of the call, and the moderation decisions. All reads go through
// one read snapshot (snapshot.server.ts) so that every page and every sheet describe one state.
//
// Decisions taken here (documented for the lead):
// - The export is the board for the same query string, without pagination: `page` is ignored and
//   every matching row is exported in the board's order; `rank` is the rank under the score in use
//   (score=raw|calibrated), i.e. the position among all ranked proposals of the call, as on the
//   board.
// - Rows hidden from the exporter by their own declared conflicts are left out of the Ranking,
//   as on the board. The sheets that make the workbook recomputable (Raw scores, Proposals,
//   Moderations) keep every proposal of the call, because calibration and ranks depend on all of
//   them; for the exporter's conflicted proposals the reference is replaced by "WITHHELD-n"
//   (numbered in reference order) and rationales and notes are left out.
// - Reviewers are named by a stable pseudonym "R-" + the first 8 hex digits of
//   HMAC-SHA256(key, "<call id>:<reviewer id>"), the key itself an HMAC of the first session
//   secret with a fixed label. The same reviewer has the same pseudonym in every export of a call
//   (while the secret is unchanged), different pseudonyms in different calls, and nobody without
//   the server's secret can link a pseudonym to a person. Should two reviewers of a call ever
//   share 8 digits, both get 16.
import crypto from "node:crypto";
import { flagText, overrideText } from "~/utils/board-labels";
import type { Call, DecisionOutcome } from "~db/schema";
import { boardSearch, type BoardQuery } from "~/domain/board-query";
import type { Flag, GateResult, ScoringParams } from "~/domain/scoring";
import { conflictedProposalIds, listBoard } from "~/models/board.server";
import { loadCallCriteria, paramsOf, RANKED_STATUSES } from "~/models/scoring.server";
import type { DB } from "~/services/db.server";
import { getEnv } from "~/services/env.server";

export const PAGE_ROWS = 1000;

/** The CSV's columns and the XLSX Ranking sheet's, in product.md's order. */
export const RANKING_COLUMNS = [
  "rank",
  "reference",
  "company_en",
  "company_zh",
  "title",
  "tracks",
  "investment_usd",
  "reviews_submitted",
  "reviews_required",
  "score",
  "calibrated_score",
  "gates",
  "qualifies",
  "flags",
  "decision",
  "decision_reason",
  "submitted_at",
  // Issue 13: a proposal with fewer counting reviews than the minimum is marked "provisional" in
  // every export; a shortlisting that overrode the rules says what it overrode, and why.
  "provisional",
  "override",
  "override_reason",
] as const;

export interface RankingRow {
  proposalId: number;
  rank: number;
  reference: string;
  companyEn: string;
  companyZh: string;
  title: string;
  /** Track codes joined by ";" (tier4DataCentre;bigDataPlatform). */
  tracks: string;
  investmentUsdCents: number | null;
  reviewsSubmitted: number;
  reviewsRequired: number;
  /** Full precision. */
  score: number | null;
  calibratedScore: number | null;
  /** "passed (g1=pass; g2=not_applicable; g3=pass)". */
  gates: string;
  qualifies: boolean;
  /** Every flag, resolved ones marked, joined by "; ". */
  flags: string;
  decision: DecisionOutcome | null;
  decisionReason: string;
  submittedAt: string;
  provisional: boolean;
  /** What the decision overrode, in words ("1 of 3 reviews; score 61.00 below 65"); "" if none. */
  override: string;
  overrideReason: string;
}

export interface ExportCriterion {
  id: number;
  key: string;
  titleEn: string;
  titleZh: string;
  kind: "scored" | "gate";
  weight: number | null;
  minLevel: number | null;
  appliesToTrack: string | null;
  descriptors: { en: string; zh: string }[];
  /** 1-based position in the published tie-break order; null when not a tie-break criterion. */
  tieBreakPosition: number | null;
}

export interface ExportContext {
  call: Call;
  query: BoardQuery;
  /** The board's query string for this export (no page), e.g. "?score=calibrated&qualifies=yes". */
  search: string;
  params: ScoringParams;
  criteria: ExportCriterion[];
  /** Proposal ids hidden from the exporter by their declared conflicts. */
  hidden: Set<number>;
  /** At most this many ranking rows, from the top of the board's order (`?limit=`); null: all. */
  limit: number | null;
}

/** The largest `limit` an export accepts; anything else (absent, invalid) means every row. */
export const MAX_EXPORT_LIMIT = 100_000;

/**
 * `?limit=N` of an export URL: the first N rows of the board's order ("the top 100" of the PDF
 * report). Null (every row) when absent or not a whole number between 1 and MAX_EXPORT_LIMIT.
 */
export function parseExportLimit(params: URLSearchParams): number | null {
  const raw = params.get("limit");
  if (raw === null || !/^\d{1,6}$/.test(raw.trim())) return null;
  const n = Number(raw.trim());
  return n >= 1 && n <= MAX_EXPORT_LIMIT ? n : null;
}

/** The board state an export reads: the board's own parsing; pagination dropped. */
export function exportSearch(query: BoardQuery): string {
  return boardSearch({ ...query, page: 1 });
}

export async function loadExportContext(
  db: DB,
  call: Call,
  userId: number,
  query: BoardQuery,
  limit: number | null = null,
): Promise<ExportContext> {
  const params = paramsOf(call);
  const meta = await loadCallCriteria(db, call.id);
  const descriptorRows = meta.length
    ? await db
        .selectFrom("criteria")
        .select(["id", "descriptors_json"])
        .where(
          "id",
          "in",
          meta.map((c) => c.id),
        )
        .execute()
    : [];
  const descriptors = new Map(
    descriptorRows.map((r) => [r.id, parseDescriptors(r.descriptors_json)]),
  );
  const tieBreak = params.tieBreak.filter((k) =>
    meta.some((c) => c.key === k && c.kind === "scored"),
  );
  return {
    call,
    query: { ...query, page: 1 },
    search: exportSearch(query),
    params,
    criteria: meta.map((c) => ({
      id: c.id,
      key: c.key,
      titleEn: c.titleEn,
      titleZh: c.titleZh,
      kind: c.kind,
      weight: c.weight,
      minLevel: c.minLevel,
      appliesToTrack: c.appliesToTrack,
      descriptors: descriptors.get(c.id) ?? [],
      tieBreakPosition: tieBreak.includes(c.key) ? tieBreak.indexOf(c.key) + 1 : null,
    })),
    hidden: new Set(await conflictedProposalIds(db, userId, call.id)),
    limit,
  };
}

function parseDescriptors(text: string): { en: string; zh: string }[] {
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.map((d: unknown) => {
      const o = (d ?? {}) as { en?: unknown; zh?: unknown };
      return { en: typeof o.en === "string" ? o.en : "", zh: typeof o.zh === "string" ? o.zh : "" };
    });
  } catch {
    return [];
  }
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** One flag in words: the board's wording (flagText) starting lower-case, "(resolved)" when an
 * official resolved it. */
export function flagWords(f: Flag): string {
  const text = flagText(f);
  const words = text.charAt(0).toLowerCase() + text.slice(1);
  return f.resolved ? `${words} (resolved)` : words;
}

export function gateWords(summary: string, gates: readonly GateResult[]): string {
  return gates.length
    ? `${summary} (${gates.map((g) => `${g.key}=${g.status}`).join("; ")})`
    : summary;
}

/**
 * The board's rows for the export's query, page after page, in the board's order (the first
 * ctx.limit rows when set). Reads with listBoard itself, so the filter and the order cannot differ
 * from the board's. The conflicts and the counts are taken once per export, not once per page.
 */
export async function* rankingPages(
  db: DB,
  ctx: ExportContext,
  userId: number,
  pageRows = PAGE_ROWS,
): AsyncGenerator<RankingRow[]> {
  const hidden = [...ctx.hidden];
  const size = ctx.limit === null ? pageRows : Math.min(pageRows, ctx.limit);
  let counts: { total: number; callTotal: number } | undefined;
  let emitted = 0;
  let pageCount = 1;
  for (let page = 1; page <= pageCount; page++) {
    const result = await listBoard(db, ctx.call, userId, { ...ctx.query, page }, size, {
      hidden,
      counts,
    });
    counts ??= { total: result.total, callTotal: result.callTotal };
    pageCount = result.pageCount;
    const boardRows = ctx.limit === null ? result.rows : result.rows.slice(0, ctx.limit - emitted);
    if (!boardRows.length) return;
    emitted += boardRows.length;
    const ids = boardRows.map((r) => r.proposalId);
    const extra = new Map(
      (
        await db
          .selectFrom("proposal_scores")
          .select(["proposal_id", "gates_json"])
          .where("proposal_id", "in", ids)
          .execute()
      ).map((r) => [r.proposal_id, r]),
    );
    yield boardRows.map((r) => ({
      proposalId: r.proposalId,
      rank: r.rank,
      reference: r.reference ?? "",
      companyEn: r.companyEn ?? "",
      companyZh: r.companyZh ?? "",
      title: r.title ?? "",
      tracks: r.tracks.join(";"),
      investmentUsdCents: r.investmentUsdCents,
      reviewsSubmitted: r.reviewsSubmitted,
      reviewsRequired: r.reviewsRequired,
      score: r.score,
      calibratedScore: r.calibratedScore,
      gates: gateWords(
        r.gatesSummary,
        parseJson<GateResult[]>(extra.get(r.proposalId)?.gates_json, []),
      ),
      qualifies: r.qualifies,
      flags: r.flags.map(flagWords).join("; "),
      decision: r.decision,
      decisionReason: r.decisionReason ?? "",
      submittedAt: r.submittedAt ?? "",
      provisional: r.provisional,
      override: r.override ? overrideText(r.override) : "",
      overrideReason: r.override ? (r.overrideReason ?? "") : "",
    }));
    if (ctx.limit !== null && emitted >= ctx.limit) return;
  }
}

/** Whole dollars and cents as exact decimal text ("500000000.00"), from integer cents. */
export function usdText(cents: number | null): string {
  if (cents === null) return "";
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

// ---------------------------------------------------------------- reviewers and proposals

function pseudonymKey(): Buffer {
  const secret = getEnv().SESSION_SECRETS[0] ?? "";
  return crypto.createHmac("sha256", secret).update("cda-export-reviewer-pseudonym-v1").digest();
}

export function reviewerPseudonym(callId: number, reviewerId: number, digits = 8): string {
  const hex = crypto
    .createHmac("sha256", pseudonymKey())
    .update(`${callId}:${reviewerId}`)
    .digest("hex");
  return `R-${hex.slice(0, digits)}`;
}

/** Pseudonyms for every reviewer with a submitted review in the call, unique within the call. */
export async function reviewerPseudonyms(db: DB, callId: number): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom("reviews")
    .innerJoin("proposals", "proposals.id", "reviews.proposal_id")
    .select("reviews.reviewer_id")
    .distinct()
    .where("proposals.call_id", "=", callId)
    .where("reviews.status", "=", "submitted")
    .execute();
  const names = new Map(rows.map((r) => [r.reviewer_id, reviewerPseudonym(callId, r.reviewer_id)]));
  const seen = new Map<string, number>();
  for (const name of names.values()) seen.set(name, (seen.get(name) ?? 0) + 1);
  for (const [id, name] of names)
    if ((seen.get(name) ?? 0) > 1) names.set(id, reviewerPseudonym(callId, id, 16));
  return names;
}

/** Every ranked proposal of the call: the reference to print (withheld when conflicted). */
export async function proposalReferences(
  db: DB,
  ctx: ExportContext,
): Promise<
  Map<
    number,
    { reference: string; tracks: string; status: string; submittedAt: string; withheld: boolean }
  >
> {
  const rows = await db
    .selectFrom("proposals")
    .select(["id", "reference", "tracks", "status", "submitted_at"])
    .where("call_id", "=", ctx.call.id)
    .where("status", "in", [...RANKED_STATUSES])
    .orderBy("reference")
    .orderBy("id")
    .execute();
  let withheld = 0;
  return new Map(
    rows.map((r) => {
      const hide = ctx.hidden.has(r.id);
      if (hide) withheld += 1;
      return [
        r.id,
        {
          reference: hide ? `WITHHELD-${withheld}` : (r.reference ?? `#${r.id}`),
          tracks: (r.tracks ?? "")
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean)
            .join(";"),
          status: r.status,
          submittedAt: r.submitted_at ?? "",
          withheld: hide,
        },
      ];
    }),
  );
}

export interface RawScoreRow {
  reviewId: number;
  proposalId: number;
  reviewerId: number;
  criterionKey: string;
  kind: "scored" | "gate";
  level: number | null;
  gatePass: number | null;
  rationale: string;
  submittedAt: string | null;
}

/**
 * Every criterion and gate answer of every counting review of the call (whatever the board's
 * filter), in review id order then criterion position. Reads a page of reviews (keyset on the
 * review id), then their answers through the review_scores primary key.
 */
export async function* rawScorePages(
  db: DB,
  callId: number,
  reviewsPerPage = 500,
): AsyncGenerator<RawScoreRow[]> {
  let after = 0;
  for (;;) {
    const reviews = await db
      .selectFrom("reviews as r")
      // The counting reviews (submitted, in the competition, reviewer not conflicted): the score
      // read model's review_totals, so the sheet recomputes exactly the board's numbers.
      .innerJoin("review_totals as rt", "rt.review_id", "r.id")
      .select([
        "r.id as id",
        "r.proposal_id as proposalId",
        "r.reviewer_id as reviewerId",
        "r.submitted_at as submittedAt",
      ])
      .where("rt.call_id", "=", callId)
      .where("r.id", ">", after)
      .orderBy("r.id")
      .limit(reviewsPerPage)
      .execute();
    if (!reviews.length) return;
    after = reviews[reviews.length - 1]!.id;
    const byId = new Map(reviews.map((r) => [r.id, r]));
    const answers = await db
      .selectFrom("review_scores as rs")
      .innerJoin("criteria as c", "c.id", "rs.criterion_id")
      .select([
        "rs.review_id as reviewId",
        "c.key as criterionKey",
        "c.kind as kind",
        "rs.level as level",
        "rs.gate_pass as gatePass",
        "rs.rationale as rationale",
      ])
      .where(
        "rs.review_id",
        "in",
        reviews.map((r) => r.id),
      )
      .orderBy("rs.review_id")
      .orderBy("c.position")
      .orderBy("c.id")
      .execute();
    yield answers.map((a) => {
      const r = byId.get(a.reviewId)!;
      return {
        reviewId: a.reviewId,
        proposalId: r.proposalId,
        reviewerId: r.reviewerId,
        criterionKey: a.criterionKey,
        kind: a.kind,
        level: a.level,
        gatePass: a.gatePass,
        rationale: a.rationale,
        submittedAt: r.submittedAt,
      };
    });
    if (reviews.length < reviewsPerPage) return;
  }
}

export interface ModerationRow {
  proposalId: number;
  kind: "gate_decision" | "disagreement_note";
  key: string | null;
  gatePass: number | null;
  note: string;
  official: string;
  createdAt: string;
  /** Reviewer ids of the counting reviews the moderation named when it was recorded. */
  reviewsDecided: number[];
  /** Whether it no longer applies (see moderationStanding). */
  lapsed: boolean;
}

/**
 * Every moderation of the call's ranked proposals, oldest first, with the reviews it decided and
 * whether it has lapsed, as the moderation itself records them (moderationStanding).
 */
export async function listModerations(db: DB, callId: number): Promise<ModerationRow[]> {
  const rows = await db
    .selectFrom("moderations as m")
    .innerJoin("proposals as p", "p.id", "m.proposal_id")
    .innerJoin("users as u", "u.id", "m.official_id")
    .leftJoin("criteria as c", "c.id", "m.criterion_id")
    .select([
      "m.proposal_id as proposalId",
      "m.kind as kind",
      "c.key as key",
      "m.gate_pass as gatePass",
      "m.note as note",
      "u.display_name as official",
      "m.created_at as createdAt",
      "m.decided_review_ids as decidedReviewIds",
      "m.lapsed_at as lapsedAt",
    ])
    .where("p.call_id", "=", callId)
    .where("p.status", "in", [...RANKED_STATUSES])
    .orderBy("m.created_at")
    .orderBy("m.id")
    .execute();
  if (!rows.length) return [];
  const parsed = rows.map((r) => parseJson<number[]>(r.decidedReviewIds, []));
  const reviewIds = [...new Set(parsed.flat())];
  const reviewerOf = new Map<number, number>();
  for (let i = 0; i < reviewIds.length; i += 1000)
    for (const r of await db
      .selectFrom("reviews")
      .select(["id", "reviewer_id"])
      .where("id", "in", reviewIds.slice(i, i + 1000))
      .execute())
      reviewerOf.set(r.id, r.reviewer_id);
  return moderationStanding(
    rows.map(({ decidedReviewIds: _d, ...r }, i) => ({ ...r, decidedReviewIds: parsed[i]! })),
    reviewerOf,
  );
}

/**
 * For the Moderations sheet, from what each moderation records (product.md: "it names the reviews
 * it decided, and it lapses … as soon as the set of counting reviews of that proposal changes"):
 * the reviewers of the reviews it named, and whether it no longer applies — lapsed (the score read
 * model writes lapsed_at) or replaced by a later decision on the same gate.
 */
export function moderationStanding(
  rows: readonly (Omit<ModerationRow, "reviewsDecided" | "lapsed"> & {
    decidedReviewIds: readonly number[];
    lapsedAt: string | null;
  })[],
  reviewerOf: ReadonlyMap<number, number>,
): ModerationRow[] {
  const latestGate = new Map<string, number>();
  rows.forEach((m, i) => {
    if (m.kind === "gate_decision") latestGate.set(`${m.proposalId}:${m.key}`, i);
  });
  return rows.map(({ decidedReviewIds, lapsedAt, ...m }, i) => ({
    ...m,
    reviewsDecided: decidedReviewIds
      .map((id) => reviewerOf.get(id))
      .filter((id): id is number => id !== undefined)
      .sort((a, b) => a - b),
    lapsed:
      lapsedAt !== null ||
      (m.kind === "gate_decision" && latestGate.get(`${m.proposalId}:${m.key}`) !== i),
  }));
}
