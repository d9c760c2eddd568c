// Where uploaded documents are kept (issue 16, docs/decisions/0024-document-store.md). One small
// interface, two stores:
// - local: files in UPLOAD_DIR under random names (written to a temporary name, then renamed), the
//   embedded default;
// - database: the database itself, in pieces of at most CHUNK_BYTES (document_chunks) and one row
//   per complete document (stored_documents: size, SHA-256, number of pieces). Chosen when
//   DATABASE_URL is set, so that every app server sees every document and one backup holds them.
// Both stream: a document is written piece by piece as it arrives and read back piece by piece,
// never whole in memory. A read checks the document's SHA-256 as it goes and fails at the end
// (the stream errors) if the bytes are not the ones stored.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { getDb, type DB } from "./db.server";
import { getEnv } from "./env.server";

/** The size of one piece of a document kept in the database. */
export const CHUNK_BYTES = 256 * 1024;

export type DocumentStoreKind = "local" | "database";

/** A document once it is complete: its key (the attachment's stored_name), size and SHA-256. */
export interface StoredDocument {
  key: string;
  size: number;
  sha256: string;
}

/** A document being written: bytes in order, then commit (or abort, which leaves nothing). */
export interface DocumentWriter {
  readonly key: string;
  write(bytes: Buffer): Promise<void>;
  commit(): Promise<StoredDocument>;
  abort(): Promise<void>;
}

export interface DocumentStore {
  readonly kind: DocumentStoreKind;
  /**
   * Starts a new document under a fresh random key (or `key`, a UUID of the caller's making: the
   * demo seed's reproducible names).
   */
  createWriter(key?: string): DocumentWriter;
  /** Writes a whole document from a stream (or one buffer). */
  put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options?: { key?: string },
  ): Promise<StoredDocument>;
  /**
   * The document's bytes as a stream, or null when there is no such document. With
   * `expectedSha256` (the attachment's recorded hash), the stream also fails if the bytes differ.
   */
  get(key: string, options?: { expectedSha256?: string }): Promise<Readable | null>;
  exists(key: string): Promise<boolean>;
  /** Deletes a document; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** The keys of every complete document, in key order. */
  keys(): Promise<string[]>;
  /** Documents begun and neither committed nor aborted (in progress, or left by a crash). */
  incomplete(): Promise<string[]>;
}

/** The store failed (disk, database): the server's problem, never the request's. */
export class DocumentStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DocumentStoreError";
  }
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only keys a store generated are accepted (no path traversal, no guessing of other tables). */
export function isDocumentKey(key: string): boolean {
  return KEY.test(key);
}

function checkKey(key: string): string {
  if (!isDocumentKey(key)) throw new DocumentStoreError("Invalid document key");
  return key;
}

