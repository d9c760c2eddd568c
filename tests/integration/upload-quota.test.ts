// Issue 12, item 3: storage an applicant can claim. The per-kind count and the proposal's 100 MB
// are checked in the transaction that records the files, so requests sent together cannot all
// pass a check made before any of them wrote; drafts per account and storage per company are
// capped too. Requests are real Requests to the real actions, sent at once with Promise.all.
import crypto from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as documentsRoute from "~/routes/proposals.$id.documents";
import * as messagesRoute from "~/routes/proposals.$id.messages";
import * as newProposalRoute from "~/routes/proposals.new";
import { getDb } from "~/services/db.server";
import { resetEnvCache } from "~/services/env.server";
import { MAX_PROPOSAL_BYTES } from "~/services/uploads.server";
import { decodeMsg } from "~/utils/form";
import { signedIn } from "../support/factories";
import { BASE, callAction, callLoader, cookieFrom, testContext } from "../support/remix";
import { createCall, createDraft, fixture } from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;
const MB = 1024 * 1024;

let callId: number;
let callSlug: string;

beforeAll(async () => {
  const call = await createCall();
  callId = call.id;
  callSlug = call.slug;
});

afterEach(() => {
  delete process.env.MAX_ORGANISATION_STORAGE_MB;
  delete process.env.MAX_DRAFTS_PER_ACCOUNT;
  resetEnvCache();
});

/** A PDF of about `bytes` bytes (the sample's header, padded). */
function pdfOf(bytes: number): Buffer {
  const head = fixture("sample.pdf");
  return Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length), 0x20)]);
}

async function upload(proposalId: number, who: Who, field: string, bytes: number, name: string) {
  const fd = new FormData();
  fd.append(field, new File([new Uint8Array(pdfOf(bytes))], name, { type: "application/pdf" }));
  fd.append("intent", `upload:${field}`);
  const request = new Request(`${BASE}/proposals/${proposalId}/documents`, {
    method: "POST",
    body: fd,
    headers: { Cookie: who.cookie },
  });
  try {
    return (await documentsRoute.action({
      request,
      params: { id: String(proposalId) },
      context: testContext,
    })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** What the page shows after an upload's redirect (its flash): the field errors, decoded. */
async function errorsAfter(proposalId: number, who: Who, response: Response) {
  const flash = response.headers.get("Set-Cookie");
  const page = await callLoader(documentsRoute.loader, `/proposals/${proposalId}/documents`, {
    cookie: flash ? `${who.cookie}; ${cookieFrom(flash)}` : who.cookie,
    params: { id: String(proposalId) },
  });
  const errors = (page.data as { errors: Record<string, string> }).errors;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, decodeMsg(v).key]));
}

async function stored(proposalId: number) {
  return getDb()
    .selectFrom("attachments")
    .select(["kind", "size_bytes"])
    .where("proposal_id", "=", proposalId)
    .where("removed_at", "is", null)
    .execute();
}

/** Records a document as already stored (its bytes count; the file itself is not needed). */
async function prefill(proposalId: number, userId: number, kind: string, bytes: number) {
  await getDb()
    .insertInto("attachments")
    .values({
      proposal_id: proposalId,
      kind,
      original_name: `${kind}.pdf`,
      stored_name: crypto.randomUUID(),
      mime_type: "application/pdf",
      size_bytes: bytes,
      sha256: "0".repeat(64),
      uploaded_by: userId,
    })
    .execute();
}

describe("upload quotas hold under parallel requests", () => {
  it("eight uploads at once to a five-file kind store five", async () => {
    const applicant = await signedIn("applicant");
    const p = await createDraft(applicant.user.id, callId, null);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => upload(p.id, applicant, "other", 64 * 1024, `o${i}.pdf`)),
    );
    expect(responses.every((r) => r.status === 303)).toBe(true);
    expect((await stored(p.id)).filter((d) => d.kind === "other")).toHaveLength(5);
    const errors = await Promise.all(responses.map((r) => errorsAfter(p.id, applicant, r)));
    expect(errors.filter((e) => e.other === "docs.err.tooMany")).toHaveLength(3);
  });

  it("eight uploads at once never take a proposal over 100 MB", async () => {
    const applicant = await signedIn("applicant");
    const p = await createDraft(applicant.user.id, callId, null);
    await prefill(p.id, applicant.user.id, "auditedFinancials", 90 * MB);
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => upload(p.id, applicant, "other", 3 * MB, `q${i}.pdf`)),
    );
    const docs = await stored(p.id);
    const total = docs.reduce((n, d) => n + d.size_bytes, 0);
    expect(total).toBeLessThanOrEqual(MAX_PROPOSAL_BYTES);
    expect(docs.filter((d) => d.kind === "other")).toHaveLength(3);
    const errors = await Promise.all(responses.map((r) => errorsAfter(p.id, applicant, r)));
    expect(errors.filter((e) => e.other === "docs.err.quota")).toHaveLength(5);
  });
});

