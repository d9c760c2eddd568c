// Reviews: who may open a proposal for review, the attestation that comes first, the reviewer's
// draft and submission, colleagues' reviews (only after one's own is submitted), and an
// official's "return for rework" that keeps the submitted revision.
import {
  criterionApplies,
  parseTracks,
  validateReview,
  type ReviewCriterion,
} from "~/domain/review-validation";
import { can } from "~/domain/access";
import { getProposalAccess } from "~/models/access.server";
import { writeAudit } from "~/models/audit.server";
import { enqueueEvent } from "~/models/webhooks.server";
import type { ActionContext, Actor } from "~/models/conflicts.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { callResultsFrozen } from "~/domain/call-lifecycle";
import { isReviewable } from "~/domain/proposal-lifecycle";
import type { CallStatus } from "~db/schema";
import { nowIso, type DB } from "~/services/db.server";
import { forShare, forUpdate } from "~/services/sql-dialect.server";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";

/**
 * Keeps the proposal's scores and its reviewers' calibration sums in step after a submit or a
 * return (same transaction): the one proposal, never the whole call.
 */
async function afterReviewsChanged(trx: DB, proposalId: number): Promise<void> {
  await refreshProposalScores(trx, [proposalId]);
}

export interface LevelDescriptor {
  en: string;
  zh: string;
}

export interface CriterionView extends ReviewCriterion {
  position: number;
  titleEn: string;
  titleZh: string;
  descriptionEn: string;
  descriptionZh: string;
  weight: number | null;
  minLevel: number | null;
  descriptors: LevelDescriptor[];
}

export interface ProposalHead {
  id: number;
  callId: number;
  status: string;
  reference: string | null;
  title: string | null;
  tracks: string[];
  companyEn: string | null;
  companyZh: string | null;
  organisationId: number | null;
  parentGroup: string | null;
  criteriaVersionId: number | null;
  submittedAt: string | null;
  snapshotJson: string | null;
  callSlug: string;
  callTitleEn: string;
  callTitleZh: string;
  callStatus: CallStatus;
}

export async function getProposalHead(db: DB, proposalId: number): Promise<ProposalHead | null> {
  const r = await db
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select([
      "proposals.id",
      "proposals.call_id",
      "proposals.status",
      "proposals.reference",
      "proposals.title",
      "proposals.tracks",
      "proposals.company_en",
      "proposals.company_zh",
      "proposals.organisation_id",
      "organisations.parent_group",
      "proposals.criteria_version_id",
      "proposals.submitted_at",
      "proposals.snapshot_json",
      "calls.slug",
      "calls.title_en",
      "calls.title_zh",
      "calls.status as call_status",
    ])
    .where("proposals.id", "=", proposalId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    callId: r.call_id,
    status: r.status,
    reference: r.reference,
    title: r.title,
    tracks: parseTracks(r.tracks),
    companyEn: r.company_en,
    companyZh: r.company_zh,
    organisationId: r.organisation_id,
    parentGroup: r.parent_group,
    criteriaVersionId: r.criteria_version_id,
    submittedAt: r.submitted_at,
    snapshotJson: r.snapshot_json,
    callSlug: r.slug,
    callTitleEn: r.title_en,
    callTitleZh: r.title_zh,
    callStatus: r.call_status,
  };
}

/** Whether the call's results are frozen (decided or archived), read in the caller's transaction. */
async function callFrozen(
  trx: DB,
  callId: number,
  lock: "share" | "update" = "share",
): Promise<boolean> {
  // Held until the change commits, so that marking the call decided (which locks it for update)
  // cannot slip in between this check and the write. A change that refreshes the call's scores
  // locks it for update from the start: taking share first and update later, two such changes
  // would deadlock.
  const call = await trx
    .selectFrom("calls")
    .select("status")
    .where("id", "=", callId)
    .$call(lock === "update" ? forUpdate(trx, "calls") : forShare(trx, "calls"))
    .executeTakeFirstOrThrow();
  return callResultsFrozen(call.status);
}

