// PDF documents (the applicant's receipt, the board's shortlist report) with pdfkit. Chinese
// text needs a CJK font: Noto Sans SC (SIL Open Font License) is shipped in the npm package
// @expo-google-fonts/noto-sans-sc, so a fresh `npm ci` has it. pdfkit embeds only the glyphs a
// document uses, so a receipt stays small although the font file is about 10 MB.
import fs from "node:fs";
import { createRequire } from "node:module";
import type PDFDocumentClass from "pdfkit";
import { lazyRequire } from "~/services/lazy-module.server";

export const FONT_REGULAR = "NotoSansSC";
export const FONT_BOLD = "NotoSansSC-Bold";

const FONT_FILES = {
  [FONT_REGULAR]: "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
  [FONT_BOLD]: "@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf",
} as const;

/** How long the fonts' bytes are kept after the last PDF that used them. */
export const FONT_KEEP_MS = 10_000;
const fontCache = new Map<string, Buffer>();
let releaseFonts: ReturnType<typeof setTimeout> | undefined;

/**
 * The font file's bytes: read once for a run of PDFs (a report is laid out twice, and exports
 * come in runs), then let go FONT_KEEP_MS after the last use. Kept for good, the two files
 * (21 MB) stayed in every process that had once made a PDF; read for each document, a report
 * allocated 42 MB of them.
 */
export function fontBytes(name: keyof typeof FONT_FILES): Buffer {
  let bytes = fontCache.get(name);
  if (!bytes) {
    const require = createRequire(import.meta.url);
    bytes = fs.readFileSync(require.resolve(FONT_FILES[name]));
    fontCache.set(name, bytes);
  }
  clearTimeout(releaseFonts);
  releaseFonts = setTimeout(() => fontCache.clear(), FONT_KEEP_MS);
  releaseFonts.unref();
  return bytes;
}

/** pdfkit, loaded when the first PDF is made (lazy-module.server.ts). */
export const pdfkit = lazyRequire<typeof PDFDocumentClass>("pdfkit");

/** Registers the CJK fonts on a document (regular and bold) and selects the regular one. */
export function registerCjkFonts(doc: PDFKit.PDFDocument): PDFKit.PDFDocument {
  doc.registerFont(FONT_REGULAR, fontBytes(FONT_REGULAR));
  doc.registerFont(FONT_BOLD, fontBytes(FONT_BOLD));
  doc.font(FONT_REGULAR);
  return doc;
}

/** A new A4 document with the CJK fonts registered and metadata set. */
export function createPdf(info: {
  title: string;
  author?: string;
  subject?: string;
  lang?: string;
}) {
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: info.title,
      Author: info.author ?? "Capital Development Authority, Islamabad",
      Subject: info.subject ?? info.title,
      Creator: "CDA Investment Proposal Portal",
    },
    lang: info.lang ?? "en",
  } as PDFKit.PDFDocumentOptions);
  return registerCjkFonts(doc);
}

/** Collects a finished document into one buffer (for small documents such as a receipt). */
export function pdfToBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/** Rows of label and value, the label in bold; long values wrap. */
export function labelledRows(
  doc: PDFKit.PDFDocument,
  rows: readonly (readonly [string, string])[],
  options: { labelWidth?: number; fontSize?: number } = {},
) {
  const labelWidth = options.labelWidth ?? 160;
  const size = options.fontSize ?? 10;
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  for (const [label, value] of rows) {
    const y = doc.y;
    doc
      .font(FONT_BOLD)
      .fontSize(size)
      .text(label, left, y, { width: labelWidth - 10 });
    const afterLabel = doc.y;
    doc
      .font(FONT_REGULAR)
      .fontSize(size)
      .text(value, left + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(afterLabel, doc.y) + 4;
  }
  doc.x = left;
}

export interface ReceiptPdfInput {
  reference: string;
  callTitle: string;
  title: string | null;
  companyEn: string | null;
  companyZh: string | null;
  submittedAt: string;
  submittedBy: string;
  signatory: string | null;
  status: string;
  documents: { kind: string; name: string; size: string; sha256: string }[];
}

export interface ReceiptPdfLabels {
  issuer: string;
  heading: string;
  reference: string;
  call: string;
  proposalTitle: string;
  companyEn: string;
  companyZh: string;
  submittedAt: string;
  submittedBy: string;
  signatory: string;
  status: string;
  documents: string;
  noDocuments: string;
  docSha: string;
  note: string;
  generated: string;
  notProvided: string;
}

/** The applicant's receipt as a PDF, in the page language, with Chinese names as typed. */
export async function renderReceiptPdf(
  r: ReceiptPdfInput,
  l: ReceiptPdfLabels,
  lang: string,
): Promise<Buffer> {
  const doc = createPdf({ title: l.heading, subject: r.reference, lang });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font(FONT_REGULAR).fontSize(9).fillColor("#505a5f").text(l.issuer, { width });
  doc.moveDown(0.5);
  doc.font(FONT_BOLD).fontSize(18).fillColor("#0b0c0c").text(l.heading, { width });
  doc.moveDown(0.8);
  const orNot = (v: string | null) => (v && v.trim() ? v : l.notProvided);
  labelledRows(doc, [
    [l.reference, r.reference],
    [l.call, r.callTitle],
    [l.proposalTitle, orNot(r.title)],
    [l.companyEn, orNot(r.companyEn)],
    [l.companyZh, orNot(r.companyZh)],
    [l.submittedAt, r.submittedAt],
    [l.submittedBy, r.submittedBy],
    [l.signatory, orNot(r.signatory)],
    [l.status, r.status],
  ]);
  doc.moveDown(0.8);
  doc.font(FONT_BOLD).fontSize(13).text(l.documents, left, doc.y, { width });
  doc.moveDown(0.4);
  if (!r.documents.length) doc.font(FONT_REGULAR).fontSize(10).text(l.noDocuments, { width });
  for (const d of r.documents) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 60) doc.addPage();
    doc
      .font(FONT_BOLD)
      .fontSize(10)
      .text(`${d.kind}: ${d.name} (${d.size})`, left, doc.y, { width });
    doc
      .font(FONT_REGULAR)
      .fontSize(8)
      .fillColor("#505a5f")
      .text(`${l.docSha} ${d.sha256}`, { width })
      .fillColor("#0b0c0c");
    doc.moveDown(0.4);
  }
  doc.moveDown(0.8);
  doc.font(FONT_REGULAR).fontSize(9).text(l.note, left, doc.y, { width });
  doc.moveDown(0.4);
  doc.fontSize(8).fillColor("#505a5f").text(l.generated, { width });
  return pdfToBuffer(doc);
}
