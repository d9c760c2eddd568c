// The top-N exports ("?limit=", e.g. the PDF report of the top 100): only the first N rows of the
// board's order are read and written, the audit row says so, and the CSV bytes the PDF's printed
// hash covers are those of the CSV export with the same limit.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Call } from "~db/schema";
import { listBoard, parseBoardQuery } from "~/models/board.server";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { parseExportLimit } from "~/models/exports/board-data.server";
import { exportBoard, exportFileName } from "~/models/exports/board-export.server";
import type { SessionUser } from "~/services/session.server";
import { createUser } from "../support/factories";

let call: Call;
let official: SessionUser;

beforeAll(async () => {
  const db = getDb();
  const c = await db
    .insertInto("calls")
    .values({
      slug: "limit-test",
      title_en: "Limit test call",
      title_zh: "前N名测试",
      status: "open",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2027-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto("criteria_versions")
    .values({ call_id: c.id, version: 1, published_at: "2026-01-01T00:00:00.000Z" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const criterion = await db
    .insertInto("criteria")
    .values({
      criteria_version_id: version.id,
      key: "only",
      kind: "scored",
      position: 0,
      title_en: "Only criterion",
      title_zh: "唯一标准",
      weight: 100,
      min_level: 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const owner = await createUser("applicant");
  const reviewers = [await createUser("reviewer"), await createUser("reviewer")];
  for (let i = 0; i < 5; i++) {
    const p = await db
      .insertInto("proposals")
      .values({
        call_id: c.id,
        owner_id: owner.id,
        status: "under_review",
        reference: `CDA-2026-${String(100 + i)}`,
        title: `Proposal ${i}`,
        company_en: `Company ${i}`,
        company_zh: `公司 ${i}`,
        tracks: "tier4DataCentre",
        criteria_version_id: version.id,
        submitted_at: `2026-03-0${i + 1}T00:00:00.000Z`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const r of reviewers) {
      const review = await db
        .insertInto("reviews")
        .values({
          proposal_id: p.id,
          reviewer_id: r.id,
          criteria_version_id: version.id,
          status: "submitted",
          submitted_at: "2026-04-01T00:00:00.000Z",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db
        .insertInto("review_scores")
        .values({ review_id: review.id, criterion_id: criterion.id, level: i, rationale: "Why." })
        .execute();
    }
  }
  await db.transaction().execute((trx) => rebuildCallScores(trx, c.id));
  call = await db.selectFrom("calls").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
  const u = await createUser("official");
  official = {
    id: u.id,
    email: u.email,
    role: u.role,
    display_name: u.display_name,
    locale: u.locale,
    organisation_id: u.organisation_id,
  };
});

const lastAudit = (action: string) =>
  getDb()
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", action)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();

describe("exports of the top N rows", () => {
  it("reads ?limit= as a whole number from 1 to 100,000, anything else as every row", () => {
    const limit = (q: string) => parseExportLimit(new URLSearchParams(q));
    expect(limit("limit=100")).toBe(100);
    expect(limit("limit=1")).toBe(1);
    expect(limit("")).toBeNull();
    for (const bad of ["limit=0", "limit=-5", "limit=2.5", "limit=abc", "limit=1000000", "limit="])
      expect(limit(bad)).toBeNull();
  });

  it("writes only the first N rows in the board's order, and audits the limit", async () => {
    const query = parseBoardQuery(new URLSearchParams());
    const board = await listBoard(getDb(), call, official.id, query);
    expect(board.rows).toHaveLength(5);
    const res = await exportBoard("csv", { call, user: official, query, limit: 2 });
    const body = Buffer.from(await res.arrayBuffer());
    const lines = body
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(board.rows[0]!.reference!);
    expect(lines[2]).toContain(board.rows[1]!.reference!);
    expect(res.headers.get("Content-Disposition")).toContain("top2");
    const audit = JSON.parse((await lastAudit("export.csv")).after_json!);
    expect(audit).toMatchObject({ completed: true, rows: 2, limit: 2 });
    expect(audit.sha256).toBe(crypto.createHash("sha256").update(body).digest("hex"));

    const all = await exportBoard("csv", { call, user: official, query });
    const allLines = Buffer.from(await all.arrayBuffer())
      .toString("utf8")
      .trim()
      .split("\r\n");
    expect(allLines).toHaveLength(6);
    expect(JSON.parse((await lastAudit("export.csv")).after_json!)).toMatchObject({
      rows: 5,
      limit: null,
    });
  });

  it("prints in the PDF the hash of the CSV export with the same limit", async () => {
    const query = parseBoardQuery(new URLSearchParams());
    const csv = await exportBoard("csv", { call, user: official, query, limit: 3 });
    const csvHash = crypto
      .createHash("sha256")
      .update(Buffer.from(await csv.arrayBuffer()))
      .digest("hex");
    const pdf = await exportBoard("pdf", { call, user: official, query, limit: 3 });
    await pdf.arrayBuffer();
    expect(JSON.parse((await lastAudit("export.pdf")).after_json!)).toMatchObject({
      rows: 3,
      limit: 3,
      contentSha256: csvHash,
    });
  });

  it("names the file after the limit", () => {
    const query = parseBoardQuery(new URLSearchParams());
    expect(exportFileName(call, query, "pdf", "2026-11-28T07:12:00.000Z", 100)).toBe(
      "ranking-limit-test-top100-20261128T0712Z.pdf",
    );
  });
});

describe("the export routes pass ?limit= through", () => {
  it("the CSV route with ?limit=2 sends the first two rows of the board's order", async () => {
    const { loader } = await import("~/routes/board.$slug.export[.csv]");
    const { signedIn } = await import("../support/factories");
    const { callLoader } = await import("../support/remix");
    const { cookie } = await signedIn("official");
    const res = await callLoader<string>(loader, "/board/limit-test/export.csv?limit=2", {
      cookie,
      params: { slug: "limit-test" },
    });
    expect(res.status).toBe(200);
    const lines = res.data
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(3);
    const top = await listBoard(getDb(), call, official.id, parseBoardQuery(new URLSearchParams()));
    expect(lines[1]).toContain(top.rows[0]!.reference);
    expect(lines[2]).toContain(top.rows[1]!.reference);
  });
});
