// The only writer of proposals.status (docs/decisions/0005-proposal-lifecycle.md). One function
// per transition of domain/proposal-lifecycle.ts: each checks the move against the table (with
// the call as read in the same transaction), writes the new status guarded by the status it read
// (and checks the row count), writes the audit row and tells the score read model, all in one
// transaction — the caller's when it passes one (submission's group commit, assignment, marking a
// call decided), otherwise its own. Mail goes out after the commit, where the caller already
// sends it (sendMail's rule: a slow mail server never holds the database); submission's
// confirmation is written to the outbox by its afterSubmit hook inside the same transaction.
import type { DecisionOutcome, ProposalStatus, ProposalUpdate } from "~db/schema";
import {
  checkProposalTransition,
  DECIDED_STATUSES,
  type LifecycleError,
  type Mover,
  type ProposalTransition,
} from "~/domain/proposal-lifecycle";
import type { CallStatus } from "~/domain/call-lifecycle";
import { writeAudit, type AuditInput } from "~/models/audit.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { enqueueEvent } from "~/models/webhooks.server";
import type { DB } from "~/services/db.server";
import { forUpdate } from "~/services/sql-dialect.server";

/** The columns of a proposal that other modules may write: everything but its status. */
export type ProposalColumns = Omit<ProposalUpdate, "status" | "id">;

/** A refused command: an HTTP status and errors keyed by field (or `_form`) as message keys. */
export interface Refused {
  ok: false;
  status: 400 | 403 | 404 | 409;
  errors: Record<string, string>;
}

export type MoveResult = { ok: true; from: ProposalStatus; to: ProposalStatus } | Refused;

/** Who moves the proposal, and the request it came in (for the audit row). */
export interface MoveActor {
  id: number | null;
  email?: string | null;
  ip?: string | null;
  requestId?: string | null;
}

/** The command's audit row: the move adds the status before and after to its `before`/`after`. */
export interface MoveAudit {
  action: string;
  entityType?: string;
  entityId?: number;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** What a move is checked against, as read in the same transaction. */
export interface MoveSubject {
  id: number;
  status: ProposalStatus;
  callId: number;
  call: { status: CallStatus; opens_at: string; closes_at: string };
}

/** Thrown when a status write matched no row: the proposal changed meanwhile (rolls back). */
export class ProposalChangedError extends Error {
  constructor(public readonly proposalId: number) {
    super(`proposal ${proposalId} changed meanwhile`);
    this.name = "ProposalChangedError";
  }
}

const STATUS_OF_ERROR: Record<LifecycleError, Refused["status"]> = {
  "lifecycle.error.notAllowed": 403,
  "lifecycle.error.wrongStatus": 409,
  "lifecycle.error.callNotOpen": 409,
  "lifecycle.error.deadlinePassed": 409,
  "lifecycle.error.callDecided": 409,
  "lifecycle.error.noDecision": 409,
};

export function refusal(error: LifecycleError | "lifecycle.error.notFound"): Refused {
  return {
    ok: false,
    status: error === "lifecycle.error.notFound" ? 404 : STATUS_OF_ERROR[error],
    errors: { _form: error },
  };
}

function inTransaction<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Every move changes what the board shows of the proposal (its status; for a submission or a
 * withdrawal, whether it is in the competition at all): the score read model refreshes those
 * proposals, in the move's transaction.
 */
async function afterStatusChange(trx: DB, proposalIds: readonly number[]): Promise<void> {
  await refreshProposalScores(trx, proposalIds);
}

/** The proposal and its call, read inside the transaction that moves it. */
async function readSubject(trx: DB, proposalId: number): Promise<MoveSubject | undefined> {
  const row = await trx
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .select([
      "proposals.id",
      "proposals.status",
      "proposals.call_id",
      "calls.status as call_status",
      "calls.opens_at",
      "calls.closes_at",
    ])
    .where("proposals.id", "=", proposalId)
    // Read, checked, then written: the move holds the proposal until it commits.
    .$call(forUpdate(trx, "proposals"))
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        status: row.status,
        callId: row.call_id,
        call: { status: row.call_status, opens_at: row.opens_at, closes_at: row.closes_at },
      }
    : undefined;
}

interface Move {
  transition: ProposalTransition;
  mover: Mover;
  subject: MoveSubject;
  now: Date;
  outcome?: DecisionOutcome | null;
  /** Other columns written with the status (never `status` itself). */
  set?: ProposalColumns;
  actor: MoveActor;
  audit: MoveAudit;
}

