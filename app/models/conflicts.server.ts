// Conflicts of interest: a reviewer declares them against a company, a parent group, or one
// assigned proposal. A matching conflict ends the reviewer's active assignments to the matching
// proposals (they lose access at once) and stops any later assignment.
import { sql } from "kysely";
import {
  conflictMatches,
  normaliseGroup,
  type AssignmentConflict,
  type AssignmentProposal,
} from "~/domain/assignment";
import { CONFLICT_SEARCH_SCOPE } from "~/domain/access";
import { conflictTargets, loadConflicts } from "~/models/access.server";
import { writeAudit } from "~/models/audit.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { nowIso, type DB } from "~/services/db.server";
import { lockRows } from "~/services/sql-dialect.server";
import { msg, normaliseInput } from "~/utils/form";

export interface ActionContext {
  requestId?: string | null;
  ip?: string | null;
}

import type { Actor } from "~/domain/command";
export type { Actor };

export const MAX_REASON = 1000;

export interface OrganisationHit {
  id: number;
  legalNameEn: string;
  legalNameZh: string | null;
  parentGroup: string | null;
}

/** A whole 18-character code (looked up as typed; the check character is not the search's business). */
const WHOLE_CODE = /^[0-9A-Z]{18}$/;

/**
 * Companies a staff member may declare a conflict with: only those with a proposal they could be
 * assigned now (domain/access CONFLICT_SEARCH_SCOPE: in review, in an open or closed call), whose
 * English or Chinese name or parent group contains the query, or whose USCC is exactly the query
 * (a code is looked up whole, never by its start, and never shown: issue 12, item 9).
 */
export async function searchOrganisations(db: DB, query: string): Promise<OrganisationHit[]> {
  const q = query.normalize("NFKC").trim();
  if (q.length < 2) return [];
  // Case-insensitive on both databases (SQLite's LIKE is, PostgreSQL's is not): both sides lowered
  // by the database's own lower(), so that SQLite matches exactly as its LIKE did.
  const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const code = q.toUpperCase();
  const rows = await db
    .selectFrom("organisations")
    .select(["id", "legal_name_en", "legal_name_zh", "parent_group"])
    .where((eb) =>
      eb.or([
        sql<boolean>`lower(legal_name_en) like lower(${like}) escape '\\'`,
        sql<boolean>`lower(legal_name_zh) like lower(${like}) escape '\\'`,
        sql<boolean>`lower(parent_group) like lower(${like}) escape '\\'`,
        ...(WHOLE_CODE.test(code) ? [eb("uscc", "=", code)] : []),
      ]),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("proposals")
          .innerJoin("calls", "calls.id", "proposals.call_id")
          .select("proposals.id")
          .whereRef("proposals.organisation_id", "=", "organisations.id")
          .where("proposals.status", "in", [...CONFLICT_SEARCH_SCOPE.proposalStatuses])
          .where("calls.status", "in", [...CONFLICT_SEARCH_SCOPE.callStatuses]),
      ),
    )
    .orderBy("legal_name_en")
    .limit(25)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    legalNameEn: r.legal_name_en,
    legalNameZh: r.legal_name_zh,
    parentGroup: r.parent_group,
  }));
}

export interface ConflictRow {
  id: number;
  reason: string;
  declaredAt: string;
  organisationId: number | null;
  organisationNameEn: string | null;
  organisationNameZh: string | null;
  parentGroup: string | null;
  proposalId: number | null;
  proposalReference: string | null;
  proposalCompany: string | null;
}

