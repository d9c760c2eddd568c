// The document stores (app/services/document-store.server.ts): the database store on this run's
// database (SQLite here, PostgreSQL under npm run test:pg) and the directory store. A large
// document goes in and comes out in pieces, never whole; bytes that changed are refused on read;
// an abandoned write leaves nothing behind.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "~/services/db.server";
import {
  CHUNK_BYTES,
  DatabaseDocumentStore,
  LocalDocumentStore,
  type DocumentStore,
} from "~/services/document-store.server";

const BLOCK = 64 * 1024;
const TOTAL = 20 * 1024 * 1024;

/** 20 MiB in 64 KiB blocks, made as they are asked for (the test never holds them all either). */
async function* twentyMegabytes(hash: crypto.Hash): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < TOTAL; offset += BLOCK) {
    const block = Buffer.alloc(BLOCK, (offset / BLOCK) % 251);
    block.writeUInt32BE(offset, 0);
    hash.update(block);
    yield block;
  }
}

async function pieceCount(key: string): Promise<number> {
  const row = await getDb()
    .selectFrom("document_chunks")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("document_key", "=", key)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function readAll(store: DocumentStore, key: string, expectedSha256?: string) {
  const stream = await store.get(key, { expectedSha256 });
  if (!stream) throw new Error("no such document");
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the database document store", () => {
  it("writes a 20 MB document piece by piece as it arrives, 80 pieces of 256 KiB", async () => {
    const store = new DatabaseDocumentStore(getDb());
    const writer = store.createWriter();
    const hash = crypto.createHash("sha256");
    let written = 0;
    for await (const block of twentyMegabytes(hash)) {
      await writer.write(block);
      written += block.length;
      if (written === 1024 * 1024) {
        // 1 MB in: already 4 pieces in the table, and the
        // document does not exist yet (no row until its last piece is written).
        expect(await pieceCount(writer.key)).toBe(4);
        expect(await store.exists(writer.key)).toBe(false);
        expect(await store.incomplete()).toContain(writer.key);
      }
    }
    const stored = await writer.commit();
    expect(stored).toEqual({ key: writer.key, size: TOTAL, sha256: hash.digest("hex") });
    expect(await pieceCount(stored.key)).toBe(TOTAL / CHUNK_BYTES);
    const sizes = await sql<{ largest: number }>`
      select max(length(bytes)) as largest from document_chunks
      where document_key = ${stored.key}`.execute(getDb());
    expect(Number(sizes.rows[0]!.largest)).toBe(CHUNK_BYTES);
    expect(await store.exists(stored.key)).toBe(true);
    expect(await store.incomplete()).not.toContain(stored.key);

    // Read back whole: the same bytes, handed over a piece at a time.
    const stream = (await store.get(stored.key, { expectedSha256: stored.sha256 }))!;
    const readHash = crypto.createHash("sha256");
    let parts = 0;
    let largest = 0;
    let total = 0;
    for await (const part of stream as AsyncIterable<Buffer>) {
      parts += 1;
      largest = Math.max(largest, part.length);
      total += part.length;
      readHash.update(part);
    }
    expect(total).toBe(TOTAL);
    expect(readHash.digest("hex")).toBe(stored.sha256);
    expect(largest).toBeLessThanOrEqual(CHUNK_BYTES);
    expect(parts).toBeGreaterThanOrEqual(TOTAL / CHUNK_BYTES);

    // The reader fetches each piece when it is asked for: pieces removed after the first was
    // read are missed, which could not happen had the document been loaded whole at the start.
    const lazy = (await store.get(stored.key))!;
    const iterator = (lazy as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    await getDb()
      .deleteFrom("document_chunks")
      .where("document_key", "=", stored.key)
      .where("seq", ">=", 10)
      .execute();
    let received = first.value!.length;
    const failure = await (async () => {
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next())
          received += next.value.length;
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect(failure?.message).toMatch(/missing piece 10/);
    expect(received).toBe(10 * CHUNK_BYTES);

    await store.delete(stored.key);
    expect(await store.exists(stored.key)).toBe(false);
    expect(await pieceCount(stored.key)).toBe(0);
    expect(await store.get(stored.key)).toBeNull();
  }, 120_000);

  it("refuses bytes that changed after they were stored", async () => {
    const store = new DatabaseDocumentStore(getDb());
    const bytes = crypto.randomBytes(CHUNK_BYTES + 1000);
    const stored = await store.put(bytes);
    expect(await pieceCount(stored.key)).toBe(2);
    expect((await readAll(store, stored.key, stored.sha256)).equals(bytes)).toBe(true);
    // A recorded hash that is not the document's: refused before a byte is sent.
    await expect(store.get(stored.key, { expectedSha256: "0".repeat(64) })).rejects.toThrow(
      /does not match/,
    );
    const tampered = Buffer.from(bytes.subarray(CHUNK_BYTES));
    tampered[0] = tampered[0]! ^ 0xff;
    await getDb()
      .updateTable("document_chunks")
      .set({ bytes: tampered })
      .where("document_key", "=", stored.key)
      .where("seq", "=", 1)
      .execute();
    await expect(readAll(store, stored.key)).rejects.toThrow(/does not match its SHA-256/);
  });

  it("leaves nothing behind when a write is abandoned, and knows no made-up key", async () => {
    const store = new DatabaseDocumentStore(getDb());
    const writer = store.createWriter();
    await writer.write(crypto.randomBytes(CHUNK_BYTES * 2 + 10));
    expect(await pieceCount(writer.key)).toBe(2);
    await writer.abort();
    expect(await pieceCount(writer.key)).toBe(0);
    expect(await store.incomplete()).not.toContain(writer.key);
    expect(await store.get("../../etc/passwd")).toBeNull();
    expect(await store.exists("not-a-key")).toBe(false);
    // An empty document is a document too (no pieces, a row).
    const empty = await store.put(Buffer.alloc(0));
    expect((await readAll(store, empty.key)).length).toBe(0);
  });
});

describe("the directory document store", () => {
  it("streams to a temporary name, renames it when whole, and refuses changed bytes on read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-store-"));
    dirs.push(dir);
    const store = new LocalDocumentStore(dir);
    const writer = store.createWriter();
    await writer.write(Buffer.from("%PDF-1.4 first part "));
    expect(await store.incomplete()).toHaveLength(1);
    expect(await store.exists(writer.key)).toBe(false);
    await writer.write(Buffer.from("second part"));
    const stored = await writer.commit();
    expect(await store.incomplete()).toEqual([]);
    expect(await store.keys()).toEqual([stored.key]);
    expect((await readAll(store, stored.key, stored.sha256)).toString()).toBe(
      "%PDF-1.4 first part second part",
    );
    fs.writeFileSync(path.join(dir, stored.key), "%PDF-1.4 first part SECOND part");
    await expect(readAll(store, stored.key, stored.sha256)).rejects.toThrow(/SHA-256/);
    await store.delete(stored.key);
    expect(await store.get(stored.key)).toBeNull();

    const abandoned = store.createWriter();
    await abandoned.write(Buffer.from("partial"));
    await abandoned.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
