// Test data for documents and submission: an open call, a draft owned by an applicant, a full set
// of valid answers, documents on disk. Everything goes through the real tables.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DocumentKind } from "~/domain/documents";
import { getDb } from "~/services/db.server";
import { uploadDir } from "~/services/uploads.server";

export const FIXTURES = path.resolve("tests/fixtures");
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

let seq = 0;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const dateInDays = (days: number) => inDays(days).slice(0, 10);

export async function createCall(
  overrides: Partial<{
    opensAt: string;
    closesAt: string;
    status: "open" | "closed" | "draft";
  }> = {},
) {
  seq += 1;
  const db = getDb();
  const call = await db
    .insertInto("calls")
    .values({
      slug: `test-call-${seq}-${crypto.randomUUID().slice(0, 8)}`,
      title_en: "Islamabad Tier IV Data Centre and Big Data Collaboration 2026",
      title_zh: "伊斯兰堡 Tier IV 数据中心与大数据合作 2026",
      status: overrides.status ?? "open",
      opens_at: overrides.opensAt ?? inDays(-10),
      closes_at: overrides.closesAt ?? inDays(30),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto("criteria_versions")
    .values({ call_id: call.id, version: 1, published_at: inDays(-11) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ...call, criteriaVersionId: version.id };
}

/** Valid answers for every step of a big-data proposal (no resilience step, no technical concept). */
export function validAnswers(
  overrides: { tracks?: string[]; companyZh?: string; companyEn?: string } = {},
) {
  const tracks = overrides.tracks ?? ["bigDataPlatform"];
  const project: Record<string, unknown> = {
    title: "Islamabad City Data Platform",
    tracks,
    collaborationModel: "jointVenture",
    summary:
      "A city-scale big data platform for Islamabad, built and operated with the CDA, hosting open and restricted data sets with Pakistani data residency and local staff trained from year one.",
    site: "toBeDecided",
    bigDataUseCases: [{ title: "Traffic", beneficiary: "CDA", kpi: "Travel time down 10%" }],
  };
  const answers: Record<string, Record<string, unknown>> = {
    eligibility: {
      applicantType: "company",
      acceptsDataResidency: "yes",
      noDebarmentDeclaration: "yes",
      sanctionsDeclaration: "yes",
    },
    organisation: {
      legalNameEn: overrides.companyEn ?? "Guizhou Cloud Data Technology Co., Ltd.",
      legalNameZh: overrides.companyZh ?? "贵州云数据科技有限公司",
      country: "CN",
      uscc: "91110000600037341L",
      province: "Guizhou",
      city: "Guiyang",
      address: "1 Data Avenue, Guian New Area",
      yearFounded: "2012",
      employees: "850",
      annualRevenue: { amount: "125000000", currency: "CNY" },
      references: [],
    },
    contact: {
      familyName: "Wang",
      givenNames: "Li",
      jobTitle: "Director",
      email: "wang.li@example.cn",
      phone: "+8613800138000",
      preferredLanguage: "zh-Hans",
    },
    project,
    "data-governance": {
      dataClasses: ["open", "restricted"],
      residencyCommitment: "yes",
      acceptsIndependentAudit: "yes",
    },
    investment: {
      capex: { amount: "250000000", currency: "USD" },
      equityPct: "40",
      debtPct: "50",
      otherPct: "10",
      governmentSupportRequested: ["land"],
    },
    timeline: {
      milestones: {
        financialClose: dateInDays(60),
        constructionStart: dateInDays(120),
        facilityCertified: dateInDays(400),
        operationsStart: dateInDays(500),
      },
    },
    "local-benefit": {
      jobsConstruction: "400",
      jobsOperations: "120",
      localStaffPctYear5: "80",
      traineesPerYear: "50",
      technologyTransferPlan:
        "Training programme with local universities, a joint operations centre and yearly exchanges.",
    },
  };
  if (tracks.includes("tier4DataCentre")) {
    Object.assign(project, {
      itLoadMwPhase1: "10",
      itLoadMwFinal: "40",
      gridMw: "60",
      renewablePct: "30",
      designPue: "1.3",
    });
    answers.resilience = {
      tierTarget: "tierIV",
      certificationPlan: {
        designDocumentsDate: dateInDays(90),
        constructedFacilityDate: dateInDays(400),
      },
      powerTopology: "2N",
      onSiteFuelHours: "72",
      compartmentalised: "yes",
      iso27001Plan: "Certification planned before operations start.",
      otherStandards: [],
    };
  }
  return answers;
}

export async function createDraft(
  ownerId: number,
  callId: number,
  answers: Record<string, Record<string, unknown>> | null = validAnswers(),
) {
  const db = getDb();
  const proposal = await db
    .insertInto("proposals")
    .values({ call_id: callId, owner_id: ownerId })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (answers) {
    for (const [step, data] of Object.entries(answers)) {
      await db
        .insertInto("proposal_answers")
        .values({ proposal_id: proposal.id, step, data_json: JSON.stringify(data), complete: 1 })
        .execute();
    }
  }
  return proposal;
}

/** Puts a file in UPLOAD_DIR and records it as a document of the proposal (as an upload would). */
export async function attach(
  proposalId: number,
  userId: number,
  kind: DocumentKind | string,
  bytes: Buffer = fixture("sample.pdf"),
  name = `${kind}.pdf`,
  mime = "application/pdf",
) {
  const dir = uploadDir();
  fs.mkdirSync(dir, { recursive: true });
  const storedName = crypto.randomUUID();
  fs.writeFileSync(path.join(dir, storedName), bytes);
  return getDb()
    .insertInto("attachments")
    .values({
      proposal_id: proposalId,
      kind,
      original_name: name,
      stored_name: storedName,
      mime_type: mime,
      size_bytes: bytes.length,
      sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
      uploaded_by: userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function attachRequiredDocuments(proposalId: number, userId: number) {
  for (const kind of [
    "businessLicence",
    "companyProfile",
    "auditedFinancials",
    "financingEvidence",
  ] as const) {
    await attach(proposalId, userId, kind);
  }
}

/** A complete draft ready to submit: valid answers and the required documents. */
export async function readyDraft(ownerId: number, callId: number, answers = validAnswers()) {
  const proposal = await createDraft(ownerId, callId, answers);
  await attachRequiredDocuments(proposal.id, ownerId);
  return proposal;
}

export const DECLARATION = {
  signatoryName: "Wang Li 王力",
  signatoryTitle: "Director",
  confirm: "yes",
};

export const newKey = () => crypto.randomBytes(18).toString("base64url");
