import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_CALL_SLUG, DEMO_PASSWORD, seedDemoIfEmpty } from "~db/seed";
import crypto from "node:crypto";
import { documentProblems } from "~/domain/documents";
import { checkUscc } from "~/domain/uscc";
import { isQuestionStep, parseStep } from "~/schemas";
import { toUsdCents } from "~/domain/money";
import { getDb, migrateToLatest, openDatabase, type DB } from "~/services/db.server";
import { verifyPassword } from "~/services/password.server";
import { readStoredDocument } from "../support/documents";

const STEP_NAMES = [
  "eligibility",
  "organisation",
  "contact",
  "project",
  "resilience",
  "data-governance",
  "investment",
  "timeline",
  "local-benefit",
];

let db: DB;
let demoCallId: number;

beforeAll(async () => {
  db = getDb();
  expect(await seedDemoIfEmpty(db)).toBe(true);
  demoCallId = (
    await db
      .selectFrom("calls")
      .select("id")
      .where("slug", "=", DEMO_CALL_SLUG)
      .executeTakeFirstOrThrow()
  ).id;
  // The seed is ~2,000 statements in one transaction: on PostgreSQL each is a round trip to the
  // server (15 s measured on a loaded 2-core machine), past the default 10 s hook timeout.
}, 60_000);

async function submittedReviews(callId?: number) {
  let q = db
    .selectFrom("reviews as r")
    .innerJoin("proposals as p", "p.id", "r.proposal_id")
    .innerJoin("users as u", "u.id", "r.reviewer_id")
    .select(["r.id", "r.proposal_id", "u.email", "p.tracks", "p.call_id"])
    .where("r.status", "=", "submitted");
  if (callId) q = q.where("p.call_id", "=", callId);
  return q.execute();
}

