// Documents: streaming uploads with their limits and type checks, removal while a draft, and
// downloads only for those allowed to see the proposal.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  action as documentsAction,
  loader as documentsLoader,
} from "~/routes/proposals.$id.documents";
import { loader as downloadLoader } from "~/routes/attachments.$id";
import { getDb } from "~/services/db.server";
import { MAX_FILE_BYTES, sanitizeFileName } from "~/services/uploads.server";
import {
  incompleteDocuments,
  isStored,
  readStoredDocument,
  storedKeys,
} from "../support/documents";
import { signedIn } from "../support/factories";
import { BASE, callLoader, cookieFrom, testContext } from "../support/remix";
import { attach, createCall, createDraft, fixture } from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;

let applicant: Who;
let callId: number;

beforeAll(async () => {
  applicant = await signedIn("applicant");
  callId = (await createCall()).id;
});

async function run(fn: () => unknown): Promise<Response> {
  try {
    const value = await fn();
    if (value instanceof Response) return value;
    const d = value as { data: unknown; init?: ResponseInit | null };
    return new Response(JSON.stringify(d.data ?? value), { status: d.init?.status ?? 200 });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function post(proposalId: number, body: FormData, cookie: string) {
  const request = new Request(`${BASE}/proposals/${proposalId}/documents`, {
    method: "POST",
    body,
    headers: { Cookie: cookie },
  });
  return run(() =>
    documentsAction({ request, params: { id: String(proposalId) }, context: testContext }),
  );
}

function form(files: Record<string, [Buffer, string, string?][]>, intent = "upload") {
  const fd = new FormData();
  for (const [field, list] of Object.entries(files)) {
    for (const [bytes, name, type] of list)
      fd.append(
        field,
        new File([new Uint8Array(bytes)], name, { type: type ?? "application/pdf" }),
      );
  }
  fd.append("intent", intent);
  return fd;
}

/** The page after the redirect: what the applicant sees (notices and field errors). */
async function pageAfter(proposalId: number, response: Response, cookie: string) {
  const flash = response.headers.get("Set-Cookie");
  const res = await callLoader(documentsLoader, `/proposals/${proposalId}/documents`, {
    cookie: flash ? `${cookie}; ${cookieFrom(flash)}` : cookie,
    params: { id: String(proposalId) },
  });
  return res.data as {
    notices: string[];
    errors: Record<string, string>;
    documents: { id: number; kind: string; name: string; size: number }[];
  };
}

async function documentsOf(proposalId: number) {
  return getDb()
    .selectFrom("attachments")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .where("removed_at", "is", null)
    .execute();
}

/** Partial documents left in the store (a temporary file, pieces without their document row). */
function leftovers(): Promise<string[]> {
  return incompleteDocuments();
}

/** Everything the document store holds, finished or not. */
async function storedFiles(): Promise<Set<string>> {
  return new Set([...(await storedKeys()), ...(await incompleteDocuments())]);
}

const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

describe("uploading documents", () => {
  it("stores a good PDF under a random name with its SHA-256 and shows it in the list", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const pdf = fixture("sample.pdf");
    const res = await post(
      p.id,
      form({ businessLicence: [[pdf, "营业执照 licence.pdf"]] }),
      applicant.cookie,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/proposals/${p.id}/documents`);
    const [doc, ...more] = await documentsOf(p.id);
    expect(more).toHaveLength(0);
    expect(doc).toMatchObject({
      kind: "businessLicence",
      original_name: "营业执照 licence.pdf",
      mime_type: "application/pdf",
      size_bytes: pdf.length,
      sha256: sha(pdf),
    });
    expect(doc!.stored_name).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readStoredDocument(doc!.stored_name))?.equals(pdf)).toBe(true);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors).toEqual({});
    expect(page.notices.join()).toContain("营业执照 licence.pdf");
    expect(page.documents.map((d) => d.name)).toEqual(["营业执照 licence.pdf"]);
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "attachment.add")
      .where("proposal_id", "=", p.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after_json!).sha256).toBe(sha(pdf));
  });

  it("refuses an executable renamed to .pdf, whatever the browser says, and keeps nothing", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const before = await storedFiles();
    const res = await post(
      p.id,
      form({ companyProfile: [[fixture("fake.exe"), "profile.pdf", "application/pdf"]] }),
      applicant.cookie,
    );
    expect(res.status).toBe(303);
    expect(await documentsOf(p.id)).toHaveLength(0);
    expect(await storedFiles()).toEqual(before);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors.companyProfile).toBe('docs.err.typePdf|{"name":"profile.pdf"}');
  });

  it("refuses an empty file", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const res = await post(
      p.id,
      form({ companyProfile: [[Buffer.alloc(0), "empty.pdf"]] }),
      applicant.cookie,
    );
    expect(await documentsOf(p.id)).toHaveLength(0);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors.companyProfile).toBe('docs.err.empty|{"name":"empty.pdf"}');
  });

  it("asks for a file when Upload is pressed with none chosen", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const fd = new FormData();
    // A file input left empty still sends a nameless, empty part.
    fd.append("companyProfile", new File([], "", { type: "application/octet-stream" }));
    fd.append("intent", "upload:companyProfile");
    const res = await post(p.id, fd, applicant.cookie);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors).toEqual({ companyProfile: "docs.err.noFile" });
    expect(await documentsOf(p.id)).toHaveLength(0);
  });

  it("accepts a JPEG or PNG business licence but refuses images for the other kinds", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const res = await post(
      p.id,
      form({
        businessLicence: [[fixture("sample.jpg"), "licence.jpg", "image/jpeg"]],
        companyProfile: [[fixture("sample.png"), "profile.png", "image/png"]],
        financingEvidence: [[fixture("sample.jpg"), "bank.jpg", "image/jpeg"]],
      }),
      applicant.cookie,
    );
    const docs = await documentsOf(p.id);
    expect(docs.map((d) => [d.kind, d.mime_type])).toEqual([["businessLicence", "image/jpeg"]]);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors.companyProfile).toMatch(/^docs\.err\.typePdf\|/);
    expect(page.errors.financingEvidence).toMatch(/^docs\.err\.typePdf\|/);
    // A PNG licence is fine too, and replaces the JPEG (one licence per proposal).
    await post(
      p.id,
      form({ businessLicence: [[fixture("sample.png"), "licence.png", "image/png"]] }),
      applicant.cookie,
    );
    const after = await documentsOf(p.id);
    expect(after.map((d) => [d.kind, d.mime_type])).toEqual([["businessLicence", "image/png"]]);
    expect(await isStored(docs[0]!.stored_name)).toBe(false);
  });

  it("streams a file over 20 MB, refuses it while streaming and keeps the rest of the form", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const before = await storedFiles();
    const boundary = `----cda${crypto.randomBytes(8).toString("hex")}`;
    const enc = new TextEncoder();
    const big = MAX_FILE_BYTES + 1024 * 1024;
    const chunk = new Uint8Array(256 * 1024);
    const pdf = fixture("sample.pdf");
    let sent = 0;
    let phase = 0;
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (phase === 0) {
          controller.enqueue(
            enc.encode(
              `--${boundary}\r\nContent-Disposition: form-data; name="companyProfile"; filename="profile.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
            ),
          );
          controller.enqueue(new Uint8Array(pdf));
          controller.enqueue(
            enc.encode(
              `\r\n--${boundary}\r\nContent-Disposition: form-data; name="businessLicence"; filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
            ),
          );
          phase = 1;
        } else if (phase === 1) {
          const n = Math.min(chunk.length, big - sent);
          controller.enqueue(chunk.subarray(0, n));
          sent += n;
          if (sent >= big) phase = 2;
        } else {
          controller.enqueue(
            enc.encode(
              `\r\n--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nupload\r\n--${boundary}--\r\n`,
            ),
          );
          controller.close();
        }
      },
    });
    const request = new Request(`${BASE}/proposals/${p.id}/documents`, {
      method: "POST",
      body,
      headers: {
        Cookie: applicant.cookie,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
      },
      duplex: "half",
    } as RequestInit);
    const res = await run(() =>
      documentsAction({ request, params: { id: String(p.id) }, context: testContext }),
    );
    expect(pulls).toBeGreaterThan(80); // it really arrived in pieces
    expect(res.status).toBe(303);
    const docs = await documentsOf(p.id);
    expect(docs.map((d) => d.kind)).toEqual(["companyProfile"]);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors.businessLicence).toBe('docs.err.tooLarge|{"name":"huge.pdf"}');
    expect(await leftovers()).toEqual([]);
    const added = [...(await storedFiles())].filter((f) => !before.has(f));
    expect(added).toEqual([docs[0]!.stored_name]);
  });

  it("keeps nothing from a post whose connection breaks half-way", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const before = await storedFiles();
    const boundary = "----cdabroken";
    const enc = new TextEncoder();
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        step += 1;
        if (step === 1) {
          controller.enqueue(
            enc.encode(
              `--${boundary}\r\nContent-Disposition: form-data; name="companyProfile"; filename="ok.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
            ),
          );
          controller.enqueue(new Uint8Array(fixture("sample.pdf")));
          controller.enqueue(
            enc.encode(
              `\r\n--${boundary}\r\nContent-Disposition: form-data; name="financingEvidence"; filename="cut.pdf"\r\n\r\n%PDF-1.7\n`,
            ),
          );
        } else if (step < 20) {
          controller.enqueue(new Uint8Array(64 * 1024));
        } else {
          controller.error(new Error("connection reset"));
        }
      },
    });
    const request = new Request(`${BASE}/proposals/${p.id}/documents`, {
      method: "POST",
      body,
      headers: {
        Cookie: applicant.cookie,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
      },
      duplex: "half",
    } as RequestInit);
    const res = await run(() =>
      documentsAction({ request, params: { id: String(p.id) }, context: testContext }),
    );
    expect(res.status).toBe(303);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors._form).toBe("docs.err.request");
    expect(await documentsOf(p.id)).toHaveLength(0);
    expect(await storedFiles()).toEqual(before);
  });

  it("counts what the proposal already stores against its 100 MB", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    // 99.99 MB already recorded (sizes are what count; the test does not write them out).
    await getDb()
      .insertInto("attachments")
      .values(
        [0, 1, 2, 3, 4].map((i) => ({
          proposal_id: p.id,
          kind: i === 0 ? "businessLicence" : "other",
          original_name: `big-${i}.pdf`,
          stored_name: crypto.randomUUID(),
          mime_type: "application/pdf",
          size_bytes: 20 * 1024 * 1024 - (i === 4 ? 5_000 : 0),
          sha256: "0".repeat(64),
          uploaded_by: applicant.user.id,
        })),
      )
      .execute();
    const pdf = Buffer.concat([fixture("sample.pdf"), Buffer.alloc(10_000, 32)]);
    const res = await post(
      p.id,
      form({ companyProfile: [[pdf, "profile.pdf"]] }),
      applicant.cookie,
    );
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors.companyProfile).toBe('docs.err.quota|{"name":"profile.pdf"}');
    expect((await documentsOf(p.id)).some((d) => d.kind === "companyProfile")).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it("takes at most 3 audited financial statements", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const pdf = fixture("sample.pdf");
    const res = await post(
      p.id,
      form({
        auditedFinancials: [
          [pdf, "2023.pdf"],
          [pdf, "2024.pdf"],
          [pdf, "2025.pdf"],
          [pdf, "2022.pdf"],
        ],
      }),
      applicant.cookie,
    );
    expect((await documentsOf(p.id)).map((d) => d.original_name)).toEqual([
      "2023.pdf",
      "2024.pdf",
      "2025.pdf",
    ]);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors.auditedFinancials).toBe('docs.err.tooMany|{"max":3}');
  });

  it("removes a document while the proposal is a draft, never after submission", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const doc = await attach(p.id, applicant.user.id, "other");
    const res = await post(p.id, form({}, `remove:${doc.id}`), applicant.cookie);
    expect(res.status).toBe(303);
    expect(await documentsOf(p.id)).toHaveLength(0);
    expect(await isStored(doc.stored_name)).toBe(false);

    const kept = await attach(p.id, applicant.user.id, "other");
    await getDb()
      .updateTable("proposals")
      .set({
        status: "submitted",
        reference: `CDA-2026-${9000 + p.id}`,
        submitted_at: new Date().toISOString(),
      })
      .where("id", "=", p.id)
      .execute();
    const refused = await post(
      p.id,
      form({ other: [[fixture("sample.pdf"), "late.pdf"]] }, `remove:${kept.id}`),
      applicant.cookie,
    );
    expect(refused.status).toBe(302);
    expect((await documentsOf(p.id)).map((d) => d.id)).toEqual([kept.id]);
    expect(await isStored(kept.stored_name)).toBe(true);
    const page = await pageAfter(p.id, refused, applicant.cookie);
    expect(page.errors._form).toBe("docs.readOnly");
  });

  it("refuses uploads after the call's deadline without storing anything", async () => {
    const closed = await createCall({
      opensAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
      closesAt: new Date(Date.now() - 1000).toISOString(),
    });
    const p = await createDraft(applicant.user.id, closed.id, null);
    const before = await storedFiles();
    const res = await post(
      p.id,
      form({ businessLicence: [[fixture("sample.pdf"), "late.pdf"]] }),
      applicant.cookie,
    );
    expect(await documentsOf(p.id)).toHaveLength(0);
    expect(await storedFiles()).toEqual(before);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(page.errors._form).toBe("check.err.deadline");
  });

  it("refuses another applicant's proposal without storing anything", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const other = await signedIn("applicant");
    const before = await storedFiles();
    const res = await post(
      p.id,
      form({ businessLicence: [[fixture("sample.pdf"), "x.pdf"]] }),
      other.cookie,
    );
    expect(res.status).toBe(404);
    expect(await documentsOf(p.id)).toHaveLength(0);
    expect(await storedFiles()).toEqual(before);
  });

  it("says which required documents are missing on Save and continue, then moves on to check", async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    const res = await post(
      p.id,
      form({ businessLicence: [[fixture("sample.pdf"), "l.pdf"]] }, "continue"),
      applicant.cookie,
    );
    expect(res.headers.get("Location")).toBe(`/proposals/${p.id}/documents`);
    const page = await pageAfter(p.id, res, applicant.cookie);
    expect(Object.keys(page.errors).sort()).toEqual([
      "auditedFinancials",
      "companyProfile",
      "financingEvidence",
    ]);
    for (const kind of ["companyProfile", "auditedFinancials", "financingEvidence"] as const)
      await attach(p.id, applicant.user.id, kind);
    const next = await post(p.id, form({}, "continue"), applicant.cookie);
    expect(next.headers.get("Location")).toBe(`/proposals/${p.id}/check`);
  });
});

