// GET /admin/audit.csv — the audit log with the viewer's filters, as CSV (officials and admins).
// The download is itself written to the audit log when it finishes.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAuditScope } from "~/models/access.server";
import { parseAuditFilter } from "~/models/audit-query.server";
import { exportAuditCsv } from "~/models/exports/audit-csv.server";
import { getDb } from "~/services/db.server";
import { OFFICIAL_ROLES, requireRole } from "~/services/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, OFFICIAL_ROLES, db);
  const { filter, errors } = parseAuditFilter(new URL(request.url).searchParams);
  const walled = await requireAuditScope(db, user);
  return exportAuditCsv({
    user,
    filter,
    errors,
    walled,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
    signal: request.signal,
  });
}
