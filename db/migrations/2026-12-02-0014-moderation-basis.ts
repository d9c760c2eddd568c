import { sql, type Kysely } from "kysely";

// A moderation decides a split (or resolves a disagreement) as it stood: it names the counting
// reviews it decided, and it lapses for good as soon as the proposal's counting reviews change
// (product.md "Scoring rules", issue 13). decided_review_ids: the JSON array of those review ids,
// written by the moderation model when the moderation is recorded. lapsed_at: when the score read
// model (its only writer) found the counting reviews changed; a lapsed moderation stays in the
// audit log and never applies again.
//
// Existing moderations name the reviews submitted before them (the split they saw), and every
// call is marked for a rebuild so that the read model judges them at start-up.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("moderations").addColumn("decided_review_ids", "text").execute();
  await db.schema.alterTable("moderations").addColumn("lapsed_at", "text").execute();
  await sql`
    update moderations
    set decided_review_ids = (
      select coalesce(json_group_array(r.id), '[]') from (
        select reviews.id from reviews
        where reviews.proposal_id = moderations.proposal_id
          and reviews.status = 'submitted'
          and reviews.submitted_at <= moderations.created_at
        order by reviews.id
      ) as r
    )
  `.execute(db);
  await sql`
    insert into call_score_state (call_id, review_count, total_sum, total_sum_sq, rebuild_needed)
    select id, 0, 0, 0, 1 from calls where true
    on conflict (call_id) do update set rebuild_needed = 1
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("moderations").dropColumn("lapsed_at").execute();
  await db.schema.alterTable("moderations").dropColumn("decided_review_ids").execute();
}
