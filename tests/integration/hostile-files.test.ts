// The hostile-upload corpus (tests/fixtures/hostile, made by make.mjs) posted through the real
// documents action: each file is refused with a message, or stored harmlessly (a random key in
// the document store, a cleaned display name) and only ever served back as a download with nosniff.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loader as downloadLoader } from "~/routes/attachments.$id";
import { action as messagesAction } from "~/routes/proposals.$id.messages";
import {
  action as documentsAction,
  loader as documentsLoader,
} from "~/routes/proposals.$id.documents";
import { getDb } from "~/services/db.server";
import { MAX_FILE_BYTES, uploadDir } from "~/services/uploads.server";
import { decodeMsg } from "~/utils/form";
import { incompleteDocuments, readStoredDocument, storedKeys } from "../support/documents";
import { signedIn } from "../support/factories";
import { BASE, cookieFrom, testContext } from "../support/remix";
import { createCall, createDraft } from "./submission-fixtures";

interface Case {
  file: string;
  uploadName: string;
  field: string;
  expect: "stored" | "refused" | "refusedRequest" | "ignored";
  problem: "type" | "empty" | "tooLarge" | "request" | null;
}

const HOSTILE = path.resolve("tests/fixtures/hostile");
const manifest = JSON.parse(fs.readFileSync(path.join(HOSTILE, "manifest.json"), "utf8")) as Case[];

const PROBLEM_KEYS: Record<string, string[]> = {
  type: ["docs.err.typePdf", "docs.err.typePdfImage"],
  empty: ["docs.err.empty"],
  tooLarge: ["docs.err.tooLarge"],
  request: ["docs.err.request"],
};

let owner: Awaited<ReturnType<typeof signedIn>>;
let callId: number;

beforeAll(async () => {
  owner = await signedIn("applicant");
  callId = (await createCall()).id;
});

