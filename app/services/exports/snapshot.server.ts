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
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { Database } from "~db/schema";
import { getDb, type DB } from "~/services/db.server";
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
  const file = getEnv().DATABASE_PATH;
  if (file === ":memory:") return { db: getDb(), close: async () => undefined };
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  // A deferred read transaction: the snapshot is taken by the first read and kept until commit.
  await sql`begin`.execute(db);
  await sql`select count(*) from calls`.execute(db);
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