function parseDescriptors(json: string): LevelDescriptor[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.map((v) => ({
      en: typeof v?.en === "string" ? v.en : "",
      zh: typeof v?.zh === "string" ? v.zh : "",
    }));
  } catch {
    return [];
  }
}

/** The criteria version a proposal is reviewed against: its own, else the call's latest published. */
export async function criteriaVersionFor(
  db: DB,
  proposal: Pick<ProposalHead, "criteriaVersionId" | "callId">,
): Promise<number | null> {
  if (proposal.criteriaVersionId) return proposal.criteriaVersionId;
  const v = await db
    .selectFrom("criteria_versions")
    .select("id")
    .where("call_id", "=", proposal.callId)
    .where("published_at", "is not", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return v?.id ?? null;
}

export async function listCriteria(db: DB, criteriaVersionId: number): Promise<CriterionView[]> {
  const rows = await db
    .selectFrom("criteria")
    .selectAll()
    .where("criteria_version_id", "=", criteriaVersionId)
    .orderBy("kind", "desc") // scored before gate
    .orderBy("position")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    appliesToTrack: r.applies_to_track,
    position: r.position,
    titleEn: r.title_en,
    titleZh: r.title_zh,
    descriptionEn: r.description_en,
    descriptionZh: r.description_zh,
    weight: r.weight,
    minLevel: r.min_level,
    descriptors: parseDescriptors(r.descriptors_json),
  }));
}

/** The criteria that apply to this proposal (G2 only for the data-centre track). */
export function applicableCriteria(criteria: CriterionView[], tracks: readonly string[]) {
  return criteria.filter((c) => criterionApplies(c, tracks));
}

export interface ScoreView {
  criterionId: number;
  level: number | null;
  gatePass: boolean | null;
  rationale: string;
}

export interface ReviewView {
  id: number;
  proposalId: number;
  reviewerId: number;
  reviewerName: string;
  criteriaVersionId: number;
  status: "draft" | "submitted" | "returned";
  overallComment: string;
  revision: number;
  returnNote: string | null;
  submittedAt: string | null;
  updatedAt: string;
  scores: ScoreView[];
}

async function loadReviews(
  db: DB,
  where: { proposalId: number; reviewerId?: number; reviewId?: number },
): Promise<ReviewView[]> {
  let q = db
    .selectFrom("reviews")
    .innerJoin("users", "users.id", "reviews.reviewer_id")
    .selectAll("reviews")
    .select("users.display_name")
    .where("reviews.proposal_id", "=", where.proposalId);
  if (where.reviewerId !== undefined) q = q.where("reviews.reviewer_id", "=", where.reviewerId);
  if (where.reviewId !== undefined) q = q.where("reviews.id", "=", where.reviewId);
  const reviews = await q.orderBy("reviews.submitted_at").orderBy("reviews.id").execute();
  if (!reviews.length) return [];
  const scores = await db
    .selectFrom("review_scores")
    .selectAll()
    .where(
      "review_id",
      "in",
      reviews.map((r) => r.id),
    )
    .execute();
  return reviews.map((r) => ({
    id: r.id,
    proposalId: r.proposal_id,
    reviewerId: r.reviewer_id,
    reviewerName: r.display_name,
    criteriaVersionId: r.criteria_version_id,
    status: r.status,
    overallComment: r.overall_comment,
    revision: r.revision,
    returnNote: r.return_note,
    submittedAt: r.submitted_at,
    updatedAt: r.updated_at,
    scores: scores
      .filter((s) => s.review_id === r.id)
      .map((s) => ({
        criterionId: s.criterion_id,
        level: s.level,
        gatePass: s.gate_pass === null ? null : s.gate_pass === 1,
        rationale: s.rationale,
      })),
  }));
}

export async function getOwnReview(
  db: DB,
  proposalId: number,
  reviewerId: number,
): Promise<ReviewView | null> {
  const [r] = await loadReviews(db, { proposalId, reviewerId });
  return r ?? null;
}

/**
 * Colleagues' submitted reviews of a proposal, for a reviewer: empty until the reviewer's own
 * review is submitted (independence), then every other submitted review.
 */
