// One entry point for the three board exports: checks nothing about the user (the route does),
// has the file made (in a process of its own in production: runBoardExport there, through
// services/exports/job-process.server.ts; here with EXPORT_PROCESS=inline), streams it, and writes
// the audit row ("export.csv" | "export.xlsx" | "export.pdf": who, the filter, how many rows, the
// SHA-256 of the bytes sent) when the last byte has been produced — before the body ends.
// A stream that fails or that the client abandons is audited too, with completed: false.
import type { Call } from "~db/schema";
import type { BoardQuery } from "~/domain/board-query";
import { writeAudit } from "~/models/audit.server";
import { contentDisposition } from "~/services/uploads.server";
import { getDb } from "~/services/db.server";
import type { SessionUser } from "~/services/session.server";
import { exportSearch, loadExportContext, type ExportContext } from "./board-data.server";
import { writeBoardCsv } from "./board-csv.server";
import { exportTitle, writeBoardPdf } from "./pdf-report.server";
import { getEnv } from "~/services/env.server";
import { startJobProcess, type ExportRun } from "~/services/exports/job-process.server";
import { openReadSnapshot } from "~/services/exports/snapshot.server";
import { exportHeaders, streamExport } from "~/services/exports/stream.server";
import { writeBoardXlsx } from "./xlsx.server";

export type BoardExportKind = "csv" | "xlsx" | "pdf";

const CONTENT_TYPES: Record<BoardExportKind, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

/**
 * "<what>-<slug>-<filter words>-20261128T0712Z.csv" — readable, safe, sortable. <what> says what
 * was exported, as the PDF's title does: "shortlist" only when the filter is the shortlist
 * (decision=shortlisted), otherwise "ranking".
 */
export function exportFileName(
  call: Pick<Call, "slug">,
  query: BoardQuery,
  kind: BoardExportKind,
  at: string,
  limit: number | null = null,
): string {
  const parts = [query.score === "calibrated" ? "calibrated" : null];
  if (limit !== null) parts.push(`top${limit}`);
  if (query.decision) parts.push(query.decision === "none" ? "undecided" : query.decision);
  if (query.qualifies !== null) parts.push(query.qualifies ? "qualifying" : "not-qualifying");
  if (query.flagged !== null) parts.push(query.flagged ? "flagged" : "unflagged");
  if (query.status) parts.push(query.status);
  if (query.track) parts.push(query.track);
  const stamp = `${at.slice(0, 16).replace(/[-:]/g, "")}Z`;
  const what = exportTitle(query).toLowerCase();
  const name = [what, call.slug, ...parts.filter(Boolean), stamp].join("-");
  return `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.${kind}`;
}

/** One board export, as it is handed to the process that makes it (plain data only). */
export interface BoardExportJob {
  kind: BoardExportKind;
  call: Call;
  user: SessionUser;
  query: BoardQuery;
  limit: number | null;
  exportedAt: string;
}

/** What a finished export reports for its audit row. */
export interface BoardExportResult {
  rows: number;
  extra: Record<string, unknown>;
}

/**
 * Makes one export in this process: opens a read snapshot and reads what the file needs (ready
 * when this resolves), then writes the file when asked. Run by the export's own process
 * (app/jobs/export-job.server.ts), or here when EXPORT_PROCESS is "inline".
 */
export async function runBoardExport(job: BoardExportJob): Promise<ExportRun<BoardExportResult>> {
  const snapshot = await openReadSnapshot();
  let ctx: ExportContext;
  try {
    ctx = await loadExportContext(snapshot.db, job.call, job.user.id, job.query, job.limit);
  } catch (error) {
    await snapshot.close();
    throw error;
  }
  const context = ctx;
  return {
    ready: Promise.resolve(),
    stop: () => void snapshot.close().catch(() => undefined),
    async writeTo(sink) {
      const result: BoardExportResult = { rows: 0, extra: {} };
      try {
        if (job.kind === "csv") {
          result.rows = await writeBoardCsv(sink, snapshot.db, context, job.user.id);
        } else if (job.kind === "xlsx") {
          const x = await writeBoardXlsx(sink, snapshot.db, context, job.user, job.exportedAt);
          result.rows = x.rows;
          result.extra = { rawScoreRows: x.rawScoreRows, moderationRows: x.moderationRows };
        } else {
          const p = await writeBoardPdf(sink, snapshot.db, context, job.user, job.exportedAt);
          result.rows = p.rows;
          result.extra = { contentSha256: p.contentSha256 };
        }
      } finally {
        await snapshot.close();
      }
      if (!sink.writableEnded) sink.end();
      return result;
    },
  };
}

export async function exportBoard(
  kind: BoardExportKind,
  input: {
    call: Call;
    user: SessionUser;
    query: BoardQuery;
    requestId?: string | null;
    ip?: string | null;
    signal?: AbortSignal;
    /** The first N rows of the board's order only (parseExportLimit of `?limit=`); null: all. */
    limit?: number | null;
  },
): Promise<Response> {
  const limit = input.limit ?? null;
  const { call, user } = input;
  const main = getDb();
  const exportedAt = new Date().toISOString();
  const job: BoardExportJob = {
    kind,
    call,
    // Only the fields a session user has: the job crosses a process boundary as plain data.
    user: {
      id: user.id,
      email: user.email,
      role: user.role,
      display_name: user.display_name,
      locale: user.locale,
      organisation_id: user.organisation_id,
    },
    query: input.query,
    limit,
    exportedAt,
  };
  const where =
    getEnv().EXPORT_PROCESS ?? (process.env.NODE_ENV === "production" ? "child" : "inline");
  const run =
    where === "child" ? await startJobProcess<BoardExportResult>(job) : await runBoardExport(job);
  try {
    await run.ready;
  } catch (error) {
    run.stop();
    throw error;
  }
  const fileName = exportFileName(call, input.query, kind, exportedAt, limit);
  let result: BoardExportResult = { rows: 0, extra: {} };
  const audit = (after: Record<string, unknown>) =>
    writeAudit(main, {
      actorId: user.id,
      actorEmail: user.email,
      action: `export.${kind}`,
      entityType: "call",
      entityId: call.id,
      callId: call.id,
      after: {
        format: kind,
        filter: exportSearch(input.query),
        query: { ...input.query, page: undefined },
        limit,
        fileName,
        exportedAt,
        ...after,
      },
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });

  const { body } = streamExport({
    signal: input.signal,
    produce: async (sink) => {
      result = await run.writeTo(sink);
    },
    onComplete: ({ sha256, bytes }) =>
      audit({ completed: true, rows: result.rows, sha256, bytes, ...result.extra }),
    onFailure: async (reason, { bytes }) => {
      run.stop();
      await audit({
        completed: false,
        rows: result.rows,
        bytes,
        error: reason instanceof Error ? reason.message : String(reason),
      });
    },
  });
  return new Response(body, {
    status: 200,
    headers: exportHeaders(CONTENT_TYPES[kind], contentDisposition(fileName)),
  });
}
