import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** ISO 8601 UTC timestamp with a database default. */
type CreatedAt = ColumnType<string, string | undefined, string>;

export type Role = "applicant" | "reviewer" | "official" | "admin";
export type Locale = "en" | "zh-Hans";
export type CallStatus = "draft" | "open" | "closed" | "decided" | "archived";
export type ProposalStatus =
  | "draft"
  | "submitted"
  | "under_review"
  | "clarification_requested"
  | "shortlisted"
  | "reserve"
  | "rejected"
  | "withdrawn";
export type ReviewStatus = "draft" | "submitted" | "returned";
export type DecisionOutcome = "shortlisted" | "reserve" | "rejected";
export type Currency = "USD" | "PKR" | "CNY";

export interface OrganisationsTable {
  id: Generated<number>;
  legal_name_en: string;
  legal_name_zh: string | null;
  country: Generated<string>;
  uscc: string | null;
  uscc_needs_check: Generated<number>;
  registration_number: string | null;
  province: string | null;
  city: string | null;
  parent_group: string | null;
  profile_json: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** An administrator's resolution of a USCC claimed by several companies (migration 0012). */
export interface UsccResolutionsTable {
  id: Generated<number>;
  uscc: string;
  holder_organisation_id: number;
  /** JSON array of the organisation ids the resolution decided. */
  decided_json: string;
  note: string;
  resolved_by: number;
  resolved_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string | null;
  role: Role;
  display_name: string;
  locale: Generated<Locale>;
  organisation_id: number | null;
  email_verified_at: string | null;
  disabled_at: string | null;
  password_changed_at: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  /** Base32 TOTP secret once two-step verification is on (migration 0013). */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** The secret being set up, until the first code confirms it. */
  totp_pending_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The last TOTP time step accepted: a code is good once. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
  expires_at: string;
  /** NULL: a full session; 'totp': waiting for the second step; 'enrol': may only enrol. */
  stage: ColumnType<"totp" | "enrol" | null, "totp" | "enrol" | null | undefined, never>;
  /** Coarse browser label for the list of sessions ("Chrome on Windows"). */
  device: ColumnType<string | null, string | null | undefined, never>;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  /** "salt$sha256(salt + code)", hex. */
  code_hash: string;
  used_at: string | null;
  created_at: CreatedAt;
}

/** One row per (kind, actor, target): the current minute's count of a throttled audit event. */
export interface AuditThrottleTable {
  key: string;
  window_start: string;
  count: number;
  /** The count of the window before, reported on the next audit row. */
  previous_count: Generated<number>;
}

export interface AuthTokensTable {
  id: Generated<number>;
  token_hash: string;
  purpose: "verify_email" | "reset_password" | "invite";
  user_id: number | null;
  email: string;
  role: Role | null;
  expires_at: string;
  used_at: string | null;
  created_at: CreatedAt;
}

/** A bearer token of the read-only API (migration 0023, docs/decisions/0021). */
export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  /** The user the token acts for (live role and conflicts). */
  user_id: number;
  created_by: number;
  /** SHA-256 of the secret, hex: the secret itself is shown once and never stored. */
  token_hash: string;
  /** The secret's first characters, to tell tokens apart. */
  token_hint: string;
  /** JSON array of ApiScope. */
  scopes_json: string;
  /** JSON array of call ids the token may read; NULL: every call. */
  call_ids_json: string | null;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: number | null;
  last_used_at: string | null;
  created_at: CreatedAt;
}

export interface RateLimitEventsTable {
  id: Generated<number>;
  bucket: string;
  key: string;
  at: CreatedAt;
}

export interface CallsTable {
  id: Generated<number>;
  slug: string;
  title_en: string;
  title_zh: string;
  description_en: Generated<string>;
  description_zh: Generated<string>;
  status: Generated<CallStatus>;
  opens_at: string;
  closes_at: string;
  min_reviews: Generated<number>;
  qualifying_score: Generated<number>;
  disagreement_spread: Generated<number>;
  disagreement_sd: Generated<number>;
  calibration_min_reviews: Generated<number>;
  /** JSON array of scored criterion keys, in published tie-break order. */
  tie_break_json: Generated<string>;
  contact_email: Generated<string>;
  decided_at: string | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  /**
   * Bumped once by every write of the score read model (app/models/score-read-model.server.ts), in
   * the transaction of the change: what the derived ranking is cached under.
   */
  scores_version: Generated<number>;
  /** Whether published results may name the companies whose proposals were rejected (0022). */
  publish_rejected_names: Generated<number>;
}

