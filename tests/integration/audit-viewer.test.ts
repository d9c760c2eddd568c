// The audit log viewer (/admin/audit) and its CSV export (/admin/audit.csv) against a real
// migrated SQLite file: filters (actor, action, family, proposal, Pakistan-time dates), newest
// first, pagination, the CSV (itself audited with its SHA-256), and who may read the log.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import * as auditRoute from "~/routes/admin.audit";
import * as auditCsvRoute from "~/routes/admin.audit[.csv]";
import * as hubRoute from "~/routes/admin._index";
import type { AuditPage } from "~/models/audit-query.server";
import { getDb } from "~/services/db.server";
import { BASE, callLoader, testContext } from "../support/remix";
import { createUser, signedIn } from "../support/factories";

let official: Awaited<ReturnType<typeof signedIn>>;
let proposalId = 0;

type ViewerData = { page: AuditPage; errors: Record<string, string>; actions: string[] };

async function view(query: string, cookie = official.cookie) {
  return callLoader<ViewerData>(auditRoute.loader, `/admin/audit${query}`, { cookie });
}

async function csv(query: string, cookie: string | null = official.cookie) {
  const headers = new Headers();
  if (cookie) headers.set("Cookie", cookie);
  const request = new Request(new URL(`/admin/audit.csv${query}`, BASE), { headers });
  let response: Response;
  try {
    response = (await auditCsvRoute.loader({
      request,
      params: {},
      context: testContext,
    })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) response = thrown;
    else throw thrown;
  }
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

beforeAll(async () => {
  const db = getDb();
  official = await signedIn("official", { email: "audit-official@example.test" });
  const owner = await createUser("applicant");
  const call = await db
    .insertInto("calls")
    .values({
      slug: "audit-call",
      title_en: "Audit call",
      title_zh: "审计征集",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2027-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  proposalId = (
    await db
      .insertInto("proposals")
      .values({
        call_id: call.id,
        owner_id: owner.id,
        status: "submitted",
        reference: "CDA-2026-0777",
        company_en: "Audit Co",
        submitted_at: "2026-11-01T00:00:00.000Z",
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  const entry = (
    at: string,
    action: string,
    actorEmail: string | null,
    extra: { proposal_id?: number; after_json?: string; entity_id?: string } = {},
  ) => ({
    at,
    action,
    actor_email: actorEmail,
    actor_id: null,
    entity_type: "test",
    entity_id: null,
    ...extra,
  });
  await db
    .insertInto("audit_log")
    .values([
      // 27 November 18:59 UTC is 23:59 on the 27th in Pakistan; 19:00 UTC is midnight on the 28th.
      entry("2026-11-27T18:59:00.000Z", "decision.record", "Chair@CDA.example", {
        proposal_id: proposalId,
        entity_id: '=HYPERLINK("http://evil.example","x")',
        after_json: JSON.stringify({ outcome: "shortlisted", reason: "=cmd|' /C calc'!A0" }),
      }),
      entry("2026-11-27T19:00:00.000Z", "decision.change", "chair@cda.example", {
        proposal_id: proposalId,
      }),
      entry("2026-11-28T18:59:59.000Z", "review.submit", "reviewer@cda.example"),
      entry("2026-11-28T19:00:00.000Z", "call.open", "clerk@cda.example"),
    ])
    .execute();
  // Enough older entries for a second page.
  await db
    .insertInto("audit_log")
    .values(
      Array.from({ length: 55 }, (_, i) =>
        entry(
          `2026-10-01T00:00:${String(i).padStart(2, "0")}.000Z`,
          "bulk.test",
          "bulk@cda.example",
        ),
      ),
    )
    .execute();
});

describe("/admin/audit", () => {
  it("lists entries newest first, 50 a page, with a second page", async () => {
    const first = await view("");
    expect(first.status).toBe(200);
    const { page } = first.data;
    expect(page.rows).toHaveLength(50);
    expect(page.pageCount).toBeGreaterThanOrEqual(2);
    const ids = page.rows.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const second = await view("?page=2");
    expect(second.data.page.page).toBe(2);
    expect(Math.max(...second.data.page.rows.map((r) => r.id))).toBeLessThan(Math.min(...ids));
    expect(first.data.actions).toContain("decision.*");
    expect(first.data.actions).toContain("decision.record");
  });

  it("filters by actor e-mail (any case, any part), action and action family", async () => {
    const byActor = (await view("?actor=CHAIR@cda")).data.page.rows;
    expect(byActor.map((r) => r.action).sort()).toEqual(["decision.change", "decision.record"]);
    const exact = (await view("?action=decision.change")).data.page.rows;
    expect(exact.map((r) => r.action)).toEqual(["decision.change"]);
    const family = (await view("?action=decision.*")).data.page.rows;
    expect(family.map((r) => r.action)).toEqual(["decision.change", "decision.record"]);
  });

  it("filters by proposal reference or number", async () => {
    for (const q of ["CDA-2026-0777", "cda-2026-0777", String(proposalId)]) {
      const rows = (await view(`?proposal=${q}`)).data.page.rows;
      expect(rows.map((r) => r.action)).toEqual(["decision.change", "decision.record"]);
      expect(rows[0]!.proposalReference).toBe("CDA-2026-0777");
    }
    expect((await view("?proposal=CDA-2026-9999")).data.page.total).toBe(0);
  });

  it("reads the date range as whole days in Pakistan time, both ends inclusive", async () => {
    const day = (await view("?from=2026-11-28&to=2026-11-28")).data.page.rows;
    expect(day.map((r) => r.action)).toEqual(["review.submit", "decision.change"]);
    const upTo27 = (await view("?to=2026-11-27&actor=cda.example&action=decision.*")).data.page
      .rows;
    expect(upTo27.map((r) => r.action)).toEqual(["decision.record"]);
  });

  it("explains a filter it cannot use and does not apply it", async () => {
    const res = await view("?from=2026-02-31&to=not-a-date&proposal=drop table");
    expect(res.status).toBe(200);
    expect(Object.keys(res.data.errors).sort()).toEqual(["from", "proposal", "to"]);
    expect(res.data.page.total).toBeGreaterThan(50);
    const reversed = await view("?from=2026-11-28&to=2026-11-01");
    expect(reversed.data.errors.to).toMatch(/after/);
  });
});

describe("/admin/audit.csv", () => {
  it("exports the filtered entries as CSV and records the export with its SHA-256", async () => {
    const res = await csv("?proposal=CDA-2026-0777");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="audit-log-/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.subarray(3).toString("utf8").split("\r\n");
    expect(lines[0]).toBe(
      "id,at,actor_id,actor_email,action,entity_type,entity_id,call_id,proposal_id,proposal_reference,before_json,after_json,ip,request_id",
    );
    expect(lines.filter(Boolean)).toHaveLength(3);
    expect(lines[1]).toContain("decision.change");
    expect(lines[2]).toContain("decision.record");
    expect(lines[2]).toContain("CDA-2026-0777");
    // JSON is quoted and its inner quotes doubled; it starts with "{" so it is left as it is.
    expect(lines[2]).toContain('"{""outcome"":""shortlisted""');

    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "export.audit_csv")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(official.user.id);
    const after = JSON.parse(audit.after_json!);
    expect(after).toMatchObject({
      completed: true,
      rows: 2,
      filter: "?proposal=CDA-2026-0777",
      bytes: res.body.length,
    });
    expect(after.sha256).toBe(crypto.createHash("sha256").update(res.body).digest("hex"));
  });

  it("neutralises formula cells", async () => {
    const res = await csv("?action=decision.record");
    const text = res.body.toString("utf8");
    expect(text).toContain(`,test,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(text).not.toMatch(/(^|,)"?[=+\-@]/m);
  });
});

describe("who may read the audit log", () => {
  it("refuses applicants and reviewers, sends visitors to sign in, lets officials and admins in", async () => {
    const applicant = await signedIn("applicant");
    const reviewer = await signedIn("reviewer");
    const admin = await signedIn("admin");
    for (const who of [applicant, reviewer]) {
      expect((await view("", who.cookie)).status).toBe(403);
      expect((await csv("", who.cookie)).status).toBe(403);
    }
    const visitorPage = await callLoader(auditRoute.loader, "/admin/audit");
    expect(visitorPage.status).toBe(302);
    expect(visitorPage.location).toMatch(/^\/login\?returnTo=/);
    const visitorCsv = await csv("", null);
    expect(visitorCsv.status).toBe(302);
    expect((await view("", admin.cookie)).status).toBe(200);
    expect((await csv("?action=call.open", admin.cookie)).status).toBe(200);
  });

  it("is linked from the administration hub for officials", async () => {
    const hub = await callLoader<{ links: { href: string }[] }>(hubRoute.loader, "/admin", {
      cookie: official.cookie,
    });
    expect(hub.data.links.map((l) => l.href)).toContain("/admin/audit");
  });
});
