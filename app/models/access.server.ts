// Who may see and do what with a proposal: the one access policy (issue 11). Every loader,
// action, download, export and audit view that touches a proposal asks here; the rules themselves
// are app/domain/access.ts, this module loads the facts they take (docs/decisions/0004).
//
// Conflicts of interest are matched against the company and parent group as snapshotted at
// submission (proposals.organisation_id, proposals.submitted_parent_group), and the live profile
// too while the proposal is a draft (domain/access.ts conflictTarget). Every staff role is walled
// off by its own declared conflicts: reviewers, officials and admins alike.
import {
  answeredRefusal,
  conflictTarget,
  decideAccess,
  refusalFor,
  refusalStatus,
  type Access,
  type AccessRole,
  type Capability,
} from "~/domain/access";
import {
  conflictMatches,
  type AssignmentConflict,
  type AssignmentProposal,
} from "~/domain/assignment";
import type { Role } from "~db/schema";
import { writeThrottledAudit } from "~/models/audit.server";
import { getDb, type DB } from "~/services/db.server";
import { requireUser, type SessionUser } from "~/services/session.server";

export type { Access, Capability } from "~/domain/access";

export interface AccessUser {
  id: number;
  role: AccessRole;
}

export interface DeclaredConflict extends AssignmentConflict {
  id: number;
  declaredAt: string;
}

/** Declared conflicts (optionally of some users only), in the shape conflictMatches takes. */
export async function loadConflicts(
  db: DB,
  userIds?: readonly number[],
): Promise<DeclaredConflict[]> {
  let q = db
    .selectFrom("conflicts")
    .select(["id", "reviewer_id", "organisation_id", "parent_group", "proposal_id", "declared_at"]);
  if (userIds) {
    if (!userIds.length) return [];
    q = q.where("reviewer_id", "in", [...userIds]);
  }
  const rows = await q.orderBy("declared_at").orderBy("id").execute();
  return rows.map((r) => ({
    id: r.id,
    reviewerId: r.reviewer_id,
    organisationId: r.organisation_id,
    parentGroup: r.parent_group,
    proposalId: r.proposal_id,
    declaredAt: r.declared_at,
  }));
}

/**
 * What conflicts are matched against, for the given proposals or a whole call: the company and
 * parent group at submission, plus the live parent group while a draft.
 */
export async function conflictTargets(
  db: DB,
  scope: { proposalIds: readonly number[] } | { callId: number } | { all: true },
): Promise<AssignmentProposal[]> {
  if ("proposalIds" in scope && !scope.proposalIds.length) return [];
  let q = db
    .selectFrom("proposals")
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select([
      "proposals.id",
      "proposals.status",
      "proposals.organisation_id",
      "proposals.submitted_parent_group",
      "organisations.parent_group",
    ]);
  if ("proposalIds" in scope) q = q.where("proposals.id", "in", [...scope.proposalIds]);
  else if ("callId" in scope) q = q.where("proposals.call_id", "=", scope.callId);
  const rows = await q.execute();
  return rows.map((r) =>
    conflictTarget({
      id: r.id,
      status: r.status,
      organisationId: r.organisation_id,
      submittedParentGroup: r.submitted_parent_group,
      liveParentGroup: r.parent_group,
    }),
  );
}

/** For each of the given proposals, the ids of the staff members conflicted with it. */
export async function conflictedUsersByProposal(
  db: DB,
  proposalIds: readonly number[],
): Promise<Map<number, Set<number>>> {
  const result = new Map<number, Set<number>>(proposalIds.map((id) => [id, new Set<number>()]));
  if (!proposalIds.length) return result;
  const conflicts = await loadConflicts(db);
  if (!conflicts.length) return result;
  for (const target of await conflictTargets(db, { proposalIds })) {
    for (const c of conflicts)
      if (conflictMatches(c, target)) result.get(target.id)!.add(c.reviewerId);
  }
  return result;
}

/**
 * The proposals (of one call, or all) a user's declared conflicts wall them off from: left out of
 * the board, its exports and the audit log they read.
 */
export async function walledProposalIds(
  db: DB,
  userId: number,
  scope: Parameters<typeof conflictTargets>[1] = { all: true },
): Promise<number[]> {
  const conflicts = await loadConflicts(db, [userId]);
  if (!conflicts.length) return [];
  const targets = await conflictTargets(db, scope);
  return targets.filter((t) => conflicts.some((c) => conflictMatches(c, t))).map((t) => t.id);
}

