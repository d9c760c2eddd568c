// CSV exports: UTF-8 with a byte-order mark (so that Excel opens Chinese names correctly), RFC 4180
// (comma separated, CRLF line ends, a field holding a comma, a double quote, CR or LF wrapped in
// double quotes with inner quotes doubled — csv-stringify does the quoting), a header row.
//
// Formula neutralisation ("CSV injection"): a spreadsheet runs a cell that starts with = + - or @
// (and some also after a leading tab or carriage return). Every TEXT cell that starts with one of
// = + - @ TAB CR gets a leading apostrophe ('), which spreadsheets show as text and never run;
// the rest of the text is kept exactly as typed. NUMBER cells (rank, counts, money, scores) are
// written by the portal itself as plain numbers and are never changed. A number may be negative —
// a calibrated score is not clamped and can fall below 0 (product.md "Calibrated score") — and a
// spreadsheet reads "-3.25" as the number −3.25, not as a formula, so a number cell is never given
// an apostrophe (that would turn it into text). A text cell such as a title "-5% PUE" is exported
// as "'-5% PUE": the apostrophe is the documented price of safety.
import { finished } from "node:stream/promises";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify";
import { assertOpen, ExportCancelled, waitForRoom } from "./stream.server";

const DANGEROUS_START = /^[=+\-@\t\r]/;

/** A text cell made safe to open in a spreadsheet (see the rule above). */
export function neutraliseCell(value: string): string {
  return DANGEROUS_START.test(value) ? `'${value}` : value;
}

/** A cell of a record: text is neutralised, numbers are written as given. */
export type CsvCell = { text: string } | { number: string };

export const text = (value: string | null | undefined): CsvCell => ({ text: value ?? "" });
export const num = (value: string | number | null | undefined): CsvCell => ({
  number: value === null || value === undefined ? "" : String(value),
});

function render(cell: CsvCell): string {
  return "text" in cell ? neutraliseCell(cell.text) : cell.number;
}

/**
 * Writes a header and the records of every page into `sink` (then ends it); returns the number of
 * records. Waits whenever the reader is slower than the database.
 */
export async function writeCsv(
  sink: Writable,
  header: readonly string[],
  pages: AsyncIterable<CsvCell[][]>,
): Promise<number> {
  const stringifier = stringify({ bom: true, record_delimiter: "windows", eof: true });
  stringifier.pipe(sink);
  // A reader that goes away mid-page: stop the stringifier too, so nothing waits for a drain.
  sink.once("close", () => {
    if (!stringifier.writableFinished) stringifier.destroy();
  });
  let rows = 0;
  stringifier.write([...header]);
  for await (const page of pages) {
    assertOpen(sink);
    for (const record of page) {
      if (stringifier.destroyed) throw new ExportCancelled();
      rows += 1;
      if (!stringifier.write(record.map(render))) await waitForRoom(stringifier);
    }
  }
  stringifier.end();
  await finished(stringifier);
  return rows;
}
