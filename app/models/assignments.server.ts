// Reviewer assignment: by hand, automatically for a whole call, unassign and reassign. Every
// change runs in one transaction with its audit rows; the first assignment moves a submitted
// proposal to under review; each newly assigned reviewer is e-mailed.
import { autoAssign, conflictMatches, type Shortfall } from "~/domain/assignment";
import { nextCandidates, type QueueRow } from "~/domain/review-queue";
import {
  conflictTargets,
  getProposalAccess,
  walledProposalIds,
  type AccessUser,
} from "~/models/access.server";
import { can } from "~/domain/access";
import { IN_REVIEW_STATUSES, isReviewable } from "~/domain/proposal-lifecycle";
import { writeAudit } from "~/models/audit.server";
import { startReview } from "~/models/proposal-lifecycle.server";
import {
  conflictsForAssignment,
  proposalForConflicts,
  type ActionContext,
  type Actor,
} from "~/models/conflicts.server";
import { notifyReviewerAssigned } from "~/models/review-mail.server";
import { nowIso, type DB } from "~/services/db.server";
import { forUpdate, lockRows } from "~/services/sql-dialect.server";
import { msg } from "~/utils/form";
import { ok, refusal, type CommandResult } from "~/domain/command";

/** Days a reviewer is given from assignment to submit the review. */
export const REVIEW_DAYS = 14;

export function dueDateFrom(iso: string): string {
  return new Date(Date.parse(iso) + REVIEW_DAYS * 24 * 60 * 60 * 1000).toISOString();
}

export interface ReviewerOption {
  id: number;
  name: string;
  email: string;
}

/** Staff who can be assigned: enabled accounts with the reviewer role. */
export async function listReviewers(db: DB): Promise<ReviewerOption[]> {
  const rows = await db
    .selectFrom("users")
    .select(["id", "display_name", "email"])
    .where("role", "=", "reviewer")
    .where("disabled_at", "is", null)
    .orderBy("display_name")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, email: r.email }));
}

export interface AssignmentRow {
  id: number;
  reviewerId: number;
  reviewerName: string;
  reviewerEmail: string;
  assignedAt: string;
  dueAt: string | null;
  attestedAt: string | null;
  unassignedAt: string | null;
  reviewStatus: string | null;
}

/** Every assignment of a proposal, active ones first, with the reviewer's review status. */
export async function listProposalAssignments(
  db: DB,
  proposalId: number,
): Promise<AssignmentRow[]> {
  const rows = await db
    .selectFrom("reviewer_assignments as a")
    .innerJoin("users", "users.id", "a.reviewer_id")
    .leftJoin("reviews", (j) =>
      j
        .onRef("reviews.proposal_id", "=", "a.proposal_id")
        .onRef("reviews.reviewer_id", "=", "a.reviewer_id"),
    )
    .select([
      "a.id",
      "a.reviewer_id",
      "users.display_name",
      "users.email",
      "a.assigned_at",
      "a.due_at",
      "a.attested_at",
      "a.unassigned_at",
      "reviews.status as review_status",
    ])
    .where("a.proposal_id", "=", proposalId)
    .orderBy("a.assigned_at")
    .orderBy("a.id")
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      reviewerId: r.reviewer_id,
      reviewerName: r.display_name,
      reviewerEmail: r.email,
      assignedAt: r.assigned_at,
      dueAt: r.due_at,
      attestedAt: r.attested_at,
      unassignedAt: r.unassigned_at,
      reviewStatus: r.review_status,
    }))
    .sort((a, b) => Number(a.unassignedAt !== null) - Number(b.unassignedAt !== null));
}

export async function getActiveAssignment(db: DB, proposalId: number, reviewerId: number) {
  return db
    .selectFrom("reviewer_assignments")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .where("reviewer_id", "=", reviewerId)
    .where("unassigned_at", "is", null)
    .executeTakeFirst();
}

export type AssignResult = CommandResult<{ assignmentId: number }>;

async function moveToUnderReview(trx: DB, actor: Actor, proposalId: number, ctx: ActionContext) {
  const moved = await startReview(trx, {
    proposalId,
    actor: { id: actor.id, email: actor.email, ip: ctx.ip, requestId: ctx.requestId },
  });
  // Checked as reviewable in this transaction before assigning: a refusal here is a bug.
  if (!moved.ok) throw new Error(`start of review refused: ${moved.errors._form}`);
}

