// Issue 12 item 5: live tokens at rest. The outbox kept every body with its live reset,
// invitation and verification link, readable by admins and by anyone with a backup. Now tokens
// are stored only hashed (auth_tokens) and the outbox keeps each link with its secret removed;
// without SMTP the live text is shown to an admin once, from memory, then only redacted.
import crypto from "node:crypto";
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import * as outboxMessage from "~/routes/admin.outbox.$id";
import * as forgot from "~/routes/forgot-password";
import * as reset from "~/routes/reset-password";
import { getDb } from "~/services/db.server";
import { createUser, signedIn } from "../support/factories";
import { callAction, callLoader } from "../support/remix";

const db = () => getDb();

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});

/** Every text value of every table, to search a secret in the whole database. */
async function everyStoredText(): Promise<string> {
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
    db(),
  );
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db());
    for (const row of rows.rows) for (const v of Object.values(row)) parts.push(String(v));
  }
  return parts.join("\n");
}

describe("one-time links at rest", () => {
  it("a reset link exists in clear nowhere in the database, and is shown once to an admin", async () => {
    const official = await createUser("official");
    const admin = await signedIn("admin");
    await callAction(forgot.action, "/forgot-password", { email: official.email });
    const row = await db()
      .selectFrom("mail_outbox")
      .select(["id", "text_body"])
      .where("to_address", "=", official.email)
      .where("template", "=", "reset_password")
      .executeTakeFirstOrThrow();
    expect(row.text_body).toContain("/reset-password?token=REDACTED");

    const view = () =>
      callLoader(outboxMessage.loader, `/admin/outbox/${row.id}`, {
        cookie: admin.cookie,
        params: { id: String(row.id) },
      });
    const first = await view();
    expect(first.data.shownOnce).toBe(true);
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    const link = new URL(first.data.message.text_body.match(/https?:\/\/\S+/)![0]);
    const token = link.searchParams.get("token")!;
    expect(token).toMatch(/^[\w-]{43}$/);

    // The whole database holds the token only as its SHA-256.
    const everything = await everyStoredText();
    expect(everything).not.toContain(token);
    expect(everything).toContain(crypto.createHash("sha256").update(token).digest("hex"));

    // The second look shows the link removed, not as a link.
    const second = await view();
    expect(second.data).toMatchObject({ shownOnce: false, redacted: true });
    expect(second.data.message.text_body).not.toContain(token);

    // The live link still works for its recipient.
    const page = await callLoader(reset.loader, `/reset-password?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.data).not.toMatchObject({ status: "unknown" });
  });
});
