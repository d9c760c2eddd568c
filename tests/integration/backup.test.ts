import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createBackup, restoreBackup } from "~/services/backup.server";
import { openDatabase, migrateToLatest } from "~/services/db.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-backup-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// A second process writes audit rows and upload files as fast as it can while the backup runs.
const WRITER = `
const SQLite = require(${JSON.stringify(require.resolve("better-sqlite3"))});
const fs = require("node:fs"), path = require("node:path");
const [dbFile, uploads] = process.argv.slice(2);
const db = new SQLite(dbFile); db.pragma("journal_mode = WAL"); db.pragma("busy_timeout = 5000");
const insert = db.prepare("insert into audit_log (action, entity_type, entity_id) values ('load.write', 'file', ?)");
let i = 0; const until = Date.now() + 1500;
process.send("started");
while (Date.now() < until) {
  const name = "f" + (i++) + ".bin";
  fs.writeFileSync(path.join(uploads, name), "x".repeat(100 + (i % 50)));
  insert.run(name);
}
db.close(); process.send("done:" + i);
`;

describe("backup and restore", () => {
  it("backs up a consistent database while another process writes, and restores it", async () => {
    const live = path.join(dir, "live.db");
    const uploads = path.join(dir, "uploads");
    fs.mkdirSync(uploads);
    const { db, sqlite } = openDatabase(live);
    await migrateToLatest(db);

    const writerFile = path.join(dir, "writer.cjs");
    fs.writeFileSync(writerFile, WRITER);
    const child = fork(writerFile, [live, uploads], { stdio: "ignore" });
    await new Promise<void>((resolve) => child.once("message", () => resolve()));
    await new Promise((r) => setTimeout(r, 300));
    const backupDir = path.join(dir, "backup");
    const manifest = await createBackup(sqlite, uploads, backupDir);
    const finished = await new Promise<string>((resolve) =>
      child.on("message", (m) => String(m).startsWith("done") && resolve(String(m))),
    );
    const totalWrites = Number(finished.split(":")[1]);
    await db.destroy();

    const snap = new SQLite(path.join(backupDir, "portal.db"), { readonly: true });
    expect(snap.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = snap
      .prepare("select entity_id from audit_log where action = 'load.write'")
      .all() as { entity_id: string }[];
    snap.close();
    // The snapshot caught the writer mid-way, and every file its rows name was copied with it.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(totalWrites);
    const copied = new Set(manifest.uploads.map((u) => u.file));
    for (const r of rows) expect(copied.has(r.entity_id), r.entity_id).toBe(true);

    // Restore over a damaged live database: the restored one is the snapshot, whole.
    fs.writeFileSync(live, "not a database");
    const restoredUploads = path.join(dir, "restored-uploads");
    const { keptAside } = await restoreBackup(backupDir, live, restoredUploads);
    expect(fs.existsSync(keptAside)).toBe(true);
    const restored = new SQLite(live, { readonly: true });
    expect(restored.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(
      (
        restored.prepare("select count(*) n from audit_log where action = 'load.write'").get() as {
          n: number;
        }
      ).n,
    ).toBe(rows.length);
    restored.close();
    for (const r of rows) expect(fs.existsSync(path.join(restoredUploads, r.entity_id))).toBe(true);
  });

  it("refuses a backup whose files do not match the manifest", async () => {
    const { db, sqlite } = openDatabase(path.join(dir, "second.db"));
    await migrateToLatest(db);
    const uploads = path.join(dir, "up2");
    fs.mkdirSync(uploads);
    fs.writeFileSync(path.join(uploads, "a.pdf"), "%PDF-1.4 original");
    const backupDir = path.join(dir, "backup2");
    await createBackup(sqlite, uploads, backupDir);
    await db.destroy();
    fs.writeFileSync(path.join(backupDir, "uploads", "a.pdf"), "%PDF-1.4 tampered");
    await expect(
      restoreBackup(backupDir, path.join(dir, "target.db"), path.join(dir, "target-up")),
    ).rejects.toThrow(/does not match/);
    expect(fs.existsSync(path.join(dir, "target.db"))).toBe(false);
  });

  it("records rows per table and migrations, and checks the restored database against them", async () => {
    const { db, sqlite } = openDatabase(path.join(dir, "third.db"));
    const applied = await migrateToLatest(db);
    await db
      .insertInto("audit_log")
      .values({ action: "backup.row", entity_type: "test", entity_id: "1" })
      .execute();
    const backupDir = path.join(dir, "backup3");
    const manifest = await createBackup(sqlite, path.join(dir, "up3"), backupDir);
    await db.destroy();
    expect(manifest.dialect).toBe("sqlite");
    expect(manifest.tables.audit_log).toBe(1);
    expect(manifest.migrations).toEqual([...applied].sort());
    // A manifest promising a row the database does not hold: the check after the restore says so.
    manifest.tables.audit_log = 2;
    fs.writeFileSync(path.join(backupDir, "manifest.json"), JSON.stringify(manifest));
    await expect(
      restoreBackup(backupDir, path.join(dir, "third-restored.db"), path.join(dir, "up3r")),
    ).rejects.toThrow(/does not match the backup: audit_log: 1 rows, the backup had 2/);
  });
});
