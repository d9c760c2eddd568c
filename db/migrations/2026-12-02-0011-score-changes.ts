import { sql, type Kysely } from "kysely";

// A log of which proposals each scores_version changed, so that the derived ranking of a call is
// brought up to date by rereading only those proposals' rows instead of the whole call's
// (docs/decisions/0002-score-read-model.md). The score read model writes one row per refreshed
// proposal in the transaction of the change; call_score_state.log_from_version is the version
// from which the log is complete (a rebuild from scratch, and the pruning of old rows, raise it).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("score_changes")
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("proposal_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("score_changes_pk", ["call_id", "version", "proposal_id"])
    .execute();
  await db.schema
    .alterTable("call_score_state")
    .addColumn("log_from_version", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // Nothing is logged before this migration: the log starts at each call's current version.
  await sql`insert into call_score_state (call_id) select id from calls
    where id not in (select call_id from call_score_state)`.execute(db);
  await sql`update call_score_state set log_from_version =
    (select scores_version from calls where calls.id = call_score_state.call_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("call_score_state").dropColumn("log_from_version").execute();
  await db.schema.dropTable("score_changes").execute();
}
