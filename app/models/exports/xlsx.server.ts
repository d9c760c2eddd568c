// The XLSX shortlist workbook, written with exceljs's STREAMING writer: each row is committed
// (serialised into the zip) as soon as it is added, pages of rows are read from the database one
// at a time, and the writer waits whenever the client reads slower than we write.
//
// Sheets: "Ranking" (the CSV's columns, the board's filter and order), "Criteria", "Raw scores"
// (every submitted review of the call whatever the filter), "Rules" (parameter, value), and two
// more that make the ranking recomputable from the workbook alone: "Proposals" (every ranked
// proposal of the call with its tracks and submission time — the tie-break and the G2 gate need
// them for proposals outside the filter) and "Moderations" (officials' decisions on evenly split
// gates, which decide whether such a gate passed, and disagreement notes).
// Cells are typed: text cells are strings (never formulas, so nothing needs neutralising and names
// stay exactly as typed), numbers are numbers written at full precision and displayed with a
// number format (scores 0.00), timestamps are spreadsheet dates in UTC (product.md: "dates as
// spreadsheet dates (UTC)"; the Rules sheet says so, and the header of each date column ends in
// "_at" as in the CSV). Every sheet: a bold, frozen header row with an autofilter over the whole
// table, column widths, and a landscape print setup one page wide with the header row repeated on
// every printed page (exceljs pageSetup + printTitlesRow, written as _xlnm.Print_Titles).
import type { PassThrough } from "node:stream";
import type ExcelJS from "exceljs";
import { lazyRequire } from "~/services/lazy-module.server";

const exceljs = lazyRequire<typeof ExcelJS>("exceljs");
import { stripForbiddenXmlChars } from "~/domain/xml-text";
import type { SessionUser } from "~/services/session.server";
import type { DB } from "~/services/db.server";
import {
  listModerations,
  proposalReferences,
  rankingPages,
  rawScorePages,
  reviewerPseudonyms,
  RANKING_COLUMNS,
  type ExportContext,
} from "./board-data.server";
import { assertOpen, waitForRoom, yieldToLoop } from "~/services/exports/stream.server";

type Col = { header: string; width: number; numFmt?: string };

/** Timestamps: a spreadsheet date (UTC) shown to the millisecond, as stored. */
export const DATE_FORMAT = "yyyy-mm-dd hh:mm:ss.000";

