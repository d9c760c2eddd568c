// Reading the audit log (officials and admins): filters from the viewer's URL, a paginated page
// newest first, and pages for the CSV export. The log is append-only, so an export that reads
// entries up to the newest id it saw at the start is consistent without a snapshot.
//
// Filters (all optional, combined with AND):
// - actor: part of the actor's e-mail address, case-insensitive ("official@" finds official@…);
// - action: one action ("decision.record") or a family ending in ".*" ("export.*");
// - proposal: a reference (CDA-2026-0042) or a proposal number (its id); entries about the
//   proposal (proposal_id, or entity proposal/<id>);
// - from / to: calendar days (YYYY-MM-DD) in Pakistan time (UTC+5), both inclusive.
import { sql, type Expression, type SqlBool } from "kysely";
import type { DB } from "~/services/db.server";

export {
  AUDIT_PAGE_SIZE,
  auditSearch,
  parseAuditFilter,
  pktDayStartUtc,
  type AuditFilter,
  type AuditFilterErrors,
} from "~/domain/audit-filter";
import {
  AUDIT_PAGE_SIZE,
  nextDay,
  pktDayStartUtc,
  type AuditFilter,
  type AuditFilterErrors,
} from "~/domain/audit-filter";
import { contains } from "~/services/sql-dialect.server";

export interface AuditRow {
  id: number;
  at: string;
  actorId: number | null;
  actorEmail: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  callId: number | null;
  proposalId: number | null;
  proposalReference: string | null;
  beforeJson: string | null;
  afterJson: string | null;
  ip: string | null;
  requestId: string | null;
}

/**
 * The proposal the filter names: its id, "missing" for a reference that does not exist, or null
 * when the filter names none (or names it wrongly). The viewer asks the access policy about it.
 */
export async function auditFilterProposal(
  db: DB,
  filter: AuditFilter,
  errors: AuditFilterErrors,
): Promise<number | "missing" | null> {
  if (!filter.proposal || errors.proposal) return null;
  if (/^\d+$/.test(filter.proposal)) return Number(filter.proposal);
  const p = await db
    .selectFrom("proposals")
    .select("id")
    .where("reference", "=", filter.proposal.toUpperCase())
    .executeTakeFirst();
  return p ? p.id : "missing";
}

/**
 * The filtered log's base query. Filters with errors are not applied (the page says so). A
 * proposal reference that does not exist matches nothing. Entries about a `walled` proposal (one
 * the reader's declared conflicts cover: the access policy) are left out.
 */
async function filtered(
  db: DB,
  filter: AuditFilter,
  errors: AuditFilterErrors,
  walled: readonly number[],
) {
  const named = await auditFilterProposal(db, filter, errors);
  const proposalMissing = named === "missing";
  const proposalId = typeof named === "number" ? named : null;
  let q = db.selectFrom("audit_log as a").leftJoin("proposals as p", "p.id", "a.proposal_id");
  if (filter.actor)
    q = q.where(contains(db, sql`lower(coalesce(a.actor_email, ''))`, filter.actor.toLowerCase()));
  if (filter.action && !errors.action) {
    if (filter.action.endsWith(".*"))
      q = q.where(
        sql<SqlBool>`substr(a.action, 1, ${filter.action.length - 1}) = ${filter.action.slice(0, -1)}`,
      );
    else q = q.where("a.action", "=", filter.action);
  }
  // A condition that is false on both databases (PostgreSQL refuses an integer as a WHERE).
  if (proposalMissing) q = q.where(sql<SqlBool>`1 = 0`);
  else if (proposalId !== null) {
    const id = proposalId;
    q = q.where(
      (eb) =>
        eb.or([
          eb("a.proposal_id", "=", id),
          eb.and([eb("a.entity_type", "=", "proposal"), eb("a.entity_id", "=", String(id))]),
        ]) as Expression<SqlBool>,
    );
  }
  const from = filter.from && !errors.from ? pktDayStartUtc(filter.from) : null;
  const to = filter.to && !errors.to ? pktDayStartUtc(filter.to) : null;
  if (from) q = q.where("a.at", ">=", from);
  if (to) q = q.where("a.at", "<", nextDay(to));
  if (walled.length) {
    const ids = [...walled];
    q = q.where((eb) =>
      eb.and([
        eb.or([eb("a.proposal_id", "is", null), eb("a.proposal_id", "not in", ids)]),
        eb.not(
          eb.and([eb("a.entity_type", "=", "proposal"), eb("a.entity_id", "in", ids.map(String))]),
        ),
      ]),
    );
  }
  return q;
}

const COLUMNS = [
  "a.id as id",
  "a.at as at",
  "a.actor_id as actorId",
  "a.actor_email as actorEmail",
  "a.action as action",
  "a.entity_type as entityType",
  "a.entity_id as entityId",
  "a.call_id as callId",
  "a.proposal_id as proposalId",
  "p.reference as proposalReference",
  "a.before_json as beforeJson",
  "a.after_json as afterJson",
  "a.ip as ip",
  "a.request_id as requestId",
] as const;

export interface AuditPage {
  rows: AuditRow[];
  total: number;
  page: number;
  pageCount: number;
}

/** One page of the filtered log, newest first. */
export async function listAudit(
  db: DB,
  filter: AuditFilter,
  errors: AuditFilterErrors,
  page: number,
  pageSize = AUDIT_PAGE_SIZE,
  walled: readonly number[] = [],
): Promise<AuditPage> {
  const base = await filtered(db, filter, errors, walled);
  const { n } = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const total = Number(n);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = await base
    .select([...COLUMNS])
    .orderBy("a.id", "desc")
    .limit(pageSize)
    .offset((current - 1) * pageSize)
    .execute();
  return { rows, total, page: current, pageCount };
}

/** Every action the log holds, for the filter's list. */
export async function listAuditActions(db: DB): Promise<string[]> {
  const rows = await db
    .selectFrom("audit_log")
    .select("action")
    .distinct()
    .orderBy("action")
    .execute();
  return rows.map((r) => r.action);
}

/** The filtered log in pages, newest first, up to the newest entry present when it started. */
export async function* auditPages(
  db: DB,
  filter: AuditFilter,
  errors: AuditFilterErrors,
  pageRows = 1000,
  walled: readonly number[] = [],
): AsyncGenerator<AuditRow[]> {
  const top = await db
    .selectFrom("audit_log")
    .select(sql<number | null>`max(id)`.as("id"))
    .executeTakeFirstOrThrow();
  let below = Number(top.id ?? 0) + 1;
  for (;;) {
    const rows = await (
      await filtered(db, filter, errors, walled)
    )
      .select([...COLUMNS])
      .where("a.id", "<", below)
      .orderBy("a.id", "desc")
      .limit(pageRows)
      .execute();
    if (!rows.length) return;
    yield rows;
    below = rows[rows.length - 1]!.id;
    if (rows.length < pageRows) return;
  }
}
