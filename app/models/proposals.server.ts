// An applicant's proposals: create a draft while the call is open, read one's own, save a step's
// answers (keeping the denormalised columns the board sorts on current). Every change runs in
// one transaction with its audit row; a proposal that is no longer a draft never changes here.
import { can, decideAccess } from "~/domain/access";
import type { Call, Currency, Proposal } from "~db/schema";
import { endsApplication, type SavedAnswers } from "~/domain/proposal-steps";
import { isCallOpen } from "~/models/calls.server";
import { isEditableDraft } from "~/domain/proposal-lifecycle";
import type { ProposalColumns } from "~/models/proposal-lifecycle.server";
import { auditProposalRefusal } from "~/models/access.server";
import { writeAudit } from "~/models/audit.server";
import { usdEquivalent } from "~/models/exchange-rates.server";
import { getProfileForUser, saveProfile } from "~/models/organisations.server";
import { parseStep, type Answers, type QuestionStepId } from "~/schemas";
import { usccStatus } from "~/schemas/organisation";
import { nowIso, type DB } from "~/services/db.server";
import { lockRows } from "~/services/sql-dialect.server";
import { getEnv } from "~/services/env.server";

export type ProposalErrorCode =
  "callNotOpen" | "notFound" | "notEditable" | "deadlinePassed" | "tooManyDrafts" | "staleRevision";

/** A refused change; nothing was written. */
export class ProposalError extends Error {
  constructor(public readonly code: ProposalErrorCode) {
    super(code);
    this.name = "ProposalError";
  }
}

import type { Actor } from "~/domain/command";
export type { Actor };

// An omitted actor is the owner (id only) until the lifecycle commands require one.
function auditBase(actor: Pick<Actor, "id"> & Partial<Actor>) {
  return {
    actorId: actor.id,
    actorEmail: actor.email ?? null,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
  };
}

/**
 * Drafts an applicant may hold at once in calls that are still open (MAX_DRAFTS_PER_ACCOUNT):
 * each draft carries its own 100 MB of documents (issue 12, item 3). Drafts in calls that have
 * closed can no longer change or take files, so they do not count.
 */
async function countOpenDrafts(trx: DB, ownerId: number, now: string): Promise<number> {
  const drafts = await trx
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .select(["calls.status", "calls.opens_at", "calls.closes_at"])
    .where("proposals.owner_id", "=", ownerId)
    .where("proposals.status", "=", "draft")
    .execute();
  return drafts.filter((call) => isCallOpen(call, now)).length;
}

/**
 * Starts a draft for `ownerId` in an open call, pre-filled with their company profile; refused
 * (tooManyDrafts) when the applicant already holds MAX_DRAFTS_PER_ACCOUNT drafts in open calls.
 */
