// How each step's answers are labelled and shown (check answers, read-only views, staff views).
import type { MessageKey } from "~/i18n";
import type { QuestionStepId } from "./index";

export type FieldKind =
  | "text"
  | "longText"
  | "choice"
  | "multi"
  | "money"
  | "date"
  | "country"
  | "province"
  | "accept"
  | "rows"
  | "group";

export interface FieldDesc {
  name: string;
  label: MessageKey;
  kind: FieldKind;
  /** For choice/multi: option labels are `proposal.o.<name>.<value>` unless `raw`. */
  raw?: boolean;
  /** Shown only when this returns true for the step's answers. */
  when?: (data: Record<string, unknown>) => boolean;
  /** For rows and groups: the columns / sub-fields. */
  columns?: { name: string; label: MessageKey; kind?: FieldKind }[];
  /** Rows: the label of one row ("Member 1"). */
  rowLabel?: MessageKey;
  /** Suffix for a plain value (e.g. "MW", "%"). */
  unit?: string;
}

const has = (key: string, value: string) => (d: Record<string, unknown>) => {
  const v = d[key];
  return Array.isArray(v) ? v.includes(value) : v === value;
};
const not = (key: string, value: string) => (d: Record<string, unknown>) => d[key] !== value;

export const STEP_FIELDS: Record<QuestionStepId, FieldDesc[]> = {
  eligibility: [
    { name: "applicantType", label: "proposal.f.applicantType", kind: "choice" },
    {
      name: "leadMemberName",
      label: "proposal.f.leadMemberName",
      kind: "text",
      when: has("applicantType", "consortium"),
    },
    {
      name: "members",
      label: "proposal.f.members",
      kind: "rows",
      rowLabel: "proposal.f.member",
      when: has("applicantType", "consortium"),
      columns: [
        { name: "name", label: "proposal.f.members.name" },
        { name: "country", label: "proposal.f.members.country", kind: "country" },
        { name: "role", label: "proposal.f.members.role" },
      ],
    },
    {
      name: "acceptsDataResidency",
      label: "proposal.f.acceptsDataResidency",
      kind: "choice",
    },
    {
      name: "noDebarmentDeclaration",
      label: "proposal.f.noDebarmentDeclaration",
      kind: "accept",
    },
    { name: "sanctionsDeclaration", label: "proposal.f.sanctionsDeclaration", kind: "accept" },
  ],
  organisation: [
    { name: "legalNameEn", label: "proposal.f.legalNameEn", kind: "text" },
    { name: "legalNameZh", label: "proposal.f.legalNameZh", kind: "text" },
    { name: "country", label: "proposal.f.country", kind: "country" },
    { name: "uscc", label: "proposal.f.uscc", kind: "text", when: has("country", "CN") },
    {
      name: "registrationNumber",
      label: "proposal.f.registrationNumber",
      kind: "text",
      when: not("country", "CN"),
    },
    { name: "province", label: "proposal.f.province", kind: "province" },
    { name: "city", label: "proposal.f.city", kind: "text" },
    { name: "address", label: "proposal.f.address", kind: "longText" },
    { name: "website", label: "proposal.f.website", kind: "text" },
    { name: "yearFounded", label: "proposal.f.yearFounded", kind: "text" },
    { name: "employees", label: "proposal.f.employees", kind: "text" },
    { name: "annualRevenue", label: "proposal.f.annualRevenue", kind: "money" },
    { name: "parentGroup", label: "proposal.f.parentGroup", kind: "text" },
    {
      name: "references",
      label: "proposal.f.references",
      kind: "rows",
      rowLabel: "proposal.f.reference",
      columns: [
        { name: "site", label: "proposal.f.references.site" },
        { name: "itLoadMw", label: "proposal.f.references.itLoadMw" },
        { name: "tierCertificateId", label: "proposal.f.references.tierCertificateId" },
        { name: "year", label: "proposal.f.references.year" },
      ],
    },
  ],
  contact: [
    { name: "familyName", label: "proposal.f.familyName", kind: "text" },
    { name: "givenNames", label: "proposal.f.givenNames", kind: "text" },
    { name: "jobTitle", label: "proposal.f.jobTitle", kind: "text" },
    { name: "email", label: "proposal.f.email", kind: "text" },
    { name: "phone", label: "proposal.f.phone", kind: "text" },
    { name: "preferredLanguage", label: "proposal.f.preferredLanguage", kind: "choice" },
    {
      name: "localRepresentative",
      label: "proposal.f.localRepresentative",
      kind: "group",
      columns: [
        { name: "name", label: "proposal.f.localRepresentative.name" },
        { name: "organisation", label: "proposal.f.localRepresentative.organisation" },
        { name: "phone", label: "proposal.f.localRepresentative.phone" },
      ],
    },
  ],
  project: [
    { name: "title", label: "proposal.f.title", kind: "text" },
    { name: "tracks", label: "proposal.f.tracks", kind: "multi" },
    { name: "collaborationModel", label: "proposal.f.collaborationModel", kind: "choice" },
    {
      name: "collaborationOther",
      label: "proposal.f.collaborationOther",
      kind: "text",
      when: has("collaborationModel", "other"),
    },
    { name: "summary", label: "proposal.f.summary", kind: "longText" },
    { name: "site", label: "proposal.f.site", kind: "choice" },
    {
      name: "siteReference",
      label: "proposal.f.siteReference",
      kind: "text",
      when: has("site", "cdaSite"),
    },
    ...(
      [
        ["itLoadMwPhase1", "proposal.f.itLoadMwPhase1"],
        ["itLoadMwFinal", "proposal.f.itLoadMwFinal"],
        ["gridMw", "proposal.f.gridMw"],
        ["renewablePct", "proposal.f.renewablePct"],
        ["designPue", "proposal.f.designPue"],
      ] as const
    ).map(([name, label]): FieldDesc => ({
      name,
      label,
      kind: "text",
      when: has("tracks", "tier4DataCentre"),
    })),
    {
      name: "bigDataUseCases",
      label: "proposal.f.bigDataUseCases",
      kind: "rows",
      rowLabel: "proposal.f.useCase",
      when: has("tracks", "bigDataPlatform"),
      columns: [
        { name: "title", label: "proposal.f.bigDataUseCases.title" },
        { name: "beneficiary", label: "proposal.f.bigDataUseCases.beneficiary" },
        { name: "kpi", label: "proposal.f.bigDataUseCases.kpi" },
      ],
    },
  ],
  resilience: [
    { name: "tierTarget", label: "proposal.f.tierTarget", kind: "choice" },
    {
      name: "certificationPlan",
      label: "proposal.f.certificationPlan",
      kind: "group",
      columns: [
        {
          name: "designDocumentsDate",
          label: "proposal.f.certificationPlan.designDocumentsDate",
          kind: "date",
        },
        {
          name: "constructedFacilityDate",
          label: "proposal.f.certificationPlan.constructedFacilityDate",
          kind: "date",
        },
      ],
    },
    { name: "powerTopology", label: "proposal.f.powerTopology", kind: "choice" },
    {
      name: "powerTopologyOther",
      label: "proposal.f.powerTopologyOther",
      kind: "text",
      when: has("powerTopology", "other"),
    },
    { name: "onSiteFuelHours", label: "proposal.f.onSiteFuelHours", kind: "text" },
    { name: "compartmentalised", label: "proposal.f.compartmentalised", kind: "choice" },
    {
      name: "iso27001",
      label: "proposal.f.iso27001",
      kind: "group",
      columns: [
        { name: "certificateNumber", label: "proposal.f.iso27001.certificateNumber" },
        { name: "issuingBody", label: "proposal.f.iso27001.issuingBody" },
        { name: "expiryDate", label: "proposal.f.iso27001.expiryDate", kind: "date" },
      ],
    },
    { name: "iso27001Plan", label: "proposal.f.iso27001Plan", kind: "longText" },
    { name: "otherStandards", label: "proposal.f.otherStandards", kind: "multi", raw: true },
  ],
  "data-governance": [
    { name: "dataClasses", label: "proposal.f.dataClasses", kind: "multi" },
    { name: "residencyCommitment", label: "proposal.f.residencyCommitment", kind: "accept" },
    {
      name: "crossBorderDescription",
      label: "proposal.f.crossBorderDescription",
      kind: "longText",
    },
    {
      name: "acceptsIndependentAudit",
      label: "proposal.f.acceptsIndependentAudit",
      kind: "choice",
    },
  ],
  investment: [
    { name: "capex", label: "proposal.f.capex", kind: "money" },
    { name: "equityPct", label: "proposal.f.equityPct", kind: "text", unit: "%" },
    { name: "debtPct", label: "proposal.f.debtPct", kind: "text", unit: "%" },
    { name: "otherPct", label: "proposal.f.otherPct", kind: "text", unit: "%" },
    {
      name: "governmentSupportRequested",
      label: "proposal.f.governmentSupportRequested",
      kind: "multi",
    },
    {
      name: "governmentSupportNotes",
      label: "proposal.f.governmentSupportNotes",
      kind: "longText",
    },
  ],
  timeline: [
    {
      name: "milestones",
      label: "proposal.f.milestones",
      kind: "group",
      columns: [
        { name: "financialClose", label: "proposal.f.milestones.financialClose", kind: "date" },
        {
          name: "constructionStart",
          label: "proposal.f.milestones.constructionStart",
          kind: "date",
        },
        {
          name: "facilityCertified",
          label: "proposal.f.milestones.facilityCertified",
          kind: "date",
        },
        { name: "operationsStart", label: "proposal.f.milestones.operationsStart", kind: "date" },
      ],
    },
  ],
  "local-benefit": [
    { name: "jobsConstruction", label: "proposal.f.jobsConstruction", kind: "text" },
    { name: "jobsOperations", label: "proposal.f.jobsOperations", kind: "text" },
    {
      name: "localStaffPctYear5",
      label: "proposal.f.localStaffPctYear5",
      kind: "text",
      unit: "%",
    },
    { name: "traineesPerYear", label: "proposal.f.traineesPerYear", kind: "text" },
    { name: "partnerInstitutions", label: "proposal.f.partnerInstitutions", kind: "longText" },
    {
      name: "technologyTransferPlan",
      label: "proposal.f.technologyTransferPlan",
      kind: "longText",
    },
  ],
};
