import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type TransactionSettings,
} from "kysely";
import type { Database } from "~db/schema";
import { migrationProviderFor } from "~db/migrations";
import { getEnv } from "./env.server";

export type DB = Kysely<Database>;

/** Which database a handle talks to (docs/decisions/0019-postgresql.md). */
export type DatabaseDialect = "sqlite" | "postgres";

let instance: { db: DB; sqlite?: SQLite.Database; pool?: pg.Pool } | undefined;

/**
 * The dialect of a Kysely handle, a transaction included (a transaction shares its database's
 * adapter), so that code given `db` needs no global to know which SQL to write.
 */
export function dialectOf(db: Kysely<any>): DatabaseDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** PostgreSQL's codes for a transaction it aborted so that it may be run again. */
const RETRYABLE_CODES = new Set([
  "40001", // serialization_failure: a serializable or repeatable-read transaction lost a race
  "40P01", // deadlock_detected: this transaction was the deadlock's victim
]);

/** Whether `error` is PostgreSQL aborting a transaction that may simply be run again. */
export function isRetryableConflict(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    RETRYABLE_CODES.has(String((error as { code?: unknown }).code))
  );
}

/** How many times withRetry runs a transaction at most (the first run included). */
export const RETRY_ATTEMPTS = 5;

export interface RetryOptions {
  /** PostgreSQL's isolation level for the transaction; read committed (its default) if unset. */
  isolation?: "serializable" | "repeatable read";
  readOnly?: boolean;
  attempts?: number;
  /** Called before each rerun (tests count them). */
  onRetry?: (attempt: number, error: unknown) => void;
}

/**
 * Runs `fn` in a transaction and, on PostgreSQL, runs it again from the start when PostgreSQL
 * aborts it as a serialization failure (40001) or a deadlock's victim (40P01), at most `attempts`
 * times, after a short random wait that grows with each attempt (so that the racers do not meet
 * again in step). For an invariant that no row lock can hold (a count over rows that do not exist
 * yet: serializable), and as the safety net of transactions that lock several rows.
 * `fn` must have no effect outside the database (mail is sent after the commit), because it may
 * run more than once. SQLite: one transaction as always (its single writer never aborts one).
 * Inside a transaction already (a caller's), `fn` simply runs in it: the caller's retry applies.
 */
export async function withRetry<T>(
  db: DB,
  fn: (trx: DB) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  if (db.isTransaction) return fn(db);
  let builder = db.transaction();
  if (options.readOnly) builder = builder.setAccessMode("read only");
  if (dialectOf(db) === "sqlite") return builder.execute(fn);
  if (options.isolation) builder = builder.setIsolationLevel(options.isolation);
  const attempts = options.attempts ?? RETRY_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await builder.execute(fn);
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
      options.onRetry?.(attempt, error);
      const wait = Math.random() * 20 * attempt;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** PostgreSQL type oids whose values `pg` hands over as strings by default. */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;

/**
 * A PostgreSQL bigint (or an integral numeric, such as sum() over bigints) as a JavaScript number,
 * refusing any value a double cannot hold exactly: money in cents or a sum of squares is never
 * silently rounded. SQLite hands these over as numbers too, so the code sees one type.
 */
export function parseExactInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`integer ${text} is beyond JavaScript's exact range (2^53)`);
  }
  return value;
}

/** A numeric: integral ones exactly (or refused), fractional ones (avg()) as doubles. */
export function parseNumeric(text: string): number {
  return /^-?\d+$/.test(text) ? parseExactInteger(text) : Number(text);
}

const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === PG_INT8) return parseExactInteger;
    if (oid === PG_NUMERIC) return parseNumeric;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Opens a PostgreSQL pool with the portal's settings: bigint and numeric as exact numbers, every
 * session in UTC. Transactions run at read committed (PostgreSQL's default); code that reads,
 * checks, then writes locks what it read (`forUpdate`, app/services/sql-dialect.server.ts).
 */
export function openPostgres(
  connectionString: string,
  options: { max?: number } = {},
): { db: DB; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    types: pgTypes,
    options: "-c TimeZone=UTC",
  });
  // An idle connection that the server drops (a restart, a failover) must not crash the process.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

