import { sql, type Kysely } from "kysely";

// Issue 15: reviewers and officials discuss a proposal, and the portal reminds people of due dates.
// - discussion_comments: one comment of a proposal's discussion (staff only, never applicants).
// - moderations.comment_id: a disagreement note that settles a flag by pointing to the comment
//   of the discussion where it was settled.
// - mail_outbox.idempotency_key: a reminder's key (unique when set), so that the scheduler, run
//   again after a restart or by several processes, never writes the same reminder twice.
// - mail_outbox.recipient_id: whose reminder it is, so reviewers can read what was sent to them.
// Written against Kysely<any>: a migration must not change when the application's types do.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("discussion_comments")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("discussion_comments_proposal")
    .on("discussion_comments")
    .columns(["proposal_id", "id"])
    .execute();
  await db.schema
    .alterTable("moderations")
    .addColumn("comment_id", "integer", (c) => c.references("discussion_comments.id"))
    .execute();
  await db.schema.alterTable("mail_outbox").addColumn("idempotency_key", "text").execute();
  await db.schema
    .alterTable("mail_outbox")
    .addColumn("recipient_id", "integer", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("mail_outbox_idempotency_key")
    .on("mail_outbox")
    .column("idempotency_key")
    .unique()
    .where(sql.ref("idempotency_key"), "is not", null)
    .execute();
  await db.schema
    .createIndex("mail_outbox_recipient")
    .on("mail_outbox")
    .columns(["recipient_id", "id"])
    .where(sql.ref("recipient_id"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("mail_outbox_recipient").execute();
  await db.schema.dropIndex("mail_outbox_idempotency_key").execute();
  await db.schema.alterTable("mail_outbox").dropColumn("recipient_id").execute();
  await db.schema.alterTable("mail_outbox").dropColumn("idempotency_key").execute();
  await db.schema.alterTable("moderations").dropColumn("comment_id").execute();
  await db.schema.dropTable("discussion_comments").execute();
}