export async function listConflicts(db: DB, reviewerId: number): Promise<ConflictRow[]> {
  const rows = await db
    .selectFrom("conflicts")
    .leftJoin("organisations", "organisations.id", "conflicts.organisation_id")
    .leftJoin("proposals", "proposals.id", "conflicts.proposal_id")
    .select([
      "conflicts.id",
      "conflicts.reason",
      "conflicts.declared_at",
      "conflicts.organisation_id",
      "organisations.legal_name_en",
      "organisations.legal_name_zh",
      "conflicts.parent_group",
      "conflicts.proposal_id",
      "proposals.reference",
      "proposals.company_en",
    ])
    .where("conflicts.reviewer_id", "=", reviewerId)
    .orderBy("conflicts.declared_at", "desc")
    .orderBy("conflicts.id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reason: r.reason,
    declaredAt: r.declared_at,
    organisationId: r.organisation_id,
    organisationNameEn: r.legal_name_en,
    organisationNameZh: r.legal_name_zh,
    parentGroup: r.parent_group,
    proposalId: r.proposal_id,
    proposalReference: r.reference,
    proposalCompany: r.company_en,
  }));
}

/** All declared conflicts, in the shape the assignment rules take (optionally for some reviewers). */
export async function conflictsForAssignment(
  db: DB,
  reviewerIds?: readonly number[],
): Promise<AssignmentConflict[]> {
  return loadConflicts(db, reviewerIds);
}

/** A proposal with the company and parent group conflicts are checked against (access policy). */
export async function proposalForConflicts(
  db: DB,
  proposalId: number,
): Promise<AssignmentProposal | null> {
  const [target] = await conflictTargets(db, { proposalIds: [proposalId] });
  return target ?? null;
}

export type ConflictTarget =
  | { kind: "organisation"; organisationId: number }
  | { kind: "parentGroup"; parentGroup: string }
  | { kind: "proposal"; proposalId: number };

export type DeclareResult =
  | { ok: true; conflictId: number; endedAssignments: number; excludedReviews: number }
  | { ok: false; errors: Record<string, string> };

/**
 * Records a conflict and, in the same transaction, ends the reviewer's active assignments to every
 * proposal it covers; each is audited.
 */
export async function declareConflict(
  db: DB,
  actor: Actor,
  target: ConflictTarget,
  reasonInput: string,
  ctx: ActionContext = {},
): Promise<DeclareResult> {
  const reason = normaliseInput(reasonInput);
  const errors: Record<string, string> = {};
  if (!reason) errors.reason = msg("review.error.conflictReason");
  else if (reason.length > MAX_REASON)
    errors.reason = msg("validation.tooLong", { max: MAX_REASON });
  if (target.kind === "parentGroup" && !normaliseGroup(target.parentGroup))
    errors.parentGroup = msg("review.error.parentGroup");
  if (target.kind === "organisation") {
    const org = await db
      .selectFrom("organisations")
      .select("id")
      .where("id", "=", target.organisationId)
      .executeTakeFirst();
    if (!org) errors.organisationId = msg("review.error.organisation");
  }
  if (target.kind === "proposal") {
    const p = await db
      .selectFrom("proposals")
      .select("id")
      .where("id", "=", target.proposalId)
      .executeTakeFirst();
    if (!p) errors._form = msg("review.error.notFound");
  }
  if (Object.keys(errors).length) return { ok: false, errors };

  return db.transaction().execute(async (trx) => {
    // An assignment of this reviewer running at the same moment holds the reviewer's row (for
    // share) while it checks their conflicts: this waits for it, and then ends that assignment
    // below; an assignment arriving later waits for this one and sees the conflict.
    await lockRows(trx, "users", [actor.id]);
    const values = {
      reviewer_id: actor.id,
      organisation_id: target.kind === "organisation" ? target.organisationId : null,
      parent_group: target.kind === "parentGroup" ? normaliseInput(target.parentGroup) : null,
      proposal_id: target.kind === "proposal" ? target.proposalId : null,
      reason,
      declared_at: nowIso(),
    };
    const row = await trx
      .insertInto("conflicts")
      .values(values)
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: "conflict.declare",
      entityType: "conflict",
      entityId: row.id,
      proposalId: values.proposal_id,
      after: values,
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    const ended = await endConflictedAssignments(trx, actor, ctx);
    const excluded = await excludeSubmittedReviews(trx, actor, row.id, values, ctx);
    return {
      ok: true as const,
      conflictId: row.id,
      endedAssignments: ended,
      excludedReviews: excluded,
    };
  });
}

