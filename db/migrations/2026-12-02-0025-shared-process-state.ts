import type { Kysely } from "kysely";
import { portable } from "./portable";

// Issue 18: what several worker processes (or app servers) must share lives in the database.
// - mail_live_texts: without SMTP, the live text of an outbox message that holds a one-time link,
//   sealed (AES-256-GCM under a key derived from the session secret, bound to the message id) so
//   that neither the database nor a backup of it holds a usable link; deleted when an admin is
//   shown it once, or when it expires. Replaces the copy one process kept in its memory.
// - job_leases: one row per scheduled job (reminders, …); a process runs a pass only while it
//   holds the lease, so a pass runs once per interval, not once per worker.
// Plain types and no defaults: the same on SQLite and PostgreSQL.
// Written against Kysely<any>: a migration must not change when the application's types do.

export async function up(db: Kysely<any>): Promise<void> {
  const { int } = portable(db);
  await db.schema
    .createTable("mail_live_texts")
    .addColumn("outbox_id", int, (c) =>
      c.primaryKey().references("mail_outbox.id").onDelete("cascade"),
    )
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("job_leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
}