async function settle(fn: () => unknown): Promise<Response> {
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

/** Everything the document store holds, finished or not. */
async function listStore(): Promise<string[]> {
  return [...(await storedKeys()), ...(await incompleteDocuments())].sort();
}

/** Uploads one file to a fresh draft; returns the draft, the page's errors and the rows stored. */
async function upload(bytes: Buffer, uploadName: string, field: string) {
  const draft = await createDraft(owner.user.id, callId);
  const fd = new FormData();
  fd.append(field, new File([new Uint8Array(bytes)], uploadName, { type: "application/pdf" }));
  fd.append("intent", "upload");
  const filesBefore = await listStore();
  const request = new Request(`${BASE}/proposals/${draft.id}/documents`, {
    method: "POST",
    body: fd,
    headers: { Cookie: owner.cookie },
  });
  const response = await settle(() =>
    documentsAction({ request, params: { id: String(draft.id) }, context: testContext }),
  );
  expect(response.status).toBe(303);
  const flash = response.headers.get("Set-Cookie");
  const page = await settle(() =>
    documentsLoader({
      request: new Request(`${BASE}/proposals/${draft.id}/documents`, {
        headers: { Cookie: flash ? `${owner.cookie}; ${cookieFrom(flash)}` : owner.cookie },
      }),
      params: { id: String(draft.id) },
      context: testContext,
    }),
  );
  const data = (await page.json()) as { errors: Record<string, string>; notices: string[] };
  const rows = await getDb()
    .selectFrom("attachments")
    .selectAll()
    .where("proposal_id", "=", draft.id)
    .execute();
  const newFiles = (await listStore()).filter((f) => !filesBefore.includes(f));
  return { draft, errors: data.errors, notices: data.notices, rows, newFiles };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function expectStoredHarmlessly(
  result: Pick<Awaited<ReturnType<typeof upload>>, "errors" | "rows" | "newFiles">,
  bytes: Buffer,
  uploadName: string,
) {
  expect(result.errors).toEqual({});
  expect(result.rows).toHaveLength(1);
  const row = result.rows[0]!;
  // Stored under a random key of the server's choosing, in the document store, byte for byte.
  expect(row.stored_name).toMatch(UUID);
  expect(result.newFiles).toEqual([row.stored_name]);
  const stored = (await readStoredDocument(row.stored_name))!;
  expect(crypto.createHash("sha256").update(stored).digest("hex")).toBe(
    crypto.createHash("sha256").update(bytes).digest("hex"),
  );
  // Nothing was written outside UPLOAD_DIR under the attacker's name.
  expect(fs.existsSync(path.resolve(uploadDir(), uploadName.replace(/\0/g, "")))).toBe(
    uploadName === ".." || uploadName === "",
  );
  // The display name: last segment only, no control / bidi characters, at most 120 characters.
  expect(row.original_name).not.toMatch(/[/\\\p{Cc}\p{Cf}<>:"|?*]/u);
  expect(Array.from(row.original_name).length).toBeLessThanOrEqual(120);
  expect(row.original_name.length).toBeGreaterThan(0);
  expect(row.original_name.startsWith(".")).toBe(false);
  expect(["application/pdf", "image/jpeg", "image/png"]).toContain(row.mime_type);

  // Served back only as a download, typed by its content, never sniffed, sandboxed.
  const response = await settle(() =>
    downloadLoader({
      request: new Request(`${BASE}/attachments/${row.id}`, {
        headers: { Cookie: owner.cookie },
      }),
      params: { id: String(row.id) },
      context: testContext,
    }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe(row.mime_type);
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Content-Security-Policy")).toContain("sandbox");
  const disposition = response.headers.get("Content-Disposition") ?? "";
  expect(disposition.startsWith("attachment;")).toBe(true);
  expect(disposition).not.toMatch(/[\r\n\0]/);
  const ascii = /filename="([^"]*)"/.exec(disposition)?.[1] ?? "";
  const ext = { "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png" }[
    row.mime_type
  ]!;
  expect(ascii.toLowerCase().endsWith(ext) || ascii.toLowerCase().endsWith(".jpeg")).toBe(true);
  expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
}

function expectRefused(result: Awaited<ReturnType<typeof upload>>, field: string, problem: string) {
  expect(result.rows).toEqual([]);
  expect(result.newFiles).toEqual([]);
  const message = result.errors[field];
  expect(message, `a message for ${field}`).toBeTruthy();
  expect(PROBLEM_KEYS[problem]).toContain(decodeMsg(message!).key);
}

describe("hostile uploads", () => {
  it("has a corpus of at least 20 files", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(20);
    for (const c of manifest) expect(fs.existsSync(path.join(HOSTILE, c.file)), c.file).toBe(true);
  });

  for (const c of manifest) {
    it(`${c.file} (uploaded as ${JSON.stringify(c.uploadName)} to ${c.field}) is ${c.expect}`, async () => {
      const bytes = fs.readFileSync(path.join(HOSTILE, c.file));
      const result = await upload(bytes, c.uploadName, c.field);
      if (c.expect === "stored") await expectStoredHarmlessly(result, bytes, c.uploadName);
      else if (c.expect === "refused") expectRefused(result, c.field, c.problem!);
      else if (c.expect === "refusedRequest") expectRefused(result, "_form", c.problem!);
      else {
        expect(result.rows).toEqual([]);
        expect(result.newFiles).toEqual([]);
      }
    });
  }

  it("refuses a file one byte over the limit, and takes one exactly at it", async () => {
    const header = fs.readFileSync(path.join(HOSTILE, "traversal.pdf"));
    const over = Buffer.alloc(MAX_FILE_BYTES + 1, 0x20);
    header.copy(over);
    expectRefused(await upload(over, "big.pdf", "companyProfile"), "companyProfile", "tooLarge");
    const exact = over.subarray(0, MAX_FILE_BYTES);
    const stored = await upload(exact, "exact.pdf", "companyProfile");
    expect(stored.errors).toEqual({});
    expect(stored.rows.map((r) => r.size_bytes)).toEqual([MAX_FILE_BYTES]);
  }, 60_000);

  it("refuses the zip bomb's expansion too (50 MB of zeros), without keeping any of it", async () => {
    const expanded = Buffer.alloc(50 * 1024 * 1024);
    Buffer.from("%PDF-1.4\n").copy(expanded);
    expectRefused(
      await upload(expanded, "zeros.pdf", "auditedFinancials"),
      "auditedFinancials",
      "tooLarge",
    );
    expect(await incompleteDocuments()).toEqual([]);
  }, 60_000);

  it("leaves no temporary file behind after the whole corpus", async () => {
    expect(await incompleteDocuments()).toEqual([]);
    expect((await listStore()).filter((f) => !UUID.test(f))).toEqual([]);
  });
});

let answerSeq = 0;

/** A submitted proposal of the owner on which a clarification has been requested. */
async function awaitingAnswer() {
  const db = getDb();
  const proposal = await db
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: owner.user.id,
      status: "clarification_requested",
      reference: `CDA-2026-${String(7000 + (answerSeq += 1)).padStart(4, "0")}`,
      title: "Hostile answers",
      snapshot_json: JSON.stringify({ answers: {} }),
      submitted_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("clarification_messages")
    .values({ proposal_id: proposal.id, author_id: owner.user.id, kind: "question", body: "Why?" })
    .execute();
  return proposal.id;
}

/** Posts a clarification answer carrying one file; what the applicant sees and what was kept. */
async function answerWith(bytes: Buffer, uploadName: string) {
  const proposalId = await awaitingAnswer();
  const fd = new FormData();
  fd.append("body", "Please find the document attached.");
  fd.append("files", new File([new Uint8Array(bytes)], uploadName, { type: "application/pdf" }));
  const filesBefore = await listStore();
  const request = new Request(`${BASE}/proposals/${proposalId}/messages`, {
    method: "POST",
    body: fd,
    headers: { Cookie: owner.cookie },
  });
  const response = await settle(() =>
    messagesAction({ request, params: { id: String(proposalId) }, context: testContext }),
  );
  const errors =
    response.status === 303
      ? {}
      : ((await response.json()) as { errors: Record<string, string> }).errors;
  const rows = await getDb()
    .selectFrom("attachments")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .execute();
  const answers = await getDb()
    .selectFrom("clarification_messages")
    .select("id")
    .where("proposal_id", "=", proposalId)
    .where("kind", "=", "answer")
    .execute();
  const newFiles = (await listStore()).filter((f) => !filesBefore.includes(f));
  return { status: response.status, errors, rows, newFiles, answers, notices: [] as string[] };
}

describe("hostile files in clarification answers (PDF only)", () => {
  const pdfCases = manifest.filter((c) => c.field !== "__proto__");
  for (const c of pdfCases) {
    const pdfOnly = c.expect === "stored" && !c.file.endsWith(".png") && !c.file.endsWith(".jpg");
    const expected = c.expect === "stored" && !pdfOnly ? "refused" : c.expect;
    it(`${c.file} as ${JSON.stringify(c.uploadName)} is ${expected}`, async () => {
      const bytes = fs.readFileSync(path.join(HOSTILE, c.file));
      const result = await answerWith(bytes, c.uploadName);
      if (expected === "stored") {
        expect(result.status).toBe(303);
        expect(result.answers).toHaveLength(1);
        expect(result.rows[0]?.message_id).not.toBeNull();
        await expectStoredHarmlessly(result, bytes, c.uploadName);
      } else {
        // The whole answer is refused with a message beside the files; nothing is kept.
        expect(result.status).toBeGreaterThanOrEqual(400);
        expect(result.status).toBeLessThan(500);
        expect(result.errors.files ?? result.errors._form).toBeTruthy();
        expect(result.rows).toEqual([]);
        expect(result.answers).toEqual([]);
        expect(result.newFiles).toEqual([]);
      }
    });
  }
});