describe("file names", () => {
  it("drops paths, control and direction-override characters and caps the length", () => {
    expect(sanitizeFileName("C:\\Users\\wang\\年报.pdf")).toBe("年报.pdf");
    expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(sanitizeFileName("a\u0000b\nc.pdf")).toBe("abc.pdf");
    expect(sanitizeFileName("...")).toBe("document");
    const long = sanitizeFileName(`${"长".repeat(300)}.pdf`);
    expect(Array.from(long)).toHaveLength(120);
    expect(long.endsWith(".pdf")).toBe(true);
  });
});

describe("downloading a document", () => {
  let proposalId: number;
  let docId: number;
  const pdf = fixture("sample.pdf");

  beforeAll(async () => {
    const p = await createDraft(applicant.user.id, callId, null);
    proposalId = p.id;
    const doc = await attach(
      p.id,
      applicant.user.id,
      "companyProfile",
      pdf,
      "公司简介 profile.pdf",
    );
    docId = doc.id;
    await getDb()
      .updateTable("proposals")
      .set({
        status: "under_review",
        reference: `CDA-2026-${8000 + p.id}`,
        submitted_at: new Date().toISOString(),
      })
      .where("id", "=", p.id)
      .execute();
  });

  const get = (cookie?: string) =>
    callLoader(downloadLoader, `/attachments/${docId}`, {
      cookie,
      params: { id: String(docId) },
    });

  async function reviewer(opts: { attested?: boolean; conflict?: boolean } = {}) {
    const r = await signedIn("reviewer");
    await getDb()
      .insertInto("reviewer_assignments")
      .values({
        proposal_id: proposalId,
        reviewer_id: r.user.id,
        attested_at: opts.attested === false ? null : new Date().toISOString(),
      })
      .execute();
    if (opts.conflict) {
      await getDb()
        .insertInto("conflicts")
        .values({ reviewer_id: r.user.id, proposal_id: proposalId, reason: "Former employer" })
        .execute();
    }
    return r;
  }

  it("serves the owner the file as an attachment, with nosniff and no caching", async () => {
    const res = await get(applicant.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    const disposition = res.headers.get("Content-Disposition")!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent("公司简介 profile.pdf")}`);
    expect(Buffer.from(res.data as string, "latin1").length).toBeGreaterThan(0);
    expect(res.data).toBe(pdf.toString("utf8"));
  });

  it("refuses another applicant with the same 404 as a missing file", async () => {
    const other = await signedIn("applicant");
    expect((await get(other.cookie)).status).toBe(404);
    const missing = await callLoader(downloadLoader, "/attachments/999999", {
      cookie: applicant.cookie,
      params: { id: "999999" },
    });
    expect(missing.status).toBe(404);
  });

  it("serves an assigned reviewer who attested no conflict", async () => {
    const r = await reviewer();
    expect((await get(r.cookie)).status).toBe(200);
  });

  it("refuses unassigned, not yet attested and conflicted reviewers", async () => {
    const unassigned = await signedIn("reviewer");
    expect((await get(unassigned.cookie)).status).toBe(404);
    expect((await get((await reviewer({ attested: false })).cookie)).status).toBe(404);
    expect((await get((await reviewer({ conflict: true })).cookie)).status).toBe(404);
  });

  it("serves officials, and sends a visitor to sign in", async () => {
    const official = await signedIn("official");
    expect((await get(official.cookie)).status).toBe(200);
    const visitor = await get();
    expect(visitor.status).toBe(302);
    expect(visitor.location).toMatch(/^\/login\?returnTo=/);
  });
});