describe("demo seed", () => {
  it("seeds only an empty database: a second call changes nothing", async () => {
    const before = await db
      .selectFrom("proposals")
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    expect(await seedDemoIfEmpty(db)).toBe(false);
    const after = await db
      .selectFrom("proposals")
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("creates the documented accounts, verified, with the demo password", async () => {
    const emails = [
      "applicant@demo.test",
      "applicant2@demo.test",
      "reviewer1@demo.test",
      "reviewer2@demo.test",
      "reviewer3@demo.test",
      "reviewer4@demo.test",
      "reviewer5@demo.test",
      "official@demo.test",
      "admin@demo.test",
    ];
    const users = await db.selectFrom("users").selectAll().where("email", "in", emails).execute();
    expect(users.map((u) => u.email).sort()).toEqual([...emails].sort());
    for (const u of users) expect(u.email_verified_at, u.email).not.toBeNull();
    const roles = Object.fromEntries(users.map((u) => [u.email, u.role]));
    expect(roles["admin@demo.test"]).toBe("admin");
    expect(roles["official@demo.test"]).toBe("official");
    expect(roles["reviewer3@demo.test"]).toBe("reviewer");
    const applicant = users.find((u) => u.email === "applicant@demo.test")!;
    expect(await verifyPassword(DEMO_PASSWORD, applicant.password_hash)).toBe(true);
    expect(await verifyPassword("wrong-password", applicant.password_hash)).toBe(false);

    const applicant2 = users.find((u) => u.email === "applicant2@demo.test")!;
    expect(applicant2.organisation_id).toBeNull();
    const own2 = await db
      .selectFrom("proposals")
      .select("id")
      .where("owner_id", "=", applicant2.id)
      .execute();
    expect(own2).toHaveLength(0);

    const own = await db
      .selectFrom("proposals")
      .select("status")
      .where("owner_id", "=", applicant.id)
      .execute();
    expect(own.map((p) => p.status).sort()).toEqual(["draft", "submitted", "under_review"]);
  });

  it("has about 30 proposals in the open demo call, and every proposal status across the calls", async () => {
    const demo = await db
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", demoCallId)
      .executeTakeFirstOrThrow();
    expect(demo.status).toBe("open");
    expect(demo.closes_at).toBe("2027-03-31T12:00:00.000Z");
    expect(JSON.parse(demo.tie_break_json)).toEqual(["tier4", "data", "finance"]);
    const inDemo = await db
      .selectFrom("proposals")
      .select("status")
      .where("call_id", "=", demoCallId)
      .execute();
    expect(inDemo.length).toBeGreaterThanOrEqual(28);
    expect(inDemo.length).toBeLessThanOrEqual(32);
    const all = new Set(
      (await db.selectFrom("proposals").select("status").execute()).map((p) => p.status),
    );
    expect([...all].sort()).toEqual(
      [
        "clarification_requested",
        "draft",
        "rejected",
        "reserve",
        "shortlisted",
        "submitted",
        "under_review",
        "withdrawn",
      ].sort(),
    );
    const statuses = await db.selectFrom("calls").select("status").execute();
    expect(statuses.map((c) => c.status).sort()).toEqual(["decided", "draft", "open", "open"]);
  });

  it("gives each of the five reviewers at least 5 submitted reviews in the demo call", async () => {
    const reviews = await submittedReviews(demoCallId);
    const per = new Map<string, number>();
    for (const r of reviews) per.set(r.email, (per.get(r.email) ?? 0) + 1);
    for (let i = 1; i <= 5; i++) {
      expect(per.get(`reviewer${i}@demo.test`) ?? 0, `reviewer${i}`).toBeGreaterThanOrEqual(5);
    }
  });

  it("covers every scored criterion and every applicable gate in each submitted review, with a rationale", async () => {
    const reviews = await submittedReviews();
    expect(reviews.length).toBeGreaterThan(50);
    for (const r of reviews) {
      const scores = await db
        .selectFrom("review_scores as s")
        .innerJoin("criteria as c", "c.id", "s.criterion_id")
        .select(["c.key", "c.kind", "c.applies_to_track", "s.level", "s.gate_pass", "s.rationale"])
        .where("s.review_id", "=", r.id)
        .execute();
      const criteria = await db
        .selectFrom("criteria as c")
        .innerJoin("reviews as rv", "rv.criteria_version_id", "c.criteria_version_id")
        .select(["c.key", "c.kind", "c.applies_to_track"])
        .where("rv.id", "=", r.id)
        .execute();
      const tracks = (r.tracks ?? "").split(",");
      const expected = criteria
        .filter((c) => c.applies_to_track === null || tracks.includes(c.applies_to_track))
        .map((c) => c.key)
        .sort();
      expect(scores.map((s) => s.key).sort(), `review ${r.id}`).toEqual(expected);
      for (const s of scores) {
        expect(s.rationale.length, `${r.id} ${s.key}`).toBeGreaterThanOrEqual(20);
        if (s.kind === "scored") {
          expect(s.level).not.toBeNull();
          expect(s.gate_pass).toBeNull();
        } else {
          expect(s.level).toBeNull();
          expect([0, 1]).toContain(s.gate_pass);
        }
      }
    }
  });

  it("includes the review situations the board must show", async () => {
    const rows = await db
      .selectFrom("review_scores as s")
      .innerJoin("reviews as r", "r.id", "s.review_id")
      .innerJoin("criteria as c", "c.id", "s.criterion_id")
      .innerJoin("proposals as p", "p.id", "r.proposal_id")
      .select(["r.proposal_id", "c.key", "c.kind", "s.level", "s.gate_pass"])
      .where("r.status", "=", "submitted")
      .where("p.call_id", "=", demoCallId)
      .execute();
    const group = new Map<string, { levels: number[]; passes: number[] }>();
    for (const row of rows) {
      const k = `${row.proposal_id}:${row.key}`;
      const g = group.get(k) ?? { levels: [], passes: [] };
      if (row.level !== null) g.levels.push(row.level);
      if (row.gate_pass !== null) g.passes.push(row.gate_pass);
      group.set(k, g);
    }
    const values = [...group.values()];
    // A disagreement: levels for one criterion two or more apart.
    expect(
      values.some((g) => g.levels.length && Math.max(...g.levels) - Math.min(...g.levels) >= 2),
    ).toBe(true);
    // A gate failed by a majority, and a gate split evenly.
    expect(
      values.some(
        (g) => g.passes.length >= 3 && g.passes.filter((p) => p === 0).length * 2 > g.passes.length,
      ),
    ).toBe(true);
    expect(
      values.some(
        (g) =>
          g.passes.length >= 2 && g.passes.filter((p) => p === 0).length * 2 === g.passes.length,
      ),
    ).toBe(true);

    const counts = await db
      .selectFrom("reviews as r")
      .innerJoin("proposals as p", "p.id", "r.proposal_id")
      .select([
        "r.proposal_id",
        sql<number>`sum(case when r.status = 'submitted' then 1 else 0 end)`.as("submitted"),
        sql<number>`sum(case when r.status = 'draft' then 1 else 0 end)`.as("drafts"),
      ])
      .where("p.call_id", "=", demoCallId)
      .where("p.status", "=", "under_review")
      .groupBy("r.proposal_id")
      .execute();
    expect(counts.some((c) => c.submitted === 2)).toBe(true); // short of the minimum of 3
    expect(counts.reduce((n, c) => n + c.drafts, 0)).toBeGreaterThanOrEqual(2);
    expect(counts.filter((c) => c.submitted >= 3).length).toBeGreaterThanOrEqual(12);

    // Every review belongs to an attested assignment of that reviewer.
    const orphans = await db
      .selectFrom("reviews as r")
      .leftJoin("reviewer_assignments as a", (j) =>
        j.onRef("a.proposal_id", "=", "r.proposal_id").onRef("a.reviewer_id", "=", "r.reviewer_id"),
      )
      .select("r.id")
      .where((eb) => eb.or([eb("a.id", "is", null), eb("a.attested_at", "is", null)]))
      .execute();
    expect(orphans).toHaveLength(0);
  });

  it("never assigns a reviewer to a company they declared a conflict with", async () => {
    const conflicts = await db.selectFrom("conflicts").selectAll().execute();
    expect(conflicts.length).toBeGreaterThan(0);
    for (const c of conflicts) {
      const clashes = await db
        .selectFrom("reviewer_assignments as a")
        .innerJoin("proposals as p", "p.id", "a.proposal_id")
        .innerJoin("organisations as o", "o.id", "p.organisation_id")
        .select("a.id")
        .where("a.reviewer_id", "=", c.reviewer_id)
        .where("a.unassigned_at", "is", null)
        .where((eb) =>
          eb.or([
            eb("o.parent_group", "=", c.parent_group ?? "\u0000"),
            eb("o.id", "=", c.organisation_id ?? -1),
          ]),
        )
        .execute();
      expect(clashes).toHaveLength(0);
    }
  });

  it("numbers submissions CDA-YYYY-NNNN, unique and sequential by submission time", async () => {
    const submitted = await db
      .selectFrom("proposals")
      .select(["reference", "submitted_at", "status"])
      .where("submitted_at", "is not", null)
      .orderBy("submitted_at")
      .execute();
    const byYear = new Map<string, string[]>();
    for (const p of submitted) {
      expect(p.reference).toMatch(/^CDA-\d{4}-\d{4}$/);
      const year = p.reference!.slice(4, 8);
      expect(p.submitted_at!.slice(0, 4)).toBe(year);
      byYear.set(year, [...(byYear.get(year) ?? []), p.reference!]);
    }
    for (const [year, refs] of byYear) {
      expect(refs).toEqual(refs.map((_, i) => `CDA-${year}-${String(i + 1).padStart(4, "0")}`));
      const counter = await db
        .selectFrom("reference_counters")
        .select("last_value")
        .where("year", "=", Number(year))
        .executeTakeFirstOrThrow();
      expect(counter.last_value).toBe(refs.length);
    }
    const drafts = await db
      .selectFrom("proposals")
      .select("reference")
      .where("status", "=", "draft")
      .execute();
    for (const d of drafts) expect(d.reference).toBeNull();
  });

  it("gives every company a valid USCC except the one flagged for a manual check", async () => {
    const orgs = await db.selectFrom("organisations").selectAll().execute();
    expect(orgs.length).toBeGreaterThanOrEqual(25);
    const flagged = orgs.filter((o) => o.uscc_needs_check === 1);
    expect(flagged).toHaveLength(1);
    expect(checkUscc(flagged[0]!.uscc!)).toBe("checkFailed");
    for (const o of orgs.filter((x) => x.uscc_needs_check === 0)) {
      expect(checkUscc(o.uscc!), o.legal_name_en).toBe("valid");
      expect(o.legal_name_zh).toMatch(/\p{Script=Han}/u);
    }
    const flaggedProposals = await db
      .selectFrom("proposals")
      .select("uscc_needs_check")
      .where("organisation_id", "=", flagged[0]!.id)
      .execute();
    expect(flaggedProposals.length).toBeGreaterThan(0);
    for (const p of flaggedProposals) expect(p.uscc_needs_check).toBe(1);
  });

  it("stores answers under the fields.md step names, snapshots submissions and converts money exactly", async () => {
    const steps = await db.selectFrom("proposal_answers").select("step").distinct().execute();
    for (const s of steps) expect(STEP_NAMES).toContain(s.step);
    const submitted = await db
      .selectFrom("proposals")
      .selectAll()
      .where("status", "!=", "draft")
      .execute();
    for (const p of submitted) {
      const snapshot = JSON.parse(p.snapshot_json!);
      expect(snapshot.answers.project.title).toBe(p.title);
      expect(snapshot.organisation.legalNameEn).toBe(p.company_en);
      expect(snapshot.answers.investment.capex).toEqual({
        amount: p.investment_amount,
        currency: p.investment_currency,
      });
      const rate = await db
        .selectFrom("exchange_rates")
        .select("usd_per_unit")
        .where("currency", "=", p.investment_currency!)
        .where("rate_date", "<=", p.submitted_at!.slice(0, 10))
        .orderBy("rate_date", "desc")
        .executeTakeFirstOrThrow();
      expect(BigInt(p.investment_usd_cents!)).toBe(
        toUsdCents(p.investment_amount!, rate.usd_per_unit),
      );
    }
    const currencies = new Set(submitted.map((p) => p.investment_currency));
    expect([...currencies].sort()).toEqual(["CNY", "PKR", "USD"]);
    const audits = await db
      .selectFrom("audit_log")
      .select(sql<number>`count(*)`.as("n"))
      .where("action", "=", "proposal.submit")
      .executeTakeFirstOrThrow();
    expect(audits.n).toBe(submitted.length);
  });

  it("saves answers that pass the step forms' own validation", async () => {
    const rows = await db
      .selectFrom("proposal_answers as a")
      .innerJoin("proposals as p", "p.id", "a.proposal_id")
      .select(["a.proposal_id", "a.step", "a.data_json"])
      .where("p.call_id", "=", demoCallId)
      .where("a.complete", "=", 1)
      .execute();
    expect(rows.length).toBeGreaterThan(200);
    for (const row of rows) {
      expect(isQuestionStep(row.step), row.step).toBe(true);
      if (!isQuestionStep(row.step)) continue;
      const parsed = parseStep(row.step, JSON.parse(row.data_json));
      expect(parsed.errors, `proposal ${row.proposal_id} ${row.step}`).toBeNull();
    }
  });

  it("gives every submitted proposal its required documents, stored with their SHA-256", async () => {
    const submitted = await db
      .selectFrom("proposals")
      .select(["id", "tracks", "snapshot_json"])
      .where("submitted_at", "is not", null)
      .execute();
    for (const p of submitted) {
      const docs = await db
        .selectFrom("attachments")
        .selectAll()
        .where("proposal_id", "=", p.id)
        .execute();
      const counts: Record<string, number> = {};
      for (const d of docs) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
      expect(documentProblems(counts, (p.tracks ?? "").split(",")), `proposal ${p.id}`).toEqual([]);
      for (const d of docs) {
        const bytes = (await readStoredDocument(d.stored_name))!;
        expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
        expect(bytes.length).toBe(d.size_bytes);
        expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(d.sha256);
      }
      const snapshot = JSON.parse(p.snapshot_json!);
      expect(snapshot.documents.map((d: { sha256: string }) => d.sha256).sort()).toEqual(
        docs.map((d) => d.sha256).sort(),
      );
      expect(snapshot.declaration.signatoryName.length).toBeGreaterThan(2);
    }
  });

  it("publishes the decided call's results and OCDS releases, and the open calls' tender releases", async () => {
    const publications = await db
      .selectFrom("result_publications as r")
      .innerJoin("calls as c", "c.id", "r.call_id")
      .select(["c.slug", "r.results_json"])
      .execute();
    expect(publications.map((p) => p.slug)).toEqual(["gov-cloud-pilot-2025"]);
    const results = JSON.parse(publications[0]!.results_json);
    expect(results.entries.length).toBeGreaterThan(0);
    expect(results.entries.some((e: { outcome: string }) => e.outcome === "shortlisted")).toBe(
      true,
    );
    const releases = await db
      .selectFrom("ocds_releases as o")
      .innerJoin("calls as c", "c.id", "o.call_id")
      .select(["c.slug", "o.tag"])
      .orderBy("o.id")
      .execute();
    expect(releases).toEqual([
      { slug: DEMO_CALL_SLUG, tag: "tender" },
      { slug: "smart-city-data-2027", tag: "tender" },
      { slug: "gov-cloud-pilot-2025", tag: "tender" },
      { slug: "gov-cloud-pilot-2025", tag: "award" },
    ]);
  });

  it("is deterministic: two fresh databases get identical rows (password hashes aside)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-seed-"));
    const a = openDatabase(path.join(dir, "a.db"));
    const b = openDatabase(path.join(dir, "b.db"));
    try {
      for (const x of [a, b]) {
        await migrateToLatest(x.db);
        expect(await seedDemoIfEmpty(x.db)).toBe(true);
      }
      const tables = a.sqlite
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'",
        )
        .all() as { name: string }[];
      expect(tables.length).toBeGreaterThan(15);
      for (const { name } of tables) {
        const dump = (s: typeof a.sqlite) =>
          (
            s.prepare(`select * from "${name}" order by rowid`).all() as Record<string, unknown>[]
          ).map((row) => ({
            ...row,
            password_hash: undefined,
            // When the database store holds the demo's documents (the PostgreSQL run), the time
            // each was stored is the store's bookkeeping, like a file's mtime, not demo data.
            ...(name === "stored_documents" ? { created_at: undefined } : {}),
          }));
        expect(dump(b.sqlite), name).toEqual(dump(a.sqlite));
      }
    } finally {
      await a.db.destroy();
      await b.db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
