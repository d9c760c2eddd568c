// GET /admin/audit.csv — the audit log with the viewer's filters, as CSV (officials and admins).
// The download is itself written to the audit log when it finishes.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseAuditFilter } from "~/models/audit-query.server";
import { exportAuditCsv } from "~/models/exports/audit-csv.server";
import { OFFICIAL_ROLES, requireRole } from "~/services/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const { filter, errors } = parseAuditFilter(new URL(request.url).searchParams);
  return exportAuditCsv({
    user,
    filter,
    errors,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
    signal: request.signal,
  });
}
