import { sql, type Kysely } from "kysely";

// The ranking board's read model: one row per ranked proposal, written by recomputeCallScores
// (app/models/scoring.server.ts) from the pure rules in app/domain/scoring.ts whenever a review is
// submitted or returned, a gate is moderated or the board finds it out of date. The board filters
// and sorts on these columns in SQL instead of recomputing every score per request.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("proposal_scores")
    .addColumn("proposal_id", "integer", (c) =>
      c.primaryKey().references("proposals.id").onDelete("cascade"),
    )
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id"))
    // 0–100 at full precision (null: no submitted review yet).
    .addColumn("score", "real")
    .addColumn("calibrated_score", "real")
    // Ranks among all ranked proposals of the call under each score (1 = best).
    .addColumn("rank_raw", "integer", (c) => c.notNull())
    .addColumn("rank_calibrated", "integer", (c) => c.notNull())
    .addColumn("reviews_submitted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reviews_required", "integer", (c) => c.notNull())
    // passed | failed | split | pending — the worst gate result, for the board's column.
    .addColumn("gates_summary", "text", (c) =>
      c.notNull().check(sql`gates_summary in ('passed','failed','split','pending')`),
    )
    .addColumn("gates_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("qualifies", "integer", (c) => c.notNull().check(sql`qualifies in (0,1)`))
    .addColumn("reasons_json", "text", (c) => c.notNull().defaultTo("[]"))
    // 1 while any disagreement or gate-split flag is unresolved.
    .addColumn("flagged", "integer", (c) => c.notNull().check(sql`flagged in (0,1)`))
    .addColumn("flag_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("flags_json", "text", (c) => c.notNull().defaultTo("[]"))
    // {criterionKey: mean level | null}
    .addColumn("criterion_means_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("computed_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  for (const [name, columns] of [
    ["proposal_scores_rank_raw", ["call_id", "rank_raw"]],
    ["proposal_scores_rank_calibrated", ["call_id", "rank_calibrated"]],
    ["proposal_scores_score", ["call_id", "score"]],
    ["proposal_scores_calibrated", ["call_id", "calibrated_score"]],
    ["proposal_scores_qualifies", ["call_id", "qualifies", "rank_raw"]],
    ["proposal_scores_flagged", ["call_id", "flagged", "rank_raw"]],
    ["proposal_scores_gates", ["call_id", "gates_summary"]],
    ["proposal_scores_reviews", ["call_id", "reviews_submitted"]],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("proposal_scores")
      .columns([...columns])
      .execute();
  }
  // The board's other sorts read proposals (reference, company, title, tracks) within one call.
  await db.schema
    .createIndex("proposals_call_reference")
    .on("proposals")
    .columns(["call_id", "reference"])
    .execute();
  await db.schema
    .createIndex("proposals_call_company")
    .on("proposals")
    .columns(["call_id", "company_en"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("proposals_call_company").execute();
  await db.schema.dropIndex("proposals_call_reference").execute();
  await db.schema.dropTable("proposal_scores").execute();
}
