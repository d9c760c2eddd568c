// What a migration added after PostgreSQL's baseline (docs/decisions/0019) writes differently on
// the two databases, so that one migration file serves both: the integer type (SQLite's integer is
// 64-bit; PostgreSQL's bigint), the generated key, and the "now" default (ISO 8601 UTC with
// milliseconds, as nowIso() writes). On SQLite each gives exactly what the earlier migrations wrote.
import {
  PostgresAdapter,
  sql,
  type ColumnDefinitionBuilder,
  type Kysely,
  type RawBuilder,
} from "kysely";

export interface Portable {
  /** The 64-bit integer column type. */
  int: "integer" | "bigint";
  /** Makes a column the table's generated primary key. */
  id: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** The current instant as an ISO 8601 UTC string with milliseconds, for defaults. */
  now: RawBuilder<string>;
  postgres: boolean;
}

export function portable(db: Kysely<any>): Portable {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return postgres
    ? {
        postgres,
        int: "bigint",
        id: (c) => c.primaryKey().generatedByDefaultAsIdentity(),
        now: sql<string>`(to_char(statement_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
      }
    : {
        postgres,
        int: "integer",
        id: (c) => c.primaryKey().autoIncrement(),
        now: sql<string>`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      };
}