/**
 * Opens a SQLite file with the portal's settings. WAL lets readers run beside the single writer;
 * synchronous=FULL because a submission that got a reference number must survive a power cut
 * (NORMAL can lose the last transactions on power loss, though never corrupt the file).
 */
export function openDatabase(file: string): { db: DB; sqlite: SQLite.Database } {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // A 16 MB page cache (SQLite's default is 2 MB, ~500 pages): the board's working set at 10,000
  // proposals — proposal_scores' indexes (~3 MB) and the pages of the rows it shows — stays in
  // memory instead of being reread from the operating system on every request. The board no longer
  // reads proposal rows (migration 0006), so 32 MB bought nothing but RSS; the cache is an upper
  // bound, filled only as pages are read (bench/FINDINGS.md §4).
  sqlite.pragma("cache_size = -16384");
  // Sorts and GROUP BYs of the board that need a temporary b-tree stay in memory, not temp files.
  sqlite.pragma("temp_store = memory");
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return { db, sqlite };
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE), unless they are declared
 * read-only (`db.transaction().setAccessMode("read only")`). With several processes on one file
 * (the cluster, docs/decisions/0017-cluster.md), a deferred transaction that read and then wrote
 * failed with SQLITE_BUSY_SNAPSHOT whenever another process had committed in between (the busy
 * timeout cannot help there), and submissions answered 500. Waiting for the lock at BEGIN, under
 * busy_timeout, serialises the writers of every process instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(settings?.accessMode === "read only" ? "begin" : "begin immediate"),
    );
  }
}

/** How many prepared statements a connection keeps (the app issues a few hundred distinct SQL texts). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with its prepared statements reused. Kysely's SQLite driver
 * calls `prepare` for every query it runs, and compiling the SQL again each time cost ~0.3–0.5 ms
 * per request (8.7 % of the submit action's CPU, bench/FINDINGS.md §2). Statements are kept per
 * SQL text, least recently used dropped beyond STATEMENT_CACHE_SIZE; a statement that is still being
 * iterated (a streamed query not yet finished) is not handed out again: that caller gets a fresh one.
 */
export function withStatementCache(
  sqlite: SQLite.Database,
  max = STATEMENT_CACHE_SIZE,
): { prepare(sql: string): SQLite.Statement; close(): void } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit) {
        if (hit.busy) return sqlite.prepare(text);
        // Re-inserting moves the entry to the newest end of the Map's order.
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return statement;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
  };
}

/**
 * The process's database, opened on first use: a PostgreSQL pool when DATABASE_URL is set,
 * otherwise its one SQLite connection to DATABASE_PATH.
 */
export function getDb(): DB {
  if (!instance) {
    const env = getEnv();
    instance = env.DATABASE_URL
      ? openPostgres(env.DATABASE_URL, { max: env.DATABASE_POOL_MAX })
      : openDatabase(env.DATABASE_PATH);
  }
  return instance.db;
}

/** The SQLite connection (backup); an error on PostgreSQL, which has no such thing. */
export function getSqlite(): SQLite.Database {
  getDb();
  if (!instance!.sqlite)
    throw new Error("the database is PostgreSQL (DATABASE_URL): no SQLite file");
  return instance!.sqlite;
}

/** Closes the process's connection (tests and graceful shutdown). */
export async function closeDb(): Promise<void> {
  if (!instance) return;
  const { db } = instance;
  instance = undefined;
  await db.destroy();
}

export async function migrateToLatest(db: DB = getDb()): Promise<string[]> {
  // Numbers are handed out to work done in parallel, so one may land after a higher one has
  // already run somewhere (0024 after 0025): it is applied then, instead of refusing to start.
  // Each migration must therefore stand on its own, as they all do (their own tables and columns).
  const migrator = new Migrator({
    db,
    provider: migrationProviderFor(dialectOf(db)),
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Current time as the ISO 8601 UTC string the database stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