/** An ISO 8601 UTC timestamp as a spreadsheet date; null (an empty cell) when absent or invalid. */
export function sheetDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? d : null;
}

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
function columnLetters(n: number): string {
  let s = "";
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26))
    s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly Col[]) {
  const ws = wb.addWorksheet(name, {
    views: [{ state: "frozen", xSplit: 0, ySplit: 1 }],
    // Landscape, one page wide and as many pages long as needed, the header on every page.
    pageSetup: {
      orientation: "landscape",
      paperSize: 9, // A4
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: "1:1",
    },
  });
  ws.columns = columns.map((c, i) => ({
    key: `c${i}`,
    width: c.width,
    style: c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  // One style object per column, shared by every cell of it. exceljs copies the column's style
  // into a fresh object per cell and then resolves each cell's style id from scratch (building its
  // XML to look it up); for a style object it has seen before it reuses the id (a WeakMap). With
  // 350,000 rows that lookup was a quarter of the workbook's CPU time (bench/FINDINGS.md §4).
  // The cells look exactly as before: the column's number format, nothing else.
  const shared: ExcelJS.Style[] = columns.map(
    (c) => (c.numFmt ? { numFmt: c.numFmt } : {}) as ExcelJS.Style,
  );
  let lastRow = 1;
  return {
    add(values: (string | number | Date | null)[]) {
      // Every text cell passes here: a character XML 1.0 forbids (or a noncharacter) would make
      // the workbook unreadable, whatever row it came from (domain/xml-text, issue 12 item 6).
      const row = ws.addRow(
        values.map((v) => (typeof v === "string" ? stripForbiddenXmlChars(v) : v)),
      );
      for (let i = 0; i < values.length; i++) row.getCell(i + 1).style = shared[i]!;
      row.commit();
      lastRow = row.number;
    },
    commit: () => {
      // The autofilter covers the header and every row (exceljs writes it when the sheet closes).
      ws.autoFilter = `A1:${columnLetters(columns.length)}${lastRow}`;
      return ws.commit();
    },
    /**
     * Bytes of this sheet's XML written but not yet taken by the zip. exceljs hands each 64 KB of
     * a sheet to archiver without waiting, and archiver zips one entry at a time, on this thread,
     * only when the event loop lets it: a producer that merely yields between pages ran far ahead
     * and piled the uncompressed XML up in memory (150 MB of buffers for the raw-scores sheet at
     * 10,000 proposals, bench/FINDINGS.md §4). (exceljs 4.4: WorksheetWriter.stream is a StreamBuf
     * whose `buffers` are not yet handed on and whose `pipes` are archiver's PassThrough.)
     */
    backlog(): number {
      const stream = (ws as unknown as { stream?: SheetStream }).stream;
      if (!stream) return 0;
      const queued = (stream.buffers?.length ?? 0) * SHEET_BUFFER_BYTES;
      return (stream.pipes ?? []).reduce(
        (n, p) => n + (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0),
        queued,
      );
    },
  };
}

interface SheetStream {
  buffers?: unknown[];
  // archiver wraps the sheet in a readable-stream PassThrough (no writableLength getter).
  pipes?: { _writableState?: { length: number }; _readableState?: { length: number } }[];
}
/** exceljs's buffer size for a sheet's stream (WorkbookWriter._openStream). */
const SHEET_BUFFER_BYTES = 65_536;
/**
 * How much not-yet-zipped XML a sheet may hold before the producer waits (measured at 10,000
 * proposals: 8 MB keeps the workbook's time, 4 MB cost 50 % more), and after how long without
 * progress it stops waiting (a stuck zip must not hang an export). Tests lower both.
 */
export const XLSX_PACING = { maxSheetBacklog: 8 * 1024 * 1024, stallMs: 10_000 };

/** Waits until the zip has taken all but XLSX_PACING.maxSheetBacklog of a sheet's XML. */
async function waitForZip(sheet: { backlog(): number }, sink: PassThrough): Promise<void> {
  let last = sheet.backlog();
  let since = Date.now();
  while (last > XLSX_PACING.maxSheetBacklog && Date.now() - since < XLSX_PACING.stallMs) {
    assertOpen(sink);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const now = sheet.backlog();
    if (now < last) since = Date.now();
    last = now;
  }
}

const RANKING_SHEET: readonly Col[] = RANKING_COLUMNS.map((header) => {
  const widths: Record<string, Col> = {
    rank: { header, width: 7, numFmt: "0" },
    reference: { header, width: 16 },
    company_en: { header, width: 34 },
    company_zh: { header, width: 26 },
    title: { header, width: 40 },
    tracks: { header, width: 30 },
    investment_usd: { header, width: 18, numFmt: "#,##0.00" },
    reviews_submitted: { header, width: 10, numFmt: "0" },
    reviews_required: { header, width: 10, numFmt: "0" },
    score: { header, width: 10, numFmt: "0.00" },
    calibrated_score: { header, width: 10, numFmt: "0.00" },
    gates: { header, width: 44 },
    qualifies: { header, width: 10 },
    flags: { header, width: 44 },
    decision: { header, width: 12 },
    decision_reason: { header, width: 50 },
    submitted_at: { header, width: 24, numFmt: DATE_FORMAT },
    provisional: { header, width: 11 },
    override: { header, width: 40 },
    override_reason: { header, width: 50 },
  };
  return widths[header] ?? { header, width: 14 };
});

/**
 * The Rules sheet's rank_scope: which proposals the ranks run over. The ranking is the board's
 * (rankingPages reads listBoard); when proposals are withheld from the exporter, the rule the
 * board applies to them is stated here, in one place.
 */
export function rankScope(withheld: number): string {
  if (withheld === 0) return "call: every proposal on the Proposals sheet";
  return `call: every proposal on the Proposals sheet; ${withheld} proposal(s) withheld from the exporter because of declared conflicts (WITHHELD-n) are ranked with the others but not listed on the Ranking sheet`;
}

export interface XlsxResult {
  rows: number;
  rawScoreRows: number;
  moderationRows: number;
}

export async function writeBoardXlsx(
  sink: PassThrough,
  db: DB,
  ctx: ExportContext,
  user: SessionUser,
  exportedAt: string,
): Promise<XlsxResult> {
  const wb = new (exceljs().stream.xlsx.WorkbookWriter)({
    stream: sink,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = "CDA Investment Proposal Portal";
  wb.created = new Date(exportedAt);
  const pace = async (sheet: { backlog(): number }) => {
    await yieldToLoop();
    await waitForRoom(sink);
    await waitForZip(sheet, sink);
    assertOpen(sink);
  };

  // Ranking: the board's rows in the board's order.
  const ranking = addSheet(wb, "Ranking", RANKING_SHEET);
  let rows = 0;
  for await (const page of rankingPages(db, ctx, user.id)) {
    for (const r of page) {
      rows += 1;
      ranking.add([
        r.rank,
        r.reference,
        r.companyEn,
        r.companyZh,
        r.title,
        r.tracks,
        r.investmentUsdCents === null ? null : r.investmentUsdCents / 100,
        r.reviewsSubmitted,
        r.reviewsRequired,
        r.score,
        r.calibratedScore,
        r.gates,
        r.qualifies ? "yes" : "no",
        r.flags,
        r.decision ?? "",
        r.decisionReason,
        sheetDate(r.submittedAt),
        r.provisional ? "yes" : "no",
        r.override,
        r.overrideReason,
      ]);
    }
    await pace(ranking);
  }
  await ranking.commit();

  // Criteria.
  const criteria = addSheet(wb, "Criteria", [
    { header: "key", width: 12 },
    { header: "title_en", width: 40 },
    { header: "title_zh", width: 26 },
    { header: "kind", width: 8 },
    { header: "weight", width: 8, numFmt: "0" },
    { header: "min_level", width: 10, numFmt: "0" },
    { header: "descriptors", width: 80 },
    { header: "tie_break_position", width: 18, numFmt: "0" },
    { header: "applies_to_track", width: 18 },
  ]);
  for (const c of ctx.criteria) {
    criteria.add([
      c.key,
      c.titleEn,
      c.titleZh,
      c.kind,
      c.weight,
      c.minLevel,
      c.descriptors.map((d, level) => `${level}: ${d.en} / ${d.zh}`).join("\n"),
      c.tieBreakPosition,
      c.appliesToTrack ?? "",
    ]);
  }
  await criteria.commit();

  // Raw scores: every submitted review of the call, whatever the filter.
  const refs = await proposalReferences(db, ctx);
  const pseudonyms = await reviewerPseudonyms(db, ctx.call.id);
  const raw = addSheet(wb, "Raw scores", [
    { header: "reference", width: 16 },
    { header: "reviewer", width: 14 },
    { header: "criterion_key", width: 14 },
    { header: "level_or_pass_fail", width: 18, numFmt: "0" },
    { header: "rationale", width: 80 },
    { header: "submitted_at", width: 24, numFmt: DATE_FORMAT },
  ]);
  let rawScoreRows = 0;
  for await (const page of rawScorePages(db, ctx.call.id)) {
    for (const s of page) {
      const ref = refs.get(s.proposalId);
      if (!ref) continue;
      rawScoreRows += 1;
      raw.add([
        ref.reference,
        pseudonyms.get(s.reviewerId) ?? `R-${s.reviewerId}`,
        s.criterionKey,
        s.kind === "scored" ? s.level : s.gatePass === null ? null : s.gatePass ? "pass" : "fail",
        ref.withheld ? "" : s.rationale,
        sheetDate(s.submittedAt),
      ]);
    }
    await pace(raw);
  }
  await raw.commit();

  // Rules.
  const moderations = await listModerations(db, ctx.call.id);
  const p = ctx.params;
  const tieBreak = ctx.criteria
    .filter((c) => c.tieBreakPosition !== null)
    .sort((a, b) => a.tieBreakPosition! - b.tieBreakPosition!)
    .map((c) => c.key);
  const rules = addSheet(wb, "Rules", [
    { header: "parameter", width: 26 },
    { header: "value", width: 110 },
  ]);
  const ruleRows: [string, string | number][] = [
    ["min_reviews", p.minReviews],
    ["qualifying_score", p.qualifyingScore],
    ["disagreement_spread", p.disagreementSpread],
    ["disagreement_sd", p.disagreementSd],
    ["calibration_min_reviews", p.calibrationMinReviews],
    ["score_in_use", ctx.query.score],
    ["tie_break_order", tieBreak.join(",")],
    ["rank_scope", rankScope(ctx.hidden.size)],
    [
      "tie_break_then",
      "the earlier submission (submitted_at on the Proposals sheet), then the reference number's sequence (CDA-2026-0042 before CDA-2026-10000)",
    ],
    [
      "counting_reviews",
      "the Raw scores sheet holds exactly the counting reviews: submitted, not returned for rework, of a proposal in the competition (the Proposals sheet), by a reviewer not conflicted with it",
    ],
    [
      "score",
      "Σ weight × (mean level of the criterion over the counting reviews) / 5; also the mean of the reviews' totals",
    ],
    ["review_total", "Σ weight × level / 5"],
    [
      "calibrated_score",
      "each reviewer's totals are standardised (z-score, population SD) over all counting reviews that reviewer gave in the call, then mapped back onto the mean and population SD of all counting review totals in the call; a proposal's calibrated score is the mean of its reviews' calibrated totals; reviewers with fewer than calibration_min_reviews counting reviews, or whose totals do not vary, count raw; not clamped",
    ],
    [
      "gates",
      "a gate fails when a majority of the counting reviews mark it fail; an even split counts as not passed until an official records a moderation decision for it (the Moderations sheet, lapsed = no); a gate for one track only (Criteria applies_to_track) does not apply to proposals without that track",
    ],
    [
      "qualifies",
      "at least min_reviews counting reviews, every gate passed, every scored criterion's mean at or above its min_level, and the raw score at least qualifying_score (calibration never changes qualification)",
    ],
    [
      "provisional",
      "a proposal with fewer than min_reviews counting reviews: ranked, marked provisional, does not qualify",
    ],
    [
      "disagreement",
      "flagged when one criterion's levels differ by disagreement_spread or more, or the review totals' population SD is above disagreement_sd",
    ],
    [
      "rank",
      "position by score_in_use, best first (proposals without a score last), over rank_scope; filters never renumber it",
    ],
    [
      "precision",
      "computed in double precision; every comparison (ties, qualifying_score, min_level, disagreement_sd) on values rounded to 6 decimals half away from zero, i.e. ROUND(x; 6); scores displayed to 2 decimals",
    ],
    ["dates", "spreadsheet dates in UTC"],
    [
      "reviewer",
      "stable pseudonym per call (R- and the first hex digits of a keyed HMAC-SHA256 of the reviewer's id)",
    ],
    ["call", `${ctx.call.slug} — ${ctx.call.title_en} / ${ctx.call.title_zh}`],
    ["filter", ctx.search || "(none)"],
    ...(ctx.limit !== null ? ([["ranking_limit", ctx.limit]] as [string, number][]) : []),
    ["ranking_rows", rows],
    ["exported_by", `${user.display_name} <${user.email}>`],
    ["exported_at", exportedAt],
  ];
  for (const [k, v] of ruleRows) rules.add([k, v]);
  await rules.commit();

  // Proposals: every ranked proposal of the call (tie-break and track-specific gates need them).
  const proposals = addSheet(wb, "Proposals", [
    { header: "reference", width: 16 },
    { header: "tracks", width: 30 },
    { header: "status", width: 22 },
    { header: "submitted_at", width: 24, numFmt: DATE_FORMAT },
  ]);
  for (const ref of refs.values())
    proposals.add([ref.reference, ref.tracks, ref.status, sheetDate(ref.submittedAt)]);
  await proposals.commit();

  // Moderations.
  const mods = addSheet(wb, "Moderations", [
    { header: "reference", width: 16 },
    { header: "kind", width: 18 },
    { header: "criterion_key", width: 14 },
    { header: "decision", width: 10 },
    { header: "note", width: 60 },
    { header: "official", width: 24 },
    { header: "created_at", width: 24, numFmt: DATE_FORMAT },
    { header: "reviews_decided", width: 40 },
    { header: "lapsed", width: 8 },
  ]);
  for (const m of moderations) {
    const ref = refs.get(m.proposalId);
    if (!ref) continue;
    mods.add([
      ref.reference,
      m.kind,
      m.key ?? "",
      m.gatePass === null ? "" : m.gatePass ? "pass" : "fail",
      ref.withheld ? "" : m.note,
      m.official,
      sheetDate(m.createdAt),
      m.reviewsDecided.map((id) => pseudonyms.get(id) ?? `R-${id}`).join(";"),
      m.lapsed ? "yes" : "no",
    ]);
  }
  await mods.commit();

  await wb.commit();
  return { rows, rawScoreRows, moderationRows: moderations.length };
}