async function storeFailure<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DocumentStoreError) throw error;
    throw new DocumentStoreError(`${what}: ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
}

/** Passes bytes through, failing at the end if their SHA-256 is not `expected`. */
function verifying(key: string, expected: string): Transform {
  const hash = crypto.createHash("sha256");
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest("hex");
      callback(
        actual === expected
          ? null
          : new DocumentStoreError(`document ${key} does not match its SHA-256`),
      );
    },
  });
}

async function putFrom(
  store: DocumentStore,
  source: AsyncIterable<Uint8Array> | Uint8Array,
  key?: string,
): Promise<StoredDocument> {
  const writer = store.createWriter(key);
  try {
    if (source instanceof Uint8Array) await writer.write(Buffer.from(source));
    else for await (const bytes of source) await writer.write(Buffer.from(bytes));
    return await writer.commit();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The directory store.

const TEMPORARY = ".tmp-";

export class LocalDocumentStore implements DocumentStore {
  readonly kind = "local";
  constructor(readonly dir: string) {}

  /** Absolute path of a stored document. */
  pathOf(key: string): string {
    return path.join(this.dir, checkKey(key));
  }

  createWriter(given?: string): DocumentWriter {
    const key = given === undefined ? crypto.randomUUID() : checkKey(given);
    const target = path.join(this.dir, key);
    const tmp = path.join(this.dir, `${TEMPORARY}${crypto.randomUUID()}`);
    const hash = crypto.createHash("sha256");
    let size = 0;
    let out: fs.WriteStream | null = null;
    const dir = this.dir;
    return {
      key,
      write: (bytes) =>
        storeFailure("writing a document", async () => {
          if (!out) {
            await fsp.mkdir(dir, { recursive: true });
            out = fs.createWriteStream(tmp, { flags: "wx", mode: 0o600 });
          }
          hash.update(bytes);
          size += bytes.length;
          const stream = out;
          await new Promise<void>((resolve, reject) =>
            stream.write(bytes, (err) => (err ? reject(err) : resolve())),
          );
        }),
      commit: () =>
        storeFailure("storing a document", async () => {
          if (!out) {
            await fsp.mkdir(dir, { recursive: true });
            out = fs.createWriteStream(tmp, { flags: "wx", mode: 0o600 });
          }
          const stream = out;
          await new Promise<void>((resolve, reject) => {
            stream.once("error", reject);
            stream.end(() => resolve());
          });
          await fsp.rename(tmp, target);
          return { key, size, sha256: hash.digest("hex") };
        }),
      abort: async () => {
        out?.destroy();
        out = null;
        await fsp.rm(tmp, { force: true });
      },
    };
  }

  put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options: { key?: string } = {},
  ): Promise<StoredDocument> {
    return putFrom(this, source, options.key);
  }

  async get(key: string, options: { expectedSha256?: string } = {}): Promise<Readable | null> {
    if (!isDocumentKey(key)) return null;
    const file = fs.createReadStream(this.pathOf(key));
    try {
      await new Promise<void>((resolve, reject) => {
        file.once("open", () => resolve());
        file.once("error", reject);
      });
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return null;
      throw new DocumentStoreError(`reading document ${key}`, { cause: error });
    }
    if (!options.expectedSha256) return file;
    const checked = verifying(key, options.expectedSha256);
    file.on("error", (error) => checked.destroy(error));
    checked.on("close", () => file.destroy());
    return file.pipe(checked);
  }

  async exists(key: string): Promise<boolean> {
    return isDocumentKey(key) && fs.existsSync(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await storeFailure("deleting a document", () => fsp.rm(this.pathOf(key), { force: true }));
  }

  async keys(): Promise<string[]> {
    if (!fs.existsSync(this.dir)) return [];
    return (await fsp.readdir(this.dir)).filter(isDocumentKey).sort();
  }

  async incomplete(): Promise<string[]> {
    if (!fs.existsSync(this.dir)) return [];
    return (await fsp.readdir(this.dir)).filter((name) => name.startsWith(TEMPORARY)).sort();
  }
}

// ---------------------------------------------------------------------------------------------
// The database store.

export class DatabaseDocumentStore implements DocumentStore {
  readonly kind = "database";
  /**
   * `db` may be a transaction (the demo seed writes documents in its own); uploads and downloads
   * use the process's handle, one short statement per piece, so that no connection is held for
   * as long as a slow client takes to send or receive a document.
   */
  constructor(readonly db: DB) {}

  createWriter(given?: string): DocumentWriter {
    const db = this.db;
    const key = given === undefined ? crypto.randomUUID() : checkKey(given);
    const hash = crypto.createHash("sha256");
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const insertPiece = async (bytes: Buffer) => {
      await db.insertInto("document_chunks").values({ document_key: key, seq, bytes }).execute();
      seq += 1;
    };
    return {
      key,
      write: (bytes) =>
        storeFailure("writing a document", async () => {
          hash.update(bytes);
          size += bytes.length;
          pending.push(bytes);
          pendingBytes += bytes.length;
          while (pendingBytes >= CHUNK_BYTES) {
            const all = Buffer.concat(pending);
            await insertPiece(all.subarray(0, CHUNK_BYTES));
            const rest = all.subarray(CHUNK_BYTES);
            pending = rest.length ? [rest] : [];
            pendingBytes = rest.length;
          }
        }),
      commit: () =>
        storeFailure("storing a document", async () => {
          if (pendingBytes > 0) await insertPiece(Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
          const sha256 = hash.digest("hex");
          await db
            .insertInto("stored_documents")
            .values({ document_key: key, size_bytes: size, sha256, chunk_count: seq })
            .execute();
          return { key, size, sha256 };
        }),
      abort: async () => {
        pending = [];
        await db.deleteFrom("document_chunks").where("document_key", "=", key).execute();
      },
    };
  }

  put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options: { key?: string } = {},
  ): Promise<StoredDocument> {
    return putFrom(this, source, options.key);
  }

  async get(key: string, options: { expectedSha256?: string } = {}): Promise<Readable | null> {
    if (!isDocumentKey(key)) return null;
    const db = this.db;
    const row = await storeFailure("reading a document", () =>
      db
        .selectFrom("stored_documents")
        .select(["sha256", "chunk_count"])
        .where("document_key", "=", key)
        .executeTakeFirst(),
    );
    if (!row) return null;
    if (options.expectedSha256 && options.expectedSha256 !== row.sha256)
      throw new DocumentStoreError(`document ${key} does not match its recorded SHA-256`);
    async function* pieces(): AsyncGenerator<Buffer> {
      const hash = crypto.createHash("sha256");
      for (let seq = 0; seq < row!.chunk_count; seq++) {
        const piece = await db
          .selectFrom("document_chunks")
          .select("bytes")
          .where("document_key", "=", key)
          .where("seq", "=", seq)
          .executeTakeFirst();
        if (!piece) throw new DocumentStoreError(`document ${key} is missing piece ${seq}`);
        const bytes = Buffer.from(piece.bytes);
        hash.update(bytes);
        yield bytes;
      }
      if (hash.digest("hex") !== row!.sha256)
        throw new DocumentStoreError(`document ${key} does not match its SHA-256`);
    }
    // Not object mode: the stream holds about one piece ahead of its reader, no more.
    return Readable.from(pieces(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  async exists(key: string): Promise<boolean> {
    if (!isDocumentKey(key)) return false;
    const row = await this.db
      .selectFrom("stored_documents")
      .select("document_key")
      .where("document_key", "=", key)
      .executeTakeFirst();
    return Boolean(row);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await storeFailure("deleting a document", async () => {
      // The row first: from then on the document does not exist, even if its pieces linger.
      await this.db.deleteFrom("stored_documents").where("document_key", "=", key).execute();
      await this.db.deleteFrom("document_chunks").where("document_key", "=", key).execute();
    });
  }

  async keys(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("stored_documents")
      .select("document_key")
      .orderBy("document_key")
      .execute();
    return rows.map((r) => r.document_key);
  }

  async incomplete(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("document_chunks")
      .select("document_key")
      .distinct()
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("stored_documents")
              .select("stored_documents.document_key")
              .whereRef("stored_documents.document_key", "=", "document_chunks.document_key"),
          ),
        ),
      )
      .orderBy("document_key")
      .execute();
    return rows.map((r) => r.document_key);
  }
}

// ---------------------------------------------------------------------------------------------

/** The store this process uses: DOCUMENT_STORE, or the database when DATABASE_URL is set. */
export function documentStoreKind(): DocumentStoreKind {
  const env = getEnv();
  return env.DOCUMENT_STORE ?? (env.DATABASE_URL ? "database" : "local");
}

/**
 * The process's document store. `db` is the handle the database store writes through (a
 * transaction that also writes the documents' rows); the process's database by default.
 */
export function getDocumentStore(db?: DB): DocumentStore {
  return documentStoreKind() === "database"
    ? new DatabaseDocumentStore(db ?? getDb())
    : new LocalDocumentStore(path.resolve(getEnv().UPLOAD_DIR));
}
