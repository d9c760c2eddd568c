// Recording (or changing) the decision on one proposal of the board, with its audit row. The
// decisions are published with the call (decisions.server.ts publishDecisions).
//
// Overrides (issue 13; docs/decisions/0013-decision-overrides.md): shortlisting a proposal that
// does not qualify, or is provisional, is not recorded until the official confirms it on a
// server-rendered step that names what it overrides (overrideFor, over the proposal's standing in
// the score read model) and gives a reason. The confirmation carries a fingerprint of what it
// named: if the standing changed in between, the official is asked again. What it overrode and
// the reason are stored with the decision (decisions.override_json / override_reason) and audited.
import type { Call } from "~db/schema";
import {
  MAX_OVERRIDE_REASON,
  overrideFingerprint,
  overrideFor,
  type DecisionOverride,
} from "~/domain/decision-override";
import type { NotQualifiedReason } from "~/domain/scoring";
import { callResultsFrozen } from "~/domain/call-lifecycle";
import { RANKED_STATUSES } from "~/domain/board-query";
import { writeAudit } from "~/models/audit.server";
import { enqueueEvent } from "~/models/webhooks.server";
import { DecisionSchema } from "~/schemas/board";
import { withRetry, type DB } from "~/services/db.server";
import { forShare, lockRows } from "~/services/sql-dialect.server";
import { msg, zodFieldErrors, type FieldErrors } from "~/utils/form";

/** Whether decisions on the call can still be recorded or changed. */
export function decisionsOpen(call: Pick<Call, "status">): boolean {
  return !callResultsFrozen(call.status);
}

export type DecisionResult =
  | { ok: true; changed: boolean }
  | {
      ok: false;
      errors: FieldErrors;
      status: 400 | 404 | 409;
      /** Set when the decision needs the override confirmed: what it overrides. */
      confirm?: { override: DecisionOverride; fingerprint: string };
    };

function parseReasons(json: string | null): NotQualifiedReason[] {
  try {
    const v: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(v) ? (v as NotQualifiedReason[]) : [];
  } catch {
    return [];
  }
}

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
  return withRetry(db, async (trx): Promise<DecisionResult> => {
    // Read, checked, then written, so locked (proposal first, then its call: the order every move
    // of a proposal takes). Two officials deciding the same proposal at once take turns, and the
    // second's audit row records the first's decision as what it changed (before, both read no
    // decision: two "decision.record" rows, one of them wrong); a withdrawal running at the same
    // moment either commits first (and the decision is refused) or waits for it. The call is held
    // for share: marking it decided waits until the decision is in, and then publishes it.
    await lockRows(trx, "proposals", [input.proposalId]);
    const call = await trx
      .selectFrom("calls")
      .select(["id", "status", "qualifying_score"])
      .where("id", "=", input.call.id)
      .$call(forShare(trx, "calls"))
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
    // The proposal's standing, as the score read model stores it (its one owner).
    const standing = await trx
      .selectFrom("proposal_scores")
      .select(["reviews_submitted", "reviews_required", "score", "qualifies", "reasons_json"])
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirst();
    const override = standing
      ? overrideFor(
          outcome,
          {
            reviewsSubmitted: standing.reviews_submitted,
            reviewsRequired: standing.reviews_required,
            score: standing.score,
            qualifies: standing.qualifies === 1,
            reasons: parseReasons(standing.reasons_json),
          },
          call.qualifying_score,
        )
      : null;
    let overrideReason: string | null = null;
    if (override) {
      const fingerprint = overrideFingerprint(override);
      const confirm = { override, fingerprint };
      // Not yet confirmed, or confirmed for a standing that has since changed: ask (again).
      if (input.values.overrideFingerprint !== fingerprint)
        return { ok: false, errors: {}, status: 409, confirm };
      const given =
        typeof input.values.overrideReason === "string" ? input.values.overrideReason.trim() : "";
      if (!given)
        return {
          ok: false,
          errors: { overrideReason: msg("validation.required") },
          status: 400,
          confirm,
        };
      if (given.length > MAX_OVERRIDE_REASON)
        return {
          ok: false,
          errors: { overrideReason: msg("validation.tooLong", { max: MAX_OVERRIDE_REASON }) },
          status: 400,
          confirm,
        };
      overrideReason = given;
    }
    const overrideJson = override ? JSON.stringify(override) : null;
    const before = await trx
      .selectFrom("decisions")
      .select(["outcome", "reason", "decided_by", "decided_at", "override_json", "override_reason"])
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirst();
    if (
      before &&
      before.outcome === outcome &&
      before.reason === reason &&
      before.override_json === overrideJson &&
      before.override_reason === overrideReason
    )
      return { ok: true, changed: false };
    const decidedAt = new Date().toISOString();
    const after = {
      outcome,
      reason,
      decided_by: input.actor.id,
      decided_at: decidedAt,
      override_json: overrideJson,
      override_reason: overrideReason,
    };
    await trx
      .insertInto("decisions")
      .values({ proposal_id: proposal.id, ...after })
      .onConflict((oc) => oc.column("proposal_id").doUpdateSet(after))
      .execute();
    await writeAudit(trx, {
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      // An override is in the row itself (after.override_json, after.override_reason).
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
    // Webhooks (docs/webhooks.md): that a decision was recorded or changed, not what it is (the
    // outcome is internal until the call's decisions are published) nor why.
    await enqueueEvent(trx, "decision.recorded", async () => {
      const row = await trx
        .selectFrom("proposals")
        .innerJoin("calls", "calls.id", "proposals.call_id")
        .select(["proposals.reference", "calls.slug"])
        .where("proposals.id", "=", proposal.id)
        .executeTakeFirstOrThrow();
      return {
        proposal: { id: proposal.id, reference: row.reference },
        call: { id: call.id, slug: row.slug },
        change: before ? "changed" : "recorded",
        decided_at: decidedAt,
      };
    });
    return { ok: true, changed: true };
  });
}
