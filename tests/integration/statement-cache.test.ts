// The prepared-statement cache under Kysely (app/services/db.server.ts withStatementCache): reused
// statements must give the same answers as fresh ones, including after a schema change, while a
// streamed query of the same SQL is still open, and with the cache full.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type Generated } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withStatementCache } from "~/services/db.server";

interface TestDb {
  items: { id: Generated<number>; name: string; note: string | null };
}

let dir: string;
let sqlite: SQLite.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-stmt-"));
  sqlite = new SQLite(path.join(dir, "t.db"));
  sqlite.exec("create table items (id integer primary key, name text not null)");
});
afterEach(() => {
  if (sqlite.open) sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function kysely(max?: number) {
  const connection = withStatementCache(sqlite, max);
  const db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database: connection }) });
  return { db, connection };
}

describe("statement cache", () => {
  it("reuses one statement per SQL text and binds each call's own parameters", async () => {
    const { db, connection } = kysely();
    for (const name of ["a", "b", "c"]) await db.insertInto("items").values({ name }).execute();
    const byName = (name: string) =>
      db.selectFrom("items").select("id").where("name", "=", name).executeTakeFirst();
    expect(await byName("b")).toEqual({ id: 2 });
    expect(await byName("c")).toEqual({ id: 3 });
    expect(await byName("z")).toBeUndefined();
    const text = db.selectFrom("items").select("id").where("name", "=", "x").compile().sql;
    expect(connection.prepare(text)).toBe(connection.prepare(text));
  });

  it("answers with the new columns after the table changes", async () => {
    const { db } = kysely();
    await db.insertInto("items").values({ name: "a" }).execute();
    const all = () => db.selectFrom("items").selectAll().execute();
    expect(await all()).toEqual([{ id: 1, name: "a" }]);
    await sql`alter table items add column note text`.execute(db);
    await db.updateTable("items").set({ note: "n" }).execute();
    expect(await all()).toEqual([{ id: 1, name: "a", note: "n" }]);
  });

  it("gives a fresh statement when the cached one is still being iterated", async () => {
    const { db } = kysely();
    for (let i = 0; i < 5; i++)
      await db
        .insertInto("items")
        .values({ name: `n${i}` })
        .execute();
    const query = db.selectFrom("items").select("name").orderBy("id");
    const seen: string[] = [];
    // A streamed read of a statement, and the same SQL run again before the stream is finished:
    // better-sqlite3 refuses to run a statement that is mid-iteration, so the cache must not hand
    // it out.
    const outer = sqlite.prepare(query.compile().sql);
    const cached = withStatementCache(sqlite);
    const first = cached.prepare(query.compile().sql);
    const it = first.iterate() as IterableIterator<{ name: string }>;
    seen.push(it.next().value!.name);
    const second = cached.prepare(query.compile().sql);
    expect(second).not.toBe(first);
    expect((second.all() as { name: string }[]).map((r) => r.name)).toEqual(
      outer.all().map((r) => (r as { name: string }).name),
    );
    for (const row of it) seen.push(row.name);
    expect(seen).toEqual(["n0", "n1", "n2", "n3", "n4"]);
    // Once the stream is done the cached statement is handed out again.
    expect(cached.prepare(query.compile().sql)).toBe(first);
    expect(await query.execute()).toHaveLength(5);
  });

  it("keeps at most its limit, dropping the least recently used", () => {
    const cached = withStatementCache(sqlite, 2);
    const a = cached.prepare("select 1");
    const b = cached.prepare("select 2");
    expect(cached.prepare("select 1")).toBe(a); // now "select 2" is the oldest
    cached.prepare("select 3");
    expect(cached.prepare("select 1")).toBe(a);
    expect(cached.prepare("select 2")).not.toBe(b);
  });

  it("closing the Kysely instance closes the connection", async () => {
    const { db } = kysely();
    await db.selectFrom("items").selectAll().execute();
    await db.destroy();
    expect(sqlite.open).toBe(false);
  });
});
