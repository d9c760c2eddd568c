// Documents attached to a proposal (and to clarification answers): listing, recording uploads,
// removal while the proposal is a draft, and who may download them.
import type { ExpressionBuilder, Selectable } from "kysely";
import type { AttachmentsTable, Database } from "~db/schema";
import {
  admitFiles,
  DOCUMENT_KINDS,
  isDocumentKind,
  MAX_PROPOSAL_BYTES,
  ruleFor,
  type DocumentKind,
  type StorageLimits,
  type StorageProblem,
  type StorageState,
} from "~/domain/documents";
import type { DB } from "~/services/db.server";
import { nowIso } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import { forUpdate, lockRows } from "~/services/sql-dialect.server";
import { deleteStoredFiles, type StoredFile } from "~/services/uploads.server";
import { writeAudit } from "./audit.server";

export type Attachment = Selectable<AttachmentsTable>;

export interface AuditContext {
  requestId?: string | null;
  ip?: string | null;
  actorEmail?: string | null;
}

/** The proposal's current documents (not removed, not attached to a message), oldest first. */
export async function listDocuments(db: DB, proposalId: number): Promise<Attachment[]> {
  return db
    .selectFrom("attachments")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .where("message_id", "is", null)
    .where("removed_at", "is", null)
    .orderBy("id")
    .execute();
}

/** Every current attachment of a proposal, documents and message attachments alike. */
export async function listAllAttachments(db: DB, proposalId: number): Promise<Attachment[]> {
  return db
    .selectFrom("attachments")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .where("removed_at", "is", null)
    .orderBy("id")
    .execute();
}

