// Issue 12, item 6: a company name holding characters XML 1.0 forbids (U+FFFF, U+FFFE) made a
// workbook that strict readers refuse. A row inserted directly (past the form's refusal) must
// still give a workbook that parses, with the row intact minus those characters.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import * as xlsxRoute from "~/routes/board.$slug.export[.xlsx]";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { BASE, testContext } from "../support/remix";
import { createCall, createSubmittedProposal, signedIn } from "../support/factories";

const EVIL_EN = "Evil \uFFFF\uFFFE Data Co";
const EVIL_ZH = "邪恶\u0001数据\uFDD0有限公司";

let slug = "";
let official: Awaited<ReturnType<typeof signedIn>>;
let reference = "";

beforeAll(async () => {
  const db = getDb();
  const { call } = await createCall({ status: "closed" });
  slug = call.slug;
  const { proposal } = await createSubmittedProposal(call.id, { status: "under_review" });
  await db
    .updateTable("proposals")
    .set({ company_en: EVIL_EN, company_zh: EVIL_ZH, title: "Campus \uFFFF one" })
    .where("id", "=", proposal.id)
    .execute();
  reference = proposal.reference!;
  await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
  official = await signedIn("official");
});

describe("XLSX with forbidden characters in the data", () => {
  it("still parses, with the row intact and the characters removed", async () => {
    const request = new Request(new URL(`/board/${slug}/export.xlsx`, BASE), {
      headers: { Cookie: official.cookie },
    });
    const response = (await xlsxRoute.loader({
      request,
      params: { slug },
      context: testContext,
    })) as Response;
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    const ranking = wb.getWorksheet("Ranking")!;
    const header = (ranking.getRow(1).values as unknown[]).slice(1);
    const row = (ranking.getRow(2).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("reference")).toBe(reference);
    expect(cell("company_en")).toBe("Evil  Data Co");
    expect(cell("company_zh")).toBe("邪恶数据有限公司");
    expect(cell("title")).toBe("Campus  one");
  });
});
