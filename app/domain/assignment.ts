// Automatic reviewer assignment for a call: plain rules, no database.
//
// Each proposal gets the call's minimum number of active, non-conflicted reviewers. Loads (active
// assignments per reviewer, existing ones included) are kept as even as possible: after a greedy
// pass (most constrained proposals first, least loaded reviewers first) a local-improvement pass
// moves any new assignment whose reviewer is two or more busier than another eligible reviewer of
// that proposal. At the end, for every assignment made here and every reviewer who could have
// taken it instead, busiest minus idlest ≤ 1; with no conflicts and no earlier assignments this
// means the whole call's spread is ≤ 1. Every tie is broken by id, so the result is deterministic.
// What cannot be assigned is reported per proposal, with the reason.

export interface AssignmentProposal {
  id: number;
  organisationId: number | null;
  /** The parent group as snapshotted at submission (see domain/access.ts conflictTarget). */
  parentGroup: string | null;
  /** The live profile's parent group, matched too while the proposal is a draft. */
  liveParentGroup?: string | null;
}

export interface AssignmentConflict {
  reviewerId: number;
  organisationId?: number | null;
  parentGroup?: string | null;
  proposalId?: number | null;
}

export interface ProposalReviewerPair {
  proposalId: number;
  reviewerId: number;
}

export interface AutoAssignInput {
  proposals: readonly AssignmentProposal[];
  reviewerIds: readonly number[];
  conflicts: readonly AssignmentConflict[];
  /** Active assignments that already exist (they count towards loads and the minimum). */
  existing: readonly ProposalReviewerPair[];
  minReviewers: number;
}

export type ShortfallReason =
  /** The call has fewer reviewers than its minimum. */
  | "too_few_reviewers"
  /** Enough reviewers exist, but conflicts leave too few eligible ones. */
  | "conflicts";

export interface Shortfall {
  proposalId: number;
  required: number;
  /** Active, non-conflicted reviewers after this run. */
  assigned: number;
  missing: number;
  /** Reviewers who declared a conflict matching this proposal. */
  conflictedReviewerIds: number[];
  reason: ShortfallReason;
}

export interface AutoAssignResult {
  /** New assignments to make, sorted by proposal then reviewer. */
  assignments: ProposalReviewerPair[];
  shortfalls: Shortfall[];
  /** Active assignments per reviewer after this run (existing ones included). */
  loads: Record<number, number>;
}

/** Normalises a parent-group name for comparison (case, spacing and width do not matter). */
export function normaliseGroup(name: string | null | undefined): string | null {
  if (!name) return null;
  const n = name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
  return n || null;
}

/** Whether a declared conflict covers a proposal (same company, same parent group, or the proposal itself). */
export function conflictMatches(
  conflict: AssignmentConflict,
  proposal: AssignmentProposal,
): boolean {
  if (conflict.proposalId != null && conflict.proposalId === proposal.id) return true;
  if (
    conflict.organisationId != null &&
    proposal.organisationId != null &&
    conflict.organisationId === proposal.organisationId
  )
    return true;
  const group = normaliseGroup(conflict.parentGroup);
  return (
    group !== null &&
    (group === normaliseGroup(proposal.parentGroup) ||
      group === normaliseGroup(proposal.liveParentGroup))
  );
}

/** Whether a reviewer is conflicted on a proposal. */
export function isConflicted(
  reviewerId: number,
  proposal: AssignmentProposal,
  conflicts: readonly AssignmentConflict[],
): boolean {
  return conflicts.some((c) => c.reviewerId === reviewerId && conflictMatches(c, proposal));
}