export function countByKind(attachments: readonly Pick<Attachment, "kind">[]) {
  const counts: Partial<Record<DocumentKind, number>> = {};
  for (const a of attachments) {
    if ((DOCUMENT_KINDS as readonly string[]).includes(a.kind)) {
      const kind = a.kind as DocumentKind;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return counts;
}

/** Bytes the proposal stores now, counted against its 100 MB quota. */
export async function storedBytes(db: DB, proposalId: number): Promise<number> {
  const row = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("size_bytes"), eb.lit(0)).as("total"))
    .where("proposal_id", "=", proposalId)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** The limits every added file is checked against (documents and clarification answers alike). */
export function storageLimits(maxFiles: (kind: string) => number): StorageLimits {
  return {
    maxFiles,
    maxProposalBytes: MAX_PROPOSAL_BYTES,
    maxOrganisationBytes: getEnv().MAX_ORGANISATION_STORAGE_MB * 1024 * 1024,
  };
}

/** The company's storage limit as people write it ("1 GB", "500 MB"). */
export function organisationStorageLabel(): string {
  const mb = getEnv().MAX_ORGANISATION_STORAGE_MB;
  return mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}

/**
 * What a proposal and its company store now. Call it inside the transaction that adds files:
 * the company is every proposal of the same owner or of the same organisation.
 */
export async function storageState(
  trx: DB,
  proposal: { id: number; owner_id: number; organisation_id: number | null },
): Promise<StorageState> {
  // Uploads at once (to one proposal, or to two of one company) must not all pass the same check:
  // the company's storage is a sum over its proposals, so on PostgreSQL they take turns on the
  // company (or the owner, without one) until the transaction ends; on SQLite the write
  // transaction already holds the only write lock. Callers lock their own proposal first, so the
  // order is always a proposal, then its company: two of them never wait for each other in a ring.
  if (proposal.organisation_id !== null)
    await lockRows(trx, "organisations", [proposal.organisation_id]);
  else await lockRows(trx, "users", [proposal.owner_id]);
  const docs = await trx
    .selectFrom("attachments")
    .select(["kind", "message_id", "size_bytes"])
    .where("proposal_id", "=", proposal.id)
    .where("removed_at", "is", null)
    .execute();
  const countsByKind: Record<string, number> = {};
  const replaceableBytesByKind: Record<string, number> = {};
  let proposalBytes = 0;
  for (const d of docs) {
    proposalBytes += d.size_bytes;
    if (d.message_id !== null) continue;
    countsByKind[d.kind] = (countsByKind[d.kind] ?? 0) + 1;
    replaceableBytesByKind[d.kind] = (replaceableBytesByKind[d.kind] ?? 0) + d.size_bytes;
  }
  const company = await trx
    .selectFrom("attachments")
    .innerJoin("proposals", "proposals.id", "attachments.proposal_id")
    .select((eb) =>
      eb.fn.coalesce(eb.fn.sum<number>("attachments.size_bytes"), eb.lit(0)).as("total"),
    )
    .where("attachments.removed_at", "is", null)
    .where((eb) => companyProposals(eb, proposal))
    .executeTakeFirst();
  return {
    countsByKind,
    replaceableBytesByKind,
    proposalBytes,
    organisationBytes: Number(company?.total ?? 0),
  };
}

/** The proposals of one company: the same owner, or the same organisation. */
function companyProposals(
  eb: ExpressionBuilder<Database, "proposals">,
  proposal: { owner_id: number; organisation_id: number | null },
) {
  return proposal.organisation_id === null
    ? eb("proposals.owner_id", "=", proposal.owner_id)
    : eb.or([
        eb("proposals.owner_id", "=", proposal.owner_id),
        eb("proposals.organisation_id", "=", proposal.organisation_id),
      ]);
}

export interface RefusedFile {
  field: string;
  originalName: string;
  problem: StorageProblem;
}

/**
 * Records uploaded files as documents of a draft proposal, in one transaction with their audit
 * rows. A kind that holds one file (business licence, company profile…) is replaced by the new
 * upload; the files it replaced are deleted from disk after the commit. The kind's maximum, the
 * proposal's 100 MB and the company's storage are checked here, in the transaction, against what
 * is stored now (parallel uploads cannot all pass); the files that do not fit are refused and
 * deleted. If the proposal is no longer a draft, nothing is recorded and the files are deleted.
 */
export async function addDocuments(
  db: DB,
  input: {
    proposalId: number;
    userId: number;
    files: readonly (StoredFile & { field: DocumentKind })[];
    audit?: AuditContext;
  },
): Promise<{ added: Attachment[]; replaced: Attachment[]; refused: RefusedFile[] } | null> {
  if (!input.files.length) return { added: [], replaced: [], refused: [] };
  let result: { added: Attachment[]; replaced: Attachment[]; refused: RefusedFile[] } | null = null;
  let refusedFiles: StoredFile[] = [];
  try {
    result = await db.transaction().execute(async (trx) => {
      const proposal = await trx
        .selectFrom("proposals")
        .select(["id", "status", "call_id", "owner_id", "organisation_id"])
        .where("id", "=", input.proposalId)
        // A submission of this proposal running at the same moment (another server) holds it
        // while it snapshots the documents: the upload waits and then finds it submitted (the
        // files are refused), or the submission waits for the upload and includes it. Before,
        // PostgreSQL let the upload land after the snapshot, on a submitted proposal.
        .$call(forUpdate(trx, "proposals"))
        .executeTakeFirst();
      if (!proposal || proposal.status !== "draft") return null;
      const admitted = admitFiles(
        await storageState(trx, proposal),
        input.files.map((f) => ({ ...f, kind: f.field })),
        storageLimits((kind) => (isDocumentKind(kind) ? ruleFor(kind).max : 0)),
      );
      refusedFiles = admitted.refused.map((r) => r.file);
      const now = nowIso();
      const added: Attachment[] = [];
      const replaced: Attachment[] = [];
      for (const file of admitted.accepted) {
        if (ruleFor(file.field).max === 1) {
          const previous = await trx
            .updateTable("attachments")
            .set({ removed_at: now })
            .where("proposal_id", "=", input.proposalId)
            .where("message_id", "is", null)
            .where("kind", "=", file.field)
            .where("removed_at", "is", null)
            .returningAll()
            .execute();
          replaced.push(...previous);
        }
        const row = await trx
          .insertInto("attachments")
          .values({
            proposal_id: input.proposalId,
            message_id: null,
            kind: file.field,
            original_name: file.originalName,
            stored_name: file.storedName,
            mime_type: file.mimeType,
            size_bytes: file.sizeBytes,
            sha256: file.sha256,
            uploaded_by: input.userId,
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        added.push(row);
        await writeAudit(trx, {
          actorId: input.userId,
          actorEmail: input.audit?.actorEmail,
          action: "attachment.add",
          entityType: "attachment",
          entityId: row.id,
          callId: proposal.call_id,
          proposalId: input.proposalId,
          before: previous(replaced, file.field),
          after: auditView(row),
          ip: input.audit?.ip,
          requestId: input.audit?.requestId,
        });
      }
      await trx
        .updateTable("proposals")
        .set({ last_step: "documents", updated_at: now })
        .where("id", "=", input.proposalId)
        .execute();
      return {
        added,
        replaced,
        refused: admitted.refused.map((r) => ({
          field: r.file.field,
          originalName: r.file.originalName,
          problem: r.problem,
        })),
      };
    });
  } catch (error) {
    await deleteStoredFiles(input.files);
    throw error;
  }
  if (!result) {
    await deleteStoredFiles(input.files);
    return null;
  }
  await deleteStoredFiles([
    ...refusedFiles,
    ...result.replaced.map((r) => ({ storedName: r.stored_name })),
  ]);
  return result;
}

function previous(replaced: Attachment[], kind: string) {
  const found = replaced.filter((r) => r.kind === kind);
  return found.length ? found.map(auditView) : undefined;
}

export function auditView(a: Attachment) {
  return {
    id: a.id,
    kind: a.kind,
    name: a.original_name,
    size: a.size_bytes,
    sha256: a.sha256,
    mime: a.mime_type,
    messageId: a.message_id,
  };
}

/**
 * Removes a document while the proposal is a draft (the row is kept, marked removed, for the
 * audit trail; the file itself is deleted). Returns false when there is nothing to remove.
 */
export async function removeDocument(
  db: DB,
  input: { proposalId: number; attachmentId: number; userId: number; audit?: AuditContext },
): Promise<boolean> {
  const removed = await db.transaction().execute(async (trx) => {
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id", "status", "call_id"])
      .where("id", "=", input.proposalId)
      // As for an upload: a removal never lands after a submission's snapshot.
      .$call(forUpdate(trx, "proposals"))
      .executeTakeFirst();
    if (!proposal || proposal.status !== "draft") return null;
    const row = await trx
      .updateTable("attachments")
      .set({ removed_at: nowIso() })
      .where("id", "=", input.attachmentId)
      .where("proposal_id", "=", input.proposalId)
      .where("message_id", "is", null)
      .where("removed_at", "is", null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    await writeAudit(trx, {
      actorId: input.userId,
      actorEmail: input.audit?.actorEmail,
      action: "attachment.remove",
      entityType: "attachment",
      entityId: row.id,
      callId: proposal.call_id,
      proposalId: input.proposalId,
      before: auditView(row),
      after: { removedAt: row.removed_at },
      ip: input.audit?.ip,
      requestId: input.audit?.requestId,
    });
    return row;
  });
  if (!removed) return false;
  await deleteStoredFiles([{ storedName: removed.stored_name }]);
  return true;
}

/**
 * An attachment that has not been removed (null otherwise). Who may download it is the access
 * policy's answer for its proposal (access.server requireProposalAccess, "downloadDocument").
 */
export async function getAttachment(db: DB, attachmentId: number): Promise<Attachment | null> {
  const attachment = await db
    .selectFrom("attachments")
    .selectAll()
    .where("id", "=", attachmentId)
    .where("removed_at", "is", null)
    .executeTakeFirst();
  return attachment ?? null;
}
