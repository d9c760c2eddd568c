import { sql, type Kysely } from "kysely";
import { portable } from "./portable";

// Issue 17 item 3: signed webhooks (docs/decisions/0022-webhooks.md).
// - webhook_endpoints: an integration's address, the events it wants, its signing secret
//   (encrypted at rest: AES-256-GCM under a key derived from the session secret), its owner (who
//   is told when it is paused), and whether it is active or paused.
// - webhook_deliveries: the outbox. One row per event and endpoint, written in the transaction of
//   the change; `uuid` is the delivery id receivers de-duplicate on; `body` is the exact JSON sent
//   on every attempt; `lease_owner`/`lease_until` are how one dispatcher claims it at a time.
// - webhook_attempts: every attempt, with its HTTP status (or error) and a truncated response.
// Written against Kysely<any>: a migration must not change when the application's types do.

export async function up(db: Kysely<any>): Promise<void> {
  const { int, id, now } = portable(db);
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", int, id)
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("events_json", "text", (c) => c.notNull())
    .addColumn("secret_encrypted", "text", (c) => c.notNull())
    .addColumn("owner_id", int, (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("active")
        .check(sql`status in ('active', 'paused')`),
    )
    .addColumn("paused_at", "text")
    .addColumn("paused_reason", "text")
    .addColumn("consecutive_failures", int, (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", int, (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", int, id)
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("endpoint_id", int, (c) => c.notNull().references("webhook_endpoints.id"))
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn("attempts", int, (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("give_up_at", "text", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "text")
    .addColumn("delivered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["next_attempt_at", "id"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_endpoint")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "id"])
    .execute();
  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", int, id)
    .addColumn("delivery_id", int, (c) => c.notNull().references("webhook_deliveries.id"))
    .addColumn("attempt", int, (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("duration_ms", int, (c) => c.notNull())
    .addColumn("status_code", int)
    .addColumn("error", "text")
    .addColumn("response_excerpt", "text")
    .execute();
  await db.schema
    .createIndex("webhook_attempts_delivery")
    .on("webhook_attempts")
    .columns(["delivery_id", "attempt"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_attempts").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhook_endpoints").execute();
}
