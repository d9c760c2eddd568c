// The board's exports (CSV, XLSX, PDF) against a real migrated SQLite file: formats, formula
// neutralisation, Chinese names, the board's filters and order, audit rows with the SHA-256 of the
// bytes sent, a workbook whose ranking is recomputed from its own sheets by a separate, plain
// implementation of the published rules, a PDF whose text shows the names and the hash, and who
// may download them.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CRITERIA } from "~db/seed/default-criteria";
import * as csvRoute from "~/routes/board.$slug.export[.csv]";
import * as xlsxRoute from "~/routes/board.$slug.export[.xlsx]";
import * as pdfRoute from "~/routes/board.$slug.export[.pdf]";
import { listBoard, parseBoardQuery } from "~/models/board.server";
import { recordDecision } from "~/models/board-decisions.server";
import { recordModeration } from "~/models/moderation.server";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { neutraliseCell } from "~/services/exports/csv.server";
import { XLSX_PACING } from "~/models/exports/xlsx.server";
import { BASE, testContext } from "../support/remix";
import { createUser, signedIn } from "../support/factories";

const SLUG = "export-test";
const COLUMNS =
  "rank,reference,company_en,company_zh,title,tracks,investment_usd,reviews_submitted,reviews_required,score,calibrated_score,gates,qualifies,flags,decision,decision_reason,submitted_at,provisional,override,override_reason";
const EVIL = '=HYPERLINK("http://evil.example/?x=1","Click")';

type Loader = (args: {
  request: Request;
  params: Record<string, string>;
  context: typeof testContext;
}) => unknown;

/** Calls an export loader like Remix does and reads the whole body as bytes. */
async function download(loader: Loader, query: string, cookie: string | null) {
  const headers = new Headers();
  if (cookie) headers.set("Cookie", cookie);
  const request = new Request(new URL(`/board/${SLUG}/export${query}`, BASE), { headers });
  let response: Response;
  try {
    response = (await loader({
      request,
      params: { slug: SLUG },
      context: testContext,
    })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) response = thrown;
    else throw thrown;
  }
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body };
}

const sha256 = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

/** A plain RFC 4180 parser (quoted fields, doubled quotes, CRLF), for reading the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function lastAudit(action: string) {
  return getDb()
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", action)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------- test data

let callId = 0;
let versionId = 0;
const criterionIds = new Map<string, number>();
const ids: Record<string, number> = {};
let official: Awaited<ReturnType<typeof signedIn>>;
let ref = 0;

const SCORED = DEFAULT_CRITERIA.filter((c) => c.kind === "scored");
const GATES = DEFAULT_CRITERIA.filter((c) => c.kind === "gate");

async function proposal(
  name: string,
  company: { en: string; zh: string },
  opts: {
    tracks?: string;
    title?: string;
    submittedAt: string;
    status?: "under_review" | "withdrawn";
  },
) {
  const db = getDb();
  const owner = await createUser("applicant");
  const org = await db
    .insertInto("organisations")
    .values({ legal_name_en: company.en, legal_name_zh: company.zh })
    .returning("id")
    .executeTakeFirstOrThrow();
  ref += 1;
  const p = await db
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: owner.id,
      organisation_id: org.id,
      status: opts.status ?? "under_review",
      reference: `CDA-2026-${String(ref).padStart(4, "0")}`,
      title: opts.title ?? `${name} campus`,
      tracks: opts.tracks ?? "tier4DataCentre",
      company_en: company.en,
      company_zh: company.zh,
      investment_amount: "250000000",
      investment_currency: "USD",
      investment_usd_cents: 25_000_000_000 + ref * 100 + 7,
      criteria_version_id: versionId,
      submitted_at: opts.submittedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids[name] = p.id;
  return p.id;
}

async function review(
  proposalId: number,
  reviewerId: number,
  levels: Record<string, number>,
  gates: Record<string, boolean> = {},
) {
  const db = getDb();
  const r = await db
    .insertInto("reviews")
    .values({
      proposal_id: proposalId,
      reviewer_id: reviewerId,
      criteria_version_id: versionId,
      status: "submitted",
      submitted_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("review_scores")
    .values([
      ...SCORED.map((c) => ({
        review_id: r.id,
        criterion_id: criterionIds.get(c.key)!,
        level: levels[c.key]!,
        rationale: `${c.key}: evidence, "quoted", 证据 (reviewer ${reviewerId})`,
      })),
      ...GATES.map((g) => ({
        review_id: r.id,
        criterion_id: criterionIds.get(g.key)!,
        gate_pass: gates[g.key] === false ? 0 : 1,
        rationale: `Gate ${g.key}`,
      })),
    ])
    .execute();
}

/** Levels around a base, shifted by a reviewer's harshness, varied per criterion. */
function levelsFor(base: number, shift: number, seed: number): Record<string, number> {
  return Object.fromEntries(
    SCORED.map((c, i) => [c.key, Math.max(0, Math.min(5, base + shift + (((seed + i) % 3) - 1)))]),
  );
}

