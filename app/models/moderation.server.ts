// Officials' moderation on one proposal of the board: a decision on an evenly split gate, or a
// note resolving its disagreement flags. A moderation decides the split as it stood: it names the
// proposal's counting reviews (decided_review_ids) and lapses when they change (the score read
// model records that). A decision on a gate that is not split is refused.
import type { z } from "zod";
import type { Call } from "~db/schema";
import { RANKED_STATUSES } from "~/domain/board-query";
import { writeAudit } from "~/models/audit.server";
import { decisionsOpen } from "~/models/board-decisions.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { proposalOwnResult } from "~/models/scoring.server";
import { DisagreementNoteSchema, GateModerationSchema } from "~/schemas/board";
import type { DB } from "~/services/db.server";
import { forUpdate } from "~/services/sql-dialect.server";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";

export type ModerationResult =
  { ok: true } | { ok: false; errors: FieldErrors; status: 400 | 404 | 409 };

/**
 * Records an official's moderation on one proposal — a decision on an evenly split gate, or a note
 * resolving its disagreement flags — with the audit row, and refreshes the proposal's scores (score-read-model.server.ts), all in one
 * transaction.
 */
export async function recordModeration(
  db: DB,
  input: {
    call: Call;
    proposalId: number;
    kind: "gate_decision" | "disagreement_note";
    values: Record<string, unknown>;
    /** A disagreement settled in the discussion: the comment it points to (issue 15). */
    commentId?: number | null;
    actor: { id: number; email: string };
    requestId?: string | null;
    ip?: string | null;
  },
): Promise<ModerationResult> {
  const parsed =
    input.kind === "gate_decision"
      ? GateModerationSchema.safeParse(input.values)
      : DisagreementNoteSchema.safeParse(input.values);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error), status: 400 };
  return db.transaction().execute(async (trx): Promise<ModerationResult> => {
    // The call, locked for update from the start (the moderation refreshes its scores, which
    // locks it anyway): a review submitted or returned at the same moment (which locks the call
    // before it writes) goes first or after, so the split this checks is the split it settles;
    // marking the call decided cannot slip in between.
    const call = await trx
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", input.call.id)
      .$call(forUpdate(trx, "calls"))
      .executeTakeFirstOrThrow();
    if (!decisionsOpen(call))
      return {
        ok: false,
        errors: { _form: msg("lifecycle.error.callDecided") },
        status: 409,
      };
    const proposal = await trx
      .selectFrom("proposals")
      .select(["id"])
      .where("id", "=", input.proposalId)
      .where("call_id", "=", call.id)
      .where("status", "in", [...RANKED_STATUSES])
      .executeTakeFirst();
    if (!proposal)
      return { ok: false, errors: { _form: msg("lifecycle.error.notFound") }, status: 404 };
    // What the rules say of the proposal now: its counting reviews and its gates.
    const own = await proposalOwnResult(trx, call, proposal.id);
    if (!own) return { ok: false, errors: { _form: msg("lifecycle.error.notFound") }, status: 404 };
    const criteria = await trx
      .selectFrom("criteria")
      .innerJoin("criteria_versions", "criteria_versions.id", "criteria.criteria_version_id")
      .select(["criteria.id", "criteria.key", "criteria.kind", "criteria_versions.version"])
      .where("criteria_versions.call_id", "=", call.id)
      .orderBy("criteria_versions.version", "desc")
      .execute();
    const find = (key: string, kind: "scored" | "gate") =>
      criteria.find((c) => c.key === key && c.kind === kind);
    const commentId = input.kind === "disagreement_note" ? (input.commentId ?? null) : null;
    if (commentId !== null) {
      const comment = await trx
        .selectFrom("discussion_comments")
        .select("id")
        .where("id", "=", commentId)
        .where("proposal_id", "=", proposal.id)
        .executeTakeFirst();
      if (!comment)
        return { ok: false, errors: { commentId: msg("validation.choose") }, status: 400 };
    }
    let row: {
      criterion_id: number | null;
      gate_pass: number | null;
      note: string;
      key: string | null;
    };
    if (input.kind === "gate_decision") {
      const v = parsed.data as z.infer<typeof GateModerationSchema>;
      const gate = find(v.gate, "gate");
      if (!gate) return { ok: false, errors: { gate: msg("validation.choose") }, status: 400 };
      const result = own.gates.find((g) => g.key === gate.key);
      if (
        !result ||
        !["split", "moderated_pass", "moderated_fail"].includes(result.status) ||
        result.passes !== result.fails
      )
        return {
          ok: false,
          errors: {
            gate: msg("board.moderation.notSplit", {
              gate: gate.key,
              passes: result?.passes ?? 0,
              fails: result?.fails ?? 0,
            }),
          },
          status: 409,
        };
      row = {
        criterion_id: gate.id,
        gate_pass: v.gatePass === "pass" ? 1 : 0,
        note: v.gateNote,
        key: gate.key,
      };
    } else {
      const v = parsed.data as z.infer<typeof DisagreementNoteSchema>;
      const key = v.noteCriterion ?? "";
      const criterion = key ? find(key, "scored") : undefined;
      if (key && !criterion)
        return { ok: false, errors: { noteCriterion: msg("validation.choose") }, status: 400 };
      row = {
        criterion_id: criterion?.id ?? null,
        gate_pass: null,
        note: v.flagNote,
        key: criterion?.key ?? null,
      };
    }
    const inserted = await trx
      .insertInto("moderations")
      .values({
        proposal_id: proposal.id,
        criterion_id: row.criterion_id,
        kind: input.kind,
        gate_pass: row.gate_pass,
        note: row.note,
        official_id: input.actor.id,
        created_at: new Date().toISOString(),
        decided_review_ids: JSON.stringify(own.countingReviewIds),
        comment_id: commentId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      action: input.kind === "gate_decision" ? "moderation.gate" : "moderation.note",
      entityType: "moderation",
      entityId: inserted.id,
      callId: call.id,
      proposalId: proposal.id,
      after: {
        kind: input.kind,
        criterion: row.key,
        gatePass: row.gate_pass === null ? null : row.gate_pass === 1,
        note: row.note,
        decidedReviewIds: own.countingReviewIds,
        ...(commentId !== null ? { commentId } : {}),
      },
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });
    await refreshProposalScores(trx, [proposal.id]);
    return { ok: true as const };
  });
}