/** Checks and writes one move (no afterStatusChange: the caller batches it). */
async function writeMove(trx: DB, m: Move): Promise<MoveResult> {
  const from = m.subject.status;
  const check = checkProposalTransition(m.transition, from, {
    mover: m.mover,
    call: m.subject.call,
    now: m.now,
    outcome: m.outcome,
  });
  if (!check.ok) return refusal(check.error);
  const at = m.now.toISOString();
  const updated = await trx
    .updateTable("proposals")
    .set({ updated_at: at, ...m.set, status: check.to })
    .where("id", "=", m.subject.id)
    .where("status", "=", from)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new ProposalChangedError(m.subject.id);
  const audit: AuditInput = {
    actorId: m.actor.id,
    actorEmail: m.actor.email ?? null,
    action: m.audit.action,
    entityType: m.audit.entityType ?? "proposal",
    entityId: m.audit.entityId ?? m.subject.id,
    callId: m.subject.callId,
    proposalId: m.subject.id,
    before: { status: from, ...m.audit.before },
    after: { status: check.to, ...m.audit.after },
    ip: m.actor.ip ?? null,
    requestId: m.actor.requestId ?? null,
  };
  await writeAudit(trx, audit);
  return { ok: true, from, to: check.to };
}

async function moveOne(trx: DB, m: Move): Promise<MoveResult> {
  const result = await writeMove(trx, m);
  if (result.ok) await afterStatusChange(trx, [m.subject.id]);
  return result;
}

// ------------------------------------------------------------------------------ transitions

/**
 * Applicant: draft → submitted. Runs inside the submission's transaction (and savepoint): the
 * caller has read the proposal and its call in that transaction and passes them, so the group
 * commit pays no extra read. `set` carries the reference, snapshot and denormalised columns.
 */
export async function submit(
  trx: DB,
  input: {
    subject: MoveSubject;
    now: Date;
    set: ProposalColumns;
    actor: MoveActor;
    audit: MoveAudit;
  },
): Promise<MoveResult> {
  const result = await moveOne(trx, { transition: "submit", mover: "applicant", ...input });
  if (result.ok)
    await enqueueEvent(
      trx,
      "proposal.submitted",
      () => proposalEvent(trx, input.subject, { submitted_at: input.now.toISOString() }),
      input.now,
    );
  return result;
}

/**
 * A proposal event's data for webhooks (docs/webhooks.md): ids, the reference and the call, never
 * the company, its answers or anything confidential.
 */
async function proposalEvent(
  trx: DB,
  subject: Pick<MoveSubject, "id" | "callId">,
  extra: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const row = await trx
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .select(["proposals.reference", "calls.slug"])
    .where("proposals.id", "=", subject.id)
    .executeTakeFirstOrThrow();
  return {
    proposal: { id: subject.id, reference: row.reference },
    call: { id: subject.callId, slug: row.slug },
    ...extra,
  };
}

/**
 * System (on the first reviewer's assignment): submitted → under_review. A proposal already past
 * submitted is left as it is ({ ok: true, from === to }).
 */
export async function startReview(
  trx: DB,
  input: { proposalId: number; actor: MoveActor; now?: Date },
): Promise<MoveResult> {
  return inTransaction(trx, async (t) => {
    const subject = await readSubject(t, input.proposalId);
    if (!subject) return refusal("lifecycle.error.notFound");
    if (subject.status !== "submitted")
      return { ok: true, from: subject.status, to: subject.status };
    return moveOne(t, {
      transition: "startReview",
      mover: "system",
      subject,
      now: input.now ?? new Date(),
      actor: input.actor,
      audit: { action: "proposal.under_review", after: { reason: "first reviewer assigned" } },
    });
  });
}

/**
 * Official: submitted | under_review | clarification_requested → clarification_requested, with
 * the question's audit row. `write` adds the question (inside the same transaction) and gives
 * the audit row's entity.
 */
export async function requestClarification(
  db: DB,
  input: {
    proposalId: number;
    actor: MoveActor;
    now?: Date;
    write: (trx: DB, subject: MoveSubject) => Promise<MoveAudit>;
  },
): Promise<MoveResult> {
  return inTransaction(db, async (trx) => {
    const subject = await readSubject(trx, input.proposalId);
    if (!subject) return refusal("lifecycle.error.notFound");
    const check = checkProposalTransition("requestClarification", subject.status, {
      mover: "official",
      call: subject.call,
      now: input.now ?? new Date(),
    });
    if (!check.ok) return refusal(check.error);
    const audit = await input.write(trx, subject);
    return moveOne(trx, {
      transition: "requestClarification",
      mover: "official",
      subject,
      now: input.now ?? new Date(),
      actor: input.actor,
      audit,
    });
  });
}

/**
 * Applicant (the owner): clarification_requested → under_review, with the answer's audit row.
 * `write` adds the answer and its attachments inside the same transaction.
 */
