// The CJK fonts (two files, 21 MB) are read once for a run of PDFs and let go after it: kept for
// good they stayed in every process that had once made a PDF (a worker past the 250 MB RSS target
// in bench/RESULTS.md), and read for each document a report (laid out twice) allocated 42 MB.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FONT_BOLD, FONT_KEEP_MS, FONT_REGULAR, fontBytes } from "~/services/pdf.server";

afterEach(() => {
  vi.useRealTimers();
});

describe("the PDF fonts' bytes", () => {
  it("are shared by the documents of one run, then released once none was made for a while", () => {
    vi.useFakeTimers();
    const regular = fontBytes(FONT_REGULAR);
    const bold = fontBytes(FONT_BOLD);
    // A TrueType file: big enough to be the CJK font, not a stub.
    expect(regular.readUInt32BE(0)).toBe(0x00010000);
    expect(regular.length).toBeGreaterThan(5_000_000);
    // (Compared by identity as booleans: a failing diff of two 10 MB buffers takes minutes.)
    expect(bold === regular).toBe(false);

    // The report's second pass, a moment later, gets the same bytes (no second read).
    vi.advanceTimersByTime(FONT_KEEP_MS - 1);
    expect(fontBytes(FONT_REGULAR) === regular).toBe(true);
    // Each use keeps them a full period longer.
    vi.advanceTimersByTime(FONT_KEEP_MS - 1);
    expect(fontBytes(FONT_BOLD) === bold).toBe(true);

    // Nothing used them for a whole period: both are let go, and the next PDF reads them again.
    vi.advanceTimersByTime(FONT_KEEP_MS);
    const again = fontBytes(FONT_REGULAR);
    expect(again === regular).toBe(false);
    expect(again.equals(regular)).toBe(true);
  });
});
