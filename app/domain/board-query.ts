// The ranking board's state as it lives in the URL (filters, sort, page, score in use), and the
// fixed vocabularies of its filters. Pure: used by the loader and by the page that renders links.
import type { ProposalStatus } from "~db/schema";
import { RANKED_STATUSES } from "./proposal-lifecycle";
import type { ScoreMode } from "./scoring";

/** The ranked statuses are the lifecycle's (re-exported for the board's callers). */
export { RANKED_STATUSES };

export const DECISION_OUTCOMES = ["shortlisted", "reserve", "rejected"] as const;
export const MAX_DECISION_REASON = 2000;
export const MAX_MODERATION_NOTE = 2000;

export const PAGE_SIZE = 50;

export const SORT_COLUMNS = [
  "rank",
  "reference",
  "company",
  "title",
  "sector",
  "investment",
  "reviews",
  "score",
  "calibrated",
  "gates",
  "flags",
  "decision",
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export type SortDir = "asc" | "desc";

export const TRACKS = ["tier4DataCentre", "bigDataPlatform"] as const;
export const DECISION_FILTERS = ["shortlisted", "reserve", "rejected", "none"] as const;

export interface BoardQuery {
  score: ScoreMode;
  sort: SortColumn;
  dir: SortDir;
  page: number;
  track: (typeof TRACKS)[number] | null;
  status: ProposalStatus | null;
  decision: (typeof DECISION_FILTERS)[number] | null;
  qualifies: boolean | null;
  flagged: boolean | null;
}

/** The direction a column sorts in when first chosen: best first for scores, A–Z for text. */
export function defaultDir(column: SortColumn): SortDir {
  return ["score", "calibrated", "investment", "reviews", "flags"].includes(column)
    ? "desc"
    : "asc";
}

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

function yesNo(value: string | null): boolean | null {
  return value === "yes" ? true : value === "no" ? false : null;
}

/** The board's state from its URL; anything unknown falls back to the default. */
export function parseBoardQuery(params: URLSearchParams): BoardQuery {
  const sort = pick(params.get("sort"), SORT_COLUMNS) ?? "rank";
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    score: params.get("score") === "calibrated" ? "calibrated" : "raw",
    sort,
    dir: pick(params.get("dir"), ["asc", "desc"] as const) ?? defaultDir(sort),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    track: pick(params.get("track"), TRACKS),
    status: pick(params.get("status"), RANKED_STATUSES),
    decision: pick(params.get("decision"), DECISION_FILTERS),
    qualifies: yesNo(params.get("qualifies")),
    flagged: yesNo(params.get("flagged")),
  };
}

/** The query string for a board state (defaults left out), for links and the GET form. */
export function boardSearch(q: BoardQuery, change: Partial<BoardQuery> = {}): string {
  const s = { ...q, ...change };
  const out = new URLSearchParams();
  if (s.score !== "raw") out.set("score", s.score);
  if (s.track) out.set("track", s.track);
  if (s.status) out.set("status", s.status);
  if (s.decision) out.set("decision", s.decision);
  if (s.qualifies !== null) out.set("qualifies", s.qualifies ? "yes" : "no");
  if (s.flagged !== null) out.set("flagged", s.flagged ? "yes" : "no");
  if (s.sort !== "rank") out.set("sort", s.sort);
  if (s.dir !== defaultDir(s.sort)) out.set("dir", s.dir);
  if (s.page > 1) out.set("page", String(s.page));
  const text = out.toString();
  return text ? `?${text}` : "";
}
