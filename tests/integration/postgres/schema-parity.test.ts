// The PostgreSQL baseline (db/migrations/postgres-baseline.ts) plus the later migrations must
// leave the same schema as the SQLite chain (docs/decisions/0019-postgresql.md). Run by
// npm run test:pg only: this file's database is PostgreSQL, and beside it the test file's copy of
// the SQLite template (DATABASE_PATH) is read with better-sqlite3.
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectOf, getDb } from "~/services/db.server";

interface Column {
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}
interface Schema {
  columns: Record<string, Record<string, Column>>;
  primaryKeys: Record<string, string[]>;
  /** "table(columns)" of every unique constraint or unique index, partial ones marked. */
  unique: string[];
  /** "table(columns)" of every index that is not unique. */
  indexes: string[];
  /** "table.column -> table.column on delete rule" */
  foreignKeys: string[];
  /** How many check constraints each table has. */
  checks: Record<string, number>;
  /** "table: trigger name" */
  triggers: string[];
}

/** SQLite's declared types as the baseline maps them. */
const TYPE_MAP: Record<string, string> = {
  integer: "bigint",
  real: "double precision",
  text: "text",
  "varchar(255)": "character varying",
  blob: "bytea",
};

let sqlite: SQLite.Database;
let lite: Schema;
let postgres: Schema;

function readSqlite(database: SQLite.Database): Schema {
  const schema: Schema = {
    columns: {},
    primaryKeys: {},
    unique: [],
    indexes: [],
    foreignKeys: [],
    checks: {},
    triggers: [],
  };
  const tables = database
    .prepare(
      `select name, sql from sqlite_master
       where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`,
    )
    .all() as { name: string; sql: string }[];
  for (const { name, sql: ddl } of tables) {
    const info = database.prepare(`select * from pragma_table_info(?)`).all(name) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const autoincrement = /primary key autoincrement/i.test(ddl);
    schema.columns[name] = Object.fromEntries(
      info.map((c) => [
        c.name,
        {
          type: TYPE_MAP[c.type.toLowerCase()] ?? `unmapped ${c.type}`,
          // A primary key column is never null on PostgreSQL; SQLite's rowid alias is not null either.
          notNull: c.notnull === 1 || c.pk > 0,
          hasDefault: c.dflt_value !== null || (autoincrement && c.pk > 0),
        },
      ]),
    );
    schema.primaryKeys[name] = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    for (const index of database.prepare(`select * from pragma_index_list(?)`).all(name) as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[]) {
      if (index.origin === "pk") continue;
      const columns = (
        database
          .prepare(`select name from pragma_index_info(?) order by seqno`)
          .all(index.name) as {
          name: string;
        }[]
      ).map((c) => c.name);
      const entry = `${name}(${columns.join(",")})${index.partial ? " partial" : ""}`;
      (index.unique ? schema.unique : schema.indexes).push(entry);
    }
    for (const fk of database.prepare(`select * from pragma_foreign_key_list(?)`).all(name) as {
      table: string;
      from: string;
      to: string;
      on_delete: string;
    }[]) {
      schema.foreignKeys.push(
        `${name}.${fk.from} -> ${fk.table}.${fk.to} ${fk.on_delete.toLowerCase()}`,
      );
    }
    schema.checks[name] = (ddl.match(/\bcheck\s*\(/gi) ?? []).length;
  }
  schema.triggers = (
    database.prepare(`select tbl_name, name from sqlite_master where type = 'trigger'`).all() as {
      tbl_name: string;
      name: string;
    }[]
  ).map((t) => `${t.tbl_name}: ${t.name}`);
  return sorted(schema);
}

async function readPostgres(): Promise<Schema> {
  const db = getDb();
  const schema: Schema = {
    columns: {},
    primaryKeys: {},
    unique: [],
    indexes: [],
    foreignKeys: [],
    checks: {},
    triggers: [],
  };
  const columns = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
    is_identity: string;
  }>`select table_name, column_name, data_type, is_nullable, column_default, is_identity
     from information_schema.columns
     where table_schema = 'public' and table_name not like 'kysely_%'
     order by table_name, ordinal_position`.execute(db);
  for (const c of columns.rows) {
    (schema.columns[c.table_name] ??= {})[c.column_name] = {
      type: c.data_type,
      notNull: c.is_nullable === "NO",
      hasDefault: c.column_default !== null || c.is_identity === "YES",
    };
  }
  // Every index, with its columns in order, whether unique and whether partial; the primary key apart.
  const indexes = await sql<{
    table_name: string;
    columns: string;
    is_unique: boolean;
    is_primary: boolean;
    partial: boolean;
  }>`select t.relname as table_name,
            (select string_agg(a.attname, ',' order by k.ordinality)
               from unnest(i.indkey) with ordinality as k(attnum, ordinality)
               join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum) as columns,
            i.indisunique as is_unique, i.indisprimary as is_primary,
            i.indpred is not null as partial
     from pg_index i
     join pg_class t on t.oid = i.indrelid
     join pg_namespace n on n.oid = t.relnamespace
     where n.nspname = 'public' and t.relname not like 'kysely_%'`.execute(db);
  for (const i of indexes.rows) {
    if (i.is_primary) {
      schema.primaryKeys[i.table_name] = i.columns.split(",");
      continue;
    }
    const entry = `${i.table_name}(${i.columns})${i.partial ? " partial" : ""}`;
    (i.is_unique ? schema.unique : schema.indexes).push(entry);
  }
  for (const table of Object.keys(schema.columns)) schema.primaryKeys[table] ??= [];
  const foreignKeys = await sql<{ entry: string }>`
    select t.relname || '.' || a.attname || ' -> ' || r.relname || '.' || ra.attname || ' ' ||
           case c.confdeltype when 'a' then 'no action' when 'c' then 'cascade'
             when 'n' then 'set null' when 'r' then 'restrict' else 'set default' end as entry
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_class r on r.oid = c.confrelid
    join pg_attribute a on a.attrelid = t.oid and a.attnum = c.conkey[1]
    join pg_attribute ra on ra.attrelid = r.oid and ra.attnum = c.confkey[1]
    join pg_namespace n on n.oid = t.relnamespace
    where c.contype = 'f' and n.nspname = 'public'`.execute(db);
  schema.foreignKeys = foreignKeys.rows.map((r) => r.entry);
  const checks = await sql<{ table_name: string; count: number }>`
    select t.relname as table_name, count(*) as count
    from pg_constraint c join pg_class t on t.oid = c.conrelid
    join pg_namespace n on n.oid = t.relnamespace
    where c.contype = 'c' and n.nspname = 'public' group by t.relname`.execute(db);
  for (const table of Object.keys(schema.columns)) schema.checks[table] = 0;
  for (const c of checks.rows) schema.checks[c.table_name] = c.count;
  const triggers = await sql<{ entry: string }>`
    select distinct event_object_table || ': ' || trigger_name as entry
    from information_schema.triggers where trigger_schema = 'public'`.execute(db);
  schema.triggers = triggers.rows.map((t) => t.entry);
  return sorted(schema);
}

