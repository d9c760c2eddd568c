// Backup and restore on PostgreSQL (npm run test:pg only): pg_dump inside an exported snapshot,
// documents kept in the database travel in the dump, and a restore puts back exactly what was
// backed up, checked against the manifest (rows per table, migrations, every document re-hashed).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresBackup, restorePostgresBackup } from "~/services/backup.server";
import { closeDb, getDb } from "~/services/db.server";
import { CHUNK_BYTES, getDocumentStore } from "~/services/document-store.server";
import { readStoredDocument } from "../../support/documents";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-pg-backup-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const url = () => process.env.DATABASE_URL!;

async function auditRows() {
  return getDb()
    .selectFrom("audit_log")
    .select(["id", "action", "entity_id"])
    .where("action", "like", "backup.%")
    .orderBy("id")
    .execute();
}

async function leases() {
  return getDb().selectFrom("job_leases").selectAll().orderBy("name").execute();
}

function addAudit(n: number, label: string) {
  return getDb()
    .insertInto("audit_log")
    .values(
      Array.from({ length: n }, (_, i) => ({
        action: `backup.${label}`,
        entity_type: "test",
        entity_id: String(i),
      })),
    )
    .execute();
}

describe("backup and restore on PostgreSQL", () => {
  it("backs up with pg_dump, documents included, and restores exactly that after changes", async () => {
    const store = getDocumentStore();
    expect(store.kind).toBe("database");
    const large = crypto.randomBytes(3 * CHUNK_BYTES + 123);
    const small = Buffer.from("%PDF-1.4 a small document");
    const a = await store.put(large);
    const b = await store.put(small);
    await addAudit(5, "before");
    await getDb()
      .insertInto("job_leases")
      .values({ name: "backup-test", holder: "one", expires_at: "2026-12-02T00:00:00.000Z" })
      .execute();
    const auditBefore = await auditRows();
    const leasesBefore = await leases();

    const backupDir = path.join(dir, "backup");
    const manifest = await createPostgresBackup(url(), backupDir, { documentStore: "database" });
    expect(manifest.dialect).toBe("postgres");
    expect(manifest.database.file).toBe("portal.dump");
    expect(manifest.uploads).toEqual([]);
    expect(manifest.migrations).toContain("2026-12-02-0026-document-store");
    expect(manifest.tables.stored_documents).toBe(2);
    expect(manifest.tables.document_chunks).toBe(5);
    expect(manifest.documents.map((d) => d.key).sort()).toEqual([a.key, b.key].sort());
    expect(manifest.documents.find((d) => d.key === a.key)).toEqual({
      key: a.key,
      sha256: a.sha256,
      bytes: large.length,
    });

    // Changes after the backup: rows added, a document deleted, another added, a row changed.
    await addAudit(3, "after");
    await store.delete(a.key);
    const c = await store.put(Buffer.from("%PDF-1.4 written after the backup"));
    await getDb()
      .updateTable("job_leases")
      .set({ holder: "two" })
      .where("name", "=", "backup-test")
      .execute();

    await closeDb(); // the portal is stopped for a restore
    const { keptAside } = await restorePostgresBackup(backupDir, url());
    expect(keptAside && fs.existsSync(keptAside)).toBe(true);

    expect(await auditRows()).toEqual(auditBefore);
    expect(await leases()).toEqual(leasesBefore);
    expect((await readStoredDocument(a.key))?.equals(large)).toBe(true);
    expect((await readStoredDocument(b.key))?.equals(small)).toBe(true);
    expect(await readStoredDocument(c.key)).toBeNull();
    // The restored database takes new writes: its identity sequences came back with it.
    await addAudit(1, "restored");
    const ids = (await auditRows()).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 120_000);

  it("refuses a dump that does not match its manifest, and a restore that does not match the backup", async () => {
    const backupDir = path.join(dir, "second");
    await createPostgresBackup(url(), backupDir, { documentStore: "database" });
    const manifestFile = path.join(backupDir, "manifest.json");
    const original = fs.readFileSync(manifestFile, "utf8");

    // A damaged archive is refused before the database is touched.
    const dump = path.join(backupDir, "portal.dump");
    const bytes = fs.readFileSync(dump);
    fs.writeFileSync(dump, Buffer.concat([bytes, Buffer.from("x")]));
    await addAudit(1, "untouched");
    await closeDb();
    await expect(restorePostgresBackup(backupDir, url())).rejects.toThrow(
      /does not match its manifest/,
    );
    expect((await auditRows()).some((r) => r.action === "backup.untouched")).toBe(true);
    fs.writeFileSync(dump, bytes);

    // A manifest that promises rows the dump does not hold: the check after the restore says so.
    const promised = JSON.parse(original) as { tables: Record<string, number> };
    promised.tables.audit_log = (promised.tables.audit_log ?? 0) + 1;
    fs.writeFileSync(manifestFile, JSON.stringify(promised));
    await closeDb();
    await expect(restorePostgresBackup(backupDir, url())).rejects.toThrow(
      /does not match the backup: audit_log/,
    );
  }, 120_000);
});