beforeAll(async () => {
  const db = getDb();
  const call = await db
    .insertInto("calls")
    .values({
      slug: SLUG,
      title_en: "Export test call",
      title_zh: "导出测试征集",
      status: "closed",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2026-06-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  callId = call.id;
  versionId = (
    await db
      .insertInto("criteria_versions")
      .values({ call_id: callId, version: 1, published_at: "2026-01-01T00:00:00.000Z" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  let position = 0;
  for (const c of DEFAULT_CRITERIA) {
    const row = await db
      .insertInto("criteria")
      .values({
        criteria_version_id: versionId,
        key: c.key,
        kind: c.kind,
        position: position++,
        title_en: c.titleEn,
        title_zh: c.titleZh,
        weight: c.weight,
        min_level: c.minLevel,
        descriptors_json: JSON.stringify(c.descriptors),
        applies_to_track: c.appliesToTrack,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    criterionIds.set(c.key, row.id);
  }
  const harsh = (await createUser("reviewer", { displayName: "Harsh Reviewer" })).id;
  const lenient = (await createUser("reviewer", { displayName: "Lenient Reviewer" })).id;
  const third = (await createUser("reviewer", { displayName: "Third Reviewer" })).id;
  const fourth = (await createUser("reviewer", { displayName: "Fourth Reviewer" })).id;
  official = await signedIn("official", { displayName: "Official Exporter" });

  const t = (d: number) => `2026-03-${String(d).padStart(2, "0")}T08:00:00.000Z`;
  const huawei = await proposal(
    "huawei",
    { en: "Huawei Cloud Computing Technologies Co., Ltd.", zh: "华为云计算技术有限公司" },
    { tracks: "tier4DataCentre,bigDataPlatform", submittedAt: t(1) },
  );
  const evil = await proposal(
    "evil",
    { en: EVIL, zh: "阿里云计算有限公司" },
    { tracks: "bigDataPlatform", title: 'Campus, "Phase 1"\nand beyond', submittedAt: t(2) },
  );
  // A tie: the same three reviewers give totals that are equal at full precision; tie4 decides.
  const tieA = await proposal(
    "tieA",
    { en: "Inspur Group", zh: "浪潮集团有限公司" },
    { submittedAt: t(4) },
  );
  const tieB = await proposal(
    "tieB",
    { en: "China Mobile Data", zh: "中国移动数据有限公司" },
    { submittedAt: t(3) },
  );
  const split = await proposal(
    "split",
    { en: "Sugon Information", zh: "中科曙光信息产业股份有限公司" },
    { submittedAt: t(5) },
  );
  const moderated = await proposal(
    "moderated",
    { en: "ZTE Data Systems", zh: "中兴数据系统有限公司" },
    { submittedAt: t(6) },
  );
  const short = await proposal(
    "short",
    { en: "Kingsoft Cloud", zh: "金山云有限公司" },
    { submittedAt: t(7) },
  );
  await proposal(
    "unreviewed",
    { en: "Tencent Cloud", zh: "腾讯云计算有限公司" },
    { submittedAt: t(8) },
  );
  await proposal(
    "withdrawn",
    { en: "Withdrawn Co", zh: "撤回有限公司" },
    { submittedAt: t(9), status: "withdrawn" },
  );

  // Harsh and lenient reviewers score six proposals each (≥ 5: calibrated); the third only three.
  const base: Record<string, number> = { huawei: 4, evil: 3, split: 3, moderated: 3 };
  let seed = 0;
  for (const [name, id] of [
    ["huawei", huawei],
    ["evil", evil],
    ["split", split],
    ["moderated", moderated],
  ] as const) {
    seed += 1;
    const gatesHarsh: Record<string, boolean> =
      name === "split" ? { g1: false } : name === "moderated" ? { g3: false } : {};
    await review(id, harsh, levelsFor(base[name]!, -1, seed), gatesHarsh);
    await review(id, lenient, levelsFor(base[name]!, 1, seed + 1));
  }
  await review(huawei, third, levelsFor(4, 0, 5));
  // tieA: tier4 higher, energy lower; tieB the reverse — equal totals, tie broken on tier4.
  const tie = (tier4: number, energy: number) => ({
    ...levelsFor(3, 0, 0),
    tier4,
    energy,
  });
  for (const r of [harsh, lenient, third]) {
    const shift = r === harsh ? -1 : r === lenient ? 1 : 0;
    const a = tie(3 + shift, 2 + shift);
    const b = tie(2 + shift, 4 + shift);
    // 20 × tier4 + 10 × energy equal for both: 20(t+1) + 10(e−2) = 20t + 10e.
    await review(tieA, r, a);
    await review(tieB, r, b);
  }
  await review(short, fourth, levelsFor(4, 0, 2));
  await db.transaction().execute((trx) => rebuildCallScores(trx, callId));

  const callRow = await db
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", callId)
    .executeTakeFirstOrThrow();
  const actor = { id: official.user.id, email: official.user.email };
  expect(
    await recordModeration(db, {
      call: callRow,
      proposalId: moderated,
      kind: "gate_decision",
      values: { gate: "g3", gatePass: "pass", gateNote: "Residency plan verified by CDA legal." },
      actor,
    }),
  ).toEqual({ ok: true });
  expect(
    (
      await recordDecision(db, {
        call: callRow,
        proposalId: huawei,
        values: { outcome: "shortlisted", reason: "Certified Tier IV design; 已认证。" },
        actor,
      })
    ).ok,
  ).toBe(true);
  expect(
    (
      await recordDecision(db, {
        call: callRow,
        proposalId: evil,
        values: { outcome: "reserve", reason: '-Strong data plan, "but" no Tier IV\nsecond line' },
        actor,
      })
    ).ok,
  ).toBe(true);
});

async function boardOrder(query: string): Promise<string[]> {
  const call = await getDb()
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", callId)
    .executeTakeFirstOrThrow();
  const page = await listBoard(
    getDb(),
    call,
    official.user.id,
    parseBoardQuery(new URLSearchParams(query)),
    1000,
  );
  return page.rows.map((r) => r.reference ?? "");
}

// ---------------------------------------------------------------- CSV

describe("CSV export", () => {
  it("is UTF-8 with a BOM, RFC 4180, the product's columns, neutralised formulas, Chinese intact", async () => {
    const res = await download(csvRoute.loader as Loader, ".csv", official.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="ranking-export-test-\d{8}T\d{4}Z\.csv"; filename\*=UTF-8''/,
    );
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toContain("no-store");
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.body.subarray(3).toString("utf8");
    expect(text.startsWith(`${COLUMNS}\r\n`)).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]!.join(",")).toBe(COLUMNS);
    const records = rows.slice(1);
    // Every ranked proposal (the withdrawn one is not ranked), in the board's order.
    expect(records.map((r) => r[1])).toEqual(await boardOrder(""));
    expect(records).toHaveLength(8);
    const byRef = new Map(records.map((r) => [r[1], r]));
    const evil = records.find((r) => r[3] === "阿里云计算有限公司")!;
    expect(evil[2]).toBe(`'${EVIL}`);
    expect(evil[4]).toBe('Campus, "Phase 1"\nand beyond');
    expect(text).toContain('"Campus, ""Phase 1""\nand beyond"');
    expect(evil[14]).toBe("reserve");
    expect(evil[15]).toBe(`'-Strong data plan, "but" no Tier IV\nsecond line`);
    const huawei = records.find((r) => r[2] === "Huawei Cloud Computing Technologies Co., Ltd.")!;
    expect(huawei[3]).toBe("华为云计算技术有限公司");
    expect(huawei[5]).toBe("tier4DataCentre;bigDataPlatform");
    expect(huawei[14]).toBe("shortlisted");
    expect(huawei[15]).toBe("Certified Tier IV design; 已认证。");
    expect(huawei[16]).toBe("2026-03-01T08:00:00.000Z");
    expect(huawei[9]).toMatch(/^\d+\.\d\d$/);
    expect(huawei[6]).toBe("250000001.07");
    // No cell of any record starts with a character a spreadsheet would run.
    for (const r of records) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(byRef.size).toBe(8);

    const audit = await lastAudit("export.csv");
    const after = JSON.parse(audit.after_json!);
    expect(audit.actor_id).toBe(official.user.id);
    expect(audit.actor_email).toBe(official.user.email);
    expect(audit.call_id).toBe(callId);
    expect(audit.request_id).toBe("test-request");
    expect(after).toMatchObject({ completed: true, rows: 8, filter: "", bytes: res.body.length });
    expect(after.sha256).toBe(sha256(res.body));
  });

  it("neutralises every dangerous first character and nothing else", () => {
    for (const s of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      expect(neutraliseCell(s)).toBe(`'${s}`);
    for (const s of ["华为", "A=1", " =1", "", "1-2"]) expect(neutraliseCell(s)).toBe(s);
  });

  it("honours the board's filters and order", async () => {
    const shortlist = await download(
      csvRoute.loader as Loader,
      ".csv?decision=shortlisted",
      official.cookie,
    );
    expect(shortlist.headers.get("Content-Disposition")).toContain(
      'filename="shortlist-export-test-shortlisted-',
    );
    const rows = parseCsv(shortlist.body.subarray(3).toString("utf8")).slice(1);
    expect(rows.map((r) => r[3])).toEqual(["华为云计算技术有限公司"]);
    expect(JSON.parse((await lastAudit("export.csv")).after_json!)).toMatchObject({
      rows: 1,
      filter: "?decision=shortlisted",
      sha256: sha256(shortlist.body),
    });

    const query = "score=calibrated&sort=company&dir=desc&flagged=no";
    const sorted = await download(csvRoute.loader as Loader, `.csv?${query}`, official.cookie);
    const refs = parseCsv(sorted.body.subarray(3).toString("utf8"))
      .slice(1)
      .map((r) => r[1]);
    expect(refs).toEqual(await boardOrder(query));
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.length).toBeLessThan(8);
  });
});

describe("an export with nothing to list", () => {
  it("still gives a well-formed file in every format", async () => {
    await getDb()
      .insertInto("calls")
      .values({
        slug: "export-empty",
        title_en: "Empty call",
        title_zh: "空征集",
        opens_at: "2026-01-01T00:00:00.000Z",
        closes_at: "2027-01-01T00:00:00.000Z",
      })
      .execute();
    const empty =
      (loader: Loader): Loader =>
      (args) =>
        loader({ ...args, params: { slug: "export-empty" } });
    const csv = await download(empty(csvRoute.loader as Loader), ".csv", official.cookie);
    expect(csv.body.toString("utf8")).toBe(`\ufeff${COLUMNS}\r\n`);
    expect(JSON.parse((await lastAudit("export.csv")).after_json!)).toMatchObject({ rows: 0 });
    const xlsx = await download(empty(xlsxRoute.loader as Loader), ".xlsx", official.cookie);
    expect(sheetRows((await readWorkbook(xlsx.body)).getWorksheet("Ranking")!)).toEqual([]);
    const pdf = await download(empty(pdfRoute.loader as Loader), ".pdf", official.cookie);
    expect(pdf.body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(JSON.parse((await lastAudit("export.pdf")).after_json!)).toMatchObject({
      rows: 0,
      contentSha256: sha256(csv.body),
    });
  });
});

describe("a large export", () => {
  it("streams in many chunks and audits an abandoned download as not completed", async () => {
    const db = getDb();
    const big = await db
      .insertInto("calls")
      .values({
        slug: "export-big",
        title_en: "Big export call",
        title_zh: "大型导出",
        opens_at: "2026-01-01T00:00:00.000Z",
        closes_at: "2027-01-01T00:00:00.000Z",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const owner = await createUser("applicant");
    await db
      .insertInto("proposals")
      .values(
        Array.from({ length: 3000 }, (_, i) => ({
          call_id: big.id,
          owner_id: owner.id,
          status: "submitted" as const,
          reference: `CDA-2025-${String(i + 1).padStart(4, "0")}`,
          title: `A long enough title for proposal number ${i} to make the rows realistic`,
          tracks: "tier4DataCentre",
          company_en: `Company ${i} Data Infrastructure Holdings Ltd`,
          company_zh: `第${i}数据基础设施控股有限公司`,
          submitted_at: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
        })),
      )
      .execute();
    await db.transaction().execute((trx) => rebuildCallScores(trx, big.id));
    const request = new Request(new URL("/board/export-big/export.csv", BASE), {
      headers: { Cookie: official.cookie },
    });
    const response = (await csvRoute.loader({
      request,
      params: { slug: "export-big" },
      context: testContext,
    })) as Response;
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBeLessThan(500_000);
    await reader.cancel();
    let row;
    for (let i = 0; i < 50 && !row; i++) {
      await new Promise((r) => setTimeout(r, 20));
      row = await db
        .selectFrom("audit_log")
        .selectAll()
        .where("action", "=", "export.csv")
        .where("call_id", "=", big.id)
        .executeTakeFirst();
    }
    expect(row).toBeDefined();
    expect(JSON.parse(row!.after_json!)).toMatchObject({ completed: false });

    // The Node adapter does not cancel the body when the client disconnects; it aborts the
    // request's signal, which stops the export too.
    const controller = new AbortController();
    const aborted = (await xlsxRoute.loader({
      request: new Request(new URL("/board/export-big/export.xlsx", BASE), {
        headers: { Cookie: official.cookie },
        signal: controller.signal,
      }),
      params: { slug: "export-big" },
      context: testContext,
    })) as Response;
    const abortedReader = aborted.body!.getReader();
    await abortedReader.read();
    controller.abort();
    await expect(
      (async () => {
        for (;;) if ((await abortedReader.read()).done) return "ended";
      })(),
    ).rejects.toBeDefined();
    let xlsxRow;
    for (let i = 0; i < 50 && !xlsxRow; i++) {
      await new Promise((r) => setTimeout(r, 20));
      xlsxRow = await db
        .selectFrom("audit_log")
        .selectAll()
        .where("action", "=", "export.xlsx")
        .where("call_id", "=", big.id)
        .executeTakeFirst();
    }
    expect(JSON.parse(xlsxRow!.after_json!)).toMatchObject({ completed: false });

    const full = await download(
      (args) => csvRoute.loader({ ...args, params: { slug: "export-big" } }),
      ".csv",
      official.cookie,
    );
    expect(parseCsv(full.body.subarray(3).toString("utf8"))).toHaveLength(3001);
  });
});

// ---------------------------------------------------------------- XLSX

type Cell = ExcelJS.CellValue;
function sheetRows(ws: ExcelJS.Worksheet): Record<string, Cell>[] {
  const header = (ws.getRow(1).values as Cell[]).slice(1).map(String);
  const out: Record<string, Cell>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const values = row.values as Cell[];
    out.push(Object.fromEntries(header.map((h, i) => [h, values[i + 1] ?? null])));
  });
  return out;
}

/**
 * The published rules, implemented again as plainly as possible from the workbook's own sheets
 * (nothing imported from app/domain/scoring.ts). Two scores are "equal at full precision" when
 * they differ by less than 1e-9 (floating-point sums of the same rationals).
 */
function recompute(wb: ExcelJS.Workbook) {
  const rules = new Map(
    sheetRows(wb.getWorksheet("Rules")!).map((r) => [String(r.parameter), r.value]),
  );
  const criteria = sheetRows(wb.getWorksheet("Criteria")!);
  const raw = sheetRows(wb.getWorksheet("Raw scores")!);
  const proposals = sheetRows(wb.getWorksheet("Proposals")!);
  const moderations = sheetRows(wb.getWorksheet("Moderations")!);
  const minReviews = Number(rules.get("min_reviews"));
  const qualifying = Number(rules.get("qualifying_score"));
  const calMin = Number(rules.get("calibration_min_reviews"));
  const mode = String(rules.get("score_in_use"));
  const tieBreak = String(rules.get("tie_break_order")).split(",").filter(Boolean);
  const scored = criteria.filter((c) => c.kind === "scored");
  const gates = criteria.filter((c) => c.kind === "gate");

  // reviews[reference][reviewer] = { key: value }
  const reviews = new Map<string, Map<string, Map<string, Cell>>>();
  for (const r of raw) {
    const ref = String(r.reference);
    const byReviewer = reviews.get(ref) ?? new Map<string, Map<string, Cell>>();
    const answers = byReviewer.get(String(r.reviewer)) ?? new Map<string, Cell>();
    answers.set(String(r.criterion_key), r.level_or_pass_fail);
    byReviewer.set(String(r.reviewer), answers);
    reviews.set(ref, byReviewer);
  }
  const totalOf = (answers: Map<string, Cell>) =>
    scored.reduce((s, c) => s + (Number(c.weight) * Number(answers.get(String(c.key)))) / 5, 0);
  const allTotals: { reviewer: string; ref: string; total: number }[] = [];
  for (const [ref, byReviewer] of reviews)
    for (const [reviewer, answers] of byReviewer)
      allTotals.push({ reviewer, ref, total: totalOf(answers) });
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sdOf = (xs: number[]) => {
    const m = meanOf(xs);
    return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
  };
  const callMean = meanOf(allTotals.map((t) => t.total));
  const callSd = sdOf(allTotals.map((t) => t.total));
  const calibrated = (reviewer: string, total: number) => {
    const own = allTotals.filter((t) => t.reviewer === reviewer).map((t) => t.total);
    const sd = sdOf(own);
    if (own.length < calMin || sd === 0) return total;
    return callMean + (callSd * (total - meanOf(own))) / sd;
  };

  const results = proposals.map((p) => {
    const ref = String(p.reference);
    const byReviewer = reviews.get(ref) ?? new Map<string, Map<string, Cell>>();
    const n = byReviewer.size;
    const means = new Map<string, number | null>();
    for (const c of scored) {
      const levels = [...byReviewer.values()].map((a) => Number(a.get(String(c.key))));
      means.set(String(c.key), levels.length ? meanOf(levels) : null);
    }
    const score = n
      ? scored.reduce((s, c) => s + (Number(c.weight) * means.get(String(c.key))!) / 5, 0)
      : null;
    const calibratedScore = n
      ? meanOf([...byReviewer].map(([reviewer, a]) => calibrated(reviewer, totalOf(a))))
      : null;
    const tracks = String(p.tracks ?? "").split(";");
    const gatePassed = gates.every((g) => {
      if (g.applies_to_track && !tracks.includes(String(g.applies_to_track))) return true;
      const votes = [...byReviewer.values()].map((a) => a.get(String(g.key)));
      const pass = votes.filter((v) => v === "pass").length;
      const fail = votes.filter((v) => v === "fail").length;
      if (pass !== fail) return pass > fail;
      const decisions = moderations.filter(
        (m) => m.reference === ref && m.kind === "gate_decision" && m.criterion_key === g.key,
      );
      return decisions.length > 0 && decisions[decisions.length - 1]!.decision === "pass";
    });
    const qualifies =
      n >= minReviews &&
      gatePassed &&
      scored.every((c) => (means.get(String(c.key)) ?? -1) >= Number(c.min_level)) &&
      score !== null &&
      score >= qualifying;
    return {
      ref,
      submittedAt: (p.submitted_at as Date).toISOString(),
      score,
      calibratedScore,
      means,
      qualifies,
    };
  });
  const key = (r: (typeof results)[number]) => (mode === "raw" ? r.score : r.calibratedScore);
  const desc = (a: number | null, b: number | null) => {
    if (a === null && b === null) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return Math.abs(a - b) < 1e-9 ? 0 : b - a;
  };
  // Proposals withheld from the exporter (their declared conflicts) are left out before ranking:
  // they still count in calibration, but ranks run without gaps over the rest.
  const ranked = results.filter((r) => !r.ref.startsWith("WITHHELD-"));
  ranked.sort((a, b) => {
    const d = desc(key(a), key(b));
    if (d) return d;
    for (const k of tieBreak) {
      const t = desc(a.means.get(k) ?? null, b.means.get(k) ?? null);
      if (t) return t;
    }
    if (a.submittedAt !== b.submittedAt) return a.submittedAt < b.submittedAt ? -1 : 1;
    return a.ref < b.ref ? -1 : 1;
  });
  return new Map(ranked.map((r, i) => [r.ref, { ...r, rank: i + 1 }]));
}

async function readWorkbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

describe("XLSX export", () => {
  for (const query of ["", "?score=calibrated", "?score=calibrated&qualifies=no&sort=reference"]) {
    it(`recomputes every score and rank from its own sheets (${query || "no filter"})`, async () => {
      const res = await download(xlsxRoute.loader as Loader, `.xlsx${query}`, official.cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toContain("spreadsheetml");
      expect(res.headers.get("Content-Disposition")).toMatch(/\.xlsx"/);
      const wb = await readWorkbook(res.body);
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        "Ranking",
        "Criteria",
        "Raw scores",
        "Rules",
        "Proposals",
        "Moderations",
      ]);
      const rankingSheet = wb.getWorksheet("Ranking")!;
      expect((rankingSheet.getRow(1).values as Cell[]).slice(1).join(",")).toBe(COLUMNS);
      expect(rankingSheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(rankingSheet.getColumn(3).width).toBeGreaterThan(20);
      const ranking = sheetRows(rankingSheet);
      expect(ranking.map((r) => r.reference)).toEqual(await boardOrder(query.slice(1)));

      const expected = recompute(wb);
      let checked = 0;
      let calibratedDiffers = false;
      for (const row of ranking) {
        const e = expected.get(String(row.reference))!;
        expect(row.rank).toBe(e.rank);
        expect(row.qualifies).toBe(e.qualifies ? "yes" : "no");
        if (e.score === null) expect(row.score).toBeNull();
        else expect(Math.abs(Number(row.score) - e.score)).toBeLessThan(1e-9);
        if (e.calibratedScore === null) expect(row.calibrated_score).toBeNull();
        else expect(Math.abs(Number(row.calibrated_score) - e.calibratedScore)).toBeLessThan(1e-9);
        if (e.score !== null && Math.abs(e.score - e.calibratedScore!) > 0.01)
          calibratedDiffers = true;
        checked += 1;
      }
      expect(checked).toBe(ranking.length);
      if (!query) {
        expect(checked).toBe(8);
        expect(calibratedDiffers).toBe(true);
        // The tie: equal at full precision, broken on tier4 (tieA) although tieB was earlier.
        const tieA = ranking.find((r) => r.company_en === "Inspur Group")!;
        const tieB = ranking.find((r) => r.company_en === "China Mobile Data")!;
        expect(Math.abs(Number(tieA.score) - Number(tieB.score))).toBeLessThan(1e-9);
        expect(Number(tieA.rank)).toBeLessThan(Number(tieB.rank));
        // Full precision in the cell, 2 decimals on screen; Chinese names as typed.
        const scoreCell = rankingSheet.getRow(2).getCell(10);
        expect(scoreCell.numFmt).toBe("0.00");
        expect(ranking.map((r) => r.company_zh)).toContain("中科曙光信息产业股份有限公司");
        expect(ranking.find((r) => r.company_zh === "阿里云计算有限公司")!.company_en).toBe(EVIL);
        // The split gate and its moderation.
        const sugon = ranking.find((r) => r.company_en === "Sugon Information")!;
        expect(String(sugon.gates)).toMatch(/^split .*g1=split/);
        const zte = ranking.find((r) => r.company_en === "ZTE Data Systems")!;
        expect(String(zte.gates)).toContain("g3=moderated_pass");
        const mods = sheetRows(wb.getWorksheet("Moderations")!);
        expect(mods).toHaveLength(1);
        expect(mods[0]).toMatchObject({
          kind: "gate_decision",
          criterion_key: "g3",
          decision: "pass",
        });
        // Raw scores: every submitted review × criterion (8 scored + 3 gates), pseudonymous.
        const raw = sheetRows(wb.getWorksheet("Raw scores")!);
        expect(raw).toHaveLength(16 * 11);
        const reviewers = new Set(raw.map((r) => String(r.reviewer)));
        expect(reviewers.size).toBe(4);
        for (const r of reviewers) expect(r).toMatch(/^R-[0-9a-f]{8}$/);
        expect(JSON.stringify(raw)).not.toContain("Harsh Reviewer");
        const rules = new Map(
          sheetRows(wb.getWorksheet("Rules")!).map((r) => [r.parameter, r.value]),
        );
        expect(rules.get("min_reviews")).toBe(3);
        expect(rules.get("qualifying_score")).toBe(65);
        expect(rules.get("disagreement_spread")).toBe(2);
        expect(rules.get("disagreement_sd")).toBe(15);
        expect(rules.get("calibration_min_reviews")).toBe(5);
        expect(rules.get("score_in_use")).toBe("raw");
        expect(rules.get("tie_break_order")).toBe("tier4,data,finance");
        const criteria = sheetRows(wb.getWorksheet("Criteria")!);
        expect(criteria.find((c) => c.key === "tier4")).toMatchObject({
          title_zh: "Tier IV 技术可信度",
          weight: 20,
          min_level: 3,
          tie_break_position: 1,
        });
      }
      const audit = JSON.parse((await lastAudit("export.xlsx")).after_json!);
      expect(audit).toMatchObject({ completed: true, rows: ranking.length, rawScoreRows: 16 * 11 });
      expect(audit.sha256).toBe(sha256(res.body));
    });
  }

  it("writes the same workbook when the zip keeps the writer waiting at every page", async () => {
    const normal = await readWorkbook(
      (await download(xlsxRoute.loader as Loader, ".xlsx", official.cookie)).body,
    );
    // Any backlog makes the writer wait, and the zip never catches up with the last partly filled
    // buffer: the writer must give up waiting after the stall time instead of hanging.
    const saved = { ...XLSX_PACING };
    Object.assign(XLSX_PACING, { maxSheetBacklog: 0, stallMs: 30 });
    try {
      const res = await download(xlsxRoute.loader as Loader, ".xlsx", official.cookie);
      expect(res.status).toBe(200);
      const paced = await readWorkbook(res.body);
      for (const name of ["Ranking", "Criteria", "Raw scores", "Proposals", "Moderations"])
        expect(sheetRows(paced.getWorksheet(name)!)).toEqual(sheetRows(normal.getWorksheet(name)!));
      expect(JSON.parse((await lastAudit("export.xlsx")).after_json!)).toMatchObject({
        completed: true,
        rawScoreRows: 16 * 11,
      });
    } finally {
      Object.assign(XLSX_PACING, saved);
    }
  });

  it("leaves out an official's conflicted proposal but keeps the workbook recomputable", async () => {
    const db = getDb();
    const conflicted = await signedIn("official");
    const huawei = await db
      .selectFrom("proposals")
      .select(["organisation_id", "reference"])
      .where("id", "=", ids.huawei!)
      .executeTakeFirstOrThrow();
    await db
      .insertInto("conflicts")
      .values({
        reviewer_id: conflicted.user.id,
        organisation_id: huawei.organisation_id,
        reason: "Former employee",
      })
      .execute();
    const res = await download(xlsxRoute.loader as Loader, ".xlsx", conflicted.cookie);
    const wb = await readWorkbook(res.body);
    const ranking = sheetRows(wb.getWorksheet("Ranking")!);
    expect(ranking).toHaveLength(7);
    expect(ranking.map((r) => r.reference)).not.toContain(huawei.reference);
    const raw = sheetRows(wb.getWorksheet("Raw scores")!);
    expect(raw.map((r) => r.reference)).not.toContain(huawei.reference);
    const withheld = raw.filter((r) => r.reference === "WITHHELD-1");
    expect(withheld).toHaveLength(3 * 11);
    for (const r of withheld) expect(r.rationale ?? "").toBe("");
    const expected = recompute(wb);
    for (const row of ranking) expect(row.rank).toBe(expected.get(String(row.reference))!.rank);
  });

  it("gives each reviewer the same pseudonym in every export of the call", async () => {
    const a = sheetRows(
      (
        await readWorkbook(
          (await download(xlsxRoute.loader as Loader, ".xlsx", official.cookie)).body,
        )
      ).getWorksheet("Raw scores")!,
    );
    const b = sheetRows(
      (
        await readWorkbook(
          (await download(xlsxRoute.loader as Loader, ".xlsx?qualifies=yes", official.cookie)).body,
        )
      ).getWorksheet("Raw scores")!,
    );
    expect(b.map((r) => r.reviewer)).toEqual(a.map((r) => r.reviewer));
  });
});

// ---------------------------------------------------------------- PDF

describe("PDF export", () => {
  it("renders the Chinese names, the decision reasons, the hash it covers and who made it", async () => {
    const res = await download(pdfRoute.loader as Loader, ".pdf", official.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.body.subarray(0, 5).toString()).toBe("%PDF-");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdf-export-"));
    const file = path.join(dir, "report.pdf");
    fs.writeFileSync(file, res.body);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"]).toString("utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    for (const name of [
      "华为云计算技术有限公司",
      "阿里云计算有限公司",
      "中科曙光信息产业股份有限公司",
      "导出测试征集",
    ])
      expect(text).toContain(name);
    // Unfiltered, it is a ranking, not a shortlist: in its title and in its file name.
    expect(text).toContain("Ranking report");
    expect(text).not.toContain("Shortlist report");
    expect(res.headers.get("Content-Disposition")).toMatch(/filename="ranking-export-test-/);
    // Page numbers "page n of m", m the real page count.
    const pages = Number(
      /Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", ["-"], { input: res.body }).toString())![1],
    );
    for (let n = 1; n <= pages; n++) expect(text).toContain(`page ${n} of ${pages}`);
    expect(text).not.toContain(`page ${pages + 1} of`);
    // Gates and flags columns.
    expect(text).toContain("Gates");
    expect(text).toContain("Flags");
    expect(text).toMatch(/split \(g1=split/);
    expect(text).toContain("Certified Tier IV design");
    expect(text).toContain("Official Exporter");
    expect(text).toContain(official.user.email);

    const audit = JSON.parse((await lastAudit("export.pdf")).after_json!);
    expect(audit).toMatchObject({ completed: true, rows: 8 });
    expect(audit.sha256).toBe(sha256(res.body));
    // The printed hash is the SHA-256 of the CSV export of the same rows.
    expect(text.replace(/\s+/g, "")).toContain(audit.contentSha256);
    const csv = await download(csvRoute.loader as Loader, ".csv", official.cookie);
    expect(audit.contentSha256).toBe(sha256(csv.body));
  });

  it("calls itself a shortlist only when the filter is the shortlist", async () => {
    const res = await download(
      pdfRoute.loader as Loader,
      ".pdf?decision=shortlisted",
      official.cookie,
    );
    expect(res.headers.get("Content-Disposition")).toMatch(
      /filename="shortlist-export-test-shortlisted-\d{8}T\d{4}Z\.pdf"/,
    );
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], {
      input: res.body,
    }).toString("utf8");
    expect(text).toContain("Shortlist report");
    const pages = Number(
      /Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", ["-"], { input: res.body }).toString())![1],
    );
    expect(text).toContain(`Shortlist report — export-test — page ${pages} of ${pages}`);
    const xlsx = await download(xlsxRoute.loader as Loader, ".xlsx?qualifies=yes", official.cookie);
    expect(xlsx.headers.get("Content-Disposition")).toMatch(
      /filename="ranking-export-test-qualifying-/,
    );
  });
});

// ---------------------------------------------------------------- permissions

describe("who may export", () => {
  const routes = [
    [".csv", csvRoute.loader],
    [".xlsx", xlsxRoute.loader],
    [".pdf", pdfRoute.loader],
  ] as const;
  it("refuses applicants and reviewers, sends visitors to sign in, lets admins in", async () => {
    const applicant = await signedIn("applicant");
    const reviewer = await signedIn("reviewer");
    const admin = await signedIn("admin");
    const before = await getDb()
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("action", "like", "export.%")
      .executeTakeFirstOrThrow();
    for (const [ext, loader] of routes) {
      expect((await download(loader as Loader, ext, applicant.cookie)).status).toBe(403);
      expect((await download(loader as Loader, ext, reviewer.cookie)).status).toBe(403);
      const visitor = await download(loader as Loader, ext, null);
      expect(visitor.status).toBe(302);
      expect(visitor.headers.get("Location")).toMatch(/^\/login\?returnTo=/);
    }
    const after = await getDb()
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("action", "like", "export.%")
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await download(csvRoute.loader as Loader, ".csv", admin.cookie)).status).toBe(200);
  });

  it("answers 404 for an unknown call", async () => {
    const headers = new Headers({ Cookie: official.cookie });
    const request = new Request(new URL("/board/nope/export.csv", BASE), { headers });
    await expect(
      csvRoute.loader({ request, params: { slug: "nope" }, context: testContext }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
