// The audit viewer's filter as it lives in the URL: parsed and written back. Pure, so that the
// page component can build its links with it (the queries are in models/audit-query.server.ts).
import { PKT_OFFSET_MINUTES } from "~/domain/pakistan-time";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  actor: string;
  action: string;
  proposal: string;
  from: string;
  to: string;
}

export type AuditFilterErrors = Partial<Record<keyof AuditFilter, string>>;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC instant at which a Pakistan calendar day starts; null when not a real date. */
export function pktDayStartUtc(day: string): string | null {
  const m = DAY_RE.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return null;
  return new Date(ms - PKT_OFFSET_MINUTES * 60_000).toISOString();
}

export function nextDay(iso: string): string {
  return new Date(Date.parse(iso) + 24 * 60 * 60 * 1000).toISOString();
}

/** The filter from the URL, with a message for each value that cannot be used. */
export function parseAuditFilter(params: URLSearchParams): {
  filter: AuditFilter;
  errors: AuditFilterErrors;
} {
  const get = (k: string) => (params.get(k) ?? "").trim().slice(0, 200);
  const filter: AuditFilter = {
    actor: get("actor"),
    action: get("action"),
    proposal: get("proposal"),
    from: get("from"),
    to: get("to"),
  };
  const errors: AuditFilterErrors = {};
  if (filter.action && !/^[a-z0-9_.*-]+$/i.test(filter.action))
    errors.action = "Choose an action from the list";
  if (filter.proposal && !/^(\d+|CDA-\d{4}-\d{4,})$/i.test(filter.proposal))
    errors.proposal = "Enter a reference like CDA-2026-0042 or a proposal number";
  if (filter.from && !pktDayStartUtc(filter.from))
    errors.from = "Enter a real date for ‘from’, like 2026-11-28";
  if (filter.to && !pktDayStartUtc(filter.to))
    errors.to = "Enter a real date for ‘to’, like 2026-11-28";
  if (!errors.from && !errors.to && filter.from && filter.to && filter.from > filter.to)
    errors.to = "‘To’ must be the same as or after ‘from’";
  return { filter, errors };
}

/** The query string for a filter (empty values left out), for links and the CSV download. */
export function auditSearch(filter: AuditFilter, page = 1): string {
  const out = new URLSearchParams();
  for (const k of ["actor", "action", "proposal", "from", "to"] as const)
    if (filter[k]) out.set(k, filter[k]);
  if (page > 1) out.set("page", String(page));
  const text = out.toString();
  return text ? `?${text}` : "";
}