/** Whether one of the user's declared conflicts covers the proposal. */
export async function isConflicted(db: DB, userId: number, proposalId: number): Promise<boolean> {
  const conflicts = await loadConflicts(db, [userId]);
  if (!conflicts.length) return false;
  const [target] = await conflictTargets(db, { proposalIds: [proposalId] });
  return !!target && conflicts.some((c) => conflictMatches(c, target));
}

export interface ProposalAccess extends Access {
  proposalId: number;
  callId: number | null;
  /** The reviewer's active assignment, if any. */
  assignment: { id: number; attestedAt: string | null; dueAt: string | null } | null;
}

/** Loads the facts and decides what the user may see and do with the proposal. */
export async function getProposalAccess(
  db: DB,
  user: AccessUser,
  proposalId: number,
): Promise<ProposalAccess> {
  const valid = Number.isSafeInteger(proposalId) && proposalId > 0;
  const proposal = valid
    ? await db
        .selectFrom("proposals")
        .select(["id", "owner_id", "status", "call_id"])
        .where("id", "=", proposalId)
        .executeTakeFirst()
    : undefined;
  const staff = user.role !== "applicant";
  const assignment =
    proposal && user.role === "reviewer"
      ? await db
          .selectFrom("reviewer_assignments")
          .select(["id", "proposal_id", "attested_at", "due_at"])
          .where("proposal_id", "=", proposal.id)
          .where("reviewer_id", "=", user.id)
          .where("unassigned_at", "is", null)
          .executeTakeFirst()
      : undefined;
  const ownReview =
    assignment && assignment.attested_at !== null
      ? await db
          .selectFrom("reviews")
          .select("status")
          .where("proposal_id", "=", assignment.proposal_id)
          .where("reviewer_id", "=", user.id)
          .executeTakeFirst()
      : undefined;
  const conflicted = proposal && staff ? await isConflicted(db, user.id, proposal.id) : false;
  const access = decideAccess({
    user,
    proposal: proposal
      ? { id: proposal.id, ownerId: proposal.owner_id, status: proposal.status }
      : null,
    assignment: assignment
      ? {
          attested: assignment.attested_at !== null,
          reviewSubmitted: ownReview?.status === "submitted",
        }
      : null,
    conflicted,
  });
  return {
    ...access,
    proposalId,
    callId: proposal?.call_id ?? null,
    assignment: assignment
      ? { id: assignment.id, attestedAt: assignment.attested_at, dueAt: assignment.due_at }
      : null,
  };
}

const REFUSAL_TEXT = { notFound: "Not found", forbidden: "Forbidden" } as const;

/**
 * Audits a refusal (ASVS 7.1.3 / 7.2.2): one "access.refused" row per actor, kind and target per
 * minute at most (app/models/audit.server.ts writeThrottledAudit), so that a script probing ids
 * cannot flood the log; the next row carries how many the minute before held.
 */
async function auditRefusal(
  db: DB,
  user: AccessUser & { email?: string | null },
  target: { kind: "proposal" | "page" | "export"; id: string | number; proposalId?: number | null },
  detail: Record<string, unknown>,
): Promise<void> {
  await writeThrottledAudit(db, `refused:${target.kind}:${user.id}:${target.id}`, {
    actorId: user.id,
    actorEmail: user.email ?? null,
    action: "access.refused",
    entityType: target.kind,
    entityId: target.id,
    proposalId: target.proposalId ?? null,
    after: { role: user.role, ...detail },
  });
}

/**
 * Audits a refused access to a proposal, for the rare model that decides with the policy's rules
 * without loading its facts here (proposals.server.ts getOwnedProposal, the applicant's pages).
 */
export async function auditProposalRefusal(
  db: DB,
  user: AccessUser & { email?: string | null },
  access: Access & { proposalId: number; callId?: number | null },
  capability: Capability,
): Promise<void> {
  const refusal = refusalFor(access, capability);
  if (!refusal) return;
  await auditRefusal(
    db,
    user,
    {
      kind: "proposal",
      id: Number.isSafeInteger(access.proposalId) ? access.proposalId : "invalid",
      // Only a proposal that exists is linked (the audit viewer filters by it).
      proposalId: access.callId !== null ? access.proposalId : null,
    },
    { capability, refusal },
  );
}

