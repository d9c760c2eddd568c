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
// number format (scores 0.00), timestamps are ISO 8601 UTC text (a spreadsheet date would lose the
// zone). Header rows are bold and frozen; columns have widths.
import type { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
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

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly Col[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", xSplit: 0, ySplit: 1 }] });
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
  return {
    add(values: (string | number | null)[]) {
      // Every text cell passes here: a character XML 1.0 forbids (or a noncharacter) would make
      // the workbook unreadable, whatever row it came from (domain/xml-text, issue 12 item 6).
      const row = ws.addRow(
        values.map((v) => (typeof v === "string" ? stripForbiddenXmlChars(v) : v)),
      );
      for (let i = 0; i < values.length; i++) row.getCell(i + 1).style = shared[i]!;
      row.commit();
    },
    commit: () => ws.commit(),
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
    submitted_at: { header, width: 26 },
  };
  return widths[header] ?? { header, width: 14 };
});

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
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
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
        r.submittedAt,
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
    { header: "submitted_at", width: 26 },
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
        s.submittedAt ?? "",
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
    [
      "tie_break_then",
      "the earlier proposal submission (submitted_at on the Proposals sheet), then the reference",
    ],
    [
      "score",
      "Σ weight × (mean level of the criterion over submitted reviews) / 5; equal to the mean of the reviews' totals",
    ],
    ["review_total", "Σ weight × level / 5"],
    [
      "calibrated_score",
      "each reviewer's totals are standardised (z-score, population SD) over all proposals that reviewer scored in the call, then mapped onto the mean and population SD of all submitted review totals in the call; a proposal's calibrated score is the mean of its reviews' calibrated totals; reviewers with fewer than calibration_min_reviews submitted reviews, or whose totals do not vary, count raw",
    ],
    [
      "qualifies",
      "at least min_reviews submitted reviews, every gate passed (a majority of reviews pass; not applicable to other tracks), every scored criterion's mean at or above its min_level, and score ≥ qualifying_score",
    ],
    [
      "gate_moderations",
      `an evenly split gate counts as not passed until an official records a decision; the latest decision per proposal and gate counts. ${moderations.filter((m) => m.kind === "gate_decision").length} gate decision(s) on the Moderations sheet`,
    ],
    [
      "rank",
      "position among all ranked proposals of the call under score_in_use, best first; proposals without a score last",
    ],
    ["precision", "scores are computed and written at full precision and displayed to 2 decimals"],
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
    { header: "submitted_at", width: 26 },
  ]);
  for (const ref of refs.values()) proposals.add([ref.reference, ref.tracks, ref.submittedAt]);
  await proposals.commit();

  // Moderations.
  const mods = addSheet(wb, "Moderations", [
    { header: "reference", width: 16 },
    { header: "kind", width: 18 },
    { header: "criterion_key", width: 14 },
    { header: "decision", width: 10 },
    { header: "note", width: 60 },
    { header: "official", width: 24 },
    { header: "created_at", width: 26 },
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
      m.createdAt,
    ]);
  }
  await mods.commit();

  await wb.commit();
  return { rows, rawScoreRows, moderationRows: moderations.length };
}
