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
// On PostgreSQL (DATABASE_URL) the same: a connection of its own (a pool of one), in a
// `repeatable read, read only` transaction, whose snapshot is taken by its first read. Before, the
// export opened DATABASE_PATH as SQLite there: a file the PostgreSQL deployment never writes.
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type RawBuilder } from "kysely";
import type { Database } from "~db/schema";
import { getDb, openPostgres, type DB } from "~/services/db.server";
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
  const env = getEnv();
  if (env.DATABASE_URL) {
    // One connection, so that every statement of the export runs inside the one transaction.
    const { db } = openPostgres(env.DATABASE_URL, { max: 1 });
    return begin(db, sql`begin isolation level repeatable read, read only`);
  }
  const file = env.DATABASE_PATH;
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
  snapshots.add(db);
  let closed = false;
  return {
    db,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await sql`commit`.execute(db);
      } finally {
        await db.destroy();
      }
    },
  };
}
