import type { Kysely } from "kysely";
import { portable } from "./portable";

// Issue 16 (documents in the database): uploaded documents may be kept in the database itself
// (app/services/document-store.server.ts, chosen when DATABASE_URL is set), so that every app
// server sees every document and one backup holds everything.
// - document_chunks: a document's bytes in pieces of at most 256 KiB, written and read one piece
//   at a time (never the whole document in memory). Written before the document is complete, so
//   they have no foreign key to stored_documents.
// - stored_documents: one row per complete document, written when its last piece is: its size,
//   SHA-256 (checked on every read and by the backup) and number of pieces. Pieces without a row
//   are an upload in progress or abandoned.
// On SQLite both tables exist too (the schemas stay equal; DOCUMENT_STORE=database uses them),
// though the default there stays the upload directory.
// Written against Kysely<any>: a migration must not change when the application's types do.

export async function up(db: Kysely<any>): Promise<void> {
  const { int, now, postgres } = portable(db);
  await db.schema
    .createTable("stored_documents")
    .addColumn("document_key", "text", (c) => c.notNull().primaryKey())
    .addColumn("size_bytes", int, (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("chunk_count", int, (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable("document_chunks")
    .addColumn("document_key", "text", (c) => c.notNull())
    .addColumn("seq", int, (c) => c.notNull())
    .addColumn("bytes", postgres ? "bytea" : "blob", (c) => c.notNull())
    .addPrimaryKeyConstraint("document_chunks_pk", ["document_key", "seq"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("document_chunks").execute();
  await db.schema.dropTable("stored_documents").execute();
}