export interface CriteriaVersionsTable {
  id: Generated<number>;
  call_id: number;
  version: number;
  published_at: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface CriteriaTable {
  id: Generated<number>;
  criteria_version_id: number;
  key: string;
  kind: "scored" | "gate";
  position: number;
  title_en: string;
  title_zh: string;
  description_en: Generated<string>;
  description_zh: Generated<string>;
  weight: number | null;
  min_level: number | null;
  /** JSON array of six {en, zh} level descriptors (0..5). */
  descriptors_json: Generated<string>;
  applies_to_track: string | null;
}

export interface ReferenceCountersTable {
  year: number;
  last_value: number;
}

export interface ProposalsTable {
  id: Generated<number>;
  call_id: number;
  owner_id: number;
  organisation_id: number | null;
  status: Generated<ProposalStatus>;
  reference: string | null;
  title: string | null;
  tracks: string | null;
  company_en: string | null;
  company_zh: string | null;
  investment_amount: string | null;
  investment_currency: Currency | null;
  investment_usd_cents: number | null;
  uscc_needs_check: Generated<number>;
  /** The official who recorded the credit code's manual check, when, and what they found (0015). */
  uscc_checked_by: number | null;
  uscc_checked_at: string | null;
  uscc_check_note: string | null;
  last_step: string | null;
  snapshot_json: string | null;
  /** The company's parent group at submission: conflicts are matched against it (migration 0010). */
  submitted_parent_group: string | null;
  criteria_version_id: number | null;
  submission_key: string | null;
  submitted_at: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ProposalAnswersTable {
  proposal_id: number;
  step: string;
  data_json: string;
  complete: Generated<number>;
  updated_at: CreatedAt;
}

export interface ClarificationMessagesTable {
  id: Generated<number>;
  proposal_id: number;
  author_id: number;
  kind: "question" | "answer";
  body: string;
  created_at: CreatedAt;
}

export interface AttachmentsTable {
  id: Generated<number>;
  proposal_id: number;
  message_id: number | null;
  kind: string;
  original_name: string;
  stored_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number;
  created_at: CreatedAt;
  removed_at: string | null;
}

/** A complete document kept in the database (app/services/document-store.server.ts). */
export interface StoredDocumentsTable {
  document_key: string;
  size_bytes: number;
  sha256: string;
  chunk_count: number;
  created_at: CreatedAt;
}

/** One piece (at most 256 KiB) of a document kept in the database. */
export interface DocumentChunksTable {
  document_key: string;
  seq: number;
  bytes: Buffer;
}

export interface ConflictsTable {
  id: Generated<number>;
  reviewer_id: number;
  organisation_id: number | null;
  parent_group: string | null;
  proposal_id: number | null;
  reason: string;
  declared_at: CreatedAt;
}

export interface ReviewerAssignmentsTable {
  id: Generated<number>;
  proposal_id: number;
  reviewer_id: number;
  assigned_by: number | null;
  assigned_at: CreatedAt;
  due_at: string | null;
  attested_at: string | null;
  unassigned_at: string | null;
}

export interface ReviewsTable {
  id: Generated<number>;
  proposal_id: number;
  reviewer_id: number;
  criteria_version_id: number;
  status: Generated<ReviewStatus>;
  overall_comment: Generated<string>;
  revision: Generated<number>;
  return_note: string | null;
  submitted_at: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ReviewScoresTable {
  review_id: number;
  criterion_id: number;
  level: number | null;
  gate_pass: number | null;
  rationale: Generated<string>;
}

export interface ReviewRevisionsTable {
  id: Generated<number>;
  review_id: number;
  revision: number;
  snapshot_json: string;
  returned_by: number | null;
  return_note: string | null;
  created_at: CreatedAt;
}

export interface ModerationsTable {
  id: Generated<number>;
  proposal_id: number;
  criterion_id: number | null;
  kind: "gate_decision" | "disagreement_note";
  gate_pass: number | null;
  note: string;
  official_id: number;
  created_at: CreatedAt;
  /** JSON array of the counting review ids the moderation decided (migration 0014). */
  decided_review_ids: string | null;
  /**
   * When the proposal's counting reviews stopped being those: the moderation no longer applies.
   * Written only by the score read model (app/models/score-read-model.server.ts).
   */
  lapsed_at: string | null;
  /** A disagreement note settled in the discussion: the comment it points to (migration 0018). */
  comment_id: number | null;
}

/** One comment of a proposal's staff discussion (migration 0018); never shown to applicants. */
export interface DiscussionCommentsTable {
  id: Generated<number>;
  proposal_id: number;
  author_id: number;
  body: string;
  created_at: CreatedAt;
}

export interface DecisionsTable {
  proposal_id: number;
  outcome: DecisionOutcome;
  reason: string;
  decided_by: number;
  decided_at: CreatedAt;
  /** What a shortlisting overrode (DecisionOverride JSON), null when it overrode nothing (0015). */
  override_json: string | null;
  /** The official's reason for the override (0015). */
  override_reason: string | null;
}

export interface ExchangeRatesTable {
  id: Generated<number>;
  currency: Currency;
  /** Decimal string: US dollars per one unit of the currency. */
  usd_per_unit: string;
  rate_date: string;
  source: string;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface MailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  template: string;
  locale: string;
  status: Generated<"stored" | "sent" | "failed">;
  error: string | null;
  created_at: CreatedAt;
  sent_at: string | null;
  /** Unique when set: a reminder's key, so that it is never written twice (migration 0018). */
  idempotency_key: string | null;
  /** The user the message was written to, when it is one (reminders; migration 0018). */
  recipient_id: number | null;
}

/** Without SMTP, the sealed live text of an outbox message holding a one-time link (migration 0025). */
export interface MailLiveTextsTable {
  outbox_id: number;
  /** base64url of iv (12 bytes) + GCM tag (16 bytes) + ciphertext; see app/services/mail.server.ts. */
  sealed: string;
  expires_at: string;
}

/** Who runs a scheduled job's pass until when (migration 0025). */
export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  call_id: number | null;
  proposal_id: number | null;
  before_json: string | null;
  after_json: string | null;
  ip: string | null;
  request_id: string | null;
}

export interface ProposalScoresTable {
  proposal_id: number;
  call_id: number;
  score: number | null;
  /** The exact score as integers (score = score_num / score_den); null with no counting review. */
  score_num: number | null;
  score_den: number | null;
  /** Exact means of the tie-break criteria in tie-break order: [[sum, count] | null, …]. */
  tie_break_json: Generated<string>;
  reviews_submitted: Generated<number>;
  reviews_required: number;
  gates_summary: "passed" | "failed" | "split" | "pending";
  gates_json: Generated<string>;
  qualifies: number;
  reasons_json: Generated<string>;
  flagged: number;
  flag_count: Generated<number>;
  flags_json: Generated<string>;
  criterion_means_json: Generated<string>;
  // Copies of the proposal's fields that the board filters, sorts and shows (migration 0006),
  // written with the scores by the score read model, called next to every change of them.
  status: ProposalStatus;
  reference: string | null;
  title: string | null;
  tracks: string | null;
  company_en: string | null;
  company_zh: string | null;
  investment_usd_cents: number | null;
  submitted_at: string | null;
}

/** One row per counting review (migration 0008). */
export interface ReviewTotalsTable {
  review_id: number;
  call_id: number;
  proposal_id: number;
  reviewer_id: number;
  /** Σ weight × level (the total is total_num / 5); null when the review lacks a level. */
  total_num: number | null;
}

/** Running calibration sums of one reviewer's complete counting totals in a call (migration 0008). */
export interface ReviewerScoreStatsTable {
  call_id: number;
  reviewer_id: number;
  review_count: number;
  total_sum: number;
  total_sum_sq: number;
}

/** The call's running calibration sums, and whether it awaits a rebuild (migration 0008). */
export interface CallScoreStateTable {
  call_id: number;
  review_count: Generated<number>;
  total_sum: Generated<number>;
  total_sum_sq: Generated<number>;
  rebuild_needed: Generated<number>;
  /** The version from which score_changes is complete (migration 0011). */
  log_from_version: Generated<number>;
}

/** Which proposals each calls.scores_version changed (written by the score read model only). */
export interface ScoreChangesTable {
  call_id: number;
  version: number;
  proposal_id: number;
}

/** The public results of a call, as published each time it was marked decided (0022; append-only). */
export interface ResultPublicationsTable {
  id: Generated<number>;
  call_id: number;
  published_at: string;
  /** PublishedResults (app/domain/results.ts) as JSON. */
  results_json: string;
}

/** Every OCDS release published for a call, as served (0022; append-only). */
export interface OcdsReleasesTable {
  id: Generated<number>;
  call_id: number;
  ocid: string;
  release_id: string;
  /** The release's first tag (tender, award, awardUpdate). */
  tag: string;
  date: string;
  release_json: string;
}

export type WebhookEndpointStatus = "active" | "paused";
export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

/** An integration's webhook endpoint (migration 0024, docs/decisions/0022-webhooks.md). */
export interface WebhookEndpointsTable {
  id: Generated<number>;
  url: string;
  description: Generated<string>;
  /** JSON array of the event types it wants. */
  events_json: string;
  /** The signing secret, AES-256-GCM under a key derived from the session secret. */
  secret_encrypted: string;
  /** Who is told when it is paused. */
  owner_id: number;
  status: Generated<WebhookEndpointStatus>;
  paused_at: string | null;
  paused_reason: string | null;
  consecutive_failures: Generated<number>;
  created_by: number;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** The webhook outbox: one event for one endpoint, written in the change's transaction. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  /** The delivery id receivers de-duplicate on (header Webhook-Id). */
  uuid: string;
  endpoint_id: number;
  event_type: string;
  /** The exact JSON body sent on every attempt. */
  body: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: string;
  give_up_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  delivered_at: string | null;
  created_at: CreatedAt;
}

/** One attempt at a delivery, as admins see it. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  audit_throttle: AuditThrottleTable;
  auth_tokens: AuthTokensTable;
  rate_limit_events: RateLimitEventsTable;
  api_tokens: ApiTokensTable;
  calls: CallsTable;
  criteria_versions: CriteriaVersionsTable;
  criteria: CriteriaTable;
  reference_counters: ReferenceCountersTable;
  proposals: ProposalsTable;
  proposal_answers: ProposalAnswersTable;
  clarification_messages: ClarificationMessagesTable;
  attachments: AttachmentsTable;
  conflicts: ConflictsTable;
  reviewer_assignments: ReviewerAssignmentsTable;
  reviews: ReviewsTable;
  review_scores: ReviewScoresTable;
  review_revisions: ReviewRevisionsTable;
  moderations: ModerationsTable;
  discussion_comments: DiscussionCommentsTable;
  decisions: DecisionsTable;
  exchange_rates: ExchangeRatesTable;
  mail_outbox: MailOutboxTable;
  mail_live_texts: MailLiveTextsTable;
  job_leases: JobLeasesTable;
  audit_log: AuditLogTable;
  proposal_scores: ProposalScoresTable;
  review_totals: ReviewTotalsTable;
  reviewer_score_stats: ReviewerScoreStatsTable;
  call_score_state: CallScoreStateTable;
  score_changes: ScoreChangesTable;
  uscc_resolutions: UsccResolutionsTable;
  result_publications: ResultPublicationsTable;
  ocds_releases: OcdsReleasesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  stored_documents: StoredDocumentsTable;
  document_chunks: DocumentChunksTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Call = Selectable<CallsTable>;
export type Criterion = Selectable<CriteriaTable>;
export type Proposal = Selectable<ProposalsTable>;
export type ProposalUpdate = Updateable<ProposalsTable>;
export type AuditEntry = Insertable<AuditLogTable>;
