// Pakistan Standard Time is UTC+5 all year (Asia/Karachi has observed no daylight saving since
// 2009), so a wall-clock time entered by an official converts to UTC by a fixed offset.

export const PKT_OFFSET_MINUTES = 5 * 60;

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A datetime-local value ("2027-03-31T17:00", seconds optional) read as Pakistan time → the UTC
 * ISO string stored in the database ("2027-03-31T12:00:00.000Z"); null when it is not a real
 * date and time (31 February, 24:00, a malformed string).
 */
export function pktLocalToUtcIso(local: string): string | null {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((p) => Number(p ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // Date.UTC rolls 31 February over into March: a rolled-over date is not a real date.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  )
    return null;
  return new Date(wall - PKT_OFFSET_MINUTES * 60_000).toISOString();
}

/** A UTC instant → the datetime-local value ("2027-03-31T17:00") showing it in Pakistan time. */
export function utcIsoToPktLocal(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  return new Date(ms + PKT_OFFSET_MINUTES * 60_000).toISOString().slice(0, 16);
}