export async function createDraft(
  db: DB,
  input: { callId: number; ownerId: number; actor?: Actor },
  now: string = nowIso(),
): Promise<Proposal> {
  const actor = input.actor ?? { id: input.ownerId };
  return db.transaction().execute(async (trx) => {
    // The drafts are counted, then one is added: two "start a proposal" requests at once (two
    // servers) take turns on the owner, so that they cannot both pass the limit.
    await lockRows(trx, "users", [input.ownerId]);
    const call = await trx
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", input.callId)
      .executeTakeFirst();
    if (!call || !isCallOpen(call, now)) throw new ProposalError("callNotOpen");
    if ((await countOpenDrafts(trx, input.ownerId, now)) >= getEnv().MAX_DRAFTS_PER_ACCOUNT)
      throw new ProposalError("tooManyDrafts");
    const profile = await getProfileForUser(trx, input.ownerId);
    const proposal = await trx
      .insertInto("proposals")
      .values({
        call_id: call.id,
        owner_id: input.ownerId,
        organisation_id: profile?.id ?? null,
        company_en:
          typeof profile?.answers.legalNameEn === "string" ? profile.answers.legalNameEn : null,
        company_zh:
          typeof profile?.answers.legalNameZh === "string" && profile.answers.legalNameZh
            ? profile.answers.legalNameZh
            : null,
        uscc_needs_check: profile?.usccNeedsCheck ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (profile) {
      await trx
        .insertInto("proposal_answers")
        .values({
          proposal_id: proposal.id,
          step: "organisation",
          data_json: JSON.stringify(profile.answers),
          complete: parseStep("organisation", profile.answers).ok ? 1 : 0,
          updated_at: now,
        })
        .execute();
    }
    await writeAudit(trx, {
      ...auditBase(actor),
      action: "proposal.create",
      entityType: "proposal",
      entityId: proposal.id,
      callId: call.id,
      proposalId: proposal.id,
      after: { status: proposal.status, prefilledFromProfile: profile?.id ?? null },
    });
    return proposal;
  });
}

export type OwnedProposal = Proposal & {
  call_slug: string;
  call_title_en: string;
  call_title_zh: string;
  call_status: Call["status"];
  call_opens_at: string;
  call_closes_at: string;
  call_contact_email: string;
};

/** The proposal if `userId` owns it; undefined for anyone else's (the route answers 404). */
export async function getOwnedProposal(
  db: DB,
  id: number,
  userId: number,
): Promise<OwnedProposal | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return db
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .selectAll("proposals")
    .select([
      "calls.slug as call_slug",
      "calls.title_en as call_title_en",
      "calls.title_zh as call_title_zh",
      "calls.status as call_status",
      "calls.opens_at as call_opens_at",
      "calls.closes_at as call_closes_at",
      "calls.contact_email as call_contact_email",
    ])
    .where("proposals.id", "=", id)
    .executeTakeFirst()
    .then(async (row) => {
      // Whether this applicant may act on it is the access policy's answer, not this query's.
      const access = decideAccess({
        user: { id: userId, role: "applicant" },
        proposal: row ? { id: row.id, ownerId: row.owner_id, status: row.status } : null,
        assignment: null,
        conflicted: false,
      });
      if (row && can(access, "own")) return row;
      // Someone else's proposal: refused as if it did not exist, and audited by the policy.
      if (row)
        await auditProposalRefusal(
          db,
          { id: userId, role: "applicant" },
          { ...access, proposalId: row.id, callId: row.call_id },
          "own",
        );
      return undefined;
    });
}

/** The applicant's proposals, newest first, with their call's title and deadline. */
export async function listOwnedProposals(db: DB, userId: number) {
  return db
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .select([
      "proposals.id",
      "proposals.status",
      "proposals.reference",
      "proposals.title",
      "proposals.last_step",
      "proposals.submitted_at",
      "proposals.updated_at",
      "calls.slug as call_slug",
      "calls.title_en as call_title_en",
      "calls.title_zh as call_title_zh",
      "calls.status as call_status",
      "calls.opens_at as call_opens_at",
      "calls.closes_at as call_closes_at",
    ])
    .where("proposals.owner_id", "=", userId)
    .orderBy("proposals.updated_at", "desc")
    .orderBy("proposals.id", "desc")
    .execute();
}

/** Every saved step of a proposal. */
export async function loadAnswers(db: DB, proposalId: number): Promise<SavedAnswers> {
  const rows = await db
    .selectFrom("proposal_answers")
    .select(["step", "data_json", "complete"])
    .where("proposal_id", "=", proposalId)
    .execute();
  const out: SavedAnswers = {};
  for (const row of rows) {
    let data: Answers = {};
    try {
      data = JSON.parse(row.data_json) as Answers;
    } catch {
      data = {};
    }
    out[row.step as QuestionStepId] = { data, complete: row.complete === 1 };
  }
  return out;
}

/**
 * A step's revision: the time its answers were last saved ("" before the first save). A page
 * sends back the revision it was shown; a save from a page that is behind is refused (two tabs).
 */
export async function stepRevision(
  db: DB,
  proposalId: number,
  step: QuestionStepId,
): Promise<string> {
  const row = await db
    .selectFrom("proposal_answers")
    .select("updated_at")
    .where("proposal_id", "=", proposalId)
    .where("step", "=", step)
    .executeTakeFirst();
  return row?.updated_at ?? "";
}

/** Whether the draft may still be changed at `now`: a draft, in a call that is open. */
export function draftEditable(
  p: Pick<OwnedProposal, "status" | "call_status" | "call_opens_at" | "call_closes_at">,
  now: string = nowIso(),
): ProposalErrorCode | null {
  return isEditableDraft(p, new Date(now));
}

const MONEY_FIELDS: Partial<Record<QuestionStepId, string[]>> = {
  organisation: ["annualRevenue"],
  investment: ["capex"],
};

/**
 * Saves one step's answers (`complete` = passed the strict check with "Save and continue").
 * In one transaction: re-checks ownership, draft status and deadline; stores the answers with the
 * USD equivalent (and the rate, its date and source) beside each money value; updates the
 * denormalised columns and the resume point; on a complete organisation step updates the company
 * profile (a code another company claims is saved too, the clash left to officials and an
 * administrator; a check-character failure flags the proposal).
 */
export async function saveStepAnswers(
  db: DB,
  input: {
    proposalId: number;
    ownerId: number;
    step: QuestionStepId;
    data: Answers;
    complete: boolean;
    lastStep: string;
    actor?: Actor;
    /** The revision the page was shown (see stepRevision); a different stored one is refused. */
    expectRevision?: string;
  },
  now: string = nowIso(),
): Promise<{ answers: Answers; revision: string }> {
  const actor = input.actor ?? { id: input.ownerId };
  return db.transaction().execute(async (trx) => {
    // Saved only while a draft: held until the answers are written, so that a submission running
    // at the same moment snapshots them whole or refuses them (as uploads, attachments.server).
    await lockRows(trx, "proposals", [input.proposalId]);
    const proposal = await getOwnedProposal(trx, input.proposalId, input.ownerId);
    if (!proposal) throw new ProposalError("notFound");
    const refused = draftEditable(proposal, now);
    if (refused) throw new ProposalError(refused);

    const data: Answers = { ...input.data };
    // A USCC is a code: kept in upper case whatever the keyboard did (the check is case-blind).
    if (input.step === "organisation" && typeof data.uscc === "string")
      data.uscc = data.uscc.toUpperCase();
    for (const key of MONEY_FIELDS[input.step] ?? []) {
      const value = data[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const { amount, currency } = value as Record<string, unknown>;
        const usd = await usdEquivalent(trx, { amount, currency });
        data[key] = usd ? { amount, currency, ...usd } : { amount, currency };
      }
    }

    const before = await trx
      .selectFrom("proposal_answers")
      .select(["data_json", "complete", "updated_at"])
      .where("proposal_id", "=", proposal.id)
      .where("step", "=", input.step)
      .executeTakeFirst();
    if (input.expectRevision !== undefined) {
      const current = before?.updated_at ?? "";
      if (current !== input.expectRevision) throw new ProposalError("staleRevision");
    }
    const dataJson = JSON.stringify(data);
    if (before) {
      await trx
        .updateTable("proposal_answers")
        .set({ data_json: dataJson, complete: input.complete ? 1 : 0, updated_at: now })
        .where("proposal_id", "=", proposal.id)
        .where("step", "=", input.step)
        .execute();
    } else {
      await trx
        .insertInto("proposal_answers")
        .values({
          proposal_id: proposal.id,
          step: input.step,
          data_json: dataJson,
          complete: input.complete ? 1 : 0,
          updated_at: now,
        })
        .execute();
    }

    // Never the status: that is the lifecycle's (models/proposal-lifecycle.server.ts).
    const update: ProposalColumns = { last_step: input.lastStep, updated_at: now };
    const s = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
    if (input.step === "project") {
      update.title = s(data.title);
      const tracks = Array.isArray(data.tracks) ? data.tracks : s(data.tracks) ? [data.tracks] : [];
      update.tracks = tracks.length ? tracks.join(",") : null;
    }
    if (input.step === "organisation") {
      update.company_en = s(data.legalNameEn);
      update.company_zh = s(data.legalNameZh);
      update.uscc_needs_check = usccStatus(data) === "checkFailed" ? 1 : 0;
      if (input.complete) {
        const org = await saveProfile(trx, input.ownerId, data);
        update.organisation_id = org.organisationId;
      }
    }
    if (input.step === "investment") {
      const capex = (data.capex ?? {}) as Record<string, unknown>;
      update.investment_amount = s(capex.amount);
      update.investment_currency = s(capex.currency) as Currency | null;
      update.investment_usd_cents = typeof capex.usdCents === "number" ? capex.usdCents : null;
    }
    await trx.updateTable("proposals").set(update).where("id", "=", proposal.id).execute();

    await writeAudit(trx, {
      ...auditBase(actor),
      action: input.complete ? "proposal.step.complete" : "proposal.step.draft",
      entityType: "proposal",
      entityId: proposal.id,
      callId: proposal.call_id,
      proposalId: proposal.id,
      before: before
        ? {
            step: input.step,
            complete: before.complete === 1,
            data: JSON.parse(before.data_json),
          }
        : { step: input.step, complete: false, data: null },
      after: { step: input.step, complete: input.complete, data },
    });
    return { answers: data, revision: now };
  });
}

export { endsApplication };
