import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator, sql, type Kysely } from "kysely";
import { migrationProvider } from "~db/migrations";
import { describe, expect, it } from "vitest";
import { openDatabase, migrateToLatest } from "~/services/db.server";
import { writeAudit } from "~/models/audit.server";

describe("migrations", () => {
  it("applies a migration that lands after a higher-numbered one already ran (0024 after 0025)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig-"));
    const { db } = openDatabase(path.join(dir, "unordered.db"));
    const all = await migrationProvider.getMigrations();
    const late = "2026-12-02-0024-webhooks";
    expect(Object.keys(all)).toContain(late);
    // A database migrated by a build that did not have 0024 yet (but had 0025).
    const without = Object.fromEntries(Object.entries(all).filter(([name]) => name !== late));
    const earlier = new Migrator({ db, provider: { getMigrations: async () => without } });
    expect((await earlier.migrateToLatest()).error).toBeUndefined();
    expect(await migrateToLatest(db)).toEqual([late]);
    const tables = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name like 'webhook_%'`.execute(db);
    expect(tables.rows.map((r) => r.name).sort()).toEqual([
      "webhook_attempts",
      "webhook_deliveries",
      "webhook_endpoints",
    ]);
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("migrate an empty file, and a second run changes nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig-"));
    const { db } = openDatabase(path.join(dir, "fresh.db"));
    const first = await migrateToLatest(db);
    expect(first.length).toBeGreaterThan(0);
    const second = await migrateToLatest(db);
    expect(second).toEqual([]);
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(["users", "proposals", "reviews", "audit_log", "criteria"]),
    );
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(mode.rows[0]?.journal_mode).toBe("wal");
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("audit rows cannot be updated or deleted", async () => {
    const { getDb } = await import("~/services/db.server");
    const db = getDb();
    await writeAudit(db, {
      actorId: null,
      action: "test.event",
      entityType: "test",
      after: { a: 1 },
    });
    const row = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "test.event")
      .executeTakeFirstOrThrow();
    await expect(
      db.updateTable("audit_log").set({ action: "tampered" }).where("id", "=", row.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("audit_log").where("id", "=", row.id).execute()).rejects.toThrow(
      /append-only/,
    );
    const again = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(again.action).toBe("test.event");
  });

  it("foreign keys are enforced", async () => {
    const { getDb } = await import("~/services/db.server");
    await expect(
      getDb().insertInto("proposals").values({ call_id: 999, owner_id: 999 }).execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });
});

describe("migration 2026-12-02-0009-drop-dead", () => {
  const NAME = "2026-12-02-0009-drop-dead";
  const columns = async (db: Kysely<any>, table: string) =>
    (
      await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
    ).rows.map((r) => r.name);

  it("drops the columns nothing reads, keeps every row, and its down brings them back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig-"));
    const { db } = openDatabase(path.join(dir, "before.db"));
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf(NAME) - 1]!;
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();

    const any = db as unknown as Kysely<any>;
    const user = await any
      .insertInto("users")
      .values({ email: "a@example.test", role: "applicant", display_name: "A" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const call = await any
      .insertInto("calls")
      .values({
        slug: "c",
        title_en: "C",
        title_zh: "C",
        opens_at: "2026-01-01",
        closes_at: "2026-02-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await any
      .insertInto("sessions")
      .values({
        id_hash: "h",
        user_id: user.id,
        expires_at: "2027-01-01",
        ip: "10.0.0.1",
        user_agent: "UA",
      })
      .execute();
    await any
      .insertInto("auth_tokens")
      .values({
        token_hash: "t",
        purpose: "invite",
        email: "b@example.test",
        expires_at: "2027-01-01",
        created_by: user.id,
      })
      .execute();
    await any
      .insertInto("proposals")
      .values({
        call_id: call.id,
        owner_id: user.id,
        status: "withdrawn",
        withdrawn_at: "2026-01-10",
      })
      .execute();
    await any
      .insertInto("mail_outbox")
      .values({
        to_address: "a@example.test",
        subject: "S",
        text_body: "T",
        html_body: null,
        template: "x",
        locale: "en",
      })
      .execute();

    expect((await migrator.migrateTo(NAME)).error).toBeUndefined();
    expect(await columns(any, "sessions")).not.toContain("ip");
    expect(await columns(any, "sessions")).not.toContain("user_agent");
    expect(await columns(any, "auth_tokens")).not.toContain("created_by");
    expect(await columns(any, "proposals")).not.toContain("withdrawn_at");
    expect(await columns(any, "mail_outbox")).not.toContain("html_body");
    for (const table of ["sessions", "auth_tokens", "proposals", "mail_outbox"]) {
      const n = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
        any,
      );
      expect(n.rows[0]?.n, table).toBe(1);
    }
    const fk = await sql`pragma foreign_key_check`.execute(any);
    expect(fk.rows).toEqual([]);

    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect(await columns(any, "sessions")).toEqual(expect.arrayContaining(["ip", "user_agent"]));
    expect(await columns(any, "auth_tokens")).toContain("created_by");
    expect(await columns(any, "proposals")).toContain("withdrawn_at");
    expect(await columns(any, "mail_outbox")).toContain("html_body");

    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("migration 2026-12-02-0013-staff-security", () => {
  it("adds the two-step verification and session columns, and its down takes them away again", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig-"));
    const { db } = openDatabase(path.join(dir, "fresh.db"));
    const migrator = new Migrator({ db, provider: migrationProvider });
    const cols = async (table: string) =>
      (
        await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
      ).rows.map((r) => r.name);
    expect((await migrator.migrateTo("2026-12-02-0013-staff-security")).error).toBeUndefined();
    expect(await cols("sessions")).toEqual(expect.arrayContaining(["stage", "device"]));
    expect(await cols("users")).toEqual(expect.arrayContaining(["totp_secret", "totp_last_step"]));
    expect(await cols("recovery_codes")).toContain("code_hash");
    const down = await migrator.migrateDown();
    expect(down.error).toBeUndefined();
    expect(await cols("sessions")).not.toContain("stage");
    expect(await cols("users")).not.toContain("totp_secret");
    expect(await cols("recovery_codes")).toEqual([]);
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("migration 2026-12-02-0016-redact-outbox-links", () => {
  const NAME = "2026-12-02-0016-redact-outbox-links";

  it("removes the live one-time links the outbox already holds and keeps the rest", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig-"));
    const { db } = openDatabase(path.join(dir, "before.db"));
    const any = db as unknown as Kysely<any>;
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf(NAME) - 1]!;
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const texts = [
      "Open http://localhost:3000/reset-password?token=abcDEF-_123 within 1 hour.",
      "Join: https://invest.cda.gov.pk/accept-invite?token=xyz&lang=en\nThanks",
      "Your receipt: http://localhost:3000/proposals/4/receipt",
    ];
    for (const text_body of texts)
      await any
        .insertInto("mail_outbox")
        .values({
          to_address: "a@example.test",
          subject: "S",
          text_body,
          template: "x",
          locale: "en",
        })
        .execute();

    expect((await migrator.migrateTo(NAME)).error).toBeUndefined();
    const rows = await any.selectFrom("mail_outbox").select("text_body").orderBy("id").execute();
    expect(rows.map((r) => r.text_body)).toEqual([
      "Open http://localhost:3000/reset-password?token=REDACTED within 1 hour.",
      "Join: https://invest.cda.gov.pk/accept-invite?token=REDACTED&lang=en\nThanks",
      "Your receipt: http://localhost:3000/proposals/4/receipt",
    ]);
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
