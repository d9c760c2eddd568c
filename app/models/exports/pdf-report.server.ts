// The formal report (PDF, pdfkit, landscape A4) with Chinese names rendered in Noto Sans SC
// (registered by app/services/pdf.server.ts). Its title says what was exported: a "Shortlist
// report" only when the filter is the shortlist, otherwise a "Ranking report" (exportTitle). It
// streams: pdfkit writes each finished page out as the next one starts, and rows are read from the
// database one page at a time.
//
// PAGE NUMBERS ("page n of m"): m is known only once every row is laid out, and buffering the pages
// until then would hold the whole report in memory. So the report is laid out twice from the same
// read snapshot: a first pass into a discarding sink counts the pages, the second writes them with
// their footers. Twice the layout time, constant memory.
//
// WHAT THE PRINTED SHA-256 COVERS: a file cannot contain its own hash, so the report prints the
// SHA-256 of the CSV rendering of exactly the rows it lists — the bytes that
// /board/:slug/export.csv with the same query string returns for the same data (BOM, header and
// every record). Anyone can download that CSV and compare hashes, or recompute the hash from the
// rows. The hash of the PDF file itself is recorded in the audit log entry of the export
// ("export.pdf": sha256 = the PDF's bytes, contentSha256 = the printed CSV hash).
import crypto from "node:crypto";
import { Writable, type PassThrough } from "node:stream";
import { formatScore } from "~/domain/scoring";
import type { DB } from "~/services/db.server";
import type {} from "pdfkit";
import { FONT_BOLD, FONT_REGULAR, pdfkit, registerCjkFonts } from "~/services/pdf.server";
import type { SessionUser } from "~/services/session.server";
import { formatDateTime } from "~/utils/dates";
import { usdText, type ExportContext, type RankingRow } from "./board-data.server";
import { writeBoardCsv } from "./board-csv.server";
import { assertOpen, waitForReadable, yieldToLoop } from "~/services/exports/stream.server";

const DECISION_WORDS: Record<string, string> = {
  shortlisted: "Shortlisted",
  reserve: "Reserve",
  rejected: "Rejected",
};

const TABLE = [
  { key: "rank", label: "Rank", width: 30, align: "right" },
  { key: "reference", label: "Reference", width: 70, align: "left" },
  { key: "company", label: "Company", width: 140, align: "left" },
  { key: "title", label: "Title", width: 118, align: "left" },
  { key: "investment", label: "Investment (USD)", width: 64, align: "right" },
  { key: "score", label: "Score", width: 38, align: "right" },
  { key: "calibrated", label: "Calibrated", width: 46, align: "right" },
  { key: "gates", label: "Gates", width: 70, align: "left" },
  { key: "qualifies", label: "Qualifies", width: 56, align: "left" },
  { key: "flags", label: "Flags", width: 74, align: "left" },
  { key: "decision", label: "Decision", width: 56, align: "left" },
] as const;

/** "Shortlist" only when the export is the shortlist (the decision filter); otherwise "Ranking". */
export function exportTitle(query: Pick<ExportContext["query"], "decision">): string {
  return query.decision === "shortlisted" ? "Shortlist" : "Ranking";
}

export interface PdfResult {
  rows: number;
  /** SHA-256 of the CSV rendering of the listed rows: the hash printed in the report. */
  contentSha256: string;
}

