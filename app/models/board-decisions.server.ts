// Recording (or changing) the decision on one proposal of the board, with its audit row. The
// decisions are published with the call (decisions.server.ts publishDecisions).
import type { Call } from "~db/schema";
import { callResultsFrozen } from "~/domain/call-lifecycle";
import { RANKED_STATUSES } from "~/domain/board-query";
import { writeAudit } from "~/models/audit.server";
import { DecisionSchema } from "~/schemas/board";
import type { DB } from "~/services/db.server";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";

/** Whether decisions on the call can still be recorded or changed. */
export function decisionsOpen(call: Pick<Call, "status">): boolean {
  return !callResultsFrozen(call.status);
}

export type DecisionResult =
  { ok: true; changed: boolean } | { ok: false; errors: FieldErrors; status: 400 | 404 | 409 };

/** Records (or changes) the decision on one proposal, with its audit row, in one transaction. */
export async function recordDecision(
  db: DB,
  input: {
    call: Call;
    proposalId: number;
    values: Record<string, unknown>;
    actor: { id: number; email: string };
    requestId?: string | null;
    ip?: string | null;
  },
): Promise<DecisionResult> {
  const parsed = DecisionSchema.safeParse(input.values);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error), status: 400 };
  const { outcome, reason } = parsed.data;
  return db.transaction().execute(async (trx) => {
    const call = await trx
      .selectFrom("calls")
      .select(["id", "status"])
      .where("id", "=", input.call.id)
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
    const before = await trx
      .selectFrom("decisions")
      .select(["outcome", "reason", "decided_by", "decided_at"])
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirst();
    if (before && before.outcome === outcome && before.reason === reason)
      return { ok: true, changed: false };
    const decidedAt = new Date().toISOString();
    const after = { outcome, reason, decided_by: input.actor.id, decided_at: decidedAt };
    await trx
      .insertInto("decisions")
      .values({ proposal_id: proposal.id, ...after })
      .onConflict((oc) => oc.column("proposal_id").doUpdateSet(after))
      .execute();
    await writeAudit(trx, {
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      action: before ? "decision.change" : "decision.record",
      entityType: "decision",
      entityId: proposal.id,
      callId: call.id,
      proposalId: proposal.id,
      before: before ?? null,
      after,
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });
    return { ok: true, changed: true };
  });
}
