// The access policy for one signed-in user and one proposal: given the facts (who they are, whose
// proposal it is, their assignment, whether a conflict of theirs covers it), which capabilities
// they hold. Plain rules, no database: app/models/access.server.ts loads the facts and every
// loader, action, download, export and audit view asks it (docs/decisions/0004-access-policy.md).

import { IN_REVIEW_STATUSES } from "./proposal-lifecycle";

export type AccessRole = "applicant" | "reviewer" | "official" | "admin";

export const CAPABILITIES = [
  /** Open the proposal at all (for a reviewer before attesting: the company only). */
  "view",
  /** Its answers and confidential figures (capex, financing), its clarification thread. */
  "viewContent",
  /** Download one of its documents. */
  "downloadDocument",
  /** Reviewers' names and their levels and comments (officials' view). */
  "viewReviews",
  /** Record the reviewer's "no conflict" attestation. */
  "attest",
  /** Write and submit one's own review. */
  "score",
  /** Return a submitted review for rework. */
  "returnReview",
  /** Record a gate moderation or a disagreement note. */
  "moderate",
  /** Record the funding decision. */
  "decide",
  /** Assign, unassign and reassign reviewers; ask the applicant a question. */
  "manage",
  /** Read the audit log's rows about it. */
  "readAudit",
  /** Include it in a board export. */
  "export",
  /** The applicant's own actions: edit the draft, withdraw, answer clarifications, receipt. */
  "own",
  /**
   * Read and post in the proposal's staff discussion (issue 15): officials, and reviewers who are
   * assigned, attested and have submitted their own review. Never applicants.
   */
  "discuss",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface AccessFacts {
  user: { id: number; role: AccessRole };
  /** null: no such proposal. */
  proposal: { id: number; ownerId: number; status: string } | null;
  /**
   * The user's active assignment to the proposal (reviewers), if any; `reviewSubmitted`: their own
   * review of it is submitted (not a draft, not returned for rework).
   */
  assignment: { attested: boolean; reviewSubmitted?: boolean } | null;
  /** A conflict declared by the user covers the proposal (snapshot rule, see conflictTarget). */
  conflicted: boolean;
}

/**
 * How a refusal is answered: notFound (404: the proposal does not exist for this user — another
 * applicant's, a draft for staff, not assigned), forbidden (403: the role may not do this), or
 * conflicted (403: the user's own declared conflict walls them off).
 */
export type Refusal = "notFound" | "forbidden" | "conflicted";

export interface Access {
  relation: "owner" | "reviewer" | "official" | "none";
  capabilities: ReadonlySet<Capability>;
  /** Why the user holds no capability at all (null when they hold some). */
  refusal: Refusal | null;
}

const OFFICIAL_CAPS: readonly Capability[] = [
  "view",
  "viewContent",
  "downloadDocument",
  "viewReviews",
  "returnReview",
  "moderate",
  "decide",
  "manage",
  "readAudit",
  "export",
  "discuss",
];
const OWNER_CAPS: readonly Capability[] = ["view", "viewContent", "downloadDocument", "own"];
const ATTESTED_REVIEWER_CAPS: readonly Capability[] = [
  "view",
  "viewContent",
  "downloadDocument",
  "score",
];

const none = (refusal: Refusal): Access => ({
  relation: "none",
  capabilities: new Set(),
  refusal,
});

/** The capabilities the facts give. */
export function decideAccess(facts: AccessFacts): Access {
  const { user, proposal } = facts;
  if (!proposal) return none("notFound");
  if (user.role === "applicant") {
    // Another applicant's proposal does not exist for them.
    if (proposal.ownerId !== user.id) return none("notFound");
    return { relation: "owner", capabilities: new Set(OWNER_CAPS), refusal: null };
  }
  // Staff: a draft is the company's unfinished work; nobody at the CDA sees it.
  if (proposal.status === "draft") return none("notFound");
  // The conflict wall holds for every staff role, officials and admins included.
  if (facts.conflicted) return none("conflicted");
  if (user.role === "official" || user.role === "admin")
    return { relation: "official", capabilities: new Set(OFFICIAL_CAPS), refusal: null };
  // A reviewer sees only what is actively assigned to them; before the attestation only the
  // company (enough to judge a conflict) and the attestation itself.
  if (!facts.assignment) return none("notFound");
  const caps: Capability[] = facts.assignment.attested
    ? [...ATTESTED_REVIEWER_CAPS]
    : ["view", "attest"];
  // The discussion opens to a reviewer once their own review is in, as colleagues' reviews do:
  // nobody is swayed before scoring.
  if (facts.assignment.attested && facts.assignment.reviewSubmitted) caps.push("discuss");
  return { relation: "reviewer", capabilities: new Set(caps), refusal: null };
}

/** Whether the access holds a capability. */
export function can(access: Access, capability: Capability): boolean {
  return access.capabilities.has(capability);
}

/**
 * Why a capability is refused, or null if it is held: the access's own refusal, else forbidden
 * (the user sees the proposal but may not do this).
 */
export function refusalFor(access: Access, capability: Capability): Refusal | null {
  if (can(access, capability)) return null;
  return access.refusal ?? "forbidden";
}

/**
 * How a refusal is answered to the user: a conflict exactly as "not yours" (issue 12, item 9).
 * A different answer (403 rather than 404) would tell whoever declared a conflict with a company
 * or group which proposal ids belong to it. `hide` answers every refusal as not found (documents:
 * ids cannot be probed).
 */
export function answeredRefusal(refusal: Refusal, hide = false): "notFound" | "forbidden" {
  return hide || refusal !== "forbidden" ? "notFound" : "forbidden";
}

/** The HTTP status of a refusal, as answered (answeredRefusal): 404 or 403. */
export function refusalStatus(refusal: Refusal, hide = false): 403 | 404 {
  return answeredRefusal(refusal, hide) === "notFound" ? 404 : 403;
}

/**
 * What a reviewer may see of a proposal before attesting "no conflict" (product.md: conflicts are
 * declared against companies and their parent groups): the company's names, its parent group,
 * the call and the reference — nothing of the proposal itself (not its title, tracks or status).
 */
export function attestationView(p: {
  id: number;
  reference: string | null;
  companyEn: string | null;
  companyZh: string | null;
  parentGroup: string | null;
  callTitleEn: string;
}) {
  return {
    id: p.id,
    reference: p.reference,
    companyEn: p.companyEn,
    companyZh: p.companyZh,
    parentGroup: p.parentGroup,
    callTitleEn: p.callTitleEn,
  };
}

/**
 * The proposals whose companies the conflict search may list: those a reviewer could be assigned
 * now — in review, in a call that is open or closed (not a draft call, not decided or archived).
 * A company with only drafts or withdrawn proposals is nobody's conflict yet, and listing it
 * would tell staff who is preparing a bid.
 */
export const CONFLICT_SEARCH_SCOPE = {
  proposalStatuses: IN_REVIEW_STATUSES,
  callStatuses: ["open", "closed"],
} as const;

// ---------------------------------------------------------------------------------------------
// What a conflict is matched against.

export interface ConflictTargetFacts {
  id: number;
  status: string;
  /** proposals.organisation_id: written by the draft's company step only, so frozen at submission. */
  organisationId: number | null;
  /** The parent group snapshotted at submission (null for a draft, or none then). */
  submittedParentGroup: string | null;
  /** The company profile's parent group now (editable by the applicant at any time). */
  liveParentGroup: string | null;
}

/**
 * The company and parent groups a conflict is matched against: as snapshotted at submission, and
 * the live profile too while the proposal is a draft. Editing the profile later (a new draft)
 * neither lifts nor adds a conflict on a submitted proposal.
 */
export function conflictTarget(p: ConflictTargetFacts): {
  id: number;
  organisationId: number | null;
  parentGroup: string | null;
  liveParentGroup: string | null;
} {
  return {
    id: p.id,
    organisationId: p.organisationId,
    parentGroup: p.submittedParentGroup,
    liveParentGroup: p.status === "draft" ? p.liveParentGroup : null,
  };
}
