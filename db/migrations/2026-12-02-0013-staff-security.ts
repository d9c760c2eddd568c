import { sql, type Kysely } from "kysely";

// ASVS level 2 for staff (issue 12): two-step verification, the list of signed-in sessions, and a
// throttle for the audit rows that refusals and failed sign-ins write.
// - users.totp_*: the TOTP secret (base32) once enrolment is confirmed, the one being set up until
//   then, when it was turned on, and the last time step accepted (a code is good once: RFC 6238
//   5.2).
// - recovery_codes: one-time codes, each stored as "salt$sha256(salt + code)" (ASVS 2.6.2).
// - sessions.stage: NULL is a full session; 'totp' waits for the second step after the password,
//   'enrol' may only set up two-step verification. getUser accepts only NULL.
// - sessions.device: a coarse label ("Chrome on Windows") for the list of signed-in sessions,
//   derived from the User-Agent at sign-in; the header itself is not kept (migration 0009 dropped
//   sessions.user_agent as unread).
// - audit_throttle: one row per (kind, actor, target) with the current minute's count and the
//   previous minute's, so that a flood of refusals writes one audit row a minute, and the next row
//   says how many the minute before held.
// Written against Kysely<any>: a migration must not change when the application's types do.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("totp_secret", "text").execute();
  await db.schema.alterTable("users").addColumn("totp_pending_secret", "text").execute();
  await db.schema.alterTable("users").addColumn("totp_enabled_at", "text").execute();
  await db.schema.alterTable("users").addColumn("totp_last_step", "integer").execute();
  await db.schema
    .createTable("recovery_codes")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) =>
      c.notNull().defaultTo(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    )
    .execute();
  await db.schema
    .createIndex("recovery_codes_user")
    .on("recovery_codes")
    .column("user_id")
    .execute();
  await db.schema
    .alterTable("sessions")
    .addColumn("stage", "text", (c) => c.check(sql`stage in ('totp', 'enrol')`))
    .execute();
  await db.schema.alterTable("sessions").addColumn("device", "text").execute();
  await db.schema
    .createTable("audit_throttle")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("window_start", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("previous_count", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_throttle").execute();
  await db.schema.alterTable("sessions").dropColumn("device").execute();
  await db.schema.alterTable("sessions").dropColumn("stage").execute();
  await db.schema.dropTable("recovery_codes").execute();
  for (const column of ["totp_last_step", "totp_enabled_at", "totp_pending_secret", "totp_secret"])
    await db.schema.alterTable("users").dropColumn(column).execute();
}
