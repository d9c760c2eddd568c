// Submission: one transaction, server-side deadline, every step checked again, snapshot,
// sequential references, idempotency under double clicks and concurrency; then withdrawal and
// clarification answers on the applicant's side.
import { beforeAll, describe, expect, it } from "vitest";
import { submitProposal } from "~/models/submission.server";
import { action as checkAction, loader as checkLoader } from "~/routes/proposals.$id.check";
import { action as stepAction } from "~/routes/proposals.$id.$step";
import { action as withdrawAction } from "~/routes/proposals.$id.withdraw";
import {
  action as messagesAction,
  loader as messagesLoader,
} from "~/routes/proposals.$id.messages";
import { getDb } from "~/services/db.server";
import { signedIn } from "../support/factories";
import { BASE, callAction, callLoader, testContext } from "../support/remix";
import {
  createCall,
  createDraft,
  DECLARATION,
  fixture,
  newKey,
  readyDraft,
  validAnswers,
} from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;
let applicant: Who;
let call: Awaited<ReturnType<typeof createCall>>;

beforeAll(async () => {
  applicant = await signedIn("applicant");
  call = await createCall();
});

const submit = (proposalId: number, fields: Record<string, string>, who: Who = applicant) =>
  callAction(checkAction, `/proposals/${proposalId}/check`, fields, {
    cookie: who.cookie,
    params: { id: String(proposalId) },
  });

const proposalRow = (id: number) =>
  getDb().selectFrom("proposals").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

const auditRows = (proposalId: number, action: string) =>
  getDb()
    .selectFrom("audit_log")
    .selectAll()
    .where("proposal_id", "=", proposalId)
    .where("action", "=", action)
    .execute();

const refNumber = (ref: string | null) => Number(ref!.split("-")[2]);