async function insertAssignment(
  trx: DB,
  actor: Actor,
  proposal: { id: number; call_id: number },
  reviewerId: number,
  ctx: ActionContext,
  via: "hand" | "auto",
): Promise<{ id: number; mail: PendingMail }> {
  const at = nowIso();
  const values = {
    proposal_id: proposal.id,
    reviewer_id: reviewerId,
    assigned_by: actor.id,
    assigned_at: at,
    due_at: dueDateFrom(at),
  };
  const row = await trx
    .insertInto("reviewer_assignments")
    .values(values)
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeAudit(trx, {
    actorId: actor.id,
    actorEmail: actor.email,
    action: via === "auto" ? "assignment.auto" : "assignment.create",
    entityType: "reviewer_assignment",
    entityId: row.id,
    callId: proposal.call_id,
    proposalId: proposal.id,
    after: values,
    ip: ctx.ip,
    requestId: ctx.requestId,
  });
  await moveToUnderReview(trx, actor, proposal.id, ctx);
  return { id: row.id, mail: { reviewerId, proposalId: proposal.id, dueAt: values.due_at } };
}

type PendingMail = { reviewerId: number; proposalId: number; dueAt: string };

/** Assignment e-mails go out after the transaction has committed (sendMail's rule). */
async function sendAssignmentMails(db: DB, mails: readonly PendingMail[]) {
  for (const m of mails) await notifyReviewerAssigned(db, m);
}

/** Checks that a reviewer may be assigned to a proposal; returns encoded messages otherwise. */
async function assignmentProblems(
  db: DB,
  proposalId: number,
  reviewerId: number,
): Promise<Record<string, string>> {
  const proposal = await db
    .selectFrom("proposals")
    .select(["id", "status"])
    .where("id", "=", proposalId)
    // Checked, then written: two officials assigning the same reviewer at once (two servers)
    // both saw no assignment and the second insert hit the unique index (a 500); now the second
    // waits here and reads the first's assignment.
    .$call(forUpdate(db, "proposals"))
    .executeTakeFirst();
  if (!proposal) return { _form: msg("review.error.notFound") };
  if (!isReviewable(proposal.status)) return { _form: msg("review.error.notReviewable") };
  // The reviewer's conflicts are read below: a declaration (which locks the reviewer for update,
  // conflicts.server declareConflict) either commits first and is seen, or waits for this
  // assignment and then ends it.
  await lockRows(db, "users", [reviewerId], "share");
  const reviewer = await db
    .selectFrom("users")
    .select(["id", "role", "disabled_at"])
    .where("id", "=", reviewerId)
    .executeTakeFirst();
  if (!reviewer || reviewer.role !== "reviewer" || reviewer.disabled_at)
    return { reviewerId: msg("review.error.notAReviewer") };
  if (await getActiveAssignment(db, proposalId, reviewerId))
    return { reviewerId: msg("review.error.alreadyAssigned") };
  const target = await proposalForConflicts(db, proposalId);
  const conflicts = await conflictsForAssignment(db, [reviewerId]);
  if (target && conflicts.some((c) => conflictMatches(c, target)))
    return { reviewerId: msg("review.error.conflictedReviewer") };
  return {};
}

/** Assigns one reviewer by hand; a conflicted, disabled or already assigned reviewer is refused. */
export async function assignReviewer(
  db: DB,
  actor: Actor,
  proposalId: number,
  reviewerId: number,
  ctx: ActionContext = {},
): Promise<AssignResult> {
  const result = await db.transaction().execute(async (trx) => {
    const errors = await assignmentProblems(trx, proposalId, reviewerId);
    if (Object.keys(errors).length) return refusal(409, errors);
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id", "call_id"])
      .where("id", "=", proposalId)
      .executeTakeFirstOrThrow();
    const made = await insertAssignment(trx, actor, proposal, reviewerId, ctx, "hand");
    return { ok: true as const, assignmentId: made.id, mail: made.mail };
  });
  if (!result.ok) return result;
  await sendAssignmentMails(db, [result.mail]);
  return { ok: true, assignmentId: result.assignmentId };
}

export type UnassignResult = CommandResult;

