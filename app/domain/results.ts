// What the public may read of a decided call (issue 17): the results as published, built once
// when the decisions are published and kept unchanged (result_publications). Plain TypeScript: no
// Remix, no database. Nothing confidential goes in: no commercial figures, no reviewer, no reason,
// no rationale, and the companies whose proposals were rejected only when the call's settings say
// their names may be published.
import type { CallStatus, DecisionOutcome } from "~db/schema";
import { formatScore } from "./scoring";

/** Bumped when the stored shape changes, so that old publications can still be read. */
export const RESULTS_FORMAT = 1;

export interface PublishedCriterion {
  key: string;
  titleEn: string;
  titleZh: string;
  /** Scored criteria: whole percent; gates: null. */
  weight: number | null;
  minLevel: number | null;
  /** Gates: the track a gate applies to (null: every proposal). */
  appliesToTrack: string | null;
}

export interface ResultEntry {
  reference: string;
  outcome: DecisionOutcome;
  /** The company's names as typed in the proposal (snapshot at submission). */
  companyEn: string;
  companyZh: string | null;
  /** Stable within the call: the same company is one party of the call's OCDS data. */
  partyKey: string;
  title: string;
  tracks: string[];
  /** The score to 2 decimals ("72.35"), null without counting reviews. */
  score: string | null;
  /** Position in the whole call by the score (the published rules' ranking), null when unranked. */
  rank: number | null;
}

export interface PublishedResults {
  format: typeof RESULTS_FORMAT;
  publishedAt: string;
  call: {
    slug: string;
    titleEn: string;
    titleZh: string;
    descriptionEn: string;
    descriptionZh: string;
    opensAt: string;
    closesAt: string;
    decidedAt: string;
    contactEmail: string;
  };
  rules: {
    minReviews: number;
    qualifyingScore: number;
    disagreementSpread: number;
    disagreementSd: number;
    calibrationMinReviews: number;
    /** Scored criterion keys in the published tie-break order. */
    tieBreak: string[];
  };
  criteria: {
    version: number;
    publishedAt: string;
    scored: PublishedCriterion[];
    gates: PublishedCriterion[];
  } | null;
  counts: {
    /** Every proposal submitted (given a reference), withdrawn ones included. */
    received: number;
    /** Proposals decided (shortlisted + reserve + rejected): those that competed to the end. */
    decided: number;
    shortlisted: number;
    reserve: number;
    rejected: number;
    withdrawn: number;
  };
  rejectedNamesPublished: boolean;
  /** Shortlisted, then reserve, then (when published) rejected; each by rank, then reference. */
  entries: ResultEntry[];
}

/** One proposal of the call as the publication reads it (before anything is left out). */
export interface ProposalOutcome {
  reference: string | null;
  status: string;
  outcome: DecisionOutcome | null;
  organisationId: number | null;
  companyEn: string | null;
  companyZh: string | null;
  title: string | null;
  tracks: string | null;
  score: number | null;
  rank: number | null;
}

const OUTCOME_ORDER: Record<DecisionOutcome, number> = { shortlisted: 0, reserve: 1, rejected: 2 };

export function partyKeyOf(p: Pick<ProposalOutcome, "organisationId" | "reference">): string {
  return p.organisationId !== null ? `org-${p.organisationId}` : `proposal-${p.reference}`;
}

/** The entries and counts the public may read, from every proposal of the call. */
export function publicEntries(
  proposals: readonly ProposalOutcome[],
  publishRejectedNames: boolean,
): { entries: ResultEntry[]; counts: PublishedResults["counts"] } {
  const submitted = proposals.filter((p) => p.reference !== null);
  const decided = submitted.filter(
    (p): p is ProposalOutcome & { outcome: DecisionOutcome; reference: string } =>
      p.outcome !== null && p.status === p.outcome,
  );
  const count = (o: DecisionOutcome) => decided.filter((p) => p.outcome === o).length;
  const shown = decided.filter((p) => p.outcome !== "rejected" || publishRejectedNames);
  const entries = shown
    .map((p): ResultEntry => ({
      reference: p.reference,
      outcome: p.outcome,
      companyEn: p.companyEn ?? "",
      companyZh: p.companyZh || null,
      partyKey: partyKeyOf(p),
      title: p.title ?? "",
      tracks: (p.tracks ?? "").split(",").filter(Boolean),
      score: p.score === null ? null : formatScore(p.score),
      rank: p.rank,
    }))
    .sort(
      (a, b) =>
        OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] ||
        (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
        (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0),
    );
  return {
    entries,
    counts: {
      received: submitted.length,
      decided: decided.length,
      shortlisted: count("shortlisted"),
      reserve: count("reserve"),
      rejected: count("rejected"),
      withdrawn: submitted.filter((p) => p.status === "withdrawn").length,
    },
  };
}

/**
 * Whether the call's results settings (may rejected companies be named) may change now: until its
 * decisions are published. A reopened call (back in review) may change them before it is decided
 * again; what was published stays published.
 */
export function resultsSettingsEditable(status: CallStatus): boolean {
  return status !== "decided" && status !== "archived";
}

/** Whether the latest publication is the call's current outcome (not reopened since). */
export function resultsCurrent(status: CallStatus): boolean {
  return status === "decided" || status === "archived";
}
