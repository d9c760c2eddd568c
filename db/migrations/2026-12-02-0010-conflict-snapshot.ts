import { sql, type Kysely } from "kysely";

// Conflicts of interest are matched against the company and parent group as they were when the
// proposal was submitted (issue 11), not against the live company profile, which the applicant
// may edit on a later draft. The company is proposals.organisation_id (written only by a draft's
// company step, so frozen at submission); the parent group lived only inside snapshot_json, so it
// gets a column of its own, written at submission and filled here from existing snapshots.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("proposals").addColumn("submitted_parent_group", "text").execute();
  await sql`
    update proposals
    set submitted_parent_group = json_extract(snapshot_json, '$.organisation.parentGroup')
    where status != 'draft' and snapshot_json is not null and json_valid(snapshot_json)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("proposals").dropColumn("submitted_parent_group").execute();
}
