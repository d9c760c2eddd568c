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
