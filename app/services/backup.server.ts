// Online backup and restore, on both databases (docs/decisions/0024-document-store.md).
// - SQLite: the backup API copies a consistent snapshot while the portal keeps writing.
// - PostgreSQL: `pg_dump -Fc` run inside an exported snapshot (a repeatable-read transaction kept
//   open while it dumps), so the manifest's counts describe exactly the rows in the dump.
// Documents in the directory store are copied after the snapshot, so every document the snapshot
// refers to is already there (files are written before their database row commits). Documents in
// the database store are in the snapshot itself; each one's pieces are re-hashed against its
// recorded SHA-256 before the backup is declared good.
// The manifest (manifest.json) holds the database file's SHA-256, the rows of every table, the
// migrations applied, every document (key, size, SHA-256) and every copied file. A restore checks
// the files against it first, then restores, then checks the restored database against it again.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import type { DocumentStoreKind } from "./document-store.server";

export interface BackupFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface BackupDocument {
  key: string;
  sha256: string;
  bytes: number;
}

/** What a backup holds, checked before and after a restore. */
export interface BackupContents {
  /** Rows per table (Kysely's migration tables included). */
  tables: Record<string, number>;
  /** Every migration applied, by name, in name order. */
  migrations: string[];
  /** Documents kept in the database (the database store), each re-hashed from its pieces. */
  documents: BackupDocument[];
}

export interface BackupManifest extends BackupContents {
  createdAt: string;
  dialect: "sqlite" | "postgres";
  /** Where the portal kept documents when the backup was made. */
  documentStore: DocumentStoreKind;
  /** portal.db (SQLite) or portal.dump (pg_dump's custom format). */
  database: BackupFile;
  /** Files of the directory store, copied beside the database. */
  uploads: BackupFile[];
}

function sha256File(file: string): string {
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer))
      hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

function describeFile(dir: string, file: string): BackupFile {
  const full = path.join(dir, file);
  return { file, sha256: sha256File(full), bytes: fs.statSync(full).size };
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full).map((f) => path.join(entry.name, f)));
    else if (entry.isFile() && !entry.name.endsWith(".part") && !entry.name.startsWith(".tmp-"))
      out.push(entry.name);
  }
  return out.sort();
}

function copyUploads(uploadDir: string, targetDir: string): BackupFile[] {
  const uploads: BackupFile[] = [];
  for (const rel of listFiles(uploadDir)) {
    const to = path.join(targetDir, "uploads", rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(uploadDir, rel), to);
    uploads.push(describeFile(path.join(targetDir, "uploads"), rel));
  }
  return uploads;
}

function readManifest(backupDir: string): BackupManifest {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(backupDir, "manifest.json"), "utf8"),
  ) as BackupManifest;
  const dbFile = path.join(backupDir, manifest.database.file);
  if (!fs.existsSync(dbFile) || sha256File(dbFile) !== manifest.database.sha256)
    throw new Error("The backup's database does not match its manifest.");
  for (const u of manifest.uploads) {
    const file = path.join(backupDir, "uploads", u.file);
    if (!fs.existsSync(file) || sha256File(file) !== u.sha256) {
      throw new Error(`The backup's upload ${u.file} does not match its manifest.`);
    }
  }
  return manifest;
}

function restoreUploads(backupDir: string, manifest: BackupManifest, uploadDir: string) {
  fs.mkdirSync(uploadDir, { recursive: true });
  for (const u of manifest.uploads) {
    const to = path.join(uploadDir, u.file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(backupDir, "uploads", u.file), to);
  }
}

/** Throws, naming the first difference, unless the restored database holds what was backed up. */
export function compareContents(expected: BackupContents, actual: BackupContents): void {
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(expected.tables)) {
    if (actual.tables[table] !== rows)
      problems.push(`${table}: ${actual.tables[table] ?? "missing"} rows, the backup had ${rows}`);
  }
  for (const table of Object.keys(actual.tables))
    if (!(table in expected.tables)) problems.push(`${table}: not in the backup`);
  if (expected.migrations.join() !== actual.migrations.join())
    problems.push("the migrations applied differ from the backup's");
  const documents = (list: BackupDocument[]) =>
    list.map((d) => `${d.key}:${d.sha256}:${d.bytes}`).join();
  if (documents(expected.documents) !== documents(actual.documents))
    problems.push("the documents in the database differ from the backup's");
  if (problems.length)
    throw new Error(`The restored database does not match the backup: ${problems.join("; ")}`);
}

/**
 * Re-hashes every document of the database store from its pieces, in key order; a document whose
 * pieces are missing or whose bytes do not hash to its recorded SHA-256 stops the backup.
 */