export async function listColleagueReviews(
  db: DB,
  proposalId: number,
  reviewerId: number,
): Promise<ReviewView[]> {
  const own = await db
    .selectFrom("reviews")
    .select("status")
    .where("proposal_id", "=", proposalId)
    .where("reviewer_id", "=", reviewerId)
    .executeTakeFirst();
  if (own?.status !== "submitted") return [];
  const all = await loadReviews(db, { proposalId });
  return all.filter((r) => r.reviewerId !== reviewerId && r.status === "submitted");
}

/** Every review of a proposal (officials): drafts show only their status, not their content. */
export async function listProposalReviews(db: DB, proposalId: number): Promise<ReviewView[]> {
  const all = await loadReviews(db, { proposalId });
  return all.map((r) => (r.status === "draft" ? { ...r, scores: [], overallComment: "" } : r));
}

export interface RevisionView {
  id: number;
  revision: number;
  returnNote: string | null;
  returnedBy: string | null;
  createdAt: string;
  snapshot: {
    overallComment: string;
    submittedAt: string | null;
    scores: ScoreView[];
  };
}

export async function listRevisions(db: DB, reviewId: number): Promise<RevisionView[]> {
  const rows = await db
    .selectFrom("review_revisions")
    .leftJoin("users", "users.id", "review_revisions.returned_by")
    .selectAll("review_revisions")
    .select("users.display_name")
    .where("review_id", "=", reviewId)
    .orderBy("revision")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    revision: r.revision,
    returnNote: r.return_note,
    returnedBy: r.display_name,
    createdAt: r.created_at,
    snapshot: JSON.parse(r.snapshot_json),
  }));
}

export type ReviewActionResult =
  | { ok: true; status: "draft" | "submitted" | "returned" }
  | { ok: false; errors: FieldErrors; values?: Record<string, unknown> };

/** Records "no conflict" for an assigned proposal; its content opens afterwards. */
export async function attestNoConflict(
  db: DB,
  actor: Actor,
  proposalId: number,
  ctx: ActionContext = {},
): Promise<ReviewActionResult> {
  const access = await getProposalAccess(db, actor, proposalId);
  const assignment = access.assignment;
  if (access.relation !== "reviewer" || !assignment)
    return { ok: false, errors: { _form: msg("review.error.notAssigned") } };
  if (assignment.attestedAt) return { ok: true, status: "draft" };
  await db.transaction().execute(async (trx) => {
    const at = nowIso();
    await trx
      .updateTable("reviewer_assignments")
      .set({ attested_at: at })
      .where("id", "=", assignment.id)
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: "assignment.attest_no_conflict",
      entityType: "reviewer_assignment",
      entityId: assignment.id,
      callId: access.callId,
      proposalId,
      before: { attested_at: null },
      after: { attested_at: at },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
  });
  return { ok: true, status: "draft" };
}

/**
 * Saves the reviewer's review as a draft, or submits it. Refused (nothing saved) unless the
 * proposal is assigned to the reviewer, attested, not conflicted and still reviewable, the review
 * is not already submitted, and the posted values pass the rules (see domain/review-validation).
 */
