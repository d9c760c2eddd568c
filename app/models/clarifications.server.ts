// Clarification questions: an official asks the applicant; the proposal moves to
// clarification_requested and the applicant is e-mailed in their language. The applicant's answer
// (colleague E's side) adds an 'answer' message and returns the proposal to under review.
import { requestClarification } from "~/models/proposal-lifecycle.server";
import type { ActionContext, Actor } from "~/models/conflicts.server";
import { notifyClarificationRequested } from "~/models/review-mail.server";
import { nowIso, type DB } from "~/services/db.server";
import { msg, normaliseInput } from "~/utils/form";
import { refusal, type CommandResult } from "~/domain/command";

export const MIN_QUESTION = 10;
export const MAX_QUESTION = 3000;

export interface ClarificationMessage {
  id: number;
  kind: "question" | "answer";
  body: string;
  authorName: string;
  authorRole: string;
  createdAt: string;
  /** Documents the applicant attached to an answer (downloaded through /attachments/:id). */
  attachments: { id: number; name: string }[];
}

/** The thread of a proposal, oldest first. */
export async function listClarifications(
  db: DB,
  proposalId: number,
): Promise<ClarificationMessage[]> {
  const rows = await db
    .selectFrom("clarification_messages")
    .innerJoin("users", "users.id", "clarification_messages.author_id")
    .select([
      "clarification_messages.id",
      "clarification_messages.kind",
      "clarification_messages.body",
      "clarification_messages.created_at",
      "users.display_name",
      "users.role",
    ])
    .where("clarification_messages.proposal_id", "=", proposalId)
    .orderBy("clarification_messages.created_at")
    .orderBy("clarification_messages.id")
    .execute();
  const files = rows.length
    ? await db
        .selectFrom("attachments")
        .select(["id", "message_id", "original_name"])
        .where("proposal_id", "=", proposalId)
        .where(
          "message_id",
          "in",
          rows.map((r) => r.id),
        )
        .where("removed_at", "is", null)
        .orderBy("id")
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    body: r.body,
    authorName: r.display_name,
    authorRole: r.role,
    createdAt: r.created_at,
    attachments: files
      .filter((f) => f.message_id === r.id)
      .map((f) => ({ id: f.id, name: f.original_name })),
  }));
}

export type AskResult = CommandResult<{ messageId: number }>;

export async function askClarification(
  db: DB,
  actor: Actor,
  proposalId: number,
  questionInput: string,
  ctx: ActionContext = {},
): Promise<AskResult> {
  const body = normaliseInput(questionInput);
  if (body.length < MIN_QUESTION)
    return refusal(400, { question: msg("review.error.question", { min: MIN_QUESTION }) });
  if (body.length > MAX_QUESTION)
    return refusal(400, { question: msg("validation.tooLong", { max: MAX_QUESTION }) });
  let messageId = 0;
  const moved = await requestClarification(db, {
    proposalId,
    actor: { id: actor.id, email: actor.email, ip: ctx.ip, requestId: ctx.requestId },
    write: async (trx) => {
      const row = await trx
        .insertInto("clarification_messages")
        .values({
          proposal_id: proposalId,
          author_id: actor.id,
          kind: "question",
          body,
          created_at: nowIso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      messageId = row.id;
      return {
        action: "clarification.ask",
        entityType: "clarification_message",
        entityId: row.id,
        after: { question: body },
      };
    },
  });
  if (!moved.ok) {
    const error = moved.errors._form;
    if (error === "lifecycle.error.notFound") return refusal(404, "review.error.notFound");
    if (error === "lifecycle.error.wrongStatus") return refusal(409, "review.error.notAskable");
    return refusal(moved.status, moved.errors);
  }
  // After the commit, as sendMail asks: a slow mail server never holds the database.
  await notifyClarificationRequested(db, { proposalId, question: body });
  return { ok: true, messageId };
}
