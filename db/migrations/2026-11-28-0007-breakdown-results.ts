import { sql, type Kysely } from "kysely";

// What the breakdown of one proposal needs from its call's scoring, kept in the read model instead
// of in the server's memory (bench/FINDINGS.md §3, the RSS target). A proposal's result depends on
// the rest of the call only through the call's calibration (the mean and SD of every review total,
// each reviewer's statistics: 30,000 reviews at 10,000 proposals) and its ranks; keeping the
// whole-call computation per call cost ~50 MB of heap. writeScores (app/models/scoring.server.ts)
// already runs that computation whenever the call's scores change; it now also writes, in the same
// transaction as the board's rows, call_score_summaries: per call, the calibration summary, the
// scoring parameters and criteria it was computed with, and the number of ranked proposals. The
// breakdown computes its one proposal from that summary and the proposal's own reviews, and takes
// the ranks from proposal_scores — only while the call's rows are current (calls.scores_version =
// scores_computed_version, migration 0005); otherwise it computes the whole call, as before.
//
// Existing calls are marked stale (their scores_version bumped) rather than filled here: a summary
// can only be computed by the app's rules, which a migration must not import (a migration is frozen
// in time). A call's next board view or breakdown then recomputes once and writes it.

export async function up(db: Kysely<any>): Promise<void> {
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
}
