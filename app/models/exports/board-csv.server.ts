// The board's CSV: one record per proposal in the board's filter and order, product.md's columns.
import type { Writable } from "node:stream";
import { formatScore } from "~/domain/scoring";
import type { DB } from "~/services/db.server";
import {
  rankingPages,
  usdText,
  RANKING_COLUMNS,
  type ExportContext,
  type RankingRow,
} from "./board-data.server";
import { num, text, writeCsv, type CsvCell } from "~/services/exports/csv.server";

/**
 * One CSV record. Scores are written to 2 decimals (formatScore: half away from zero), as on the
 * board; investment_usd is exact dollars and cents; submitted_at is ISO 8601 UTC as stored.
 */
export function rankingCsvRecord(r: RankingRow): CsvCell[] {
  return [
    num(r.rank),
    text(r.reference),
    text(r.companyEn),
    text(r.companyZh),
    text(r.title),
    text(r.tracks),
    num(usdText(r.investmentUsdCents)),
    num(r.reviewsSubmitted),
    num(r.reviewsRequired),
    num(formatScore(r.score)),
    num(formatScore(r.calibratedScore)),
    text(r.gates),
    text(r.qualifies ? "yes" : "no"),
    text(r.flags),
    text(r.decision ?? ""),
    text(r.decisionReason),
    text(r.submittedAt),
    text(r.provisional ? "yes" : "no"),
    text(r.override),
    text(r.overrideReason),
  ];
}

async function* csvPages(
  pages: AsyncIterable<RankingRow[]>,
  onPage?: (rows: RankingRow[]) => Promise<void> | void,
): AsyncGenerator<CsvCell[][]> {
  for await (const page of pages) {
    if (onPage) await onPage(page);
    yield page.map(rankingCsvRecord);
  }
}

/**
 * Writes the board's CSV into `sink`; returns the number of records. `onPage` sees each page of
 * rows before it is written (the PDF report draws the same rows while it hashes their CSV).
 */
export function writeBoardCsv(
  sink: Writable,
  db: DB,
  ctx: ExportContext,
  userId: number,
  onPage?: (rows: RankingRow[]) => Promise<void> | void,
): Promise<number> {
  return writeCsv(sink, RANKING_COLUMNS, csvPages(rankingPages(db, ctx, userId), onPage));
}
