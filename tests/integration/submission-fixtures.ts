// Test data for documents and submission: an open call, a draft owned by an applicant, a full set
// of valid answers, documents on disk. Everything goes through the real tables.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DocumentKind } from "~/domain/documents";
import { getDb } from "~/services/db.server";
import { getDocumentStore } from "~/services/document-store.server";
import { validAnswers } from "../support/proposal-answers";

export { validAnswers };

export const FIXTURES = path.resolve("tests/fixtures");
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

let seq = 0;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

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

/** Puts a file in the document store and records it as a document of the proposal (as an upload would). */
export async function attach(
  proposalId: number,
  userId: number,
  kind: DocumentKind | string,
  bytes: Buffer = fixture("sample.pdf"),
  name = `${kind}.pdf`,
  mime = "application/pdf",
) {
  const { key: storedName, sha256 } = await getDocumentStore().put(bytes);
  return getDb()
    .insertInto("attachments")
    .values({
      proposal_id: proposalId,
      kind,
      original_name: name,
      stored_name: storedName,
      mime_type: mime,
      size_bytes: bytes.length,
      sha256,
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
