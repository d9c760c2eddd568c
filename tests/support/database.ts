// What tests ask of the database as a whole (every table, every row), written for both databases:
// the integration suite runs on SQLite and on PostgreSQL (docs/decisions/0019-postgresql.md).
import { sql, type Kysely } from "kysely";
import { dialectOf, openDatabase, openPostgres, type DB } from "~/services/db.server";

/**
 * The names of the database's own tables, sorted: SQLite's sqlite_master without its internal
 * tables, PostgreSQL's tables of the connection's schema. Kysely's migration tables are included.
 */
export async function tableNames(db: Kysely<any>): Promise<string[]> {
  const result =
    dialectOf(db) === "postgres"
      ? await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`
          select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
          db,
        );
  return result.rows.map((r) => r.name).sort();
}

/**
 * A second connection to the test file's database, as another process of the portal would have
 * (SQLite: the same file opened again; PostgreSQL: a pool of its own). Destroy it at the end.
 */
export function secondConnection(): DB {
  const url = process.env.DATABASE_URL;
  return url ? openPostgres(url, { max: 2 }).db : openDatabase(process.env.DATABASE_PATH!).db;
}

/**
 * Records the `column` of every row inserted into `table` from now on, by whichever connection:
 * SQLite, a temporary trigger on the one connection; PostgreSQL, whose temporary objects belong
 * to one connection of the pool, a trigger and its table in the test file's own database.
 */
export async function recordInserts(db: DB, table: string, column: string) {
  const log = sql.table(`${table}_inserted`);
  const trigger = sql.id(`${table}_record_inserts`);
  const postgres = dialectOf(db) === "postgres";
  if (postgres) {
    await sql`create table ${log} (value bigint)`.execute(db);
    await sql`create function ${trigger}() returns trigger language plpgsql as $$
      begin insert into ${sql.raw(`${table}_inserted`)} values (new.${sql.raw(column)}); return null; end $$`.execute(
      db,
    );
    await sql`create trigger ${trigger} after insert on ${sql.table(table)}
      for each row execute function ${trigger}()`.execute(db);
  } else {
    await sql`create temp table ${log} (value integer)`.execute(db);
    await sql`create temp trigger ${trigger} after insert on ${sql.raw(`main.${table}`)}
      begin insert into ${log} values (new.${sql.raw(column)}); end`.execute(db);
  }
  return {
    values: async () =>
      (await sql<{ value: number }>`select value from ${log}`.execute(db)).rows.map((r) => r.value),
    clear: () => sql`delete from ${log}`.execute(db),
    stop: async () => {
      if (postgres) {
        await sql`drop trigger ${trigger} on ${sql.table(table)}`.execute(db);
        await sql`drop function ${trigger}()`.execute(db);
      } else {
        await sql`drop trigger ${sql.raw(`temp.${table}_record_inserts`)}`.execute(db);
      }
      await sql`drop table ${log}`.execute(db);
    },
  };
}
