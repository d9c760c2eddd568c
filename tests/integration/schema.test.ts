// db/schema.ts is what the code is type-checked against; the migrations are what the database
// is. This proves they describe the same tables and columns, each with the same nullability and a
// compatible type, so that a migration without its schema.ts change (or the reverse) fails here.
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/services/db.server";
import { readDeclaredSchema, type DeclaredSchema } from "../support/schema-reader";

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

/** What a declared type may be for each SQLite declared column type. */
const COMPATIBLE: Record<string, "text" | "number" | "other"> = {
  text: "text",
  integer: "number",
  real: "number",
  // Bytes (a document's pieces, migration 0026): a Buffer in db/schema.ts.
  blob: "other",
};

let declared: DeclaredSchema;
let actual: Record<string, ColumnInfo[]>;

beforeAll(async () => {
  declared = readDeclaredSchema();
  const db = getDb();
  const tables = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'
    order by name`.execute(db);
  actual = {};
  for (const { name } of tables.rows) {
    actual[name] = (
      await sql<ColumnInfo>`select * from pragma_table_info(${name})`.execute(db)
    ).rows;
  }
}, 60_000);

describe("db/schema.ts matches the migrated database", () => {
  it("reads the Database interface", () => {
    expect(Object.keys(declared)).toEqual(
      expect.arrayContaining(["users", "proposals", "reviews"]),
    );
    expect(declared.proposals?.reference).toEqual({ kinds: ["text"], nullable: true });
    expect(declared.calls?.min_reviews).toEqual({ kinds: ["number"], nullable: false });
  });

  it("has the same tables", () => {
    expect(Object.keys(declared).sort()).toEqual(Object.keys(actual).sort());
  });

  it("has the same columns in every table", () => {
    const missing: string[] = [];
    for (const [table, columns] of Object.entries(actual)) {
      const inSchema = declared[table] ?? {};
      for (const c of columns) if (!(c.name in inSchema)) missing.push(`${table}.${c.name}`);
      for (const name of Object.keys(inSchema)) {
        if (!columns.some((c) => c.name === name))
          missing.push(`${table}.${name} (not in the database)`);
      }
    }
    expect(missing, "columns that only one side has").toEqual([]);
  });

  it("gives every column the same nullability and a compatible type", () => {
    const wrong: string[] = [];
    for (const [table, columns] of Object.entries(actual)) {
      for (const c of columns) {
        const d = declared[table]?.[c.name];
        if (!d) continue;
        // A primary key cannot hold NULL (SQLite's rowid alias; composite keys are written so).
        const nullable = c.notnull === 0 && c.pk === 0;
        if (d.nullable !== nullable) {
          wrong.push(
            `${table}.${c.name}: ${nullable ? "nullable" : "not null"} in the database, ` +
              `${d.nullable ? "nullable" : "not null"} in db/schema.ts`,
          );
        }
        const want = COMPATIBLE[c.type.toLowerCase()];
        if (!want) wrong.push(`${table}.${c.name}: unexpected database type ${c.type}`);
        else if (d.kinds.length !== 1 || d.kinds[0] !== want) {
          wrong.push(
            `${table}.${c.name}: ${c.type} in the database, ${d.kinds.join(" | ")} in db/schema.ts`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
