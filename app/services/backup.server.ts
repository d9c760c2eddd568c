// Online backup and restore: SQLite's backup API copies a consistent snapshot while the portal
// keeps writing; uploaded documents are copied after the snapshot, so every document the snapshot
// refers to is already on disk (files are written before their database row commits).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";

export interface BackupManifest {
  createdAt: string;
  database: { file: string; sha256: string; bytes: number };
  uploads: { file: string; sha256: string; bytes: number }[];
}

function sha256File(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full).map((f) => path.join(entry.name, f)));
    else if (entry.isFile() && !entry.name.endsWith(".part")) out.push(entry.name);
  }
  return out.sort();
}

function integrityCheck(file: string): void {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new Error(`integrity_check failed for ${file}: ${String(result)}`);
    const fk = db.pragma("foreign_key_check") as unknown[];
    if (fk.length)
      throw new Error(`foreign_key_check found ${fk.length} broken references in ${file}`);
  } finally {
    db.close();
  }
}

/** Writes `<targetDir>/portal.db`, `<targetDir>/uploads/…` and a manifest with SHA-256 of each file. */
export async function createBackup(
  source: SQLite.Database,
  uploadDir: string,
  targetDir: string,
): Promise<BackupManifest> {
  fs.mkdirSync(targetDir, { recursive: true });
  const dbFile = path.join(targetDir, "portal.db");
  await source.backup(dbFile);
  integrityCheck(dbFile);
  const uploads: BackupManifest["uploads"] = [];
  for (const rel of listFiles(uploadDir)) {
    const to = path.join(targetDir, "uploads", rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(uploadDir, rel), to);
    uploads.push({ file: rel, sha256: sha256File(to), bytes: fs.statSync(to).size });
  }
  const manifest: BackupManifest = {
    createdAt: new Date().toISOString(),
    database: { file: "portal.db", sha256: sha256File(dbFile), bytes: fs.statSync(dbFile).size },
    uploads,
  };
  fs.writeFileSync(path.join(targetDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * Restores a backup over `databasePath` and `uploadDir` (the portal must be stopped). The backup is
 * verified first (manifest hashes, integrity_check); what was there before is moved aside, not deleted.
 */
export function restoreBackup(
  backupDir: string,
  databasePath: string,
  uploadDir: string,
): { keptAside: string } {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(backupDir, "manifest.json"), "utf8"),
  ) as BackupManifest;
  const dbFile = path.join(backupDir, manifest.database.file);
  if (sha256File(dbFile) !== manifest.database.sha256)
    throw new Error("The backup's database does not match its manifest.");
  for (const u of manifest.uploads) {
    if (sha256File(path.join(backupDir, "uploads", u.file)) !== u.sha256) {
      throw new Error(`The backup's upload ${u.file} does not match its manifest.`);
    }
  }
  integrityCheck(dbFile);

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const aside = `${databasePath}.before-restore-${stamp}`;
  fs.mkdirSync(aside, { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) {
    if (fs.existsSync(databasePath + suffix))
      fs.renameSync(databasePath + suffix, path.join(aside, path.basename(databasePath) + suffix));
  }
  if (fs.existsSync(uploadDir)) fs.renameSync(uploadDir, path.join(aside, "uploads"));

  fs.mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true });
  fs.copyFileSync(dbFile, databasePath);
  fs.mkdirSync(uploadDir, { recursive: true });
  for (const u of manifest.uploads) {
    const to = path.join(uploadDir, u.file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(backupDir, "uploads", u.file), to);
  }
  return { keptAside: aside };
}
