// A proposal's staff discussion (issue 15; HotCRP's comment thread is the model): officials, and
// the reviewers who are assigned, attested, not conflicted and have submitted their own review,
// read it and post to it. Who may is the access policy's "discuss" capability
// (app/domain/access.ts); this module asks it again inside every command, so no caller can skip
// it. Comments never reach applicants: no applicant page reads this table. Each comment is
// audited in its own transaction; the other participants are told by e-mail (the outbox) after
// the commit. An official settles disagreement flags by pointing to a comment: a moderation
// note with the comment's id (app/models/moderation.server.ts records it).
import { runCommand, refuse, auditActor, type Actor, type CommandResult } from "~/domain/command";
import { MAX_COMMENT } from "~/domain/discussion";
import { getProposalAccess } from "~/models/access.server";
import { writeAudit } from "~/models/audit.server";
import { recordModeration, type ModerationResult } from "~/models/moderation.server";
import { proposalFlags } from "~/models/score-read-model.server";
import type { DB } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import { getLogger } from "~/services/logger.server";
import { sendMail } from "~/services/mail.server";
import { msg } from "~/utils/form";

export interface DiscussionComment {
  id: number;
  authorId: number;
  authorName: string;
  /** "reviewer" or "official" (admins post as officials). */
  authorRole: "reviewer" | "official";
  body: string;
  createdAt: string;
  /** Moderations that settled a disagreement by pointing to this comment. */
  settles: { moderationId: number; criterionKey: string | null; officialName: string }[];
}

export interface Discussion {
  proposalId: number;
  comments: DiscussionComment[];
  /** Unresolved disagreement flags an official may settle by pointing to a comment (else empty). */
  openFlags: { criterion: string | null }[];
}

/** The thread, oldest first. Callers have asked the access policy for "discuss". */
export async function listDiscussion(
  db: DB,
  proposalId: number,
  options: { forOfficial?: boolean } = {},
): Promise<Discussion> {
  const rows = await db
    .selectFrom("discussion_comments as c")
    .innerJoin("users as u", "u.id", "c.author_id")
    .select(["c.id", "c.author_id", "u.display_name", "u.role", "c.body", "c.created_at"])
    .where("c.proposal_id", "=", proposalId)
    .orderBy("c.id")
    .execute();
  const settled = rows.length
    ? await db
        .selectFrom("moderations as m")
        .innerJoin("users as u", "u.id", "m.official_id")
        .leftJoin("criteria as cr", "cr.id", "m.criterion_id")
        .select(["m.id", "m.comment_id", "cr.key", "u.display_name"])
        .where("m.proposal_id", "=", proposalId)
        .where("m.comment_id", "is not", null)
        .orderBy("m.id")
        .execute()
    : [];
  const comments = rows.map<DiscussionComment>((r) => ({
    id: r.id,
    authorId: r.author_id,
    authorName: r.display_name,
    authorRole: r.role === "reviewer" ? "reviewer" : "official",
    body: r.body,
    createdAt: r.created_at,
    settles: settled
      .filter((m) => m.comment_id === r.id)
      .map((m) => ({ moderationId: m.id, criterionKey: m.key, officialName: m.display_name })),
  }));
  let openFlags: Discussion["openFlags"] = [];
  if (options.forOfficial && comments.length) {
    const flags = (await proposalFlags(db, proposalId)) ?? [];
    const open = flags.filter((f) => !f.resolved && f.kind !== "gate_split");
    openFlags = open.map((f) => ({
      criterion: f.kind === "criterion_spread" ? f.criterion : null,
    }));
  }
  return { proposalId, comments, openFlags };
}

function linkTo(path: string): string {
  const base = getEnv().PUBLIC_URL ?? "http://localhost:3000";
  return new URL(path, base).toString();
}

/**
 * The people to tell of a new comment: everyone who may discuss the proposal now and is part of
 * it (the reviewers who hold "discuss", and whoever has posted before), except the author.
 */
async function participantsToTell(
  db: DB,
  proposalId: number,
  authorId: number,
): Promise<{ id: number; email: string; display_name: string; locale: "en" | "zh-Hans" }[]> {
  const reviewers = await db
    .selectFrom("reviewer_assignments")
    .select("reviewer_id as id")
    .where("proposal_id", "=", proposalId)
    .where("unassigned_at", "is", null)
    .execute();
  const posters = await db
    .selectFrom("discussion_comments")
    .select("author_id as id")
    .distinct()
    .where("proposal_id", "=", proposalId)
    .execute();
  const ids = [...new Set([...reviewers, ...posters].map((r) => r.id))].filter(
    (id) => id !== authorId,
  );
  if (!ids.length) return [];
  const users = await db
    .selectFrom("users")
    .select(["id", "email", "display_name", "locale", "role"])
    .where("id", "in", ids)
    .where("disabled_at", "is", null)
    .orderBy("id")
    .execute();
  const out = [];
  for (const u of users) {
    if (u.role === "applicant") continue;
    const access = await getProposalAccess(db, { id: u.id, role: u.role }, proposalId);
    if (access.capabilities.has("discuss")) out.push(u);
  }
  return out;
}

