import { sql, type Kysely } from "kysely";

// What the breakdown of one proposal needs from its call's scoring, kept in the read model instead
// of in the server's memory (bench/FINDINGS.md §4, the RSS target). The breakdown shows one
// proposal's result, but computing it means running the rules over the whole call (calibration
// reads every reviewer's reviews across the call: 30,000 reviews at 10,000 proposals), and keeping
// that computation per call cost ~50 MB of heap. writeScores (app/models/scoring.server.ts) already
// runs that computation whenever the call's scores change; it now also writes, in the same
// transaction as the board's rows:
//
// - proposal_score_results: each ranked proposal's full result (ProposalResult as JSON), one row
//   per proposal_scores row. A table of its own rather than a column of proposal_scores: the
//   results are ~3 KB each, and the board's scans of proposal_scores (counts, histogram,
//   exports) would otherwise read several times the pages;
// - call_score_summaries: per call, what the breakdown needs beyond the proposal's own result —
//   the calibration summary (the call's mean and SD of review totals, each reviewer's statistics),
//   the scoring parameters and the criteria it was computed with, and the number of ranked
//   proposals — so that the breakdown reads its scoring in one statement, from one snapshot.
//
// The breakdown reads them only while the call's rows are current (calls.scores_version =
// scores_computed_version, migration 0005); otherwise it computes afresh, as before.
//
// Existing calls are marked stale (their scores_version bumped) rather than filled here: a result
// can only be computed by the app's rules, which a migration must not import (a migration is frozen
// in time). A call's next board view or breakdown then recomputes once and writes both tables.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("proposal_score_results")
    .addColumn("proposal_id", "integer", (c) =>
      c.primaryKey().references("proposals.id").onDelete("cascade"),
    )
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id").onDelete("cascade"))
    // ProposalResult of app/domain/scoring.ts, as JSON.
    .addColumn("result_json", "text", (c) => c.notNull())
    .execute();
  // writeScores deletes a call's rows before writing them again.
  await db.schema
    .createIndex("proposal_score_results_call")
    .on("proposal_score_results")
    .column("call_id")
    .execute();
  await db.schema
    .createTable("call_score_summaries")
    .addColumn("call_id", "integer", (c) =>
      c.primaryKey().references("calls.id").onDelete("cascade"),
    )
    // CalibrationSummary of app/domain/scoring.ts, as JSON.
    .addColumn("calibration_json", "text", (c) => c.notNull())
    // ScoringParams the call was scored with, as JSON.
    .addColumn("params_json", "text", (c) => c.notNull())
    // The criteria it was scored against (CriterionMeta[] of app/models/scoring.server.ts), as JSON.
    .addColumn("criteria_json", "text", (c) => c.notNull())
    // How many proposals the call ranks (the breakdown's "rank n of N").
    .addColumn("ranked_count", "integer", (c) => c.notNull())
    .addColumn("computed_at", "text", (c) => c.notNull())
    .execute();
  await sql`update calls set scores_version = scores_version + 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("call_score_summaries").execute();
  await db.schema.dropIndex("proposal_score_results_call").execute();
  await db.schema.dropTable("proposal_score_results").execute();
}