function sorted(schema: Schema): Schema {
  return {
    ...schema,
    unique: [...schema.unique].sort(),
    indexes: [...schema.indexes].sort(),
    foreignKeys: [...schema.foreignKeys].sort(),
    triggers: [...schema.triggers].sort(),
  };
}

beforeAll(async () => {
  expect(dialectOf(getDb())).toBe("postgres");
  sqlite = new SQLite(process.env.DATABASE_PATH!, { readonly: true, fileMustExist: true });
  lite = readSqlite(sqlite);
  postgres = await readPostgres();
}, 60_000);

afterAll(() => sqlite?.close());

describe("PostgreSQL's schema is SQLite's, in PostgreSQL's types", () => {
  it("has the same tables", () => {
    expect(Object.keys(postgres.columns).sort()).toEqual(Object.keys(lite.columns).sort());
    expect(Object.keys(lite.columns)).toContain("proposal_scores");
  });

  it("has the same columns, types mapped, nullability and defaults", () => {
    expect(postgres.columns).toEqual(lite.columns);
  });

  it("has the same primary keys", () => {
    expect(postgres.primaryKeys).toEqual(lite.primaryKeys);
  });

  it("has the same unique constraints and indexes", () => {
    expect(postgres.unique).toEqual(lite.unique);
    expect(postgres.indexes).toEqual(lite.indexes);
  });

  it("has the same foreign keys", () => {
    expect(postgres.foreignKeys).toEqual(lite.foreignKeys);
  });

  it("has as many check constraints on every table", () => {
    expect(postgres.checks).toEqual(lite.checks);
  });

  it("has the same triggers", () => {
    expect(postgres.triggers).toEqual(lite.triggers);
    expect(lite.triggers).toContain("audit_log: audit_log_no_update");
  });
});
