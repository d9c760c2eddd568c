// Issue 12 item 5: live tokens at rest. The outbox kept every body with its live reset,
// invitation and verification link, readable by admins and by anyone with a backup. Now tokens
// are stored only hashed (auth_tokens) and the outbox keeps each link with its secret removed;
// without SMTP the live text is shown to an admin once, then only redacted. Until then it waits
// sealed in the database (issue 18: every worker process must be able to show it), under a key
// derived from the session secret, which neither the database nor its backups hold.
import crypto from "node:crypto";
import { sql } from "kysely";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as outboxMessage from "~/routes/admin.outbox.$id";
import * as forgot from "~/routes/forgot-password";
import * as reset from "~/routes/reset-password";
import { getDb } from "~/services/db.server";
import { openLiveText, sealLiveText, takeLiveText } from "~/services/mail.server";
import { createUser, signedIn } from "../support/factories";
import { callAction, callLoader } from "../support/remix";
import { tableNames } from "../support/database";

const db = () => getDb();

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});

/** Every text value of every table, to search a secret in the whole database. */
async function everyStoredText(): Promise<string> {
  const parts: string[] = [];
  for (const name of await tableNames(db())) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db());
    for (const row of rows.rows) for (const v of Object.values(row)) parts.push(String(v));
  }
  return parts.join("\n");
}

/** Asks for a password reset for `email` and returns the outbox row of the message it sent. */
async function requestReset(email: string) {
  await callAction(forgot.action, "/forgot-password", { email });
  return db()
    .selectFrom("mail_outbox")
    .select(["id", "text_body"])
    .where("to_address", "=", email)
    .where("template", "=", "reset_password")
    .executeTakeFirstOrThrow();
}

describe("one-time links at rest", () => {
  it("a reset link exists in clear nowhere in the database, and is shown once to an admin", async () => {
    const official = await createUser("official");
    const admin = await signedIn("admin");
    const row = await requestReset(official.email);
    expect(row.text_body).toContain("/reset-password?token=REDACTED");
    // Waiting for its one showing: sealed, so no token of the right shape is anywhere in clear.
    const sealed = await db()
      .selectFrom("mail_live_texts")
      .selectAll()
      .where("outbox_id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(sealed.sealed).not.toContain("reset-password");
    expect(await everyStoredText()).not.toMatch(/token=(?!REDACTED)[\w-]{43}/);

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

  it("a sealed text opens only for its own message and under a current secret", async () => {
    const text =
      "Reset: http://localhost/reset-password?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const old = "o".repeat(64);
    const sealed = sealLiveText(7, text, old);
    expect(sealed).not.toContain("abcdefghij");
    // Rotation: sealed under the secret now second in the list, still opened.
    expect(openLiveText(7, sealed, ["n".repeat(64), old])).toBe(text);
    // Moved to another message's row: refused (the id is authenticated).
    expect(openLiveText(8, sealed, [old])).toBeNull();
    // The secret retired: refused, never garbage.
    expect(openLiveText(7, sealed, ["n".repeat(64)])).toBeNull();
    // Tampered with: refused.
    const bytes = Buffer.from(sealed, "base64url");
    bytes[bytes.length - 1]! ^= 1;
    expect(openLiveText(7, bytes.toString("base64url"), [old])).toBeNull();
  });

  it("two admins opening a message at once: one of them is shown the live link", async () => {
    const official = await createUser("official");
    const admin = await signedIn("admin");
    const row = await requestReset(official.email);
    const taken = await Promise.all([takeLiveText(db(), row), takeLiveText(db(), row)]);
    expect(taken.filter((t) => t !== null)).toHaveLength(1);
    expect(taken.find((t) => t !== null)).toMatch(/reset-password\?token=[\w-]{43}/);
    const view = await callLoader(outboxMessage.loader, `/admin/outbox/${row.id}`, {
      cookie: admin.cookie,
      params: { id: String(row.id) },
    });
    expect(view.data).toMatchObject({ shownOnce: false, redacted: true });
  });

  it("another worker process shows the link: nothing of it lives in one process's memory", async () => {
    const official = await createUser("official");
    const row = await requestReset(official.email);
    // A fresh copy of the mail module, as a second worker of the cluster would load it.
    vi.resetModules();
    const otherWorker = await import("~/services/mail.server");
    const freshDb = (await import("~/services/db.server")).getDb();
    expect(await otherWorker.takeLiveText(freshDb, row)).toMatch(/reset-password\?token=[\w-]{43}/);
  });
});
