// The drop that ends every PostgreSQL test file (tests/setup/test-env.ts) and every database the
// scale-out tests and the benchmark make (scripts/scale-out.mjs, freshDatabase). CI failed once
// when it ran `drop database … with (force)` while autovacuum was working in that database, and
// a benchmark run ended (losing its report) when the benchmark's drop ended every session in it
// first: an autovacuum worker has no role the test role may signal (42501, "must be a member of
// the role whose process is being terminated" / "must be a superuser to terminate superuser
// process"). This test brings autovacuum into a database on purpose, then drops it with a session
// of the test role still open in it, as a file's or a killed server's leftover pool would be.
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { freshDatabase } from "../../../scripts/scale-out.mjs";
import { onServer, testServerUrl } from "../../setup/postgres";

const server = testServerUrl()!;
const database = await freshDatabase(server, "cda_drop");
const name = database.name;

afterAll(async () => {
  await onServer(server, `drop database if exists ${name}`);
});

async function autovacuumIn(admin: pg.Client): Promise<boolean> {
  const { rows } = await admin.query(
    // A session of another role shows the test role no backend_type: autovacuum's has no user.
    "select 1 from pg_stat_activity where datname = $1 and usesysid is null",
    [name],
  );
  return rows.length > 0;
}

it("drops a test database while autovacuum works in it and a session of the test role is still open", async () => {
  const inside = new pg.Client({ connectionString: database.url });
  await inside.connect();
  inside.on("error", () => undefined); // it is ended by the drop
  // Dead rows autovacuum must visit, and a cost limit that keeps it there for minutes.
  await inside.query(
    `create table t (id int, pad text) with (autovacuum_vacuum_threshold = 0,
         autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100,
         autovacuum_vacuum_cost_limit = 1)`,
  );
  await inside.query("insert into t select g, repeat('x', 200) from generate_series(1, 200000) g");
  await inside.query("delete from t");

  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    // Autovacuum wakes once per autovacuum_naptime (a minute by default).
    await expect.poll(() => autovacuumIn(admin), { timeout: 280_000, interval: 500 }).toBe(true);
    await database.drop();
    const { rows } = await admin.query("select 1 from pg_database where datname = $1", [name]);
    expect(rows).toEqual([]);
  } finally {
    await admin.end();
    await inside.end().catch(() => undefined);
  }
}, 300_000);
