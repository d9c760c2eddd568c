// The board's three exports from the built server in Chromium, as an official downloads them: the
// built server makes each file in an export process of its own, started from the export bundle
// (build/jobs/export-job.js; docs/decisions/0028-exports-in-their-own-process.md). Each file is
// whole (CSV with its BOM and header, XLSX a zip, PDF from %PDF to %%EOF) and its audit row says
// completed, with the SHA-256 of exactly the bytes the browser saved.
import crypto from "node:crypto";
import fs from "node:fs";
import SQLite from "better-sqlite3";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_CALL_SLUG } from "~db/seed";
import { launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function lastExportAudit(action: string): Record<string, unknown> | undefined {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare("select after_json from audit_log where action = ? order by id desc limit 1")
      .get(action) as { after_json: string } | undefined;
    return row ? (JSON.parse(row.after_json) as Record<string, unknown>) : undefined;
  } finally {
    db.close();
  }
}

describe("board exports from the built server", () => {
  it("hands over a whole CSV, XLSX and PDF, each audited with the hash of its bytes", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, "official@demo.test");
    await page.goto(`/board/${DEMO_CALL_SLUG}`);
    for (const [kind, label, check] of [
      ["csv", "CSV", (b: Buffer) => b.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))],
      ["xlsx", "Excel workbook (XLSX)", (b: Buffer) => b.subarray(0, 2).toString() === "PK"],
      [
        "pdf",
        "PDF shortlist report",
        (b: Buffer) =>
          b.subarray(0, 5).toString() === "%PDF-" && b.subarray(-6).toString().includes("%%EOF"),
      ],
    ] as const) {
      const download = page.waitForEvent("download");
      await page.locator(".board-exports a", { hasText: label }).click();
      const file = await (await download).path();
      expect(file, `${kind}: the download failed`).toBeTruthy();
      const bytes = fs.readFileSync(file);
      expect(check(bytes), `${kind}: not a whole file`).toBe(true);
      // The audit row is written before the body ends, so it is there once the file is.
      expect(lastExportAudit(`export.${kind}`)).toMatchObject({
        completed: true,
        bytes: bytes.length,
        sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
      });
    }
    await context.close();
  });
});