export function autoAssign(input: AutoAssignInput): AutoAssignResult {
  const minReviewers = Math.max(0, Math.floor(input.minReviewers));
  const reviewerIds = [...new Set(input.reviewerIds)].sort((a, b) => a - b);
  const proposals = [...new Map(input.proposals.map((p) => [p.id, p])).values()].sort(
    (a, b) => a.id - b.id,
  );
  const reviewerSet = new Set(reviewerIds);

  const conflictedOn = new Map<number, Set<number>>();
  for (const p of proposals) {
    const set = new Set<number>();
    for (const c of input.conflicts) if (conflictMatches(c, p)) set.add(c.reviewerId);
    conflictedOn.set(p.id, set);
  }

  // Existing assignments of known reviewers that are not conflicted count; conflicted ones have
  // lost access and count for nothing.
  const load = new Map<number, number>(reviewerIds.map((r) => [r, 0]));
  const onProposal = new Map<number, Set<number>>(proposals.map((p) => [p.id, new Set<number>()]));
  for (const e of input.existing) {
    if (!reviewerSet.has(e.reviewerId)) continue;
    const conflicted = conflictedOn.get(e.proposalId);
    if (conflicted?.has(e.reviewerId)) continue;
    const set = onProposal.get(e.proposalId);
    if (set) {
      if (set.has(e.reviewerId)) continue;
      set.add(e.reviewerId);
    }
    load.set(e.reviewerId, (load.get(e.reviewerId) ?? 0) + 1);
  }

  const eligible = (p: AssignmentProposal) =>
    reviewerIds.filter((r) => !conflictedOn.get(p.id)!.has(r) && !onProposal.get(p.id)!.has(r));

  // Most constrained first: fewest eligible reviewers relative to what is still needed.
  const order = proposals
    .map((p) => ({ p, slack: eligible(p).length - (minReviewers - onProposal.get(p.id)!.size) }))
    .sort((a, b) => a.slack - b.slack || a.p.id - b.p.id)
    .map((x) => x.p);

  const made: ProposalReviewerPair[] = [];
  for (const p of order) {
    const on = onProposal.get(p.id)!;
    let need = minReviewers - on.size;
    if (need <= 0) continue;
    const candidates = eligible(p).sort((a, b) => load.get(a)! - load.get(b)! || a - b);
    for (const r of candidates) {
      if (need <= 0) break;
      on.add(r);
      load.set(r, load.get(r)! + 1);
      made.push({ proposalId: p.id, reviewerId: r });
      need -= 1;
    }
  }

  // Local improvement: move a new assignment from a reviewer to an eligible one at least two
  // less busy. Each move lowers the sum of squared loads, so the loop ends.
  const byId = new Map(proposals.map((p) => [p.id, p]));
  for (;;) {
    let best: { index: number; to: number; gain: number } | null = null;
    for (let i = 0; i < made.length; i++) {
      const { proposalId, reviewerId } = made[i]!;
      const from = load.get(reviewerId)!;
      for (const s of eligible(byId.get(proposalId)!)) {
        const gain = from - load.get(s)!;
        if (gain >= 2 && (!best || gain > best.gain)) best = { index: i, to: s, gain };
      }
    }
    if (!best) break;
    const pair = made[best.index]!;
    const on = onProposal.get(pair.proposalId)!;
    on.delete(pair.reviewerId);
    load.set(pair.reviewerId, load.get(pair.reviewerId)! - 1);
    on.add(best.to);
    load.set(best.to, load.get(best.to)! + 1);
    made[best.index] = { proposalId: pair.proposalId, reviewerId: best.to };
  }

  const shortfalls: Shortfall[] = [];
  for (const p of proposals) {
    const assigned = onProposal.get(p.id)!.size;
    if (assigned >= minReviewers) continue;
    shortfalls.push({
      proposalId: p.id,
      required: minReviewers,
      assigned,
      missing: minReviewers - assigned,
      conflictedReviewerIds: [...conflictedOn.get(p.id)!]
        .filter((r) => reviewerSet.has(r))
        .sort((a, b) => a - b),
      reason: reviewerIds.length < minReviewers ? "too_few_reviewers" : "conflicts",
    });
  }

  made.sort((a, b) => a.proposalId - b.proposalId || a.reviewerId - b.reviewerId);
  return { assignments: made, shortfalls, loads: Object.fromEntries(load) };
}
