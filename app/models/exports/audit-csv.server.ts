// GET /admin/audit.csv: the filtered audit log as CSV (the same CSV rules as the board's export:
// BOM, RFC 4180, formula cells neutralised), newest first, streamed in pages; the download is
// itself audited ("export.audit_csv": who, the filter, how many rows, the SHA-256 of the bytes).
import { writeAudit } from "~/models/audit.server";
import {
  auditPages,
  auditSearch,
  type AuditFilter,
  type AuditFilterErrors,
  type AuditRow,
} from "~/models/audit-query.server";
import { getDb } from "~/services/db.server";
import type { SessionUser } from "~/services/session.server";
import { contentDisposition } from "~/services/uploads.server";
import { num, text, writeCsv, type CsvCell } from "~/services/exports/csv.server";
import { exportHeaders, streamExport } from "~/services/exports/stream.server";

export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "actor_id",
  "actor_email",
  "action",
  "entity_type",
  "entity_id",
  "call_id",
  "proposal_id",
  "proposal_reference",
  "before_json",
  "after_json",
  "ip",
  "request_id",
] as const;

function record(r: AuditRow): CsvCell[] {
  return [
    num(r.id),
    text(r.at),
    num(r.actorId),
    text(r.actorEmail),
    text(r.action),
    text(r.entityType),
    text(r.entityId),
    num(r.callId),
    num(r.proposalId),
    text(r.proposalReference),
    text(r.beforeJson),
    text(r.afterJson),
    text(r.ip),
    text(r.requestId),
  ];
}

async function* records(pages: AsyncIterable<AuditRow[]>): AsyncGenerator<CsvCell[][]> {
  for await (const page of pages) yield page.map(record);
}

export function exportAuditCsv(input: {
  user: SessionUser;
  filter: AuditFilter;
  errors: AuditFilterErrors;
  /** Proposals the reader is walled off from (the access policy): their entries are left out. */
  walled?: readonly number[];
  requestId?: string | null;
  ip?: string | null;
  signal?: AbortSignal;
}): Response {
  const db = getDb();
  const exportedAt = new Date().toISOString();
  const fileName = `audit-log-${exportedAt.slice(0, 16).replace(/[-:]/g, "")}Z.csv`;
  const applied = Object.fromEntries(
    Object.entries(input.filter).filter(
      ([k, v]) => v && !input.errors[k as keyof AuditFilterErrors],
    ),
  );
  let rows = 0;
  const audit = (after: Record<string, unknown>) =>
    writeAudit(db, {
      actorId: input.user.id,
      actorEmail: input.user.email,
      action: "export.audit_csv",
      entityType: "audit_log",
      after: { filter: auditSearch(input.filter), applied, fileName, exportedAt, ...after },
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });
  const { body } = streamExport({
    signal: input.signal,
    produce: async (sink) => {
      rows = await writeCsv(
        sink,
        AUDIT_CSV_COLUMNS,
        records(auditPages(db, input.filter, input.errors, 1000, input.walled ?? [])),
      );
    },
    onComplete: ({ sha256, bytes }) => audit({ completed: true, rows, sha256, bytes }),
    onFailure: (reason, { bytes }) =>
      audit({
        completed: false,
        rows,
        bytes,
        error: reason instanceof Error ? reason.message : String(reason),
      }),
  });
  return new Response(body, {
    status: 200,
    headers: exportHeaders("text/csv; charset=utf-8", contentDisposition(fileName)),
  });
}
