import { sql } from "kysely";
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

/** The window of the audit throttle: one row per kind, actor and target per minute. */
export const AUDIT_THROTTLE_WINDOW_MS = 60_000;

/**
 * For events an attacker can repeat at will (failed sign-ins, refusals): appends the audit row
 * only for the first event of `key` in each minute, so that a flood cannot fill the log. The
 * events are still counted: the row written when the next minute begins carries
 * `previous_minute_count`, how many there were in the last minute that had any. Returns whether a
 * row was written.
 */
export async function writeThrottledAudit(
  db: DB,
  key: string,
  input: AuditInput,
  now: number = Date.now(),
): Promise<boolean> {
  const windowStart = new Date(
    Math.floor(now / AUDIT_THROTTLE_WINDOW_MS) * AUDIT_THROTTLE_WINDOW_MS,
  ).toISOString();
  // One statement, so that two requests at once cannot both count as the first. SQLite and
  // PostgreSQL evaluate every SET expression against the row as it was; the target's columns are
  // named with the table, which PostgreSQL requires beside `excluded`.
  const row = await sql<{ count: number; previous_count: number }>`
    insert into audit_throttle (key, window_start, count, previous_count)
    values (${key.slice(0, 500)}, ${windowStart}, 1, 0)
    on conflict (key) do update set
      previous_count = case when audit_throttle.window_start = excluded.window_start
        then audit_throttle.previous_count else audit_throttle.count end,
      count = case when audit_throttle.window_start = excluded.window_start
        then audit_throttle.count + 1 else 1 end,
      window_start = excluded.window_start
    returning count, previous_count`
    .execute(db)
    .then((r) => r.rows[0]!);
  if (row.count !== 1) return false;
  const after =
    row.previous_count > 0
      ? {
          ...(input.after && typeof input.after === "object" ? input.after : {}),
          previous_minute_count: row.previous_count,
        }
      : input.after;
  await writeAudit(db, { ...input, after });
  // Keys not seen for a day are of no more use.
  await db
    .deleteFrom("audit_throttle")
    .where("window_start", "<", new Date(now - 86_400_000).toISOString())
    .execute();
  return true;
}
