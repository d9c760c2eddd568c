import { sql, type Kysely } from "kysely";

// A per-call marker telling the board whether its proposal_scores rows are current, so the board
// no longer runs five aggregate queries over the whole call on every request (bench/FINDINGS.md §1).
//
// calls.scores_version is bumped by the triggers below, inside the very transaction of every
// change that can move a score, gate, flag or rank; recomputeCallScores copies it into
// calls.scores_computed_version when it rewrites the rows. The rows are current exactly when the
// two are equal. Triggers rather than application calls: the changes live in several colleagues'
// modules (reviews, moderation, submission, withdrawal, the criteria editor, the call settings),
// and a trigger cannot be forgotten by a future code path or a seed script. A counter rather than
// a timestamp: two changes in the same millisecond cannot hide each other.

// RANKED_STATUSES of app/domain/board-query.ts as of this migration (a migration is frozen in time).
const RANKED = `('submitted','under_review','clarification_requested','shortlisted','reserve','rejected')`;

function bump(callIdExpr: string) {
  return `update calls set scores_version = scores_version + 1 where id = (${callIdExpr});`;
}

export async function up(db: Kysely<any>): Promise<void> {
  // Every existing call starts out stale (1 ≠ 0): its first board view recomputes once.
  await db.schema
    .alterTable("calls")
    .addColumn("scores_version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable("calls")
    .addColumn("scores_computed_version", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  for (const [, ddl] of triggers()) await sql.raw(ddl).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of triggers()) await sql.raw(`drop trigger if exists ${name}`).execute(db);
  await db.schema.alterTable("calls").dropColumn("scores_computed_version").execute();
  await db.schema.alterTable("calls").dropColumn("scores_version").execute();
}

function triggers(): [string, string][] {
  const TRIGGERS: [name: string, ddl: string][] = [];
  const ranked = RANKED;
  const viaProposal = (ref: string) =>
    `select call_id from proposals where id = ${ref}.proposal_id`;
  const viaReview = (ref: string) =>
    `select p.call_id from reviews r join proposals p on p.id = r.proposal_id where r.id = ${ref}.review_id and r.status = 'submitted'`;
  const viaVersion = (ref: string) =>
    `select call_id from criteria_versions where id = ${ref}.criteria_version_id`;
  const add = (name: string, event: string, table: string, when: string | null, body: string) =>
    TRIGGERS.push([
      name,
      `create trigger ${name} after ${event} on ${table} for each row ${when ? `when ${when} ` : ""}begin ${body} end`,
    ]);

  // Proposals: a ranked proposal appears, leaves (withdrawn, deleted) or changes what the rules
  // read (tracks decide which criteria apply; reference and submission time break ties).
  add(
    "scores_proposal_insert",
    "insert",
    "proposals",
    `new.status in ${ranked}`,
    bump("new.call_id"),
  );
  add(
    "scores_proposal_update",
    "update of status, call_id, tracks, reference, submitted_at",
    "proposals",
    `(old.status in ${ranked} or new.status in ${ranked}) and (old.status is not new.status or old.call_id is not new.call_id or old.tracks is not new.tracks or old.reference is not new.reference or old.submitted_at is not new.submitted_at)`,
    bump("old.call_id") + " " + bump("new.call_id"),
  );
  add(
    "scores_proposal_delete",
    "delete",
    "proposals",
    `old.status in ${ranked}`,
    bump("old.call_id"),
  );

  // Reviews: only submitted reviews count, so a review entering or leaving that state (submit,
  // return for rework) or a submitted one changing moves scores; drafts do not.
  add(
    "scores_review_insert",
    "insert",
    "reviews",
    `new.status = 'submitted'`,
    bump(viaProposal("new")),
  );
  add(
    "scores_review_update",
    "update",
    "reviews",
    `old.status = 'submitted' or new.status = 'submitted'`,
    bump(viaProposal("old")) + " " + bump(viaProposal("new")),
  );
  add(
    "scores_review_delete",
    "delete",
    "reviews",
    `old.status = 'submitted'`,
    bump(viaProposal("old")),
  );
  // Levels of a review that is (already) submitted.
  add("scores_review_score_insert", "insert", "review_scores", null, bump(viaReview("new")));
  add("scores_review_score_update", "update", "review_scores", null, bump(viaReview("new")));
  add("scores_review_score_delete", "delete", "review_scores", null, bump(viaReview("old")));

  // Moderation: gate decisions and disagreement notes.
  for (const event of ["insert", "update", "delete"] as const) {
    const ref = event === "delete" ? "old" : "new";
    add(`scores_moderation_${event}`, event, "moderations", null, bump(viaProposal(ref)));
    // Criteria and their versions (weights, gates, tracks, publication).
    add(
      `scores_criteria_version_${event}`,
      event,
      "criteria_versions",
      null,
      bump(`select ${ref}.call_id`),
    );
    add(`scores_criterion_${event}`, event, "criteria", null, bump(viaVersion(ref)));
  }

  // The call's scoring rules. (Not `update of scores_*`: recomputeCallScores writes those.)
  add(
    "scores_call_rules_update",
    "update of min_reviews, qualifying_score, disagreement_spread, disagreement_sd, calibration_min_reviews, tie_break_json",
    "calls",
    `old.min_reviews is not new.min_reviews or old.qualifying_score is not new.qualifying_score or old.disagreement_spread is not new.disagreement_spread or old.disagreement_sd is not new.disagreement_sd or old.calibration_min_reviews is not new.calibration_min_reviews or old.tie_break_json is not new.tie_break_json`,
    "update calls set scores_version = scores_version + 1 where id = new.id;",
  );
  return TRIGGERS;
}
