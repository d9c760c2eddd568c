import { sql, type Kysely } from "kysely";
import { portable } from "./portable";

// Issue 17 (open data): what the public may read of a call's outcome, kept as it was published.
// - calls.publish_rejected_names: whether the results (page and OCDS awards/tenderers) may name
//   the companies whose proposals were rejected; off unless an official turns it on.
// - result_publications: one row each time a call's decisions are published (marked decided):
//   the public results as published (JSON), never changed afterwards.
// - ocds_releases: every Open Contracting (OCDS 1.1) release published for a call (tender when it
//   opens, award when its decisions are published, awardUpdate when they are published again),
//   stored as served, never changed afterwards.
// Both tables are append-only: triggers abort any UPDATE or DELETE, as on audit_log. Their dates
// are the publication's own (published_at, date), so that a seeded database is deterministic.
// Written against Kysely<any>: a migration must not change when the application's types do.

export async function up(db: Kysely<any>): Promise<void> {
  const { int, id, postgres } = portable(db);
  await db.schema
    .alterTable("calls")
    .addColumn("publish_rejected_names", int, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("result_publications")
    .addColumn("id", int, id)
    .addColumn("call_id", int, (c) => c.notNull().references("calls.id"))
    .addColumn("published_at", "text", (c) => c.notNull())
    .addColumn("results_json", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("result_publications_call")
    .on("result_publications")
    .columns(["call_id", "id"])
    .execute();
  await db.schema
    .createTable("ocds_releases")
    .addColumn("id", int, id)
    .addColumn("call_id", int, (c) => c.notNull().references("calls.id"))
    .addColumn("ocid", "text", (c) => c.notNull())
    .addColumn("release_id", "text", (c) => c.notNull())
    .addColumn("tag", "text", (c) => c.notNull())
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("release_json", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("ocds_releases_release_id")
    .on("ocds_releases")
    .columns(["ocid", "release_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("ocds_releases_call")
    .on("ocds_releases")
    .columns(["call_id", "id"])
    .execute();
  for (const table of ["result_publications", "ocds_releases"]) {
    if (postgres) {
      await sql
        .raw(
          `create function ${table}_append_only() returns trigger language plpgsql as $$ begin raise exception '${table} is append-only'; end $$`,
        )
        .execute(db);
      for (const [name, event] of [
        ["no_update", "update"],
        ["no_delete", "delete"],
      ])
        await sql
          .raw(
            `create trigger ${table}_${name} before ${event} on ${table} for each row execute function ${table}_append_only()`,
          )
          .execute(db);
      continue;
    }
    await sql
      .raw(
        `create trigger ${table}_no_update before update on ${table} begin select raise(abort, '${table} is append-only'); end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_no_delete before delete on ${table} begin select raise(abort, '${table} is append-only'); end`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["result_publications", "ocds_releases"]) {
    await sql.raw(`drop trigger ${table}_no_delete`).execute(db);
    await sql.raw(`drop trigger ${table}_no_update`).execute(db);
  }
  await db.schema.dropTable("ocds_releases").execute();
  await db.schema.dropTable("result_publications").execute();
  await db.schema.alterTable("calls").dropColumn("publish_rejected_names").execute();
}