async function endAssignment(
  trx: DB,
  actor: Actor,
  assignmentId: number,
  proposalId: number,
  ctx: ActionContext,
): Promise<Record<string, string> | null> {
  const a = await trx
    .selectFrom("reviewer_assignments")
    .innerJoin("proposals", "proposals.id", "reviewer_assignments.proposal_id")
    .select([
      "reviewer_assignments.id",
      "reviewer_assignments.reviewer_id",
      "reviewer_assignments.unassigned_at",
      "proposals.call_id",
    ])
    .where("reviewer_assignments.id", "=", assignmentId)
    .where("reviewer_assignments.proposal_id", "=", proposalId)
    .executeTakeFirst();
  if (!a || a.unassigned_at) return { _form: msg("review.error.noSuchAssignment") };
  const review = await trx
    .selectFrom("reviews")
    .select("status")
    .where("proposal_id", "=", proposalId)
    .where("reviewer_id", "=", a.reviewer_id)
    .executeTakeFirst();
  if (review?.status === "submitted") return { _form: msg("review.error.unassignSubmitted") };
  const at = nowIso();
  await trx
    .updateTable("reviewer_assignments")
    .set({ unassigned_at: at })
    .where("id", "=", assignmentId)
    .execute();
  await writeAudit(trx, {
    actorId: actor.id,
    actorEmail: actor.email,
    action: "assignment.remove",
    entityType: "reviewer_assignment",
    entityId: assignmentId,
    callId: a.call_id,
    proposalId,
    before: { reviewer_id: a.reviewer_id, unassigned_at: null },
    after: { reviewer_id: a.reviewer_id, unassigned_at: at },
    ip: ctx.ip,
    requestId: ctx.requestId,
  });
  return null;
}

/**
 * Ends an active assignment. A reviewer whose review is submitted cannot be removed (the review
 * counts in the scores): an official returns it for rework instead.
 */
export async function unassignReviewer(
  db: DB,
  actor: Actor,
  proposalId: number,
  assignmentId: number,
  ctx: ActionContext = {},
): Promise<UnassignResult> {
  return db.transaction().execute(async (trx) => {
    const errors = await endAssignment(trx, actor, assignmentId, proposalId, ctx);
    return errors ? refusal(409, errors) : ok();
  });
}

/** Replaces one active assignment by another reviewer, in one transaction (both checks apply). */
export async function reassignReviewer(
  db: DB,
  actor: Actor,
  proposalId: number,
  assignmentId: number,
  newReviewerId: number,
  ctx: ActionContext = {},
): Promise<AssignResult> {
  const result = await db.transaction().execute(async (trx) => {
    const problems = await assignmentProblems(trx, proposalId, newReviewerId);
    if (Object.keys(problems).length) return refusal(409, problems);
    const errors = await endAssignment(trx, actor, assignmentId, proposalId, ctx);
    if (errors) return refusal(409, errors);
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id", "call_id"])
      .where("id", "=", proposalId)
      .executeTakeFirstOrThrow();
    const made = await insertAssignment(trx, actor, proposal, newReviewerId, ctx, "hand");
    return { ok: true as const, assignmentId: made.id, mail: made.mail };
  });
  if (!result.ok) return result;
  await sendAssignmentMails(db, [result.mail]);
  return { ok: true, assignmentId: result.assignmentId };
}

export interface ShortfallReport extends Shortfall {
  reference: string | null;
  company: string | null;
}

export interface AutoAssignReport {
  assigned: number;
  proposals: number;
  reviewers: number;
  shortfalls: ShortfallReport[];
}

/**
 * Auto-assigns every reviewable proposal of a call up to the call's minimum number of reviewers,
 * never a conflicted one, balancing the loads (this call's active assignments per reviewer).
 */
