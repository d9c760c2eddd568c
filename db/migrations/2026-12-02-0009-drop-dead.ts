import type { Kysely } from "kysely";

// Drops the columns that were written and never read by the portal, its seed, its scripts or its
// tests (issue 11), so that nobody wonders what keeps them current:
// - sessions.ip, sessions.user_agent: stored at every sign-in, shown nowhere; the audit log keeps
//   the address of every action that matters.
// - auth_tokens.created_by: who sent an invitation; the audit row "user.invited" says so.
// - proposals.withdrawn_at: the withdrawal's time and reason are in its audit row, and the status
//   says withdrawn.
// - mail_outbox.html_body: always NULL; mail is sent and shown as text only.
// Every table is read somewhere, so none is dropped. proposal_scores, call_score_summaries and
// calls.scores_* belong to the score read model and are left to its own migrations.
// Written against Kysely<any>: a migration must not change when the application's types do.

const DEAD: [table: string, column: string, type: "text" | "integer"][] = [
  ["sessions", "ip", "text"],
  ["sessions", "user_agent", "text"],
  ["auth_tokens", "created_by", "integer"],
  ["proposals", "withdrawn_at", "text"],
  ["mail_outbox", "html_body", "text"],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of DEAD) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
}

/** Brings the columns back, empty: what they held is gone. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column, type] of DEAD) {
    await db.schema
      .alterTable(table)
      .addColumn(column, type, (c) =>
        table === "auth_tokens" && column === "created_by" ? c.references("users.id") : c,
      )
      .execute();
  }
}
