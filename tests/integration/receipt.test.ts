// The receipt: confirmation page, printable page and PDF, only for the owner, with the Chinese
// company name really rendered in the PDF (checked with pdftotext).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { action as checkAction } from "~/routes/proposals.$id.check";
import { loader as confirmationLoader } from "~/routes/proposals.$id.confirmation";
import { loader as receiptLoader } from "~/routes/proposals.$id.receipt";
import { loader as receiptPdfLoader } from "~/routes/proposals.$id.receipt[.pdf]";
import { getDb } from "~/services/db.server";
import { signedIn } from "../support/factories";
import { callAction, callLoader, BASE, testContext } from "../support/remix";
import { createCall, createDraft, DECLARATION, newKey, readyDraft } from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;
let applicant: Who;
let proposalId: number;
let reference: string;

beforeAll(async () => {
  applicant = await signedIn("applicant");
  const call = await createCall();
  const p = await readyDraft(applicant.user.id, call.id);
  proposalId = p.id;
  const res = await callAction(
    checkAction,
    `/proposals/${p.id}/check`,
    { ...DECLARATION, submissionKey: newKey() },
    { cookie: applicant.cookie, params: { id: String(p.id) } },
  );
  expect(res.status).toBe(303);
  const row = await getDb()
    .selectFrom("proposals")
    .select("reference")
    .where("id", "=", p.id)
    .executeTakeFirstOrThrow();
  reference = row.reference!;
});

async function pdfFor(cookie: string, lang?: string): Promise<{ res: Response; text: string }> {
  const headers = new Headers({ Cookie: lang ? `${cookie}; lang=${lang}` : cookie });
  const request = new Request(`${BASE}/proposals/${proposalId}/receipt.pdf`, { headers });
  const res = (await receiptPdfLoader({
    request,
    params: { id: String(proposalId) },
    context: testContext,
  })) as Response;
  const bytes = Buffer.from(await res.arrayBuffer());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "receipt-"));
  const file = path.join(dir, "receipt.pdf");
  fs.writeFileSync(file, bytes);
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  return { res, text };
}

describe("receipt", () => {
  it("confirms the submission with the reference and the call's contact", async () => {
    const res = await callLoader(confirmationLoader, `/proposals/${proposalId}/confirmation`, {
      cookie: applicant.cookie,
      params: { id: String(proposalId) },
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ reference, email: applicant.user.email });
    expect(res.data.contact).toMatch(/@/);
  });

  it("shows the receipt with both company names and each document's SHA-256", async () => {
    const res = await callLoader(receiptLoader, `/proposals/${proposalId}/receipt`, {
      cookie: applicant.cookie,
      params: { id: String(proposalId) },
    });
    const r = res.data.receipt;
    expect(r).toMatchObject({
      reference,
      companyEn: "Guizhou Cloud Data Technology Co., Ltd.",
      companyZh: "贵州云数据科技有限公司",
      signatoryName: "Wang Li 王力",
    });
    expect(r.documents).toHaveLength(4);
    expect(r.documents.every((d: { sha256: string }) => /^[0-9a-f]{64}$/.test(d.sha256))).toBe(
      true,
    );
  });

  it("renders the PDF with the Chinese company name, the reference and the document hashes", async () => {
    const { res, text } = await pdfFor(applicant.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toContain(`receipt-${reference}.pdf`);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(text).toContain("贵州云数据科技有限公司");
    expect(text).toContain("Guizhou Cloud Data Technology Co., Ltd.");
    expect(text).toContain(reference);
    expect(text).toContain("Pakistan time");
    const docs = await getDb()
      .selectFrom("attachments")
      .select("sha256")
      .where("proposal_id", "=", proposalId)
      .execute();
    expect(text).toContain(docs[0]!.sha256);
  });

  it("renders the PDF in Chinese for a Chinese-speaking applicant", async () => {
    const { text } = await pdfFor(applicant.cookie, "zh-Hans");
    expect(text).toContain("提案");
    expect(text).toContain("回执");
    expect(text).toContain("营业执照");
    expect(text).toContain("贵州云数据科技有限公司");
  });

  it("is only for the owner, and only once submitted", async () => {
    const other = await signedIn("applicant");
    for (const loader of [receiptLoader, confirmationLoader]) {
      const res = await callLoader(loader, `/proposals/${proposalId}/receipt`, {
        cookie: other.cookie,
        params: { id: String(proposalId) },
      });
      expect(res.status).toBe(404);
    }
    const pdf = await callLoader(receiptPdfLoader, `/proposals/${proposalId}/receipt.pdf`, {
      cookie: other.cookie,
      params: { id: String(proposalId) },
    });
    expect(pdf.status).toBe(404);
    const reviewer = await signedIn("reviewer");
    const staff = await callLoader(receiptLoader, `/proposals/${proposalId}/receipt`, {
      cookie: reviewer.cookie,
      params: { id: String(proposalId) },
    });
    expect(staff.status).toBe(403);

    const draft = await createDraft(applicant.user.id, (await createCall()).id);
    const notYet = await callLoader(receiptLoader, `/proposals/${draft.id}/receipt`, {
      cookie: applicant.cookie,
      params: { id: String(draft.id) },
    });
    expect(notYet.status).toBe(302);
    expect(notYet.location).toBe(`/proposals/${draft.id}`);
  });
});
