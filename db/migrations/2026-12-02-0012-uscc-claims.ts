import { sql, type Kysely } from "kysely";

// A Unified Social Credit Code is no longer unique to one company profile (issue 12, item 8): the
// first account to type a code held it, so a rival could claim a competitor's code before the
// deadline and block their submission, and the refusal told anyone which codes were registered.
// Now a second claimant saves and submits as usual; the clash is shown to officials, and an
// administrator resolves it (uscc_resolutions, audited).
// SQLite cannot drop a UNIQUE constraint: the table is rebuilt (the documented procedure: foreign
// keys off, new table, copy, drop, rename, check, foreign keys on). Migrations run outside a
// transaction on SQLite, so the pragma takes effect. Written against Kysely<any>: frozen once landed.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

async function rebuildOrganisations(db: Kysely<any>, uniqueUscc: boolean): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.schema
      .createTable("organisations_rebuilt")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("legal_name_en", "text", (c) => c.notNull())
      .addColumn("legal_name_zh", "text")
      .addColumn("country", "text", (c) => c.notNull().defaultTo("CN"))
      .addColumn("uscc", "text", (c) => (uniqueUscc ? c.unique() : c))
      .addColumn("uscc_needs_check", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("registration_number", "text")
      .addColumn("province", "text")
      .addColumn("city", "text")
      .addColumn("parent_group", "text")
      .addColumn("profile_json", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
      .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
      .execute();
    await sql`
      insert into organisations_rebuilt (id, legal_name_en, legal_name_zh, country, uscc,
        uscc_needs_check, registration_number, province, city, parent_group, profile_json,
        created_at, updated_at)
      select id, legal_name_en, legal_name_zh, country, uscc, uscc_needs_check,
        registration_number, province, city, parent_group, profile_json, created_at, updated_at
      from organisations
    `.execute(db);
    await db.schema.dropTable("organisations").execute();
    await db.schema.alterTable("organisations_rebuilt").renameTo("organisations").execute();
    await db.schema
      .createIndex("organisations_parent_group")
      .on("organisations")
      .column("parent_group")
      .execute();
    await db.schema
      .createIndex("organisations_name_en")
      .on("organisations")
      .column("legal_name_en")
      .execute();
    if (!uniqueUscc)
      await db.schema
        .createIndex("organisations_uscc")
        .on("organisations")
        .column("uscc")
        .execute();
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length) throw new Error("foreign keys broken by the organisations rebuild");
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await rebuildOrganisations(db, false);
  await db.schema
    .createTable("uscc_resolutions")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("uscc", "text", (c) => c.notNull())
    .addColumn("holder_organisation_id", "integer", (c) =>
      c.notNull().references("organisations.id"),
    )
    // The claimants (organisation ids, JSON array) the resolution decided: a later claimant
    // opens the dispute again.
    .addColumn("decided_json", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("resolved_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("resolved_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("uscc_resolutions_uscc")
    .on("uscc_resolutions")
    .columns(["uscc", "id"])
    .execute();
}

/** Restores the unique code: fails (and changes nothing) while two companies share one. */
export async function down(db: Kysely<any>): Promise<void> {
  const shared = await sql`
    select uscc from organisations where uscc is not null group by uscc having count(*) > 1
  `.execute(db);
  if (shared.rows.length) throw new Error("several companies share a USCC: resolve them first");
  await db.schema.dropTable("uscc_resolutions").execute();
  await rebuildOrganisations(db, true);
}
