// GET /board/:slug/export.csv — the ranking board as CSV with the board's current filters and
// order (the query string of the board is the query string of the export). Officials and admins.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseBoardQuery } from "~/domain/board-query";
import { getBoardCall } from "~/models/board.server";
import { parseExportLimit } from "~/models/exports/board-data.server";
import { exportBoard } from "~/models/exports/board-export.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const call = await getBoardCall(getDb(), params.slug ?? "");
  if (!call) throw new Response("Not Found", { status: 404 });
  return exportBoard("csv", {
    call,
    user,
    query: parseBoardQuery(new URL(request.url).searchParams),
    // ?limit=N exports the first N rows in board order (e.g. the top 100 for the PDF report).
    limit: parseExportLimit(new URL(request.url).searchParams),
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
    signal: request.signal,
  });
}
