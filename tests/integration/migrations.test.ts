import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase, migrateToLatest } from "~/services/db.server";
import { writeAudit } from "~/models/audit.server";

describe("migrations", () => {
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
