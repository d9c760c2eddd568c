// A consistent read snapshot for an export that is read in pages while it streams.
//
// Why: an export of 10,000 proposals is read page by page while the client downloads it; a review
// submitted half-way would otherwise move ranks between two pages (a row twice, another missing)
// and the workbook's Raw scores would no longer recompute its Ranking. SQLite in WAL mode gives a
// reader a fixed snapshot for the length of a read transaction without blocking the writer, but
// the process's one connection cannot hold a transaction open during a slow download (every other
// request would wait). So each export opens its own read-only connection, begins a read
// transaction, reads every page from that one snapshot, and closes the connection at the end.
// An in-memory database (":memory:") cannot be shared: the process's connection is used instead.
//
// On PostgreSQL (DATABASE_URL) the export takes one connection of the pool for itself and holds a
// `repeatable read, read only` transaction on it (every statement reads the snapshot its first
// read took; writers are never blocked), and gives the connection back when the stream ends or is
// aborted (close). The pool's other connections serve everything else meanwhile.
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type RawBuilder } from "kysely";
import type { Database } from "~db/schema";
import { dialectOf, getDb, type DB } from "~/services/db.server";
import { getEnv } from "~/services/env.server";

export interface Snapshot {
  db: DB;
  close: () => Promise<void>;
}

/** Connections that hold an export's read transaction open (they must not begin another). */
const snapshots = new WeakSet<object>();

/** Whether this database handle reads inside an export's snapshot (already one read transaction). */
export function isReadSnapshot(db: DB): boolean {
  return snapshots.has(db);
}

export async function openReadSnapshot(): Promise<Snapshot> {
  const main = getDb();
  if (dialectOf(main) === "postgres") return openPostgresSnapshot(main);
  const file = getEnv().DATABASE_PATH;
  if (file === ":memory:") return { db: getDb(), close: async () => undefined };
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // A deferred read transaction: the snapshot is taken by the first read and kept until commit.
  return begin(db, sql`begin`);
}

/** Begins the snapshot's transaction on its own connection and takes the snapshot (a first read). */
async function begin(db: DB, statement: RawBuilder<unknown>): Promise<Snapshot> {
  try {
    await statement.execute(db);
    await sql`select count(*) from calls`.execute(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return held(db, async () => {
    try {
      await sql`commit`.execute(db);
    } finally {
      await db.destroy();
    }
  });
}

/** The snapshot's handle: its database, and a close that ends it once, however often called. */
function held(db: DB, end: () => Promise<void>): Snapshot {
  snapshots.add(db);
  let closed = false;
  return {
    db,
    close: async () => {
      if (closed) return;
      closed = true;
      await end();
    },
  };
}

/**
 * A pooled PostgreSQL connection held by one export, inside a repeatable-read, read-only
 * transaction (see the top of this file), until close() ends it and gives the connection back.
 */
async function openPostgresSnapshot(main: DB): Promise<Snapshot> {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let opened!: (db: DB) => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<DB>((resolve, reject) => {
    opened = resolve;
    failed = reject;
  });
  const transaction = main
    .connection()
    .execute(async (connection) => {
      await sql`begin isolation level repeatable read, read only`.execute(connection);
      try {
        // The snapshot is taken by the transaction's first statement, not by BEGIN.
        await sql`select 1 from calls limit 1`.execute(connection);
        opened(connection);
        await finished;
      } finally {
        // Read only: ending it changes nothing; the connection goes back to the pool clean.
        await sql`rollback`.execute(connection);
      }
    })
    .catch((error: unknown) => {
      failed(error);
      throw error;
    });
  let db: DB;
  try {
    db = await ready;
  } catch (error) {
    await transaction.catch(() => undefined);
    throw error;
  }
  return held(db, async () => {
    finish();
    await transaction;
  });
}
