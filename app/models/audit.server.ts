import type { AuditEntry } from "~db/schema";
import type { DB } from "~/services/db.server";

export interface AuditInput {
  actorId: number | null;
  actorEmail?: string | null;
  action: string;
  entityType: string;
  entityId?: string | number | null;
  callId?: number | null;
  proposalId?: number | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  requestId?: string | null;
}

/** Appends one audit row; call it inside the transaction that makes the change. */
export async function writeAudit(db: DB, input: AuditInput): Promise<void> {
  const row: AuditEntry = {
    actor_id: input.actorId,
    actor_email: input.actorEmail ?? null,
    action: input.action,
    entity_type: input.entityType,
    entity_id: input.entityId == null ? null : String(input.entityId),
    call_id: input.callId ?? null,
    proposal_id: input.proposalId ?? null,
    before_json: input.before === undefined ? null : JSON.stringify(input.before),
    after_json: input.after === undefined ? null : JSON.stringify(input.after),
    ip: input.ip ?? null,
    request_id: input.requestId ?? null,
  };
  await db.insertInto("audit_log").values(row).execute();
}
