import type { Kysely } from "kysely";

// Issue 13, "decisions that show their overrides":
// - A decision that shortlists a proposal which does not qualify, or is provisional, records what
//   it overrode (decisions.override_json: the proposal's standing when the official confirmed:
//   counting reviews, required reviews, score, qualifying score and the reasons it did not
//   qualify) and the official's reason for overriding (decisions.override_reason). Both null for
//   a decision that overrides nothing.
// - The credit-code (USCC) manual check that applicants are told about is recorded by an official:
//   who and when (proposals.uscc_checked_by / uscc_checked_at) and what they found
//   (uscc_check_note). The flag shows to staff while uscc_needs_check = 1 and uscc_checked_at is
//   null.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("decisions").addColumn("override_json", "text").execute();
  await db.schema.alterTable("decisions").addColumn("override_reason", "text").execute();
  await db.schema
    .alterTable("proposals")
    .addColumn("uscc_checked_by", "integer", (c) => c.references("users.id"))
    .execute();
  await db.schema.alterTable("proposals").addColumn("uscc_checked_at", "text").execute();
  await db.schema.alterTable("proposals").addColumn("uscc_check_note", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("proposals").dropColumn("uscc_check_note").execute();
  await db.schema.alterTable("proposals").dropColumn("uscc_checked_at").execute();
  await db.schema.alterTable("proposals").dropColumn("uscc_checked_by").execute();
  await db.schema.alterTable("decisions").dropColumn("override_reason").execute();
  await db.schema.alterTable("decisions").dropColumn("override_json").execute();
}
