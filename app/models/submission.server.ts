// Submission and what follows it on the applicant's side: the one transaction that turns a draft
// into a submitted proposal with a reference number, the receipt, and withdrawal.
import crypto from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import type { ProposalStatus } from "~db/schema";
import { callAcceptsSubmissions } from "~/domain/call-lifecycle";
import { documentProblems, type DocumentKind, type DocumentProblem } from "~/domain/documents";
import { tracksOf, validateAllSteps } from "~/domain/proposal-steps";
import type { QuestionStepId } from "~/schemas";
import type { DB } from "~/services/db.server";
import { forUpdate } from "~/services/sql-dialect.server";
import { msg, type FieldErrors, normaliseInput } from "~/utils/form";
import { countByKind, listDocuments, type AuditContext } from "./attachments.server";
import { submit as submitMove, withdraw as withdrawMove } from "./proposal-lifecycle.server";
import { loadAnswers } from "./proposals.server";

export const PKT_OFFSET_MS = 5 * 60 * 60 * 1000;

/** The calendar year of an instant in Pakistan time (UTC+5, no daylight saving). */
export function pakistanYear(at: Date): number {
  return new Date(at.getTime() + PKT_OFFSET_MS).getUTCFullYear();
}

export function formatReference(year: number, value: number): string {
  return `CDA-${year}-${String(value).padStart(4, "0")}`;
}

const text = (max: number, required: string) =>
  z
    .string({ error: required })
    .transform((v) => normaliseInput(v))
    .pipe(
      z
        .string()
        .min(1, { error: required })
        .max(max, { error: msg("validation.tooLong", { max }) }),
    );

/** The declaration on the check-answers page. */
export const DeclarationSchema = z.object({
  signatoryName: text(200, msg("check.err.signatoryName")),
  signatoryTitle: text(200, msg("check.err.signatoryTitle")),
  confirm: z.literal("yes", { error: msg("check.err.confirm") }),
});
export type Declaration = z.infer<typeof DeclarationSchema>;

/** A submission key is random, made when the check page renders, and posted back hidden. */
export const SUBMISSION_KEY = /^[A-Za-z0-9_-]{16,100}$/;

export function newSubmissionKey(): string {
  return crypto.randomBytes(24).toString("base64url");
}

export interface ReadinessReport {
  stepErrors: Partial<Record<QuestionStepId, FieldErrors>>;
  documents: DocumentProblem[];
}

/** Everything that stands between a draft and submission (empty lists when it is ready). */
export async function checkReadiness(db: DB, proposalId: number): Promise<ReadinessReport> {
  const answers = await loadAnswers(db, proposalId);
  const docs = await listDocuments(db, proposalId);
  return {
    stepErrors: validateAllSteps(answers),
    documents: documentProblems(countByKind(docs), tracksOf(answers) ?? []),
  };
}

export function isReady(report: ReadinessReport): boolean {
  return Object.keys(report.stepErrors).length === 0 && report.documents.length === 0;
}

/** What the confirmation e-mail needs, known inside the submission transaction. */
export interface SubmittedProposal {
  proposalId: number;
  reference: string;
  title: string | null;
  companyEn: string | null;
  companyZh: string | null;
  callTitleEn: string;
  callTitleZh: string;
  contactEmail: string;
  submittedAt: string;
  /** The contact step's preferred language, as answered (not validated). */
  preferredLanguage: unknown;
}

export type SubmitResult =
  | {
      ok: true;
      proposalId: number;
      reference: string;
      alreadySubmitted: boolean;
      /** Present when this call submitted it (not on a repeat). */
      submitted?: SubmittedProposal;
    }
  | { ok: false; reason: "notFound" | "notDraft" | "deadline" | "notOpen" }
  | { ok: false; reason: "declaration"; errors: FieldErrors }
  | { ok: false; reason: "incomplete"; report: ReadinessReport; errors: FieldErrors };

