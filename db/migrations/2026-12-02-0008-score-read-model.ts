import { sql, type Kysely } from "kysely";

// The score read model (issue 11, docs/decisions/0002-score-read-model.md): one writer
// (app/models/score-read-model.server.ts) updates, in the transaction of each change, what depends
// on the proposals it changed — their proposal_scores rows, the per-review totals below and the
// running calibration sums of their reviewers and their call — and bumps calls.scores_version once.
// Calibrated scores and ranks need the whole call, so they are no longer stored: the read side
// derives them from this compact state (the totals and the sums) and keeps them in memory per
// (call, scores_version).
//
// - The triggers of 0005 and 0006 go: the writer is called explicitly next to every change, and a
//   second freshness mechanism (stale marks + recomputes in GET loaders) is what issue 11 removes.
// - calls.scores_computed_version and call_score_summaries go (superseded by the sums).
// - proposal_scores loses calibrated_score, rank_raw, rank_calibrated (derived on read) and the
//   unread computed_at, and gains
//   the exact score (score_num / score_den) and the tie-break means the read side ranks by.
// - Existing calls cannot be filled here (that needs the app's rules, and a migration is frozen in
//   time): every call is marked rebuild_needed, and start-up (prepare() in app/entry.server.tsx,
//   and `npm run db:migrate`) rebuilds the marked calls once before serving.

const OLD_TRIGGERS = [
  "scores_proposal_insert",
  "scores_proposal_update",
  "scores_proposal_delete",
  "scores_review_insert",
  "scores_review_update",
  "scores_review_delete",
  "scores_review_score_insert",
  "scores_review_score_update",
  "scores_review_score_delete",
  "scores_moderation_insert",
  "scores_moderation_update",
  "scores_moderation_delete",
  "scores_criteria_version_insert",
  "scores_criteria_version_update",
  "scores_criteria_version_delete",
  "scores_criterion_insert",
  "scores_criterion_update",
  "scores_criterion_delete",
  "scores_call_rules_update",
  "scores_proposal_board_keys_update",
];

// Indexes of 0004 and 0006 that name the columns dropped below.
const OLD_INDEXES = [
  "proposal_scores_rank_raw",
  "proposal_scores_rank_calibrated",
  "proposal_scores_calibrated",
  "proposal_scores_qualifies",
  "proposal_scores_flagged",
  "proposal_scores_board_keys",
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const name of OLD_TRIGGERS) await sql.raw(`drop trigger if exists ${name}`).execute(db);
  for (const name of OLD_INDEXES) await db.schema.dropIndex(name).ifExists().execute();

  await db.schema.dropTable("call_score_summaries").ifExists().execute();
  await db.schema.alterTable("calls").dropColumn("scores_computed_version").execute();

  // computed_at: nothing reads it (and a wall-clock stamp would make rebuilt state differ).
  for (const column of ["calibrated_score", "rank_raw", "rank_calibrated", "computed_at"])
    await db.schema.alterTable("proposal_scores").dropColumn(column).execute();
  // The exact score Σ wᵢ·Sᵢ/(5·nᵢ) as integers (null: no counting review).
  await db.schema.alterTable("proposal_scores").addColumn("score_num", "integer").execute();
  await db.schema.alterTable("proposal_scores").addColumn("score_den", "integer").execute();
  // Exact means of the call's tie-break criteria, in tie-break order: [[sum, count] | null, …].
  await db.schema
    .alterTable("proposal_scores")
    .addColumn("tie_break_json", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  // The board filters in SQL and orders in memory (by the column, then the derived rank): one
  // covering index over the call's filter keys and the SQL sort columns.
  await db.schema
    .createIndex("proposal_scores_board_filters")
    .on("proposal_scores")
    .columns([
      "call_id",
      "qualifies",
      "investment_usd_cents",
      "tracks",
      "flagged",
      "status",
      "score",
      "reference",
    ])
    .execute();

  // What the derived ranking reads of every proposal, read from this index alone (the rows
  // themselves carry kilobytes of JSON for the board and the breakdown).
  await db.schema
    .createIndex("proposal_scores_ranking")
    .on("proposal_scores")
    .columns([
      "call_id",
      "proposal_id",
      "score_num",
      "score_den",
      "tie_break_json",
      "submitted_at",
      "reference",
    ])
    .execute();

  // One row per counting review (submitted, proposal in the competition, reviewer not conflicted):
  // total_num = Σ weight × level (an integer; the total is total_num / 5), null when the review
  // lacks a level (it counts for the criterion means but not for calibration).
  await db.schema
    .createTable("review_totals")
    .addColumn("review_id", "integer", (c) =>
      c.primaryKey().references("reviews.id").onDelete("cascade"),
    )
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id"))
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("reviewer_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("total_num", "integer")
    .execute();
  await db.schema
    .createIndex("review_totals_call")
    .on("review_totals")
    .columns(["call_id", "proposal_id", "reviewer_id", "total_num"])
    .execute();
  await db.schema
    .createIndex("review_totals_proposal")
    .on("review_totals")
    .columns(["proposal_id"])
    .execute();

  // Running calibration sums over the complete counting totals (integers: exact, never drift).
  await db.schema
    .createTable("reviewer_score_stats")
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id").onDelete("cascade"))
    .addColumn("reviewer_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("review_count", "integer", (c) => c.notNull())
    .addColumn("total_sum", "integer", (c) => c.notNull())
    .addColumn("total_sum_sq", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("reviewer_score_stats_pk", ["call_id", "reviewer_id"])
    .execute();
  await db.schema
    .createTable("call_score_state")
    .addColumn("call_id", "integer", (c) =>
      c.primaryKey().references("calls.id").onDelete("cascade"),
    )
    .addColumn("review_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("total_sum", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("total_sum_sq", "integer", (c) => c.notNull().defaultTo(0))
    // 1: the call's read model must be rebuilt from scratch before it is read (start-up does).
    .addColumn("rebuild_needed", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`rebuild_needed in (0,1)`),
    )
    .execute();
  await sql`insert into call_score_state (call_id, rebuild_needed) select id, 1 from calls`.execute(
    db,
  );
}

export async function down(_db: Kysely<any>): Promise<void> {
  // Not reversible in place (the triggers and stored ranks of 0005–0007 are gone); restore a backup.
  throw new Error("2026-12-02-0008-score-read-model cannot be undone; restore a backup instead");
}
