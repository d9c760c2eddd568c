// Helper of bench/run.mjs: copies the benchmark dataset from its SQLite file into an empty
// PostgreSQL database, which it first migrates with the app's own migrations (the PostgreSQL
// baseline and what follows), so the two databases hold the same rows under the same ids.
//
//   tsx bench/copy-to-postgres.ts <sqlite file> <postgres url>
//
// Tables go parents first (the order of their foreign keys, read from PostgreSQL's catalogue), in
// multi-row inserts of up to 60,000 parameters inside one transaction, keeping SQLite's ids
// (`overriding system value`); the identity sequences are then moved past the largest id, and the
// tables analysed so the planner sees the data. Generating on SQLite and copying was measured
// against nothing else: the generator writes through better-sqlite3 statements (docs/decisions/0025).
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { migrateToLatest, openPostgres } from "~/services/db.server";

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error("Usage: tsx bench/copy-to-postgres.ts <sqlite file> <postgres url>");
  process.exit(2);
}
const started = performance.now();
const sqlite = new SQLite(from, { readonly: true, fileMustExist: true });
const { db, pool } = openPostgres(to, { max: 2 });
await migrateToLatest(db);

const tables = (
  await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(
    db,
  )
).rows.map((r) => r.table_name);
const edges = (
  await sql<{ child: string; parent: string }>`
    select distinct tc.table_name as child, ccu.table_name as parent
    from information_schema.table_constraints tc
    join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name
    where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public'`.execute(db)
).rows;
// Parents before children (a self-reference is satisfied by copying in id order).
const ordered: string[] = [];
const visit = (table: string, path: Set<string>) => {
  if (ordered.includes(table) || path.has(table)) return;
  path.add(table);
  for (const e of edges) if (e.child === table && e.parent !== table) visit(e.parent, path);
  ordered.push(table);
};
for (const table of tables) visit(table, new Set());

const identity = new Map(
  (
    await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and is_identity = 'YES'`.execute(db)
  ).rows.map((r) => [r.table_name, r.column_name]),
);
const sqliteTables = new Set(
  sqlite
    .prepare(`select name from sqlite_master where type = 'table'`)
    .all()
    .map((r) => (r as { name: string }).name),
);

const client = await pool.connect();
let rowsCopied = 0;
try {
  await client.query("begin");
  for (const table of ordered) {
    if (!sqliteTables.has(table)) continue;
    const pgColumns = new Set(
      (
        await client.query<{ column_name: string }>(
          `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`,
          [table],
        )
      ).rows.map((r) => r.column_name),
    );
    const idColumn = identity.get(table);
    const stmt = sqlite.prepare(
      `select * from "${table}"${idColumn ? ` order by "${idColumn}"` : ""}`,
    );
    const columns = stmt
      .columns()
      .map((c) => c.name)
      .filter((c) => pgColumns.has(c));
    if (!columns.length) continue;
    const perBatch = Math.max(1, Math.floor(60_000 / columns.length));
    let batch: unknown[][] = [];
    const flush = async () => {
      if (!batch.length) return;
      const params: unknown[] = [];
      const values = batch.map(
        (row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(",")})`,
      );
      await client.query(
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(",")})${idColumn ? " overriding system value" : ""} values ${values.join(",")}`,
        params,
      );
      rowsCopied += batch.length;
      batch = [];
    };
    for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
      batch.push(columns.map((c) => (typeof row[c] === "bigint" ? String(row[c]) : row[c])));
      if (batch.length >= perBatch) await flush();
    }
    await flush();
    if (idColumn)
      await client.query(
        `select setval(pg_get_serial_sequence('"${table}"', '${idColumn}'), coalesce((select max("${idColumn}") from "${table}"), 0) + 1, false)`,
      );
  }
  await client.query("commit");
  for (const table of ordered) await client.query(`analyze "${table}"`);
} catch (error) {
  await client.query("rollback").catch(() => undefined);
  throw error;
} finally {
  client.release();
  sqlite.close();
  await db.destroy();
}
console.log(
  JSON.stringify({
    tables: ordered.length,
    rows: rowsCopied,
    ms: Math.round(performance.now() - started),
  }),
);