export async function saveReview(
  db: DB,
  actor: Actor,
  proposalId: number,
  posted: Record<string, unknown>,
  intent: "draft" | "submit",
  ctx: ActionContext = {},
): Promise<ReviewActionResult> {
  const access = await getProposalAccess(db, actor, proposalId);
  if (access.refusal === "conflicted")
    return { ok: false, errors: { _form: msg("review.error.conflicted") } };
  if (access.relation !== "reviewer")
    return { ok: false, errors: { _form: msg("review.error.notAssigned") } };
  if (!can(access, "score"))
    return { ok: false, errors: { _form: msg("review.error.notAttested") } };
  const proposal = await getProposalHead(db, proposalId);
  if (!proposal) return { ok: false, errors: { _form: msg("review.error.notAssigned") } };
  // A decided call's reviews are final until an official reopens the call.
  if (callResultsFrozen(proposal.callStatus))
    return { ok: false, errors: { _form: msg("lifecycle.error.callDecided") } };
  if (!isReviewable(proposal.status))
    return { ok: false, errors: { _form: msg("review.error.notReviewable") } };

  const existing = await getOwnReview(db, proposalId, actor.id);
  if (existing?.status === "submitted")
    return { ok: false, errors: { _form: msg("review.error.alreadySubmitted") } };
  const versionId = existing?.criteriaVersionId ?? (await criteriaVersionFor(db, proposal));
  if (!versionId) return { ok: false, errors: { _form: msg("review.error.noCriteria") } };
  const criteria = await listCriteria(db, versionId);
  const { values, errors } = validateReview(criteria, proposal.tracks, posted, intent);
  if (Object.keys(errors).length) return { ok: false, errors };

  const status =
    intent === "submit" ? "submitted" : existing?.status === "returned" ? "returned" : "draft";
  const outcome = await db.transaction().execute(async (trx) => {
    const at = nowIso();
    // The reviewer's assignment, locked: two saves of one review (two tabs, two servers) take
    // turns (before, both could find no review and insert one, or both submit), and ending the
    // assignment (a declared conflict, an unassignment) cannot cross a save.
    const assignment = await trx
      .selectFrom("reviewer_assignments")
      .select("id")
      .where("proposal_id", "=", proposalId)
      .where("reviewer_id", "=", actor.id)
      .where("unassigned_at", "is", null)
      .$call(forUpdate(trx, "reviewer_assignments"))
      .executeTakeFirst();
    if (!assignment) return "unassigned" as const;
    if (await callFrozen(trx, proposal.callId, status === "submitted" ? "update" : "share"))
      return "frozen" as const;
    // The row is re-read inside the transaction, locked: an official returning it for rework at
    // the same moment goes first or after, never between this check and the write.
    const current = await trx
      .selectFrom("reviews")
      .select(["id", "status"])
      .where("proposal_id", "=", proposalId)
      .where("reviewer_id", "=", actor.id)
      .$call(forUpdate(trx, "reviews"))
      .executeTakeFirst();
    if (current?.status === "submitted") return "already" as const;
    let reviewId: number;
    if (current) {
      reviewId = current.id;
      await trx
        .updateTable("reviews")
        .set({
          status,
          overall_comment: values.overallComment,
          submitted_at: status === "submitted" ? at : null,
          updated_at: at,
        })
        .where("id", "=", reviewId)
        .execute();
    } else {
      const row = await trx
        .insertInto("reviews")
        .values({
          proposal_id: proposalId,
          reviewer_id: actor.id,
          criteria_version_id: versionId,
          status,
          overall_comment: values.overallComment,
          submitted_at: status === "submitted" ? at : null,
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      reviewId = row.id;
    }
    await trx.deleteFrom("review_scores").where("review_id", "=", reviewId).execute();
    if (values.scores.length) {
      await trx
        .insertInto("review_scores")
        .values(
          values.scores.map((s) => ({
            review_id: reviewId,
            criterion_id: s.criterionId,
            level: s.level,
            gate_pass: s.gatePass === null ? null : s.gatePass ? 1 : 0,
            rationale: s.rationale,
          })),
        )
        .execute();
    }
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: intent === "submit" ? "review.submit" : "review.save_draft",
      entityType: "review",
      entityId: reviewId,
      callId: proposal.callId,
      proposalId,
      before: existing
        ? {
            status: existing.status,
            overallComment: existing.overallComment,
            scores: existing.scores,
          }
        : null,
      after: { status, overallComment: values.overallComment, scores: values.scores },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    if (status === "submitted") {
      await afterReviewsChanged(trx, proposalId);
      // Webhooks (docs/webhooks.md): which review of which proposal, never who or what it scored.
      await enqueueEvent(trx, "review.submitted", () => ({
        review: { id: reviewId, submitted_at: at },
        proposal: { id: proposalId, reference: proposal.reference },
        call: { id: proposal.callId, slug: proposal.callSlug },
      }));
    }
    return "saved" as const;
  });
  if (outcome === "already")
    return { ok: false, errors: { _form: msg("review.error.alreadySubmitted") } };
  if (outcome === "unassigned")
    return { ok: false, errors: { _form: msg("review.error.notAssigned") } };
  if (outcome === "frozen")
    return { ok: false, errors: { _form: msg("lifecycle.error.callDecided") } };
  return { ok: true, status };
}

/**
 * An official returns a submitted review for rework with a note: the submitted revision is kept
 * in review_revisions, the review becomes 'returned' (editable again) with revision + 1.
 */
export async function returnReview(
  db: DB,
  actor: Actor,
  proposalId: number,
  reviewId: number,
  noteInput: string,
  ctx: ActionContext = {},
): Promise<ReviewActionResult> {
  const note = normaliseInput(noteInput);
  if (!note) return { ok: false, errors: { note: msg("review.error.returnNote") } };
  if (note.length > 2000)
    return { ok: false, errors: { note: msg("validation.tooLong", { max: 2000 }) } };
  const [review] = await loadReviews(db, { proposalId, reviewId });
  if (!review) return { ok: false, errors: { _form: msg("review.error.notFound") } };
  if (review.status !== "submitted")
    return { ok: false, errors: { _form: msg("review.error.returnNotSubmitted") } };
  const proposal = await getProposalHead(db, proposalId);
  if (!proposal) return { ok: false, errors: { _form: msg("review.error.notFound") } };
  // A decided call's results are final: returning a review would change a published decision's
  // score under it. Checked again inside the transaction (the call may be decided meanwhile).
  const frozen = { ok: false, errors: { _form: msg("lifecycle.error.callDecided") } } as const;
  if (callResultsFrozen(proposal.callStatus)) return frozen;
  const done = await db.transaction().execute(async (trx) => {
    if (await callFrozen(trx, proposal.callId, "update")) return false;
    // Read again, locked: the reviewer resubmitting, or another official returning it, at the
    // same moment goes first or after. The revision kept is the one read here.
    const now = await trx
      .selectFrom("reviews")
      .select(["status", "revision"])
      .where("id", "=", review.id)
      .$call(forUpdate(trx, "reviews"))
      .executeTakeFirst();
    if (now?.status !== "submitted" || now.revision !== review.revision) return "changed" as const;
    const snapshot = {
      overallComment: review.overallComment,
      submittedAt: review.submittedAt,
      scores: review.scores,
    };
    await trx
      .insertInto("review_revisions")
      .values({
        review_id: review.id,
        revision: review.revision,
        snapshot_json: JSON.stringify(snapshot),
        returned_by: actor.id,
        return_note: note,
        created_at: nowIso(),
      })
      .execute();
    const updated = await trx
      .updateTable("reviews")
      .set({
        status: "returned",
        return_note: note,
        revision: review.revision + 1,
        updated_at: nowIso(),
      })
      .where("id", "=", review.id)
      .where("status", "=", "submitted")
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new Error("review changed meanwhile");
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: "review.return",
      entityType: "review",
      entityId: review.id,
      callId: proposal.callId,
      proposalId,
      before: { status: "submitted", revision: review.revision },
      after: { status: "returned", revision: review.revision + 1, returnNote: note },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    await afterReviewsChanged(trx, proposalId);
    return true;
  });
  if (!done) return frozen;
  if (done === "changed")
    return { ok: false, errors: { _form: msg("review.error.returnNotSubmitted") } };
  return { ok: true, status: "returned" };
}

/**
 * A proposal's answers by step: the snapshot taken at submission when there is one (its `answers`
 * object if it has one), otherwise the saved step answers.
 */
export async function getProposalAnswers(
  db: DB,
  proposal: Pick<ProposalHead, "id" | "snapshotJson">,
): Promise<Record<string, unknown>> {
  if (proposal.snapshotJson) {
    try {
      const snap = JSON.parse(proposal.snapshotJson) as Record<string, unknown>;
      const answers = snap.answers;
      if (answers && typeof answers === "object" && !Array.isArray(answers))
        return answers as Record<string, unknown>;
      return snap;
    } catch {
      // fall through to the step answers
    }
  }
  const rows = await db
    .selectFrom("proposal_answers")
    .select(["step", "data_json"])
    .where("proposal_id", "=", proposal.id)
    .execute();
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    try {
      out[r.step] = JSON.parse(r.data_json);
    } catch {
      out[r.step] = r.data_json;
    }
  }
  return out;
}
