// Who may see and do what with a proposal: the one access policy (issue 11). Every loader,
// action, download, export and audit view that touches a proposal asks here.
//
// Skeleton: the conflict matching the score read model needs (a conflicted reviewer's review does
// not count). The access-policy work fills in the rest of this module.
import { conflictMatches } from "~/domain/assignment";
import { conflictsForAssignment } from "~/models/conflicts.server";
import type { DB } from "~/services/db.server";

/** For each of the given proposals, the ids of the staff members conflicted with it. */
export async function conflictedUsersByProposal(
  db: DB,
  proposalIds: readonly number[],
): Promise<Map<number, Set<number>>> {
  const result = new Map<number, Set<number>>(proposalIds.map((id) => [id, new Set<number>()]));
  if (!proposalIds.length) return result;
  const conflicts = await conflictsForAssignment(db);
  if (!conflicts.length) return result;
  const proposals = await db
    .selectFrom("proposals")
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select(["proposals.id", "proposals.organisation_id", "organisations.parent_group"])
    .where("proposals.id", "in", [...proposalIds])
    .execute();
  for (const p of proposals) {
    const target = { id: p.id, organisationId: p.organisation_id, parentGroup: p.parent_group };
    for (const c of conflicts) if (conflictMatches(c, target)) result.get(p.id)!.add(c.reviewerId);
  }
  return result;
}
