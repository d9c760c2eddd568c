import { sql, type Kysely } from "kysely";

// Frozen once landed: later changes go in a new, later-dated migration.
// Times are ISO 8601 UTC strings; money is a decimal string plus an integer of USD cents.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organisations")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("legal_name_en", "text", (c) => c.notNull())
    .addColumn("legal_name_zh", "text")
    .addColumn("country", "text", (c) => c.notNull().defaultTo("CN"))
    .addColumn("uscc", "text", (c) => c.unique())
    .addColumn("uscc_needs_check", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("registration_number", "text")
    .addColumn("province", "text")
    .addColumn("city", "text")
    .addColumn("parent_group", "text")
    .addColumn("profile_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("organisations_parent_group")
    .on("organisations")
    .column("parent_group")
    .execute();
  await db.schema
    .createIndex("organisations_name_en")
    .on("organisations")
    .column("legal_name_en")
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text")
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('applicant','reviewer','official','admin')`),
    )
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) =>
      c
        .notNull()
        .defaultTo("en")
        .check(sql`locale in ('en','zh-Hans')`),
    )
    .addColumn("organisation_id", "integer", (c) => c.references("organisations.id"))
    .addColumn("email_verified_at", "text")
    .addColumn("disabled_at", "text")
    .addColumn("password_changed_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("last_seen_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  // One-time links: e-mail verification, password reset, staff invitation. Only the hash is kept.
  await db.schema
    .createTable("auth_tokens")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("purpose", "text", (c) =>
      c.notNull().check(sql`purpose in ('verify_email','reset_password','invite')`),
    )
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("role", "text")
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();

  // Sliding-window throttling (sign-in, registration, password reset) per account and per address.
  await db.schema
    .createTable("rate_limit_events")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("rate_limit_lookup")
    .on("rate_limit_events")
    .columns(["bucket", "key", "at"])
    .execute();

  await db.schema
    .createTable("calls")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("title_en", "text", (c) => c.notNull())
    .addColumn("title_zh", "text", (c) => c.notNull())
    .addColumn("description_en", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description_zh", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(sql`status in ('draft','open','closed','decided','archived')`),
    )
    .addColumn("opens_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    .addColumn("min_reviews", "integer", (c) =>
      c
        .notNull()
        .defaultTo(3)
        .check(sql`min_reviews >= 1`),
    )
    .addColumn("qualifying_score", "real", (c) =>
      c
        .notNull()
        .defaultTo(65)
        .check(sql`qualifying_score between 0 and 100`),
    )
    .addColumn("disagreement_spread", "integer", (c) => c.notNull().defaultTo(2))
    .addColumn("disagreement_sd", "real", (c) => c.notNull().defaultTo(15))
    .addColumn("calibration_min_reviews", "integer", (c) => c.notNull().defaultTo(5))
    .addColumn("tie_break_json", "text", (c) => c.notNull().defaultTo('["tier4","data","finance"]'))
    .addColumn("contact_email", "text", (c) => c.notNull().defaultTo("investment@cda.gov.pk"))
    .addColumn("decided_at", "text")
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .addCheckConstraint("calls_window", sql`closes_at > opens_at`)
    .execute();
  await db.schema
    .createIndex("calls_status_closes")
    .on("calls")
    .columns(["status", "closes_at"])
    .execute();

  // Criteria are versioned per call; a version is frozen once published.
  await db.schema
    .createTable("criteria_versions")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("published_at", "text")
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint("criteria_versions_call_version", ["call_id", "version"])
    .execute();

  await db.schema
    .createTable("criteria")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("criteria_version_id", "integer", (c) =>
      c.notNull().references("criteria_versions.id"),
    )
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('scored','gate')`))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title_en", "text", (c) => c.notNull())
    .addColumn("title_zh", "text", (c) => c.notNull())
    .addColumn("description_en", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description_zh", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("weight", "integer", (c) => c.check(sql`weight between 0 and 100`))
    .addColumn("min_level", "integer", (c) => c.check(sql`min_level between 0 and 5`))
    // JSON array of six {en, zh} descriptors, levels 0..5 (scored criteria only).
    .addColumn("descriptors_json", "text", (c) => c.notNull().defaultTo("[]"))
    // A gate that applies only to one track (G2: tier4DataCentre); null = every proposal.
    .addColumn("applies_to_track", "text")
    .addUniqueConstraint("criteria_version_key", ["criteria_version_id", "key"])
    .addCheckConstraint(
      "criteria_kind_fields",
      sql`(kind = 'scored' and weight is not null and min_level is not null) or (kind = 'gate' and weight is null)`,
    )
    .execute();

  await db.schema
    .createTable("reference_counters")
    .addColumn("year", "integer", (c) => c.primaryKey())
    .addColumn("last_value", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("proposals")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("call_id", "integer", (c) => c.notNull().references("calls.id"))
    .addColumn("owner_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("organisation_id", "integer", (c) => c.references("organisations.id"))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(
          sql`status in ('draft','submitted','under_review','clarification_requested','shortlisted','reserve','rejected','withdrawn')`,
        ),
    )
    .addColumn("reference", "text", (c) => c.unique())
    // Denormalised from the answers for the board's filters and sorting.
    .addColumn("title", "text")
    .addColumn("tracks", "text") // comma-separated: tier4DataCentre,bigDataPlatform
    .addColumn("company_en", "text")
    .addColumn("company_zh", "text")
    .addColumn("investment_amount", "text")
    .addColumn("investment_currency", "text")
    .addColumn("investment_usd_cents", "integer")
    .addColumn("uscc_needs_check", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_step", "text")
    // Snapshot of all answers and the company profile taken at submission (immutable after).
    .addColumn("snapshot_json", "text")
    .addColumn("criteria_version_id", "integer", (c) => c.references("criteria_versions.id"))
    .addColumn("submission_key", "text", (c) => c.unique())
    .addColumn("submitted_at", "text")
    .addColumn("withdrawn_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      "proposals_reference_when_submitted",
      sql`(status = 'draft') = (reference is null) or status = 'withdrawn'`,
    )
    .execute();
  await db.schema.createIndex("proposals_owner").on("proposals").column("owner_id").execute();
  await db.schema
    .createIndex("proposals_call_status")
    .on("proposals")
    .columns(["call_id", "status"])
    .execute();
  await db.schema
    .createIndex("proposals_call_submitted")
    .on("proposals")
    .columns(["call_id", "submitted_at"])
    .execute();
  await db.schema
    .createIndex("proposals_call_usd")
    .on("proposals")
    .columns(["call_id", "investment_usd_cents"])
    .execute();

  // Per-step answers of a proposal, saved as the applicant goes.
  await db.schema
    .createTable("proposal_answers")
    .addColumn("proposal_id", "integer", (c) =>
      c.notNull().references("proposals.id").onDelete("cascade"),
    )
    .addColumn("step", "text", (c) => c.notNull())
    .addColumn("data_json", "text", (c) => c.notNull())
    .addColumn("complete", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint("proposal_answers_pk", ["proposal_id", "step"])
    .execute();

  await db.schema
    .createTable("clarification_messages")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('question','answer')`))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("clarifications_proposal")
    .on("clarification_messages")
    .column("proposal_id")
    .execute();

  await db.schema
    .createTable("attachments")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("message_id", "integer", (c) => c.references("clarification_messages.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("original_name", "text", (c) => c.notNull())
    .addColumn("stored_name", "text", (c) => c.notNull().unique())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull().check(sql`size_bytes > 0`))
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("uploaded_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("removed_at", "text")
    .execute();
  await db.schema
    .createIndex("attachments_proposal")
    .on("attachments")
    .columns(["proposal_id", "kind"])
    .execute();

  await db.schema
    .createTable("conflicts")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("reviewer_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("organisation_id", "integer", (c) => c.references("organisations.id"))
    .addColumn("parent_group", "text")
    .addColumn("proposal_id", "integer", (c) => c.references("proposals.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("declared_at", "text", (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      "conflicts_target",
      sql`organisation_id is not null or parent_group is not null or proposal_id is not null`,
    )
    .execute();
  await db.schema.createIndex("conflicts_reviewer").on("conflicts").column("reviewer_id").execute();

  await db.schema
    .createTable("reviewer_assignments")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("reviewer_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("assigned_by", "integer", (c) => c.references("users.id"))
    .addColumn("assigned_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("due_at", "text")
    .addColumn("attested_at", "text") // "no conflict" attested before the content opens
    .addColumn("unassigned_at", "text")
    .execute();
  await sql`create unique index reviewer_assignments_active on reviewer_assignments (proposal_id, reviewer_id) where unassigned_at is null`.execute(
    db,
  );
  await db.schema
    .createIndex("reviewer_assignments_reviewer")
    .on("reviewer_assignments")
    .column("reviewer_id")
    .execute();

  await db.schema
    .createTable("reviews")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("reviewer_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("criteria_version_id", "integer", (c) =>
      c.notNull().references("criteria_versions.id"),
    )
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("draft")
        .check(sql`status in ('draft','submitted','returned')`),
    )
    .addColumn("overall_comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("return_note", "text")
    .addColumn("submitted_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", "text", (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint("reviews_one_per_reviewer", ["proposal_id", "reviewer_id"])
    .execute();
  await db.schema
    .createIndex("reviews_proposal_status")
    .on("reviews")
    .columns(["proposal_id", "status"])
    .execute();
  await db.schema
    .createIndex("reviews_reviewer")
    .on("reviews")
    .columns(["reviewer_id", "status"])
    .execute();

  await db.schema
    .createTable("review_scores")
    .addColumn("review_id", "integer", (c) =>
      c.notNull().references("reviews.id").onDelete("cascade"),
    )
    .addColumn("criterion_id", "integer", (c) => c.notNull().references("criteria.id"))
    .addColumn("level", "integer", (c) => c.check(sql`level between 0 and 5`))
    .addColumn("gate_pass", "integer", (c) => c.check(sql`gate_pass in (0,1)`))
    .addColumn("rationale", "text", (c) => c.notNull().defaultTo(""))
    .addPrimaryKeyConstraint("review_scores_pk", ["review_id", "criterion_id"])
    .execute();

  // Every submitted revision of a review is kept when an official returns it for rework.
  await db.schema
    .createTable("review_revisions")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("review_id", "integer", (c) => c.notNull().references("reviews.id"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("snapshot_json", "text", (c) => c.notNull())
    .addColumn("returned_by", "integer", (c) => c.references("users.id"))
    .addColumn("return_note", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();

  // Officials' moderation: a gate decision on an even split, or a note resolving a disagreement flag.
  await db.schema
    .createTable("moderations")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("proposal_id", "integer", (c) => c.notNull().references("proposals.id"))
    .addColumn("criterion_id", "integer", (c) => c.references("criteria.id"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('gate_decision','disagreement_note')`),
    )
    .addColumn("gate_pass", "integer", (c) => c.check(sql`gate_pass in (0,1)`))
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("official_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("moderations_proposal")
    .on("moderations")
    .column("proposal_id")
    .execute();

  await db.schema
    .createTable("decisions")
    .addColumn("proposal_id", "integer", (c) => c.primaryKey().references("proposals.id"))
    .addColumn("outcome", "text", (c) =>
      c.notNull().check(sql`outcome in ('shortlisted','reserve','rejected')`),
    )
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("decided_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("decided_at", "text", (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex("decisions_outcome").on("decisions").column("outcome").execute();

  // Rates to US dollars as decimal strings (never floats), dated and sourced.
  await db.schema
    .createTable("exchange_rates")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("currency", "text", (c) => c.notNull().check(sql`currency in ('USD','PKR','CNY')`))
    .addColumn("usd_per_unit", "text", (c) => c.notNull())
    .addColumn("rate_date", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint("exchange_rates_currency_date", ["currency", "rate_date"])
    .execute();

  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text")
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("stored")
        .check(sql`status in ('stored','sent','failed')`),
    )
    .addColumn("error", "text")
    .addColumn("created_at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("sent_at", "text")
    .execute();
  await db.schema.createIndex("mail_outbox_to").on("mail_outbox").column("to_address").execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("at", "text", (c) => c.notNull().defaultTo(now))
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("actor_email", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text")
    .addColumn("call_id", "integer")
    .addColumn("proposal_id", "integer")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("ip", "text")
    .addColumn("request_id", "text")
    .execute();
  await db.schema.createIndex("audit_at").on("audit_log").column("at").execute();
  await db.schema.createIndex("audit_actor").on("audit_log").columns(["actor_id", "at"]).execute();
  await db.schema.createIndex("audit_action").on("audit_log").columns(["action", "at"]).execute();
  await db.schema
    .createIndex("audit_proposal")
    .on("audit_log")
    .columns(["proposal_id", "at"])
    .execute();
  // Append-only, enforced by the database itself.
  await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(
    db,
  );
  await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error("The initial migration is not reversible; restore a backup instead.");
}