/** Ends (and audits) every active assignment of the actor that one of their conflicts now covers. */
async function endConflictedAssignments(
  trx: DB,
  actor: Actor,
  ctx: ActionContext,
): Promise<number> {
  const conflicts = await conflictsForAssignment(trx, [actor.id]);
  const active = await trx
    .selectFrom("reviewer_assignments")
    .innerJoin("proposals", "proposals.id", "reviewer_assignments.proposal_id")
    .select(["reviewer_assignments.id", "reviewer_assignments.proposal_id", "proposals.call_id"])
    .where("reviewer_assignments.reviewer_id", "=", actor.id)
    .where("reviewer_assignments.unassigned_at", "is", null)
    .execute();
  const targets = new Map(
    (await conflictTargets(trx, { proposalIds: active.map((a) => a.proposal_id) })).map((t) => [
      t.id,
      t,
    ]),
  );
  let ended = 0;
  for (const a of active) {
    const proposal = targets.get(a.proposal_id);
    if (!proposal || !conflicts.some((c) => conflictMatches(c, proposal))) continue;
    const at = nowIso();
    await trx
      .updateTable("reviewer_assignments")
      .set({ unassigned_at: at })
      .where("id", "=", a.id)
      .execute();
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: "assignment.end_conflict",
      entityType: "reviewer_assignment",
      entityId: a.id,
      callId: a.call_id,
      proposalId: a.proposal_id,
      before: { unassigned_at: null },
      after: { unassigned_at: at, reason: "conflict declared" },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    ended += 1;
  }
  return ended;
}

/**
 * A conflict declared after the declarer submitted a review of a proposal it covers: the review
 * stops counting from now on (the score read model leaves out the reviews of conflicted users,
 * access.server conflictedUsersByProposal), the proposal is flagged for officials (excludedReviews
 * in access.server, shown on the breakdown and the official's proposal page), and each is audited.
 * Reviews already covered by an earlier conflict of the declarer were excluded then.
 */
async function excludeSubmittedReviews(
  trx: DB,
  actor: Actor,
  conflictId: number,
  conflict: {
    reviewer_id: number;
    organisation_id: number | null;
    parent_group: string | null;
    proposal_id: number | null;
    declared_at: string;
  },
  ctx: ActionContext,
): Promise<number> {
  const reviews = await trx
    .selectFrom("reviews")
    .innerJoin("proposals", "proposals.id", "reviews.proposal_id")
    .select(["reviews.id", "reviews.proposal_id", "reviews.submitted_at", "proposals.call_id"])
    .where("reviews.reviewer_id", "=", actor.id)
    .where("reviews.status", "=", "submitted")
    .execute();
  if (!reviews.length) return 0;
  const targets = new Map(
    (await conflictTargets(trx, { proposalIds: reviews.map((r) => r.proposal_id) })).map((t) => [
      t.id,
      t,
    ]),
  );
  const declared = {
    reviewerId: actor.id,
    organisationId: conflict.organisation_id,
    parentGroup: conflict.parent_group,
    proposalId: conflict.proposal_id,
  };
  const earlier = (await loadConflicts(trx, [actor.id])).filter((c) => c.id !== conflictId);
  const proposals: number[] = [];
  for (const r of reviews) {
    const target = targets.get(r.proposal_id);
    if (!target || !conflictMatches(declared, target)) continue;
    if (earlier.some((c) => conflictMatches(c, target))) continue;
    await writeAudit(trx, {
      actorId: actor.id,
      actorEmail: actor.email,
      action: "review.exclude_conflict",
      entityType: "review",
      entityId: r.id,
      callId: r.call_id,
      proposalId: r.proposal_id,
      before: { counts: true, submittedAt: r.submitted_at },
      after: { counts: false, since: conflict.declared_at, conflictId },
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    proposals.push(r.proposal_id);
  }
  // The review stops counting: the score read model refreshes those proposals alone.
  await refreshProposalScores(trx, proposals);
  return proposals.length;
}