export async function autoAssignCall(
  db: DB,
  actor: Actor,
  callId: number,
  ctx: ActionContext = {},
): Promise<AutoAssignReport> {
  const mails: PendingMail[] = [];
  const report = await db.transaction().execute(async (trx) => {
    const call = await trx
      .selectFrom("calls")
      .select(["id", "min_reviews"])
      .where("id", "=", callId)
      .executeTakeFirstOrThrow();
    // The proposals are locked in id order (as a hand assignment locks its one proposal), so two
    // auto-assignments of the call, or one beside a hand assignment, take turns instead of both
    // counting the same existing assignments and inserting the same pair twice.
    const proposals = await trx
      .selectFrom("proposals")
      .select(["proposals.id", "proposals.call_id", "proposals.reference", "proposals.company_en"])
      .where("proposals.call_id", "=", callId)
      .where("proposals.status", "in", [...IN_REVIEW_STATUSES])
      .orderBy("proposals.id")
      .$call(forUpdate(trx, "proposals"))
      .execute();
    const reviewers = await listReviewers(trx);
    const reviewerIds = reviewers.map((r) => r.id);
    // Their conflicts are read next: see assignmentProblems.
    await lockRows(trx, "users", reviewerIds, "share");
    const existing = await trx
      .selectFrom("reviewer_assignments")
      .innerJoin("proposals", "proposals.id", "reviewer_assignments.proposal_id")
      .select(["reviewer_assignments.proposal_id", "reviewer_assignments.reviewer_id"])
      .where("proposals.call_id", "=", callId)
      .where("reviewer_assignments.unassigned_at", "is", null)
      .execute();
    const conflicts = await conflictsForAssignment(trx, reviewerIds);
    // What conflicts are matched against: the access policy's rule (snapshot at submission).
    const targets = await conflictTargets(trx, { proposalIds: proposals.map((p) => p.id) });
    const result = autoAssign({
      proposals: targets,
      reviewerIds,
      conflicts,
      existing: existing.map((e) => ({ proposalId: e.proposal_id, reviewerId: e.reviewer_id })),
      minReviewers: call.min_reviews,
    });
    const byId = new Map(proposals.map((p) => [p.id, p]));
    for (const a of result.assignments) {
      const p = byId.get(a.proposalId)!;
      const made = await insertAssignment(trx, actor, p, a.reviewerId, ctx, "auto");
      mails.push(made.mail);
    }
    const shortfalls = result.shortfalls.map((s) => ({
      ...s,
      reference: byId.get(s.proposalId)?.reference ?? null,
      company: byId.get(s.proposalId)?.company_en ?? null,
    }));
    const report: AutoAssignReport = {
      assigned: result.assignments.length,
      proposals: proposals.length,
      reviewers: reviewerIds.length,
      shortfalls,
    };
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: "call.auto_assign",
      entityType: "call",
      entityId: callId,
      callId,
      after: {
        ...report,
        shortfalls: shortfalls.map((s) => ({
          proposalId: s.proposalId,
          missing: s.missing,
          reason: s.reason,
        })),
      },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    return report;
  });
  await sendAssignmentMails(db, mails);
  return report;
}

export interface ReviewerLoad extends ReviewerOption {
  active: number;
  submitted: number;
}