export async function answerClarification(
  db: DB,
  input: {
    proposalId: number;
    ownerId: number;
    actor: MoveActor;
    now?: Date;
    write: (trx: DB, subject: MoveSubject) => Promise<MoveAudit>;
  },
): Promise<MoveResult> {
  return inTransaction(db, async (trx) => {
    const owned = await trx
      .selectFrom("proposals")
      .select("id")
      .where("id", "=", input.proposalId)
      .where("owner_id", "=", input.ownerId)
      .executeTakeFirst();
    const subject = owned ? await readSubject(trx, input.proposalId) : undefined;
    if (!subject) return refusal("lifecycle.error.notFound");
    const now = input.now ?? new Date();
    const check = checkProposalTransition("answerClarification", subject.status, {
      mover: "applicant",
      call: subject.call,
      now,
    });
    if (!check.ok) return refusal(check.error);
    const audit = await input.write(trx, subject);
    return moveOne(trx, {
      transition: "answerClarification",
      mover: "applicant",
      subject,
      now,
      actor: input.actor,
      audit,
    });
  });
}

/** Applicant (the owner): any status before a published decision → withdrawn. */
export async function withdraw(
  db: DB,
  input: {
    proposalId: number;
    ownerId: number;
    reason: string | null;
    now?: Date;
    actor: MoveActor;
  },
): Promise<MoveResult> {
  const now = input.now ?? new Date();
  return inTransaction(db, async (trx) => {
    const owned = await trx
      .selectFrom("proposals")
      .select("id")
      .where("id", "=", input.proposalId)
      .where("owner_id", "=", input.ownerId)
      .executeTakeFirst();
    const subject = owned ? await readSubject(trx, input.proposalId) : undefined;
    if (!subject) return refusal("lifecycle.error.notFound");
    const at = now.toISOString();
    const result = await moveOne(trx, {
      transition: "withdraw",
      mover: "applicant",
      subject,
      now,
      actor: input.actor,
      audit: { action: "proposal.withdraw", after: { withdrawnAt: at, reason: input.reason } },
    });
    if (result.ok)
      await enqueueEvent(
        trx,
        "proposal.withdrawn",
        () => proposalEvent(trx, subject, { withdrawn_at: at, previous_status: result.from }),
        now,
      );
    return result;
  });
}

/**
 * Official, while marking the call decided (inside that transaction, the call still closed):
 * each proposal in review takes its decision's status, one audit row each.
 */
export async function publishDecisions(
  trx: DB,
  input: {
    call: MoveSubject["call"] & { id: number };
    decisions: readonly { proposalId: number; from: ProposalStatus; outcome: DecisionOutcome }[];
    actor: MoveActor;
    now: Date;
  },
): Promise<MoveResult[]> {
  const results: MoveResult[] = [];
  const moved: number[] = [];
  for (const d of input.decisions) {
    const result = await writeMove(trx, {
      transition: "publishDecision",
      mover: "official",
      subject: { id: d.proposalId, status: d.from, callId: input.call.id, call: input.call },
      now: input.now,
      outcome: d.outcome,
      actor: input.actor,
      audit: { action: "proposal.decision_published" },
    });
    results.push(result);
    if (result.ok) moved.push(d.proposalId);
  }
  if (moved.length) await afterStatusChange(trx, moved);
  return results;
}

/**
 * System, while an official reopens a decided call (inside that transaction, the call already
 * back to closed): every decided proposal returns to under_review, so reviews can be returned
 * and resubmitted and decisions changed; marking the call decided again publishes them anew.
 * The recorded decisions stay as they are.
 */
export async function reopenDecisions(
  trx: DB,
  input: {
    call: MoveSubject["call"] & { id: number };
    actor: MoveActor;
    reason: string;
    now: Date;
  },
): Promise<number> {
  const rows = await trx
    .selectFrom("proposals")
    .select(["id", "status"])
    .where("call_id", "=", input.call.id)
    .where("status", "in", [...DECIDED_STATUSES])
    .orderBy("id")
    .execute();
  const moved: number[] = [];
  for (const r of rows) {
    const result = await writeMove(trx, {
      transition: "reopenDecision",
      mover: "system",
      subject: { id: r.id, status: r.status, callId: input.call.id, call: input.call },
      now: input.now,
      actor: input.actor,
      audit: { action: "proposal.decision_reopened", after: { reason: input.reason } },
    });
    // The call is closed and the rows were just read: a refusal here is a bug, not a user error.
    if (!result.ok) throw new Error(`reopen refused for proposal ${r.id}: ${result.errors._form}`);
    moved.push(r.id);
  }
  if (moved.length) await afterStatusChange(trx, moved);
  return moved.length;
}