async function inventoryDocuments(read: {
  documents(): Promise<
    { document_key: string; size_bytes: number; sha256: string; chunk_count: number }[]
  >;
  piece(key: string, seq: number): Promise<Buffer | undefined>;
}): Promise<BackupDocument[]> {
  const out: BackupDocument[] = [];
  for (const doc of await read.documents()) {
    const hash = crypto.createHash("sha256");
    let bytes = 0;
    for (let seq = 0; seq < doc.chunk_count; seq++) {
      const piece = await read.piece(doc.document_key, seq);
      if (!piece) throw new Error(`document ${doc.document_key} is missing piece ${seq}`);
      hash.update(piece);
      bytes += piece.length;
    }
    const sha256 = hash.digest("hex");
    if (sha256 !== doc.sha256 || bytes !== Number(doc.size_bytes))
      throw new Error(`document ${doc.document_key} does not match its SHA-256 or size`);
    out.push({ key: doc.document_key, sha256, bytes });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SQLite

async function sqliteContents(file: string): Promise<BackupContents> {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const names = (
      db
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    const tables: Record<string, number> = {};
    for (const name of names)
      tables[name] = (db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n;
    const migrations = names.includes("kysely_migration")
      ? (
          db.prepare("select name from kysely_migration order by name").all() as { name: string }[]
        ).map((r) => r.name)
      : [];
    const documents = names.includes("stored_documents")
      ? await inventoryDocuments({
          documents: async () =>
            db
              .prepare(
                "select document_key, size_bytes, sha256, chunk_count from stored_documents order by document_key",
              )
              .all() as {
              document_key: string;
              size_bytes: number;
              sha256: string;
              chunk_count: number;
            }[],
          piece: async (key, seq) =>
            (
              db
                .prepare("select bytes from document_chunks where document_key = ? and seq = ?")
                .get(key, seq) as { bytes: Buffer } | undefined
            )?.bytes,
        })
      : [];
    return { tables, migrations, documents };
  } finally {
    db.close();
  }
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

/** Writes `<targetDir>/portal.db`, `<targetDir>/uploads/…` and the manifest. */
export async function createBackup(
  source: SQLite.Database,
  uploadDir: string,
  targetDir: string,
  options: { documentStore?: DocumentStoreKind } = {},
): Promise<BackupManifest> {
  fs.mkdirSync(targetDir, { recursive: true });
  const dbFile = path.join(targetDir, "portal.db");
  await source.backup(dbFile);
  integrityCheck(dbFile);
  const contents = await sqliteContents(dbFile);
  const manifest: BackupManifest = {
    createdAt: new Date().toISOString(),
    dialect: "sqlite",
    documentStore: options.documentStore ?? "local",
    database: describeFile(targetDir, "portal.db"),
    uploads: copyUploads(uploadDir, targetDir),
    ...contents,
  };
  fs.writeFileSync(path.join(targetDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * Restores a SQLite backup over `databasePath` and `uploadDir` (the portal must be stopped). The
 * backup is verified first (manifest hashes, integrity_check) and the restored database after
 * (rows per table, migrations, documents); what was there before is moved aside, not deleted.
 */
export async function restoreBackup(
  backupDir: string,
  databasePath: string,
  uploadDir: string,
): Promise<{ keptAside: string }> {
  const manifest = readManifest(backupDir);
  if (manifest.dialect === "postgres")
    throw new Error("This backup is of a PostgreSQL database: restore it with DATABASE_URL set.");
  const dbFile = path.join(backupDir, manifest.database.file);
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
  restoreUploads(backupDir, manifest, uploadDir);
  // Manifests written before counts were recorded (format 1) have none to compare.
  if (manifest.tables) compareContents(manifest, await sqliteContents(databasePath));
  return { keptAside: aside };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** A libpq connection for the command-line tools: the URL without its password, which goes in PGPASSWORD. */
function libpq(connectionString: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(connectionString);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return {
    url: url.toString(),
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

function runTool(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", (error) =>
      reject(
        (error as { code?: string }).code === "ENOENT"
          ? new Error(`${command} is not installed (Debian: apt-get install postgresql-client)`)
          : error,
      ),
    );
    child.once("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${command} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

async function postgresContents(client: pg.Client): Promise<BackupContents> {
  const names = (
    await client.query<{ name: string }>(
      "select tablename as name from pg_tables where schemaname = current_schema() order by tablename",
    )
  ).rows.map((r) => r.name);
  const tables: Record<string, number> = {};
  for (const name of names) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from ${client.escapeIdentifier(name)}`,
    );
    tables[name] = Number(rows[0]!.n);
  }
  const migrations = names.includes("kysely_migration")
    ? (
        await client.query<{ name: string }>("select name from kysely_migration order by name")
      ).rows.map((r) => r.name)
    : [];
  const documents = names.includes("stored_documents")
    ? await inventoryDocuments({
        documents: async () =>
          (
            await client.query<{
              document_key: string;
              size_bytes: string;
              sha256: string;
              chunk_count: string;
            }>(
              "select document_key, size_bytes, sha256, chunk_count from stored_documents order by document_key",
            )
          ).rows.map((r) => ({
            ...r,
            size_bytes: Number(r.size_bytes),
            chunk_count: Number(r.chunk_count),
          })),
        piece: async (key, seq) =>
          (
            await client.query<{ bytes: Buffer }>(
              "select bytes from document_chunks where document_key = $1 and seq = $2",
              [key, seq],
            )
          ).rows[0]?.bytes,
      })
    : [];
  return { tables, migrations, documents };
}

/**
 * Writes `<targetDir>/portal.dump` (pg_dump's custom format), the directory store's files when
 * documents are kept there, and the manifest. The counts, the documents' check and the dump all
 * read one snapshot, exported by a repeatable-read transaction held open while pg_dump runs.
 */
export async function createPostgresBackup(
  connectionString: string,
  targetDir: string,
  options: { documentStore: DocumentStoreKind; uploadDir?: string },
): Promise<BackupManifest> {
  fs.mkdirSync(targetDir, { recursive: true });
  const client = new pg.Client({ connectionString });
  await client.connect();
  let contents: BackupContents;
  try {
    await client.query("begin isolation level repeatable read read only");
    const { rows } = await client.query<{ id: string }>("select pg_export_snapshot() as id");
    contents = await postgresContents(client);
    const { url, env } = libpq(connectionString);
    await runTool(
      "pg_dump",
      [
        "--format=custom",
        `--snapshot=${rows[0]!.id}`,
        "--file",
        path.join(targetDir, "portal.dump"),
        "--dbname",
        url,
      ],
      env,
    );
    await client.query("commit");
  } finally {
    await client.end();
  }
  // The archive must read back: pg_restore lists every entry of a whole, uncorrupted file.
  await runTool("pg_restore", ["--list", path.join(targetDir, "portal.dump")], process.env);
  const manifest: BackupManifest = {
    createdAt: new Date().toISOString(),
    dialect: "postgres",
    documentStore: options.documentStore,
    database: describeFile(targetDir, "portal.dump"),
    uploads:
      options.documentStore === "local" && options.uploadDir
        ? copyUploads(options.uploadDir, targetDir)
        : [],
    ...contents,
  };
  fs.writeFileSync(path.join(targetDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

/**
 * Restores a PostgreSQL backup into the database at `connectionString` (the portal must be
 * stopped). The backup is verified first (manifest hashes, the archive readable); the database's
 * current contents are dumped aside (`<backupDir>/before-restore-<time>.dump`), never just lost;
 * the restore is one transaction (all of it or nothing), and the restored database is checked
 * against the manifest (rows per table, migrations, every document re-hashed).
 */
export async function restorePostgresBackup(
  backupDir: string,
  connectionString: string,
  options: { uploadDir?: string } = {},
): Promise<{ keptAside: string | null }> {
  const manifest = readManifest(backupDir);
  if (manifest.dialect !== "postgres")
    throw new Error("This backup is of a SQLite database: restore it without DATABASE_URL.");
  const dump = path.join(backupDir, manifest.database.file);
  await runTool("pg_restore", ["--list", dump], process.env);
  const { url, env } = libpq(connectionString);

  const client = new pg.Client({ connectionString });
  await client.connect();
  let keptAside: string | null = null;
  try {
    const current = (
      await client.query<{ name: string }>(
        "select tablename as name from pg_tables where schemaname = current_schema()",
      )
    ).rows.map((r) => r.name);
    const foreign = current.filter((t) => !(t in manifest.tables));
    if (foreign.length)
      throw new Error(
        `The database holds tables the backup does not (${foreign.join(", ")}): restore into an empty database, or drop them first.`,
      );
    if (current.length) {
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      keptAside = path.join(backupDir, `before-restore-${stamp}.dump`);
      await runTool("pg_dump", ["--format=custom", "--file", keptAside, "--dbname", url], env);
    }
    await runTool(
      "pg_restore",
      [
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        url,
        dump,
      ],
      env,
    );
    if (options.uploadDir && manifest.uploads.length) {
      if (fs.existsSync(options.uploadDir) && keptAside) {
        fs.renameSync(options.uploadDir, `${keptAside}.uploads`);
      }
      restoreUploads(backupDir, manifest, options.uploadDir);
    }
    compareContents(manifest, await postgresContents(client));
  } finally {
    await client.end();
  }
  return { keptAside };
}
