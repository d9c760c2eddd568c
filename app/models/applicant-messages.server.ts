// The applicant's side of a clarification thread: reading the officials' questions and answering
// them, with documents. An answer is a new message; the submitted answers are never edited.
import type { DB } from "~/services/db.server";
import { nowIso } from "~/services/db.server";
import { deleteStoredFiles, type StoredFile } from "~/services/uploads.server";
import { msg, normaliseInput } from "~/utils/form";
import { refusal, Refused, type CommandResult } from "~/domain/command";
import { admitFiles, type StorageProblem } from "~/domain/documents";
import {
  auditView,
  organisationStorageLabel,
  storageLimits,
  storageState,
  type AuditContext,
} from "./attachments.server";
import { answerClarification as answerClarificationMove } from "./proposal-lifecycle.server";

export const MAX_ANSWER = 5000;
export const MAX_ANSWER_FILES = 5;
export const MESSAGE_ATTACHMENT_KIND = "clarification";

export interface ThreadAttachment {
  id: number;
  name: string;
  size: number;
}

export interface ThreadMessage {
  id: number;
  kind: "question" | "answer";
  body: string;
  createdAt: string;
  attachments: ThreadAttachment[];
}

/** The thread of a proposal as its owner sees it: no names of CDA staff, oldest first. */
export async function listThreadForOwner(db: DB, proposalId: number): Promise<ThreadMessage[]> {
  const messages = await db
    .selectFrom("clarification_messages")
    .select(["id", "kind", "body", "created_at"])
    .where("proposal_id", "=", proposalId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const files = await db
    .selectFrom("attachments")
    .select(["id", "message_id", "original_name", "size_bytes"])
    .where("proposal_id", "=", proposalId)
    .where("message_id", "is not", null)
    .where("removed_at", "is", null)
    .orderBy("id")
    .execute();
  return messages.map((m) => ({
    id: m.id,
    kind: m.kind,
    body: m.body,
    createdAt: m.created_at,
    attachments: files
      .filter((f) => f.message_id === m.id)
      .map((f) => ({ id: f.id, name: f.original_name, size: f.size_bytes })),
  }));
}

function storageMessage(refused: { problem: StorageProblem; file: StoredFile }): string {
  const name = refused.file.originalName;
  if (refused.problem !== "organisationQuota") return msg("docs.err.quota", { name });
  return msg("docs.err.organisationQuota", { name, max: organisationStorageLabel() });
}

/** Refused: 400 the answer is invalid, 404 not the user's proposal, 409 no question awaits an answer. */
export type AnswerResult = CommandResult<{ messageId: number }>;

/**
 * The owner answers an open clarification request: the answer and its documents are stored as a
 * message, the proposal goes back to under review, and the audit row is written, all in one
 * transaction. Uploaded files that end up unused (refused answer) are deleted.
 */
export async function answerClarification(
  db: DB,
  input: {
    proposalId: number;
    userId: number;
    body: string;
    files?: readonly StoredFile[];
    audit?: AuditContext;
  },
): Promise<AnswerResult> {
  const files = input.files ?? [];
  const body = normaliseInput(input.body);
  let result: AnswerResult;
  if (!body) result = refusal(400, { body: msg("messages.err.body") });
  else if (body.length > MAX_ANSWER) result = refusal(400, { body: msg("messages.err.tooLong") });
  else if (files.length > MAX_ANSWER_FILES)
    result = refusal(400, { files: msg("docs.err.tooMany", { max: MAX_ANSWER_FILES }) });
  else {
    try {
      let messageId = 0;
      const moved = await answerClarificationMove(db, {
        proposalId: input.proposalId,
        ownerId: input.userId,
        actor: {
          id: input.userId,
          email: input.audit?.actorEmail,
          ip: input.audit?.ip,
          requestId: input.audit?.requestId,
        },
        write: async (trx, proposal) => {
          // The storage limits, checked in this transaction against what is stored now.
          const owner = await trx
            .selectFrom("proposals")
            .select(["id", "owner_id", "organisation_id"])
            .where("id", "=", proposal.id)
            .executeTakeFirstOrThrow();
          const admitted = admitFiles(
            await storageState(trx, owner),
            files.map((f) => ({ ...f, kind: MESSAGE_ATTACHMENT_KIND })),
            storageLimits(() => Number.POSITIVE_INFINITY),
          );
          const refused = admitted.refused[0];
          if (refused) throw new Refused(refusal(400, { files: storageMessage(refused) }));
          const at = nowIso();
          const message = await trx
            .insertInto("clarification_messages")
            .values({
              proposal_id: proposal.id,
              author_id: input.userId,
              kind: "answer",
              body,
              created_at: at,
            })
            .returning("id")
            .executeTakeFirstOrThrow();
          messageId = message.id;
          const attached = [];
          for (const f of files) {
            attached.push(
              await trx
                .insertInto("attachments")
                .values({
                  proposal_id: proposal.id,
                  message_id: message.id,
                  kind: MESSAGE_ATTACHMENT_KIND,
                  original_name: f.originalName,
                  stored_name: f.storedName,
                  mime_type: f.mimeType,
                  size_bytes: f.sizeBytes,
                  sha256: f.sha256,
                  uploaded_by: input.userId,
                  created_at: at,
                })
                .returningAll()
                .executeTakeFirstOrThrow(),
            );
          }
          return {
            action: "clarification.answer",
            entityType: "clarification_message",
            entityId: message.id,
            after: { answer: body, attachments: attached.map(auditView) },
          };
        },
      });
      result = moved.ok
        ? { ok: true, messageId }
        : moved.status === 404
          ? refusal(404, "review.error.notFound")
          : refusal(409, "messages.err.notAwaiting");
    } catch (error) {
      await deleteStoredFiles(files);
      if (!(error instanceof Refused)) throw error;
      result = error.refusal;
    }
  }
  if (!result.ok) await deleteStoredFiles(files);
  return result;
}