/**
 * Throws the Response a refusal is answered with, after auditing it: 404 "Not found" for a
 * proposal that is not the user's and for one their own conflict walls them off from alike (the
 * same status and body, so that ids cannot be probed for a company's proposals), 403 where their
 * role may not do this; always 404 with `hide`. Returns when the access holds the capability.
 */
export async function refuseUnless(
  db: DB,
  user: AccessUser & { email?: string | null },
  access: Access & { proposalId: number; callId?: number | null },
  capability: Capability,
  hide = false,
): Promise<void> {
  const refusal = refusalFor(access, capability);
  if (!refusal) return;
  await auditProposalRefusal(db, user, access, capability);
  throw new Response(REFUSAL_TEXT[answeredRefusal(refusal, hide)], {
    status: refusalStatus(refusal, hide),
  });
}

/**
 * For loaders and actions: the user's access to the proposal if it holds `capability`; otherwise
 * throws the right Response (404 where the proposal does not exist for them, 403 where their role
 * or their own conflict refuses it; `hide: true` answers 404 to every refusal), audited.
 */
export async function requireProposalAccess(
  db: DB,
  user: AccessUser & { email?: string | null },
  proposalId: number,
  capability: Capability,
  options: { hide?: boolean } = {},
): Promise<ProposalAccess> {
  const access = await getProposalAccess(db, user, proposalId);
  await refuseUnless(db, user, access, capability, options.hide);
  return access;
}

/**
 * The signed-in user if their role is one of `roles`; a visitor is sent to sign in, anyone else
 * gets 403, audited (staff pages and exports refused to applicants, the board to reviewers…).
 */
export async function requireRole(
  request: Request,
  roles: readonly Role[],
  db: DB = getDb(),
): Promise<SessionUser> {
  const user = await requireUser(request, db);
  if (!roles.includes(user.role)) {
    const path = new URL(request.url).pathname.slice(0, 300);
    await auditRefusal(
      db,
      user,
      { kind: /\/export[^/]*$|\.(csv|xlsx|pdf)$/.test(path) ? "export" : "page", id: path },
      { method: request.method },
    );
    throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  }
  return user;
}

export interface ExcludedReview {
  reviewId: number;
  reviewerId: number;
  reviewerName: string;
  /** When the first conflict covering the proposal was declared: the review counts no more since. */
  since: string;
}

/**
 * Submitted reviews whose reviewer has since declared a conflict covering the proposal: they no
 * longer count (the score read model leaves them out through conflictedUsersByProposal), and
 * officials are shown whose and since when.
 */
export async function excludedReviews(db: DB, proposalId: number): Promise<ExcludedReview[]> {
  const reviews = await db
    .selectFrom("reviews")
    .innerJoin("users", "users.id", "reviews.reviewer_id")
    .select(["reviews.id", "reviews.reviewer_id", "users.display_name"])
    .where("reviews.proposal_id", "=", proposalId)
    .where("reviews.status", "=", "submitted")
    .orderBy("reviews.id")
    .execute();
  if (!reviews.length) return [];
  const [target] = await conflictTargets(db, { proposalIds: [proposalId] });
  if (!target) return [];
  const conflicts = await loadConflicts(
    db,
    reviews.map((r) => r.reviewer_id),
  );
  const out: ExcludedReview[] = [];
  for (const r of reviews) {
    const matching = conflicts.filter(
      (c) => c.reviewerId === r.reviewer_id && conflictMatches(c, target),
    );
    if (!matching.length) continue;
    out.push({
      reviewId: r.id,
      reviewerId: r.reviewer_id,
      reviewerName: r.display_name,
      since: matching.map((c) => c.declaredAt).sort()[0]!,
    });
  }
  return out;
}

/**
 * The audit log an official or admin may read: the proposals whose entries are left out of what
 * they read (their walled proposals). A filter naming a proposal their declared conflict covers
 * is answered as one naming no proposal at all (no entries, the same page): a refusal would tell
 * them which proposals belong to the company they declared (issue 12, item 9). Entries about
 * drafts and missing proposals are the log's own business (an official may trace them).
 */
export async function requireAuditScope(
  db: DB,
  user: AccessUser,
  _namedProposal?: number | "missing" | null,
): Promise<number[]> {
  return walledProposalIds(db, user.id);
}