/** Posts a comment: access asked again, the comment and its audit row in one transaction. */
export async function postComment(
  db: DB,
  actor: Actor,
  proposalId: number,
  body: unknown,
): Promise<CommandResult<{ commentId: number }>> {
  const text = typeof body === "string" ? body.normalize("NFKC").trim() : "";
  if (!text) return { ok: false, status: 400, errors: { body: msg("validation.required") } };
  if (text.length > MAX_COMMENT)
    return {
      ok: false,
      status: 400,
      errors: { body: msg("validation.tooLong", { max: MAX_COMMENT }) },
    };
  const result = await runCommand(() =>
    db.transaction().execute(async (trx) => {
      const access = await getProposalAccess(trx, actor, proposalId);
      if (!access.capabilities.has("discuss"))
        refuse(access.refusal === "notFound" ? 404 : 403, "discussion.error.notAllowed");
      const row = await trx
        .insertInto("discussion_comments")
        .values({ proposal_id: proposalId, author_id: actor.id, body: text })
        .returning(["id", "created_at"])
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "discussion.comment",
        entityType: "discussion_comment",
        entityId: row.id,
        callId: access.callId,
        proposalId,
        after: { body: text },
      });
      return { commentId: row.id };
    }),
  );
  if (result.ok) {
    try {
      await notifyParticipants(db, actor, proposalId);
    } catch (err) {
      // The comment is saved; a failed notice is logged, never shown as a failed post.
      getLogger().error({ err, proposalId }, "discussion notification failed");
    }
  }
  return result;
}

async function notifyParticipants(db: DB, actor: Actor, proposalId: number): Promise<void> {
  const p = await db
    .selectFrom("proposals")
    .select(["reference", "title"])
    .where("id", "=", proposalId)
    .executeTakeFirstOrThrow();
  const author = await db
    .selectFrom("users")
    .select("display_name")
    .where("id", "=", actor.id)
    .executeTakeFirstOrThrow();
  for (const u of await participantsToTell(db, proposalId, actor.id)) {
    await sendMail(db, {
      to: u.email,
      template: "discussion_comment",
      locale: u.locale,
      recipientId: u.id,
      vars: {
        name: u.display_name,
        author: author.display_name,
        reference: p.reference ?? `#${proposalId}`,
        title: p.title ?? "",
        link: linkTo(`/discussion/${proposalId}#discussion`),
      },
    });
  }
}

/**
 * An official settles disagreement flags by pointing to a comment of the discussion: a
 * moderation note (the score read model's resolution) carrying the comment's id. The form's
 * fields are settleCriterion, settleNote and commentId (the breakdown page has its own note form,
 * so the names differ); errors come back under the same names.
 */
export async function settleByComment(
  db: DB,
  input: { proposalId: number; values: Record<string, unknown>; actor: Actor },
): Promise<ModerationResult> {
  const commentId = Number(input.values.commentId);
  if (!Number.isSafeInteger(commentId) || commentId < 1)
    return { ok: false, errors: { commentId: msg("validation.choose") }, status: 400 };
  const call = await db
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", (eb) =>
      eb.selectFrom("proposals").select("call_id").where("id", "=", input.proposalId),
    )
    .executeTakeFirst();
  if (!call) return { ok: false, errors: { _form: msg("lifecycle.error.notFound") }, status: 404 };
  const result = await recordModeration(db, {
    call,
    proposalId: input.proposalId,
    kind: "disagreement_note",
    values: {
      noteCriterion: input.values.settleCriterion || undefined,
      flagNote: input.values.settleNote,
    },
    commentId,
    actor: { id: input.actor.id, email: input.actor.email },
    requestId: input.actor.requestId ?? null,
    ip: input.actor.ip ?? null,
  });
  if (result.ok) return result;
  const rename: Record<string, string> = {
    flagNote: "settleNote",
    noteCriterion: "settleCriterion",
  };
  return {
    ...result,
    errors: Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [rename[k] ?? k, v])),
  };
}
