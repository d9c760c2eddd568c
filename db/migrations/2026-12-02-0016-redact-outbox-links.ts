import type { Kysely } from "kysely";

// Issue 12 item 5: the outbox kept every message body with its live one-time link (reset,
// confirmation, invitation), readable by admins and by anyone holding a backup. From now on the
// outbox stores the text with each `token=` value replaced by REDACTED (app/services/mail.server.ts);
// this removes the secrets the rows already hold. No schema change. Written against Kysely<any>
// and self-contained: a migration must not change when the application's code does.

const SECRET = /([?&]token=)[^\s&#]+/g;

export async function up(db: Kysely<any>): Promise<void> {
  const rows: { id: number; text_body: string }[] = await db
    .selectFrom("mail_outbox")
    .select(["id", "text_body"])
    .where("text_body", "like", "%token=%")
    .execute();
  for (const row of rows) {
    const redacted = row.text_body.replace(SECRET, "$1REDACTED");
    if (redacted !== row.text_body)
      await db
        .updateTable("mail_outbox")
        .set({ text_body: redacted })
        .where("id", "=", row.id)
        .execute();
  }
}

/** Nothing to bring back: the removed links are gone, as they should be. */
export async function down(): Promise<void> {}