/** Active assignments and submitted reviews per reviewer in one call. */
export async function callLoads(db: DB, callId: number): Promise<ReviewerLoad[]> {
  const reviewers = await listReviewers(db);
  const active = await db
    .selectFrom("reviewer_assignments")
    .innerJoin("proposals", "proposals.id", "reviewer_assignments.proposal_id")
    .select(["reviewer_assignments.reviewer_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("proposals.call_id", "=", callId)
    .where("reviewer_assignments.unassigned_at", "is", null)
    .groupBy("reviewer_assignments.reviewer_id")
    .execute();
  const submitted = await db
    .selectFrom("reviews")
    .innerJoin("proposals", "proposals.id", "reviews.proposal_id")
    .select(["reviews.reviewer_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("proposals.call_id", "=", callId)
    .where("reviews.status", "=", "submitted")
    .groupBy("reviews.reviewer_id")
    .execute();
  const a = new Map(active.map((r) => [r.reviewer_id, Number(r.n)]));
  const s = new Map(submitted.map((r) => [r.reviewer_id, Number(r.n)]));
  return reviewers.map((r) => ({ ...r, active: a.get(r.id) ?? 0, submitted: s.get(r.id) ?? 0 }));
}

export interface QueueItem extends QueueRow {
  reference: string | null;
  title: string | null;
  companyEn: string | null;
  companyZh: string | null;
  callTitleEn: string;
  callTitleZh: string;
  assignedAt: string;
}

/** A reviewer's queue: active assignments that no declared conflict covers, soonest due first. */
export async function listReviewerQueue(db: DB, reviewerId: number): Promise<QueueItem[]> {
  const rows = await db
    .selectFrom("reviewer_assignments as a")
    .innerJoin("proposals", "proposals.id", "a.proposal_id")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .leftJoin("reviews", (j) =>
      j
        .onRef("reviews.proposal_id", "=", "a.proposal_id")
        .onRef("reviews.reviewer_id", "=", "a.reviewer_id"),
    )
    .select([
      "proposals.id as proposal_id",
      "proposals.reference",
      "proposals.title",
      "proposals.company_en",
      "proposals.company_zh",
      "proposals.status as proposal_status",
      "calls.id as call_id",
      "calls.slug as call_slug",
      "calls.status as call_status",
      "calls.title_en",
      "calls.title_zh",
      "reviews.status as review_status",
      "a.assigned_at",
      "a.due_at",
      "a.attested_at",
    ])
    .where("a.reviewer_id", "=", reviewerId)
    .where("a.unassigned_at", "is", null)
    .where("proposals.status", "!=", "withdrawn")
    .orderBy("a.due_at")
    .orderBy("proposals.id")
    .execute();
  const walled = new Set(
    await walledProposalIds(db, reviewerId, { proposalIds: rows.map((r) => r.proposal_id) }),
  );
  return rows
    .filter((r) => !walled.has(r.proposal_id))
    .map((r) => ({
      proposalId: r.proposal_id,
      reference: r.reference,
      // Before the attestation the reviewer sees the company only (domain/access attestationView).
      title: r.attested_at ? r.title : null,
      companyEn: r.company_en,
      companyZh: r.company_zh,
      callId: r.call_id,
      callSlug: r.call_slug,
      callStatus: r.call_status,
      callTitleEn: r.title_en,
      callTitleZh: r.title_zh,
      // Null until the reviewer attests "no conflict" (like the title: domain/access attestationView).
      proposalStatus: r.attested_at ? r.proposal_status : null,
      reviewStatus: r.review_status,
      assignedAt: r.assigned_at,
      dueAt: r.due_at,
      attestedAt: r.attested_at,
    }));
}

/**
 * The proposal "Submit and go to the next proposal" opens after `current`, or null when none is
 * left: the queue's candidates (domain/review-queue nextCandidates), each asked of the access
 * policy, so only a proposal the reviewer may score now (assigned, attested, not conflicted).
 */
export async function nextProposalToScore(
  db: DB,
  user: AccessUser,
  current: number,
): Promise<number | null> {
  const rows = await listReviewerQueue(db, user.id);
  for (const id of nextCandidates(rows, current)) {
    if (can(await getProposalAccess(db, user, id), "score")) return id;
  }
  return null;
}

export interface CallProposalOverview {
  id: number;
  reference: string | null;
  companyEn: string | null;
  status: string;
  reviewers: string[];
  submittedReviews: number;
}

/** Every submitted (not draft) proposal of a call with its active reviewers and submitted reviews. */
export async function listCallAssignmentOverview(
  db: DB,
  callId: number,
): Promise<CallProposalOverview[]> {
  const proposals = await db
    .selectFrom("proposals")
    .select(["id", "reference", "company_en", "status"])
    .where("call_id", "=", callId)
    .where("status", "not in", ["draft", "withdrawn"])
    .orderBy("reference")
    .orderBy("id")
    .execute();
  if (!proposals.length) return [];
  const active = await db
    .selectFrom("reviewer_assignments")
    .innerJoin("users", "users.id", "reviewer_assignments.reviewer_id")
    .innerJoin("proposals", "proposals.id", "reviewer_assignments.proposal_id")
    .select(["reviewer_assignments.proposal_id", "users.display_name"])
    .where("proposals.call_id", "=", callId)
    .where("reviewer_assignments.unassigned_at", "is", null)
    .orderBy("users.display_name")
    .execute();
  const submitted = await db
    .selectFrom("reviews")
    .innerJoin("proposals", "proposals.id", "reviews.proposal_id")
    .select(["reviews.proposal_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("proposals.call_id", "=", callId)
    .where("reviews.status", "=", "submitted")
    .groupBy("reviews.proposal_id")
    .execute();
  const counts = new Map(submitted.map((s) => [s.proposal_id, Number(s.n)]));
  return proposals.map((p) => ({
    id: p.id,
    reference: p.reference,
    companyEn: p.company_en,
    status: p.status,
    reviewers: active.filter((a) => a.proposal_id === p.id).map((a) => a.display_name),
    submittedReviews: counts.get(p.id) ?? 0,
  }));
}
