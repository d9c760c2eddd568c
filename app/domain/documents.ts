// The documents a proposal must carry (fields.md §10): which kinds, how many of each, which
// file types. Plain rules, shared by the upload page, the server and the submission check.

export const DOCUMENT_KINDS = [
  "businessLicence",
  "companyProfile",
  "auditedFinancials",
  "technicalConcept",
  "financingEvidence",
  "other",
] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const PDF_ONLY = ["application/pdf"] as const;
export const PDF_OR_IMAGE = ["application/pdf", "image/jpeg", "image/png"] as const;

export interface DocumentRule {
  kind: DocumentKind;
  /** Files of this kind the proposal must hold (0 = optional). */
  min: number;
  max: number;
  types: readonly string[];
}

export const DATA_CENTRE_TRACK = "tier4DataCentre";

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === "string" && (DOCUMENT_KINDS as readonly string[]).includes(value);
}

/** The rules for a proposal on the given tracks (the technical concept is required for data centres). */
export function documentRules(tracks: readonly string[]): DocumentRule[] {
  const dataCentre = tracks.includes(DATA_CENTRE_TRACK);
  return [
    { kind: "businessLicence", min: 1, max: 1, types: PDF_OR_IMAGE },
    { kind: "companyProfile", min: 1, max: 1, types: PDF_ONLY },
    { kind: "auditedFinancials", min: 1, max: 3, types: PDF_ONLY },
    { kind: "technicalConcept", min: dataCentre ? 1 : 0, max: 1, types: PDF_ONLY },
    { kind: "financingEvidence", min: 1, max: 1, types: PDF_ONLY },
    { kind: "other", min: 0, max: 5, types: PDF_ONLY },
  ];
}

export function ruleFor(kind: DocumentKind, tracks: readonly string[] = []): DocumentRule {
  return documentRules(tracks).find((r) => r.kind === kind)!;
}

export type DocumentProblem = { kind: DocumentKind; problem: "missing" | "tooMany" };

/** What is missing (or in excess) for the proposal to be submitted. */
export function documentProblems(
  countsByKind: Partial<Record<string, number>>,
  tracks: readonly string[],
): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  for (const rule of documentRules(tracks)) {
    const count = countsByKind[rule.kind] ?? 0;
    if (count < rule.min) problems.push({ kind: rule.kind, problem: "missing" });
    else if (count > rule.max) problems.push({ kind: rule.kind, problem: "tooMany" });
  }
  return problems;
}

/** The documents section's task-list status: nothing yet, some, or every required kind present. */
export function documentsTaskStatus(
  countsByKind: Partial<Record<string, number>>,
  tracks: readonly string[],
): "notStarted" | "inProgress" | "completed" {
  const total = Object.values(countsByKind).reduce<number>((a, b) => a + (b ?? 0), 0);
  if (total === 0) return "notStarted";
  return documentProblems(countsByKind, tracks).length ? "inProgress" : "completed";
}

/** Bytes a proposal may store (fields.md §10: 100 MB per proposal). */
export const MAX_PROPOSAL_BYTES = 100 * 1024 * 1024;

/** What a proposal and its company already store, read inside the transaction that adds files. */
export interface StorageState {
  /** Current files per kind (documents; a clarification answer's files are under their own kind). */
  countsByKind: Partial<Record<string, number>>;
  /** Bytes of the kinds that hold one file, which a new upload of that kind replaces. */
  replaceableBytesByKind: Partial<Record<string, number>>;
  proposalBytes: number;
  organisationBytes: number;
}

export interface StorageLimits {
  /** How many files of a kind the proposal may hold; 1 means a new one replaces the old. */
  maxFiles(kind: string): number;
  maxProposalBytes: number;
  maxOrganisationBytes: number;
}

export type StorageProblem = "tooMany" | "quota" | "organisationQuota";

/**
 * Which of the new files fit, taken in order: each is counted against its kind's maximum, the
 * proposal's bytes and the company's bytes as they stand after the files admitted before it.
 * Run inside the transaction that records them, so that parallel requests cannot all pass a
 * check made before any of them wrote (issue 12, item 3).
 */
export function admitFiles<F extends { kind: string; sizeBytes: number }>(
  state: StorageState,
  files: readonly F[],
  limits: StorageLimits,
): { accepted: F[]; refused: { file: F; problem: StorageProblem }[] } {
  const counts = { ...state.countsByKind };
  const replaceable = { ...state.replaceableBytesByKind };
  let proposalBytes = state.proposalBytes;
  let organisationBytes = state.organisationBytes;
  const accepted: F[] = [];
  const refused: { file: F; problem: StorageProblem }[] = [];
  for (const file of files) {
    const max = limits.maxFiles(file.kind);
    const replaces = max === 1;
    const freed = replaces ? (replaceable[file.kind] ?? 0) : 0;
    let problem: StorageProblem | null = null;
    if (!replaces && (counts[file.kind] ?? 0) >= max) problem = "tooMany";
    else if (proposalBytes - freed + file.sizeBytes > limits.maxProposalBytes) problem = "quota";
    else if (organisationBytes - freed + file.sizeBytes > limits.maxOrganisationBytes)
      problem = "organisationQuota";
    if (problem) {
      refused.push({ file, problem });
      continue;
    }
    accepted.push(file);
    proposalBytes += file.sizeBytes - freed;
    organisationBytes += file.sizeBytes - freed;
    if (replaces) replaceable[file.kind] = file.sizeBytes;
    else counts[file.kind] = (counts[file.kind] ?? 0) + 1;
  }
  return { accepted, refused };
}