describe("storage per company", () => {
  it("refuses a file that would take the company's proposals together over the limit", async () => {
    process.env.MAX_ORGANISATION_STORAGE_MB = "150";
    resetEnvCache();
    const applicant = await signedIn("applicant");
    const first = await createDraft(applicant.user.id, callId, null);
    await prefill(first.id, applicant.user.id, "auditedFinancials", 99 * MB);
    const second = await createDraft(applicant.user.id, callId, null);
    await prefill(second.id, applicant.user.id, "auditedFinancials", 50 * MB);
    const res = await upload(second.id, applicant, "other", 2 * MB, "over.pdf");
    expect(await errorsAfter(second.id, applicant, res)).toEqual({
      other: "docs.err.organisationQuota",
    });
    expect((await stored(second.id)).filter((d) => d.kind === "other")).toHaveLength(0);
    // Under the limit the same upload is stored.
    const ok = await upload(second.id, applicant, "other", 256 * 1024, "fits.pdf");
    expect(await errorsAfter(second.id, applicant, ok)).toEqual({});
  });

  it("a clarification answer's files count against the same limits", async () => {
    const applicant = await signedIn("applicant");
    const p = await createDraft(applicant.user.id, callId, null);
    await getDb()
      .updateTable("proposals")
      .set({ status: "clarification_requested", reference: `CDA-2026-9${p.id}` })
      .where("id", "=", p.id)
      .execute();
    await prefill(p.id, applicant.user.id, "auditedFinancials", 99 * MB);
    const fd = new FormData();
    fd.append("body", "Here is the evidence.");
    fd.append("files", new File([new Uint8Array(pdfOf(2 * MB))], "evidence.pdf"));
    const res = await callAction(messagesRoute.action, `/proposals/${p.id}/messages`, fd, {
      cookie: applicant.cookie,
      params: { id: String(p.id) },
    });
    expect(res.status).toBe(400);
    const errors = (res.data as { errors: Record<string, string> }).errors;
    expect(decodeMsg(errors.files!).key).toBe("docs.err.quota");
    expect((await stored(p.id)).filter((d) => d.kind === "clarification")).toHaveLength(0);
  });
});

describe("drafts per account", () => {
  it("refuses a draft beyond MAX_DRAFTS_PER_ACCOUNT in open calls, with a message", async () => {
    process.env.MAX_DRAFTS_PER_ACCOUNT = "3";
    resetEnvCache();
    const applicant = await signedIn("applicant");
    // A draft left in a call that has closed does not count: it can no longer change.
    const closed = await createCall({
      opensAt: "2026-01-01T00:00:00.000Z",
      closesAt: "2026-01-02T00:00:00.000Z",
    });
    await createDraft(applicant.user.id, closed.id, null);
    const start = () =>
      callAction(
        newProposalRoute.action,
        `/proposals/new?call=${callSlug}`,
        {},
        {
          cookie: applicant.cookie,
        },
      );
    for (let i = 0; i < 3; i++) expect((await start()).status).toBe(302);
    const refused = await start();
    expect(refused.status).toBe(409);
    expect(refused.data).toEqual({ refused: true, tooManyDrafts: 3 });
    const drafts = await getDb()
      .selectFrom("proposals")
      .select("id")
      .where("owner_id", "=", applicant.user.id)
      .where("call_id", "=", callId)
      .execute();
    expect(drafts).toHaveLength(3);
  });

  it("has a sensible default", async () => {
    const { getEnv } = await import("~/services/env.server");
    expect(getEnv().MAX_DRAFTS_PER_ACCOUNT).toBe(5);
    expect(getEnv().MAX_ORGANISATION_STORAGE_MB).toBe(1024);
  });
});
