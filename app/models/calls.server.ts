import { callAcceptsSubmissions } from "~/domain/call-lifecycle";
import type { Call } from "~db/schema";
import type { DB } from "~/services/db.server";
import { nowIso } from "~/services/db.server";

// ---------------------------------------------------------------------------------------------
// Public read functions: what a visitor may see of calls and their published criteria.
// ---------------------------------------------------------------------------------------------

export type PublicCallPhase = "open" | "upcoming";
export type PublicCall = Call & { phase: PublicCallPhase };

/**
 * Calls a visitor can act on or look forward to: status 'open' and not yet closed. A call whose
 * opening time is still ahead is "upcoming"; the others are "open". Soonest deadline first.
 */
export async function listPublicCalls(db: DB, now: string = nowIso()): Promise<PublicCall[]> {
  const rows = await db
    .selectFrom("calls")
    .selectAll()
    .where("status", "=", "open")
    .where("closes_at", ">", now)
    .orderBy("opens_at")
    .orderBy("closes_at")
    .orderBy("id")
    .execute();
  const withPhase = rows.map((c) => ({
    ...c,
    phase: (c.opens_at > now ? "upcoming" : "open") as PublicCallPhase,
  }));
  // Open calls first (soonest deadline first), then upcoming ones (soonest opening first).
  return [
    ...withPhase.filter((c) => c.phase === "open").sort((a, b) => cmp(a.closes_at, b.closes_at)),
    ...withPhase.filter((c) => c.phase === "upcoming"),
  ];
}

function cmp(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A call by its slug, as the public may see it: never a draft. */
export async function getCallBySlug(db: DB, slug: string): Promise<Call | undefined> {
  return db
    .selectFrom("calls")
    .selectAll()
    .where("slug", "=", slug)
    .where("status", "!=", "draft")
    .executeTakeFirst();
}

/** Whether a call accepts submissions at `now` (status open, inside its window). */
export function isCallOpen(
  call: Pick<Call, "status" | "opens_at" | "closes_at">,
  now: string = nowIso(),
) {
  return callAcceptsSubmissions(call, new Date(now)) === null;
}

export interface LevelDescriptor {
  en: string;
  zh: string;
}

export interface PublishedCriterion {
  id: number;
  key: string;
  kind: "scored" | "gate";
  position: number;
  titleEn: string;
  titleZh: string;
  descriptionEn: string;
  descriptionZh: string;
  weight: number | null;
  minLevel: number | null;
  /** Levels 0..5 (scored criteria); empty for gates. */
  descriptors: LevelDescriptor[];
  appliesToTrack: string | null;
}

export interface PublishedCriteria {
  versionId: number;
  version: number;
  publishedAt: string;
  scored: PublishedCriterion[];
  gates: PublishedCriterion[];
}

function parseDescriptors(json: string): LevelDescriptor[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.map((v) => ({
      en: typeof v?.en === "string" ? v.en : "",
      zh: typeof v?.zh === "string" ? v.zh : "",
    }));
  } catch {
    return [];
  }
}

/**
 * The latest published criteria version of a call with its criteria (scored and gates, each in
 * position order, descriptors parsed); undefined when nothing has been published yet.
 */
export async function getPublishedCriteria(
  db: DB,
  callId: number,
): Promise<PublishedCriteria | undefined> {
  const version = await db
    .selectFrom("criteria_versions")
    .select(["id", "version", "published_at"])
    .where("call_id", "=", callId)
    .where("published_at", "is not", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!version || !version.published_at) return undefined;
  const rows = await db
    .selectFrom("criteria")
    .selectAll()
    .where("criteria_version_id", "=", version.id)
    .orderBy("position")
    .orderBy("id")
    .execute();
  const all: PublishedCriterion[] = rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    position: r.position,
    titleEn: r.title_en,
    titleZh: r.title_zh,
    descriptionEn: r.description_en,
    descriptionZh: r.description_zh,
    weight: r.weight,
    minLevel: r.min_level,
    descriptors: parseDescriptors(r.descriptors_json),
    appliesToTrack: r.applies_to_track,
  }));
  return {
    versionId: version.id,
    version: version.version,
    publishedAt: version.published_at,
    scored: all.filter((c) => c.kind === "scored"),
    gates: all.filter((c) => c.kind === "gate"),
  };
}

/** The call's published tie-break order (scored criterion keys). */
export function parseTieBreak(call: Pick<Call, "tie_break_json">): string[] {
  try {
    const value: unknown = JSON.parse(call.tie_break_json);
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}
