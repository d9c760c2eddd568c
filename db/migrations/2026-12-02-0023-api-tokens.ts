import type { Kysely } from "kysely";
import { portable } from "./portable";

// Issue 17 (part 2): the read-only JSON API's bearer tokens (docs/decisions/0021).
// - api_tokens: one token per integration (issued by an administrator) or per applicant (personal,
//   their own proposals only). Only the SHA-256 of the secret is kept (token_hash); token_hint is
//   the secret's first characters, so that an administrator can tell tokens apart in the list.
//   scopes_json: the resources the token may read; call_ids_json: the calls it may read (NULL:
//   every call). A token acts for user_id with that user's live role and declared conflicts.
// Written against Kysely<any>: a migration must not change when the application's types do.

export async function up(db: Kysely<any>): Promise<void> {
  const { int, id, now } = portable(db);
  await db.schema
    .createTable("api_tokens")
    .addColumn("id", int, id)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("user_id", int, (c) => c.notNull().references("users.id"))
    .addColumn("created_by", int, (c) => c.notNull().references("users.id"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("token_hint", "text", (c) => c.notNull())
    .addColumn("scopes_json", "text", (c) => c.notNull())
    .addColumn("call_ids_json", "text")
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by", int, (c) => c.references("users.id"))
    .addColumn("last_used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("api_tokens_user")
    .on("api_tokens")
    .columns(["user_id", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("api_tokens_user").execute();
  await db.schema.dropTable("api_tokens").execute();
}
