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
import { writeAudit } from "~/models/audit.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { conflictsOf } from "~/models/scoring.server";
import { nowIso, type DB } from "~/services/db.server";
import { msg, normaliseInput } from "~/utils/form";
import type { SessionUser } from "~/services/session.server";

export interface ActionContext {
  requestId?: string | null;
  ip?: string | null;
}

export type Actor = Pick<SessionUser, "id" | "email" | "role">;

export const MAX_REASON = 1000;

export interface OrganisationHit {
  id: number;
  legalNameEn: string;
  legalNameZh: string | null;
  uscc: string | null;
  parentGroup: string | null;
}

/** Companies whose English or Chinese name contains the query, or whose USCC starts with it. */
export async function searchOrganisations(db: DB, query: string): Promise<OrganisationHit[]> {
  const q = query.normalize("NFKC").trim();
  if (q.length < 2) return [];
  const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const rows = await db
    .selectFrom("organisations")
    .select(["id", "legal_name_en", "legal_name_zh", "uscc", "parent_group"])
    .where((eb) =>
      eb.or([
        sql<boolean>`legal_name_en like ${like} escape '\\'`,
        sql<boolean>`legal_name_zh like ${like} escape '\\'`,
        sql<boolean>`parent_group like ${like} escape '\\'`,
        eb("uscc", "like", `${q.toUpperCase().replace(/[\\%_]/g, "")}%`),
      ]),
    )
    .orderBy("legal_name_en")
    .limit(25)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    legalNameEn: r.legal_name_en,
    legalNameZh: r.legal_name_zh,
    uscc: r.uscc,
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
  let q = db
    .selectFrom("conflicts")
    .select(["reviewer_id", "organisation_id", "parent_group", "proposal_id"]);
  if (reviewerIds) {
    if (!reviewerIds.length) return [];
    q = q.where("reviewer_id", "in", [...reviewerIds]);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    reviewerId: r.reviewer_id,
    organisationId: r.organisation_id,
    parentGroup: r.parent_group,
    proposalId: r.proposal_id,
  }));
}

/** A proposal with the company and parent group conflicts are checked against. */
export async function proposalForConflicts(
  db: DB,
  proposalId: number,
): Promise<AssignmentProposal | null> {
  const row = await db
    .selectFrom("proposals")
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select(["proposals.id", "proposals.organisation_id", "organisations.parent_group"])
    .where("proposals.id", "=", proposalId)
    .executeTakeFirst();
  return row
    ? { id: row.id, organisationId: row.organisation_id, parentGroup: row.parent_group }
    : null;
}

/** Whether the reviewer has declared a conflict covering this proposal. */
export async function isReviewerConflicted(
  db: DB,
  reviewerId: number,
  proposalId: number,
): Promise<boolean> {
  const proposal = await proposalForConflicts(db, proposalId);
  if (!proposal) return false;
  const conflicts = await conflictsForAssignment(db, [reviewerId]);
  return conflicts.some((c) => conflictMatches(c, proposal));
}

export type ConflictTarget =
  | { kind: "organisation"; organisationId: number }
  | { kind: "parentGroup"; parentGroup: string }
  | { kind: "proposal"; proposalId: number };

export type DeclareResult =
  | { ok: true; conflictId: number; endedAssignments: number }
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
    // A review the actor already submitted on a proposal this conflict now covers stops counting.
    await refreshProposalScores(trx, await proposalsNowConflicted(trx, actor.id));
    return { ok: true as const, conflictId: row.id, endedAssignments: ended };
  });
}

/** Proposals where the reviewer has a counting review and is now conflicted (access policy). */
async function proposalsNowConflicted(trx: DB, reviewerId: number): Promise<number[]> {
  const counted = await trx
    .selectFrom("review_totals")
    .select("proposal_id")
    .where("reviewer_id", "=", reviewerId)
    .execute();
  if (!counted.length) return [];
  // Asked of the access policy (conflictedUsersByProposal), a chunk of proposals at a time.
  const conflicted = await conflictsOf(
    trx,
    counted.map((r) => r.proposal_id),
  );
  return [...conflicted].filter(([, users]) => users.has(reviewerId)).map(([id]) => id);
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
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select([
      "reviewer_assignments.id",
      "reviewer_assignments.proposal_id",
      "proposals.call_id",
      "proposals.organisation_id",
      "organisations.parent_group",
    ])
    .where("reviewer_assignments.reviewer_id", "=", actor.id)
    .where("reviewer_assignments.unassigned_at", "is", null)
    .execute();
  let ended = 0;
  for (const a of active) {
    const proposal = {
      id: a.proposal_id,
      organisationId: a.organisation_id,
      parentGroup: a.parent_group,
    };
    if (!conflicts.some((c) => conflictMatches(c, proposal))) continue;
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