export interface SubmitInput {
  proposalId: number;
  userId: number;
  submissionKey: string;
  declaration: unknown;
  now?: Date;
  audit?: AuditContext;
  /**
   * Runs inside the submission transaction once the proposal is submitted (not on a repeat), e.g.
   * to record the confirmation e-mail in the outbox with the same commit. Whatever it writes
   * commits or rolls back with the submission.
   */
  afterSubmit?: (trx: DB, submitted: SubmittedProposal) => Promise<void>;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

/**
 * Submits a draft in ONE transaction: checks ownership, the call's deadline (on the server's
 * clock), the declaration, every applicable step again and the documents; snapshots the answers,
 * the company profile, the documents and the declaration; takes the next reference number of the
 * year (Pakistan time); records the published criteria version; writes the audit row.
 *
 * Idempotent: a proposal that is already submitted (double click, retry, a second tab) gives back
 * its existing reference and nothing changes. SQLite runs one write transaction at a time and this
 * one reads the status inside the transaction, so concurrent requests cannot both submit.
 *
 * Group commit: submissions that arrive together (in the same turn of the event loop) share one
 * transaction and so one COMMIT, the fsync that `synchronous = FULL` costs (bench/FINDINGS.md §2).
 * Each runs in its own SAVEPOINT: one that throws is rolled back alone and its caller gets the
 * error, its neighbours go on. Every caller is answered only once the COMMIT holding its
 * submission has returned, so a reference handed out is durable; if the COMMIT fails, every
 * submission of the batch fails with it (none of them is stored).
 */
export function submitProposal(db: DB, input: SubmitInput): Promise<SubmitResult> {
  const now = input.now ?? new Date();
  return new Promise<SubmitResult>((resolve, reject) => {
    let batch = pendingBatches.get(db);
    if (!batch || batch.length >= MAX_BATCH) {
      const fresh: PendingSubmission[] = [];
      pendingBatches.set(db, fresh);
      // The check phase of this turn: every request whose body was read in this turn's poll
      // phase has queued its submission by then.
      runAfterIo(() => void runBatch(db, fresh));
      batch = fresh;
    }
    batch.push({ input, now, resolve, reject });
  });
}

interface PendingSubmission {
  input: SubmitInput;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
}

/** The batch each database is gathering (the one to join). */
const pendingBatches = new Map<DB, PendingSubmission[]>();

/**
 * At most this many submissions share a COMMIT: a batch holds the event loop for its whole run
 * (~1 ms of work per submission) and a failed COMMIT fails all of it. Under 8 connections batches
 * are ~5; the cap only matters under a burst.
 */
const MAX_BATCH = 32;

// Node's own setImmediate, taken when the module loads: a test that fakes timers must not be
// able to hold submissions back forever.
const runAfterIo = globalThis.setImmediate;

type Outcome = { ok: true; result: SubmitResult } | { ok: false; error: unknown };

async function runBatch(db: DB, batch: PendingSubmission[]): Promise<void> {
  if (pendingBatches.get(db) === batch) pendingBatches.delete(db);
  if (batch.length === 1) {
    // Alone: a plain transaction, as before group commit (no savepoint needed).
    const [only] = batch;
    try {
      only!.resolve(
        await db.transaction().execute((trx) => submitInTransaction(trx, only!.input, only!.now)),
      );
    } catch (error) {
      only!.reject(error);
    }
    return;
  }
  const outcomes: Outcome[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      for (const item of batch) {
        await sql`savepoint submission`.execute(trx);
        try {
          const result = await submitInTransaction(trx, item.input, item.now);
          await sql`release submission`.execute(trx);
          outcomes.push({ ok: true, result });
        } catch (error) {
          // Undo this submission only. If SQLite cannot (the transaction itself is gone), this
          // throws and the whole batch fails: nothing of it was committed or acknowledged.
          await sql`rollback to submission`.execute(trx);
          await sql`release submission`.execute(trx);
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    for (const item of batch) item.reject(error);
    return;
  }
  batch.forEach((item, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) item.resolve(outcome.result);
    else item.reject(outcome.error);
  });
}

/** The proposal, its call, its organisation, the call's published criteria version and whether
 * the submission key is already used (it is unique among proposals), in one read. */
const readForSubmission = (db: DB, proposalId: number, userId: number, submissionKey: string) =>
  db
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .leftJoin("organisations", "organisations.id", "proposals.organisation_id")
    .select((eb) => [
      "proposals.id",
      "proposals.status",
      "proposals.reference",
      "proposals.title",
      "proposals.tracks",
      "proposals.uscc_needs_check",
      "calls.id as call_id",
      "calls.status as call_status",
      "calls.opens_at as call_opens_at",
      "calls.closes_at as call_closes_at",
      "calls.title_en as call_title_en",
      "calls.title_zh as call_title_zh",
      "calls.contact_email as call_contact_email",
      "organisations.id as org_id",
      "organisations.legal_name_en as org_legal_name_en",
      "organisations.legal_name_zh as org_legal_name_zh",
      "organisations.country as org_country",
      "organisations.uscc as org_uscc",
      "organisations.uscc_needs_check as org_uscc_needs_check",
      "organisations.registration_number as org_registration_number",
      "organisations.province as org_province",
      "organisations.city as org_city",
      "organisations.parent_group as org_parent_group",
      "organisations.profile_json as org_profile_json",
      eb
        .selectFrom("criteria_versions")
        .select("criteria_versions.id")
        .whereRef("criteria_versions.call_id", "=", "calls.id")
        .where("criteria_versions.published_at", "is not", null)
        .orderBy("criteria_versions.version", "desc")
        .limit(1)
        .as("criteria_version_id"),
      eb
        .selectFrom("proposals as taken")
        .select("taken.id")
        .where("taken.submission_key", "=", submissionKey)
        .as("key_taken_by"),
    ])
    .where("proposals.id", "=", proposalId)
    .where("proposals.owner_id", "=", userId)
    // A second submission of the same proposal (a double click, two tabs, two servers) waits here
    // until the first commits, then reads it submitted and answers its reference; without the
    // lock, PostgreSQL let both read "draft" and the second took a reference of its own.
    .$call(forUpdate(db, "proposals"))
    .executeTakeFirst();

/** The next reference number of `year`. */
const nextReferenceNumber = (db: DB, year: number) =>
  db
    .insertInto("reference_counters")
    .values({ year, last_value: 1 })
    .onConflict((oc) =>
      // Qualified: PostgreSQL's DO UPDATE sees both the row and `excluded`.
      oc
        .column("year")
        .doUpdateSet((eb) => ({ last_value: eb("reference_counters.last_value", "+", 1) })),
    )
    .returning("last_value")
    .executeTakeFirstOrThrow();

/** One submission, inside the (batch's) transaction; see submitProposal. */
async function submitInTransaction(trx: DB, input: SubmitInput, now: Date): Promise<SubmitResult> {
  const nowIso = now.toISOString();
  const row = await readForSubmission(trx, input.proposalId, input.userId, input.submissionKey);
  if (!row) return { ok: false, reason: "notFound" };
  if (row.status !== "draft") {
    if (row.reference && row.status !== "withdrawn") {
      return { ok: true, proposalId: row.id, reference: row.reference, alreadySubmitted: true };
    }
    return { ok: false, reason: "notDraft" };
  }
  if (!SUBMISSION_KEY.test(input.submissionKey)) return { ok: false, reason: "notDraft" };
  // A key belongs to one check page of one proposal: one seen elsewhere was tampered with.
  if (row.key_taken_by != null) return { ok: false, reason: "notDraft" };
  const subject = {
    id: row.id,
    status: row.status,
    callId: row.call_id,
    call: { status: row.call_status, opens_at: row.call_opens_at, closes_at: row.call_closes_at },
  };
  const closed = callAcceptsSubmissions(subject.call, now);
  if (closed) return { ok: false, reason: closed };

  const declaration = DeclarationSchema.safeParse(input.declaration);
  const answers = await loadAnswers(trx, row.id);
  const documents = await listDocuments(trx, row.id);
  const tracks = tracksOf(answers) ?? [];
  const report: ReadinessReport = {
    stepErrors: validateAllSteps(answers),
    documents: documentProblems(countByKind(documents), tracks),
  };
  const errors: FieldErrors = {};
  if (!declaration.success) {
    for (const issue of declaration.error.issues) {
      const name = String(issue.path[0] ?? "_form");
      if (!(name in errors)) errors[name] = issue.message;
    }
  }
  if (!isReady(report)) return { ok: false, reason: "incomplete", report, errors };
  if (!declaration.success) return { ok: false, reason: "declaration", errors };

  const criteriaVersionId = row.criteria_version_id ?? null;
  const year = pakistanYear(now);
  const counter = await nextReferenceNumber(trx, year);
  const reference = formatReference(year, counter.last_value);

  const hasOrganisation = row.org_id != null;
  const org = answers.organisation?.data ?? {};
  const companyEn = str(org.legalNameEn) ?? row.org_legal_name_en ?? null;
  const companyZh = str(org.legalNameZh) ?? row.org_legal_name_zh ?? null;
  const title = str(answers.project?.data?.title) ?? row.title;
  let profile: unknown = null;
  if (hasOrganisation) {
    try {
      profile = JSON.parse(row.org_profile_json!);
    } catch {
      profile = null;
    }
  }
  const snapshot = {
    version: 1,
    reference,
    submittedAt: nowIso,
    answers: Object.fromEntries(Object.entries(answers).map(([step, s]) => [step, s?.data])),
    organisation: hasOrganisation
      ? {
          id: row.org_id,
          legalNameEn: row.org_legal_name_en,
          legalNameZh: row.org_legal_name_zh,
          country: row.org_country,
          uscc: row.org_uscc,
          usccNeedsCheck: row.org_uscc_needs_check === 1,
          registrationNumber: row.org_registration_number,
          province: row.org_province,
          city: row.org_city,
          parentGroup: row.org_parent_group,
          profile,
        }
      : null,
    documents: documents.map((d) => ({
      id: d.id,
      kind: d.kind as DocumentKind,
      name: d.original_name,
      mimeType: d.mime_type,
      size: d.size_bytes,
      sha256: d.sha256,
    })),
    declaration: { ...declaration.data, confirmedAt: nowIso },
    criteriaVersionId,
  };

  const moved = await submitMove(trx, {
    subject,
    now,
    set: {
      reference,
      submitted_at: nowIso,
      submission_key: input.submissionKey,
      snapshot_json: JSON.stringify(snapshot),
      submitted_parent_group: hasOrganisation ? row.org_parent_group : null,
      criteria_version_id: criteriaVersionId,
      title,
      tracks: tracks.length ? tracks.join(",") : row.tracks,
      company_en: companyEn,
      company_zh: companyZh,
      uscc_needs_check: hasOrganisation ? row.org_uscc_needs_check! : row.uscc_needs_check,
      updated_at: nowIso,
    },
    actor: {
      id: input.userId,
      email: input.audit?.actorEmail,
      ip: input.audit?.ip,
      requestId: input.audit?.requestId,
    },
    audit: {
      action: "proposal.submit",
      after: {
        reference,
        submittedAt: nowIso,
        criteriaVersionId,
        documents: snapshot.documents.map((d) => ({ kind: d.kind, sha256: d.sha256 })),
        signatory: declaration.data.signatoryName,
      },
    },
  });
  // Checked above with the same call and clock: a refusal here means the rules disagree.
  if (!moved.ok) throw new Error(`submission refused by the lifecycle: ${moved.errors._form}`);
  // Everything the confirmation needs is known here: the action need not read the proposal
  // (with its snapshot) and its answers again after the commit.
  const submitted: SubmittedProposal = {
    proposalId: row.id,
    reference,
    title,
    companyEn,
    companyZh,
    callTitleEn: row.call_title_en,
    callTitleZh: row.call_title_zh,
    contactEmail: row.call_contact_email,
    submittedAt: nowIso,
    preferredLanguage: answers.contact?.data?.preferredLanguage,
  };
  if (input.afterSubmit) await input.afterSubmit(trx, submitted);
  return { ok: true, proposalId: row.id, reference, alreadySubmitted: false, submitted };
}

export interface ReceiptDocument {
  kind: string;
  name: string;
  size: number;
  sha256: string;
}

export interface Receipt {
  proposalId: number;
  reference: string;
  status: ProposalStatus;
  title: string | null;
  callTitleEn: string;
  callTitleZh: string;
  contactEmail: string;
  companyEn: string | null;
  companyZh: string | null;
  submittedAt: string;
  submittedBy: string;
  signatoryName: string | null;
  signatoryTitle: string | null;
  documents: ReceiptDocument[];
}

/** The receipt of a submitted proposal owned by `ownerId` (null if none), read from its snapshot. */
export async function getReceipt(
  db: DB,
  proposalId: number,
  ownerId: number,
): Promise<Receipt | null> {
  const row = await db
    .selectFrom("proposals")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .innerJoin("users", "users.id", "proposals.owner_id")
    .select([
      "proposals.id",
      "proposals.reference",
      "proposals.status",
      "proposals.title",
      "proposals.company_en",
      "proposals.company_zh",
      "proposals.submitted_at",
      "proposals.snapshot_json",
      "calls.title_en",
      "calls.title_zh",
      "calls.contact_email",
      "users.display_name",
    ])
    .where("proposals.id", "=", proposalId)
    .where("proposals.owner_id", "=", ownerId)
    .executeTakeFirst();
  if (!row || !row.reference || !row.submitted_at) return null;
  let snapshot: {
    declaration?: { signatoryName?: string; signatoryTitle?: string };
    documents?: ReceiptDocument[];
  } = {};
  try {
    snapshot = JSON.parse(row.snapshot_json ?? "{}");
  } catch {
    snapshot = {};
  }
  return {
    proposalId: row.id,
    reference: row.reference,
    status: row.status,
    title: row.title,
    callTitleEn: row.title_en,
    callTitleZh: row.title_zh,
    contactEmail: row.contact_email,
    companyEn: row.company_en,
    companyZh: row.company_zh,
    submittedAt: row.submitted_at,
    submittedBy: row.display_name,
    signatoryName: snapshot.declaration?.signatoryName ?? null,
    signatoryTitle: snapshot.declaration?.signatoryTitle ?? null,
    documents: (snapshot.documents ?? []).map((d) => ({
      kind: d.kind,
      name: d.name,
      size: d.size,
      sha256: d.sha256,
    })),
  };
}

export const MAX_WITHDRAW_REASON = 1000;

export type WithdrawResult =
  | { ok: true; reference: string | null }
  | { ok: false; reason: "notFound" | "notAllowed" }
  | { ok: false; reason: "invalid"; errors: FieldErrors };

/** Withdraws the owner's proposal before a decision, with its audit row, in one transaction. */
export async function withdrawProposal(
  db: DB,
  input: {
    proposalId: number;
    userId: number;
    reason?: string;
    now?: Date;
    audit?: AuditContext;
  },
): Promise<WithdrawResult> {
  const reason = normaliseInput(input.reason ?? "");
  if (reason.length > MAX_WITHDRAW_REASON)
    return { ok: false, reason: "invalid", errors: { reason: msg("withdraw.err.reasonTooLong") } };
  return db.transaction().execute(async (trx): Promise<WithdrawResult> => {
    // A decision counts once it is published (the status changes when the call is marked
    // decided); a decision officials have recorded but not published must not show through.
    const moved = await withdrawMove(trx, {
      proposalId: input.proposalId,
      ownerId: input.userId,
      reason: reason || null,
      now: input.now,
      actor: {
        id: input.userId,
        email: input.audit?.actorEmail,
        ip: input.audit?.ip,
        requestId: input.audit?.requestId,
      },
    });
    if (!moved.ok) return { ok: false, reason: moved.status === 404 ? "notFound" : "notAllowed" };
    const proposal = await trx
      .selectFrom("proposals")
      .select("reference")
      .where("id", "=", input.proposalId)
      .executeTakeFirstOrThrow();
    return { ok: true, reference: proposal.reference };
  });
}