describe("submitting a proposal", () => {
  it("submits a complete draft: reference, snapshot, criteria version, audit row, e-mail", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    const key = newKey();
    const res = await submit(p.id, { ...DECLARATION, submissionKey: key });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/proposals/${p.id}/confirmation`);

    const row = await proposalRow(p.id);
    expect(row.status).toBe("submitted");
    expect(row.reference).toMatch(/^CDA-2026-\d{4}$/);
    expect(row.submission_key).toBe(key);
    expect(row.submitted_at).not.toBeNull();
    expect(row.criteria_version_id).toBe(call.criteriaVersionId);
    expect(row.company_zh).toBe("贵州云数据科技有限公司");
    const snapshot = JSON.parse(row.snapshot_json!);
    expect(snapshot.reference).toBe(row.reference);
    expect(snapshot.answers.organisation.legalNameZh).toBe("贵州云数据科技有限公司");
    expect(snapshot.answers.contact.email).toBe("wang.li@example.cn");
    expect(snapshot.documents.map((d: { kind: string }) => d.kind).sort()).toEqual([
      "auditedFinancials",
      "businessLicence",
      "companyProfile",
      "financingEvidence",
    ]);
    expect(snapshot.documents[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshot.declaration).toMatchObject({
      signatoryName: "Wang Li 王力",
      signatoryTitle: "Director",
    });

    const audit = await auditRows(p.id, "proposal.submit");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: applicant.user.id, request_id: "test-request" });
    expect(JSON.parse(audit[0]!.after_json!).reference).toBe(row.reference);

    // The confirmation e-mail goes out in the language the contact chose (Chinese here).
    const mail = await getDb()
      .selectFrom("mail_outbox")
      .selectAll()
      .where("template", "=", "proposal_submitted")
      .where("to_address", "=", applicant.user.email)
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.locale).toBe("zh-Hans");
    expect(mail[0]!.subject).toContain(row.reference!);
    expect(mail[0]!.text_body).toContain(`/proposals/${p.id}/receipt`);
  });

  it("numbers references per year in Pakistan time, sequentially from 0001", async () => {
    const c = await createCall({
      opensAt: "2030-06-01T00:00:00.000Z",
      closesAt: "2034-01-01T00:00:00.000Z",
    });
    const submitAt = async (iso: string) => {
      const p = await readyDraft(
        applicant.user.id,
        c.id,
        validAnswers({ tracks: ["bigDataPlatform"] }),
      );
      const r = await submitProposal(getDb(), {
        proposalId: p.id,
        userId: applicant.user.id,
        submissionKey: newKey(),
        declaration: DECLARATION,
        now: new Date(iso),
      });
      expect(r.ok).toBe(true);
      return r.ok ? r.reference : null;
    };
    expect(await submitAt("2031-03-01T10:00:00.000Z")).toBe("CDA-2031-0001");
    expect(await submitAt("2031-07-01T10:00:00.000Z")).toBe("CDA-2031-0002");
    // 31 December 19:30 UTC is already 1 January in Islamabad.
    expect(await submitAt("2032-12-31T19:30:00.000Z")).toBe("CDA-2033-0001");
    expect(await submitAt("2033-12-31T18:59:00.000Z")).toBe("CDA-2033-0002");
  });

  it("refuses a submission after the deadline, whatever the page showed, and changes nothing", async () => {
    const c = await createCall();
    const p = await readyDraft(applicant.user.id, c.id);
    // The deadline passes while the applicant reads the check page.
    await getDb()
      .updateTable("calls")
      .set({ closes_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", c.id)
      .execute();
    const res = await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("check.err.deadline");
    expect(res.data.values.signatoryName).toBe(DECLARATION.signatoryName);
    const row = await proposalRow(p.id);
    expect(row).toMatchObject({ status: "draft", reference: null, snapshot_json: null });
    expect(await auditRows(p.id, "proposal.submit")).toHaveLength(0);
  });

  it("refuses an incomplete proposal and lists the steps and documents that need attention", async () => {
    const answers = validAnswers();
    delete answers.contact;
    (answers.investment as Record<string, unknown>).debtPct = "70"; // 40 + 70 + 10 ≠ 100
    const p = await createDraft(applicant.user.id, call.id, answers);
    const res = await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("check.err.incomplete");
    expect((await proposalRow(p.id)).status).toBe("draft");

    const page = await callLoader(checkLoader, `/proposals/${p.id}/check`, {
      cookie: applicant.cookie,
      params: { id: String(p.id) },
    });
    expect(page.data.stepProblems.map((s: { step: string }) => s.step).sort()).toEqual([
      "contact",
      "investment",
    ]);
    expect(page.data.documentProblems.map((d: { kind: string }) => d.kind)).toEqual([
      "businessLicence",
      "companyProfile",
      "auditedFinancials",
      "financingEvidence",
    ]);
  });

  it("requires the technical concept for the data-centre track", async () => {
    const p = await readyDraft(
      applicant.user.id,
      call.id,
      validAnswers({ tracks: ["tier4DataCentre"] }),
    );
    const res = await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    expect(res.status).toBe(400);
    const page = await callLoader(checkLoader, `/proposals/${p.id}/check`, {
      cookie: applicant.cookie,
      params: { id: String(p.id) },
    });
    expect(page.data.stepProblems).toEqual([]);
    expect(page.data.documentProblems).toEqual([{ kind: "technicalConcept", problem: "missing" }]);
  });

  it("requires the declaration and keeps what was typed", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    const res = await submit(p.id, {
      signatoryName: "  王力 ",
      signatoryTitle: "",
      submissionKey: newKey(),
    });
    expect(res.status).toBe(400);
    expect(res.data.errors).toEqual({
      signatoryTitle: "check.err.signatoryTitle",
      confirm: "check.err.confirm",
    });
    expect(res.data.values.signatoryName).toBe("王力");
    expect((await proposalRow(p.id)).status).toBe("draft");
  });

  it("refuses a tampered submission key and another applicant's proposal", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    const tampered = await submit(p.id, { ...DECLARATION, submissionKey: "x' or 1=1" });
    expect(tampered.status).toBe(303);
    expect(tampered.location).toBe(`/proposals/${p.id}`);
    expect((await proposalRow(p.id)).status).toBe("draft");
    const other = await signedIn("applicant");
    const res = await submit(p.id, { ...DECLARATION, submissionKey: newKey() }, other);
    expect(res.status).toBe(404);
    expect((await proposalRow(p.id)).status).toBe("draft");

    // A key already used by another proposal's submission is refused, not a server error.
    const key = newKey();
    const first = await readyDraft(applicant.user.id, call.id);
    await submit(first.id, { ...DECLARATION, submissionKey: key });
    const reused = await submit(p.id, { ...DECLARATION, submissionKey: key });
    expect(reused.status).toBe(303);
    expect(reused.location).toBe(`/proposals/${p.id}`);
    expect((await proposalRow(p.id)).status).toBe("draft");
  });

  it("is idempotent: a double click, a retry or a second tab gives the same reference", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    const key = newKey();
    const first = await submit(p.id, { ...DECLARATION, submissionKey: key });
    const reference = (await proposalRow(p.id)).reference;
    const again = await submit(p.id, { ...DECLARATION, submissionKey: key });
    const otherTab = await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    for (const r of [first, again, otherTab]) {
      expect(r.status).toBe(303);
      expect(r.location).toBe(`/proposals/${p.id}/confirmation`);
    }
    const row = await proposalRow(p.id);
    expect(row.reference).toBe(reference);
    expect(row.submission_key).toBe(key);
    expect(await auditRows(p.id, "proposal.submit")).toHaveLength(1);
    const mails = await getDb()
      .selectFrom("mail_outbox")
      .select("id")
      .where("template", "=", "proposal_submitted")
      .where("subject", "like", `%${reference}%`)
      .execute();
    expect(mails).toHaveLength(1);
  });

  it("gives one reference to 10 concurrent submits of the same proposal", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    const before = await getDb()
      .selectFrom("reference_counters")
      .select("last_value")
      .where("year", "=", 2026)
      .executeTakeFirst();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => submit(p.id, { ...DECLARATION, submissionKey: newKey() })),
    );
    expect(results.map((r) => r.location)).toEqual(
      Array(10).fill(`/proposals/${p.id}/confirmation`),
    );
    expect(await auditRows(p.id, "proposal.submit")).toHaveLength(1);
    const after = await getDb()
      .selectFrom("reference_counters")
      .select("last_value")
      .where("year", "=", 2026)
      .executeTakeFirstOrThrow();
    expect(after.last_value).toBe((before?.last_value ?? 0) + 1);
    expect(refNumber((await proposalRow(p.id)).reference)).toBe(after.last_value);
  });

  it("gives 10 different proposals submitted at once 10 distinct, sequential references", async () => {
    const owners = await Promise.all(Array.from({ length: 10 }, () => signedIn("applicant")));
    const drafts = [];
    for (const o of owners) drafts.push({ who: o, p: await readyDraft(o.user.id, call.id) });
    const results = await Promise.all(
      drafts.map(({ who, p }) => submit(p.id, { ...DECLARATION, submissionKey: newKey() }, who)),
    );
    expect(results.every((r) => r.status === 303)).toBe(true);
    const refs = await Promise.all(
      drafts.map(({ p }) => proposalRow(p.id).then((r) => r.reference)),
    );
    expect(new Set(refs).size).toBe(10);
    const numbers = refs.map(refNumber).sort((a, b) => a - b);
    expect(numbers[9]! - numbers[0]!).toBe(9);
  });

  it("freezes a submitted proposal: its steps cannot be changed", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    const before = await getDb()
      .selectFrom("proposal_answers")
      .select(["step", "data_json"])
      .where("proposal_id", "=", p.id)
      .orderBy("step")
      .execute();
    const res = await callAction(
      stepAction,
      `/proposals/${p.id}/project`,
      { title: "A different title", intent: "draft" },
      { cookie: applicant.cookie, params: { id: String(p.id), step: "project" } },
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    const after = await getDb()
      .selectFrom("proposal_answers")
      .select(["step", "data_json"])
      .where("proposal_id", "=", p.id)
      .orderBy("step")
      .execute();
    expect(after).toEqual(before);
    expect((await proposalRow(p.id)).title).toBe("Islamabad City Data Platform");
  });
});

describe("after submission", () => {
  it("withdraws before a decision, with an audit row, and not after a decision", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    const res = await callAction(
      withdrawAction,
      `/proposals/${p.id}/withdraw`,
      { reason: "Changed our plans" },
      { cookie: applicant.cookie, params: { id: String(p.id) } },
    );
    expect(res.status).toBe(303);
    const row = await proposalRow(p.id);
    expect(row.status).toBe("withdrawn");
    expect(row.reference).not.toBeNull();
    const audit = await auditRows(p.id, "proposal.withdraw");
    expect(JSON.parse(audit[0]!.after_json!).reason).toBe("Changed our plans");

    const decided = await readyDraft(applicant.user.id, call.id);
    await submit(decided.id, { ...DECLARATION, submissionKey: newKey() });
    const official = await signedIn("official");
    await getDb()
      .insertInto("decisions")
      .values({
        proposal_id: decided.id,
        outcome: "shortlisted",
        reason: "Strong",
        decided_by: official.user.id,
      })
      .execute();
    await getDb()
      .updateTable("proposals")
      .set({ status: "shortlisted" })
      .where("id", "=", decided.id)
      .execute();
    const refused = await callAction(
      withdrawAction,
      `/proposals/${decided.id}/withdraw`,
      {},
      { cookie: applicant.cookie, params: { id: String(decided.id) } },
    );
    expect(refused.status).toBe(409);
    expect((await proposalRow(decided.id)).status).toBe("shortlisted");
  });

  it("withdraws while a decision is recorded but not yet published, without revealing it", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    const official = await signedIn("official");
    await getDb()
      .insertInto("decisions")
      .values({
        proposal_id: p.id,
        outcome: "rejected",
        reason: "Weak",
        decided_by: official.user.id,
      })
      .execute();
    const res = await callAction(
      withdrawAction,
      `/proposals/${p.id}/withdraw`,
      {},
      { cookie: applicant.cookie, params: { id: String(p.id) } },
    );
    expect(res.status).toBe(303);
    expect((await proposalRow(p.id)).status).toBe("withdrawn");
  });

  it("refuses to withdraw or answer for another applicant's proposal", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    await getDb()
      .updateTable("proposals")
      .set({ status: "clarification_requested" })
      .where("id", "=", p.id)
      .execute();
    const other = await signedIn("applicant");
    const opts = { cookie: other.cookie, params: { id: String(p.id) } };
    expect((await callAction(withdrawAction, `/proposals/${p.id}/withdraw`, {}, opts)).status).toBe(
      404,
    );
    expect(
      (await callAction(messagesAction, `/proposals/${p.id}/messages`, { body: "Hello" }, opts))
        .status,
    ).toBe(404);
    expect((await proposalRow(p.id)).status).toBe("clarification_requested");
    const answers = await getDb()
      .selectFrom("clarification_messages")
      .select("id")
      .where("proposal_id", "=", p.id)
      .execute();
    expect(answers).toHaveLength(0);
  });

  it("answers a clarification request with a document and returns the proposal to review", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    await submit(p.id, { ...DECLARATION, submissionKey: newKey() });
    const official = await signedIn("official");
    await getDb()
      .insertInto("clarification_messages")
      .values({
        proposal_id: p.id,
        author_id: official.user.id,
        kind: "question",
        body: "Which bank?",
      })
      .execute();
    await getDb()
      .updateTable("proposals")
      .set({ status: "clarification_requested" })
      .where("id", "=", p.id)
      .execute();

    const page = await callLoader(messagesLoader, `/proposals/${p.id}/messages`, {
      cookie: applicant.cookie,
      params: { id: String(p.id) },
    });
    expect(page.data.canAnswer).toBe(true);
    expect(page.data.thread.map((m: { body: string }) => m.body)).toEqual(["Which bank?"]);

    const empty = await callAction(
      messagesAction,
      `/proposals/${p.id}/messages`,
      { body: "  " },
      {
        cookie: applicant.cookie,
        params: { id: String(p.id) },
      },
    );
    expect(empty.status).toBe(400);
    expect(empty.data.errors.body).toBe("messages.err.body");

    const fd = new FormData();
    fd.append("body", "Industrial and Commercial Bank of China, letter attached.");
    fd.append(
      "files",
      new File([new Uint8Array(fixture("sample.pdf"))], "ICBC 信函.pdf", {
        type: "application/pdf",
      }),
    );
    const request = new Request(`${BASE}/proposals/${p.id}/messages`, {
      method: "POST",
      body: fd,
      headers: { Cookie: applicant.cookie },
    });
    let res: Response;
    try {
      res = (await messagesAction({
        request,
        params: { id: String(p.id) },
        context: testContext,
      })) as Response;
    } catch (thrown) {
      res = thrown as Response;
    }
    expect(res.status).toBe(303);
    expect((await proposalRow(p.id)).status).toBe("under_review");
    const answer = await getDb()
      .selectFrom("clarification_messages")
      .selectAll()
      .where("proposal_id", "=", p.id)
      .where("kind", "=", "answer")
      .executeTakeFirstOrThrow();
    const files = await getDb()
      .selectFrom("attachments")
      .selectAll()
      .where("message_id", "=", answer.id)
      .execute();
    expect(files.map((f) => f.original_name)).toEqual(["ICBC 信函.pdf"]);
    expect(await auditRows(p.id, "clarification.answer")).toHaveLength(1);

    // No open question any more: a second answer is refused.
    const late = await callAction(
      messagesAction,
      `/proposals/${p.id}/messages`,
      { body: "More" },
      {
        cookie: applicant.cookie,
        params: { id: String(p.id) },
      },
    );
    expect(late.status).toBe(409);
  });
});