function money(cents: number | null): string {
  const t = usdText(cents);
  if (!t) return "—";
  const [whole] = t.split(".");
  return (whole ?? "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export async function writeBoardPdf(
  sink: PassThrough,
  db: DB,
  ctx: ExportContext,
  user: SessionUser,
  exportedAt: string,
): Promise<PdfResult> {
  // First pass: lay the report out into nothing, to count its pages.
  const discard = new Writable({
    write(_chunk, _enc, callback) {
      callback();
    },
  });
  const counted = await layOut(discard, sink, db, ctx, user, exportedAt, null);
  return layOut(sink, sink, db, ctx, user, exportedAt, counted.pages);
}

async function layOut(
  out: Writable,
  /** The client's stream: a pass stops when the client has gone. */
  client: PassThrough,
  db: DB,
  ctx: ExportContext,
  user: SessionUser,
  exportedAt: string,
  totalPages: number | null,
): Promise<PdfResult & { pages: number }> {
  const kind = exportTitle(ctx.query);
  const title = `${kind} report: ${ctx.call.title_en}`;
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin: 40,
    info: {
      Title: title,
      Author: "Capital Development Authority, Islamabad",
      Subject: `${ctx.call.slug} ${ctx.search}`,
      Creator: "CDA Investment Proposal Portal",
      CreationDate: new Date(exportedAt),
    },
    lang: "en",
  } as PDFKit.PDFDocumentOptions);
  registerCjkFonts(doc);
  doc.pipe(out);

  // "page n of m" in the bottom margin of every page, written as the page starts (writing into
  // the margin must not move the cursor or start another page).
  let pages = 0;
  const footer = () => {
    pages += 1;
    const { x, y } = doc;
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT_REGULAR)
      .fontSize(8)
      .fillColor("#505a5f")
      .text(
        `${kind} report — ${ctx.call.slug} — page ${pages} of ${totalPages ?? "?"}`,
        doc.page.margins.left,
        doc.page.height - bottomMargin + 14,
        {
          width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
          align: "center",
          lineBreak: false,
        },
      );
    doc.page.margins.bottom = bottomMargin;
    doc.x = x;
    doc.y = y;
    doc.fillColor("#0b0c0c");
  };
  footer();
  doc.on("pageAdded", footer);

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ink = "#0b0c0c";
  const grey = "#505a5f";

  doc.font(FONT_REGULAR).fontSize(9).fillColor(grey);
  doc.text("Capital Development Authority, Islamabad — Investment proposal portal", { width });
  doc.moveDown(0.4);
  doc.font(FONT_BOLD).fontSize(18).fillColor(ink).text(`${kind} report`, { width });
  doc.font(FONT_BOLD).fontSize(12).text(ctx.call.title_en, { width });
  doc.font(FONT_REGULAR).fontSize(12).text(ctx.call.title_zh, { width });
  doc.moveDown(0.5);
  const scoreName = ctx.query.score === "raw" ? "raw score" : "calibrated score";
  const facts: [string, string][] = [
    ["Call", `${ctx.call.slug} (status: ${ctx.call.status})`],
    ["Date", `${exportedAt} (UTC); ${formatDateTime(exportedAt, "en")} Pakistan time`],
    ["Prepared by", `${user.display_name} <${user.email}>`],
    [
      "Filter",
      ctx.search ? decodeURIComponent(ctx.search.slice(1)) : "none (every ranked proposal)",
    ],
    ...(ctx.limit !== null
      ? ([["Rows", `the first ${ctx.limit} in this order`]] as [string, string][])
      : []),
    ...(ctx.hidden.size
      ? ([
          [
            "Withheld",
            `${ctx.hidden.size} proposal(s) withheld from you because of your declared conflicts of interest`,
          ],
        ] as [string, string][])
      : []),
    [
      "Marks",
      "P = provisional (fewer counting reviews than the minimum: ranked, does not qualify); OVERRIDE = shortlisted although it did not meet the rules, with what it overrode and the reason",
    ],
    [
      "Order",
      `ranked by the ${scoreName}; ties broken by the published tie-break criteria (${
        ctx.criteria
          .filter((c) => c.tieBreakPosition !== null)
          .sort((a, b) => a.tieBreakPosition! - b.tieBreakPosition!)
          .map((c) => c.key)
          .join(", ") || "none"
      }), then the earlier submission, then the reference`,
    ],
    [
      "Rules",
      `qualifies with at least ${ctx.params.minReviews} counting reviews, every gate passed, every criterion at its minimum level and a raw score of at least ${ctx.params.qualifyingScore} (compared at 6 decimals)`,
    ],
  ];
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.font(FONT_BOLD).fontSize(9).text(label, left, y, { width: 90 });
    const after = doc.y;
    doc
      .font(FONT_REGULAR)
      .fontSize(9)
      .text(value, left + 95, y, { width: width - 95 });
    doc.y = Math.max(after, doc.y) + 2;
  }
  doc.x = left;

  // Criteria and weights.
  doc.moveDown(0.6);
  doc.font(FONT_BOLD).fontSize(13).text("Criteria and weights", left, doc.y, { width });
  doc.moveDown(0.2);
  for (const c of ctx.criteria) {
    const what =
      c.kind === "scored"
        ? `weight ${c.weight ?? 0}%, minimum level ${c.minLevel ?? 0}`
        : `gate (pass/fail)${c.appliesToTrack ? `, ${c.appliesToTrack} track only` : ""}`;
    doc
      .font(FONT_REGULAR)
      .fontSize(9)
      .text(`${c.key} — ${c.titleEn} / ${c.titleZh} — ${what}`, left, doc.y, { width });
  }

  // The ranked table.
  doc.moveDown(0.6);
  doc
    .font(FONT_BOLD)
    .fontSize(13)
    .text(kind === "Shortlist" ? "Shortlisted proposals" : "Ranked proposals", left, doc.y, {
      width,
    });
  doc.moveDown(0.2);
  const drawHeader = () => {
    let x = left;
    const y = doc.y;
    doc.font(FONT_BOLD).fontSize(8).fillColor(ink);
    for (const col of TABLE) {
      doc.text(col.label, x + 2, y, { width: col.width - 4, align: col.align });
      x += col.width;
    }
    doc.y = y + 22;
    doc
      .moveTo(left, doc.y - 4)
      .lineTo(left + width, doc.y - 4)
      .lineWidth(0.5)
      .strokeColor(ink)
      .stroke();
  };
  // The table's header with room for at least a row or two under it, never alone at a page's foot.
  if (doc.y > bottom() - 110) doc.addPage();
  drawHeader();

  const cellText = (r: RankingRow): Record<(typeof TABLE)[number]["key"], string> => ({
    rank: r.provisional ? `${r.rank} P` : String(r.rank),
    reference: r.reference,
    company: r.companyZh ? `${r.companyEn}\n${r.companyZh}` : r.companyEn,
    title: r.title,
    investment: money(r.investmentUsdCents),
    score: formatScore(r.score) || "—",
    calibrated: formatScore(r.calibratedScore) || "—",
    gates: r.gates,
    qualifies: r.qualifies ? "Yes" : r.provisional ? "No; provisional" : "No",
    flags: r.flags || "—",
    decision: r.decision
      ? `${DECISION_WORDS[r.decision] ?? r.decision}${r.override ? " OVERRIDE" : ""}`
      : "—",
  });

  const drawRow = (r: RankingRow) => {
    const cells = cellText(r);
    doc.font(FONT_REGULAR).fontSize(8);
    let height = 0;
    for (const col of TABLE)
      height = Math.max(
        height,
        doc.heightOfString(cells[col.key] || " ", { width: col.width - 4 }),
      );
    const reason = [
      r.decision && r.decisionReason ? `Reason: ${r.decisionReason}` : "",
      r.override ? `Override of: ${r.override}. Reason for the override: ${r.overrideReason}` : "",
    ]
      .filter(Boolean)
      .join("\n");
    const reasonHeight = reason ? doc.heightOfString(reason, { width: width - 112 }) + 2 : 0;
    if (doc.y + height + reasonHeight + 6 > bottom()) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    let x = left;
    doc.font(FONT_REGULAR).fontSize(8).fillColor(ink);
    for (const col of TABLE) {
      doc.text(cells[col.key] || " ", x + 2, y, { width: col.width - 4, align: col.align });
      x += col.width;
    }
    doc.y = y + height + 2;
    if (reason) {
      doc
        .fillColor(grey)
        .text(reason, left + 112, doc.y, { width: width - 112 })
        .fillColor(ink);
    }
    doc.y += 3;
    doc
      .moveTo(left, doc.y - 2)
      .lineTo(left + width, doc.y - 2)
      .lineWidth(0.25)
      .strokeColor("#b1b4b6")
      .stroke();
  };

  // The rows are drawn while their CSV rendering is hashed (the same bytes as export.csv).
  const csvHash = crypto.createHash("sha256");
  const hashSink = new Writable({
    write(chunk: Buffer, _enc, callback) {
      csvHash.update(chunk);
      callback();
    },
  });
  const rows = await writeBoardCsv(hashSink, db, ctx, user.id, async (page) => {
    for (const r of page) drawRow(r);
    await yieldToLoop();
    await waitForReadable(doc, out);
    assertOpen(client);
  });
  const contentSha256 = csvHash.digest("hex");
  const csvSearch =
    ctx.limit === null ? ctx.search : `${ctx.search ? `${ctx.search}&` : "?"}limit=${ctx.limit}`;
  if (rows === 0) {
    doc
      .font(FONT_REGULAR)
      .fontSize(10)
      .text("No proposals match this filter.", left, doc.y, { width });
  }

  // Integrity and authorship.
  if (doc.y > bottom() - 110) doc.addPage();
  doc.moveDown(1);
  doc.font(FONT_BOLD).fontSize(11).fillColor(ink).text("Integrity", left, doc.y, { width });
  doc.font(FONT_REGULAR).fontSize(9);
  doc.text(`${rows} proposal(s) listed. Export SHA-256 (CSV rendering of the listed rows):`, {
    width,
  });
  doc.font(FONT_BOLD).fontSize(9).text(contentSha256, { width });
  doc
    .font(FONT_REGULAR)
    .fontSize(8)
    .fillColor(grey)
    .text(
      `This hash covers the exact bytes of /board/${ctx.call.slug}/export.csv${csvSearch} for the same data (UTF-8 with BOM, header and every record), not this PDF file; the PDF file's own hash is recorded in the portal's audit log with this export.`,
      { width },
    )
    .fillColor(ink);
  doc.moveDown(0.5);
  doc
    .font(FONT_REGULAR)
    .fontSize(9)
    .text(`Prepared by ${user.display_name} <${user.email}> on ${exportedAt} (UTC).`, { width });

  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.end();
  await ended;
  return { rows, contentSha256, pages };
}
