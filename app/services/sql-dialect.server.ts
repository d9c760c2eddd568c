// The few SQL fragments that cannot be written once for SQLite and PostgreSQL
// (docs/decisions/0019-postgresql.md). Everything else is one query for both; a helper here takes
// the handle it will run on (a transaction included) and answers for that handle's dialect.
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from "kysely";
import { dialectOf } from "./db.server";

type AnyDb = Kysely<any>;
type AnySelect = SelectQueryBuilder<any, any, any>;

/**
 * Locks the rows a read-check-write transaction read, until it ends: `FOR UPDATE` (of the named
 * tables, so that outer-joined ones are left alone) on PostgreSQL; nothing on SQLite, where a
 * write transaction already holds the database's only write lock from BEGIN IMMEDIATE.
 * Use with `$call`: `.$call(forUpdate(trx, "proposals"))`.
 */
export function forUpdate(db: AnyDb, ...tables: string[]) {
  return <QB extends AnySelect>(query: QB): QB => {
    if (dialectOf(db) === "sqlite") return query;
    return (tables.length ? query.forUpdate(tables) : query.forUpdate()) as QB;
  };
}

/**
 * Takes a shared row lock on the rows a transaction read and relies on without writing them (the
 * call whose status a decision was checked against): writers of those rows wait until it ends,
 * other sharers do not. `FOR SHARE` on PostgreSQL; nothing on SQLite (see forUpdate).
 */
export function forShare(db: AnyDb, ...tables: string[]) {
  return <QB extends AnySelect>(query: QB): QB => {
    if (dialectOf(db) === "sqlite") return query;
    return (tables.length ? query.forShare(tables) : query.forShare()) as QB;
  };
}

/**
 * Locks rows of `table` by id until the transaction ends, in id order (two transactions locking
 * overlapping sets cannot deadlock on them): for a transaction that must hold a row it does not
 * otherwise read (the reviewer a conflict is declared for, the owner whose drafts are counted).
 * Nothing on SQLite. Answers the ids that exist (on SQLite, all of them, unchecked).
 */
export async function lockRows(
  db: AnyDb,
  table: string,
  ids: readonly number[],
  mode: "update" | "share" = "update",
): Promise<number[]> {
  if (dialectOf(db) === "sqlite") return [...ids];
  const sorted = [...new Set(ids)].filter((id) => Number.isSafeInteger(id)).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const { rows } = await sql<{ id: number }>`select id from ${sql.table(table)}
    where id in (${sql.join(sorted)}) order by id
    ${mode === "share" ? sql`for share` : sql`for update`}`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Serialises the transactions that name the same key until they end, for an invariant over rows
 * that no row lock can hold (a count of rows yet to be inserted): PostgreSQL's transaction-level
 * advisory lock on the key's hash (two keys sharing a hash merely take turns). Nothing on SQLite.
 */
export async function lockKey(db: AnyDb, key: string): Promise<void> {
  if (dialectOf(db) === "sqlite") return;
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}

/** Whether `needle` occurs in `haystack` (SQLite `instr`, PostgreSQL `strpos`). */
export function contains(db: AnyDb, haystack: RawBuilder<unknown>, needle: string) {
  return dialectOf(db) === "postgres"
    ? sql<boolean>`strpos(${haystack}, ${needle}) > 0`
    : sql<boolean>`instr(${haystack}, ${needle}) > 0`;
}

/** The smaller of two values (SQLite's two-argument min, PostgreSQL's least). */
export function least<T>(db: AnyDb, a: RawBuilder<T> | T, b: RawBuilder<T> | T) {
  return dialectOf(db) === "postgres" ? sql<T>`least(${a}, ${b})` : sql<T>`min(${a}, ${b})`;
}

/** The larger of two values (SQLite's two-argument max, PostgreSQL's greatest). */
export function greatest<T>(db: AnyDb, a: RawBuilder<T> | T, b: RawBuilder<T> | T) {
  return dialectOf(db) === "postgres" ? sql<T>`greatest(${a}, ${b})` : sql<T>`max(${a}, ${b})`;
}

/**
 * A number truncated toward zero to an integer, as SQLite's CAST(x AS INTEGER) does; PostgreSQL's
 * cast rounds (9.99 would land in the next histogram bin), so there it is trunc() first.
 */
export function truncateToInteger(db: AnyDb, value: RawBuilder<unknown>) {
  return dialectOf(db) === "postgres"
    ? sql<number>`cast(trunc(${value}) as bigint)`
    : sql<number>`cast(${value} as integer)`;
}

/** An aggregate joining text values with a separator (SQLite group_concat, PostgreSQL string_agg). */
export function joinedText(db: AnyDb, value: RawBuilder<unknown>, separator: string) {
  return dialectOf(db) === "postgres"
    ? sql<string | null>`string_agg(cast(${value} as text), ${separator})`
    : sql<string | null>`group_concat(${value}, ${separator})`;
}

/**
 * A text column ordered without regard to case: SQLite's `collate nocase` (ASCII letters),
 * PostgreSQL's lower() (which folds every letter).
 */
export function orderWithoutCase(db: AnyDb, column: RawBuilder<unknown>) {
  return dialectOf(db) === "postgres" ? sql`lower(${column})` : sql`${column} collate nocase`;
}

/**
 * A JSON array of objects as the rows of a FROM clause named `j`, each object's fields read as
 * the columns of `table` (the rows a bulk insert writes): SQLite json_each with `->> '$.field'`,
 * PostgreSQL jsonb_populate_recordset, which types every field as the table's column is typed.
 * One statement and one bound parameter however many rows.
 */
export function jsonRows(db: AnyDb, table: string, json: string) {
  const postgres = dialectOf(db) === "postgres";
  return {
    from: postgres
      ? sql`jsonb_populate_recordset(null::${sql.table(table)}, cast(${json} as jsonb)) as j`
      : sql`json_each(${json}) as j`,
    field: (name: string) => (postgres ? sql.ref(`j.${name}`) : sql`j.value ->> ${"$." + name}`),
  };
}

/** Whether a text column holding a JSON array of strings has `value` among them. */
export function jsonArrayHas(db: AnyDb, column: RawBuilder<unknown>, value: string) {
  return dialectOf(db) === "postgres"
    ? sql<boolean>`exists (select 1 from jsonb_array_elements_text(cast(${column} as jsonb)) as e(value) where e.value = ${value})`
    : sql<boolean>`exists (select 1 from json_each(${column}) where value = ${value})`;
}
