// The submission's confirmation e-mail as a transactional outbox: without SMTP the outbox row is
// written by the submission's own transaction (one commit), so it exists exactly when the
// submission does; with SMTP the message is sent after the commit, and a mail server that cannot
// be reached never fails the submission.
import net from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { submitProposal } from "~/models/submission.server";
import { action as checkAction } from "~/routes/proposals.$id.check";
import { getDb } from "~/services/db.server";
import { resetEnvCache } from "~/services/env.server";
import { storeMailInTransaction } from "~/services/mail.server";
import { signedIn } from "../support/factories";
import { callAction } from "../support/remix";
import { createCall, DECLARATION, newKey, readyDraft } from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;
let applicant: Who;
let call: Awaited<ReturnType<typeof createCall>>;

beforeAll(async () => {
  applicant = await signedIn("applicant");
  call = await createCall();
});

afterEach(() => {
  process.env.SMTP_URL = "";
  resetEnvCache();
});

const submit = (proposalId: number) =>
  callAction(
    checkAction,
    `/proposals/${proposalId}/check`,
    { ...DECLARATION, submissionKey: newKey() },
    { cookie: applicant.cookie, params: { id: String(proposalId) } },
  );

const confirmations = (reference: string) =>
  getDb()
    .selectFrom("mail_outbox")
    .selectAll()
    .where("template", "=", "proposal_submitted")
    .where("subject", "like", `%${reference}%`)
    .execute();

const mailInput = (reference: string) => ({
  to: applicant.user.email,
  template: "proposal_submitted" as const,
  locale: "en" as const,
  vars: {
    name: "Wang Li",
    reference,
    title: "A data centre",
    company: "Company",
    call: "Call",
    submittedAt: "28 November 2026",
    link: "http://localhost/proposals/1/receipt",
    contact: "contact@example.org",
  },
});

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the confirmation e-mail of a submission", () => {
  it("without SMTP is stored once, in the contact's language, with the submission", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    const res = await submit(p.id);
    expect(res.status).toBe(303);
    const row = await getDb()
      .selectFrom("proposals")
      .select(["status", "reference"])
      .where("id", "=", p.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("submitted");
    const mails = await confirmations(row.reference!);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ status: "stored", locale: "zh-Hans" });
    expect(mails[0]!.text_body).toContain(`/proposals/${p.id}/receipt`);
  });

  it("is written by the submission's transaction: both commit together or not at all", async () => {
    const p = await readyDraft(applicant.user.id, call.id);
    let reference = "";
    await expect(
      submitProposal(getDb(), {
        proposalId: p.id,
        userId: applicant.user.id,
        submissionKey: newKey(),
        declaration: DECLARATION,
        afterSubmit: async (trx, submitted) => {
          reference = submitted.reference;
          expect(await storeMailInTransaction(trx, mailInput(submitted.reference))).not.toBeNull();
          throw new Error("the commit fails");
        },
      }),
    ).rejects.toThrow("the commit fails");
    // Rolled back together: still a draft, and no e-mail about a reference that does not exist.
    const after = await getDb()
      .selectFrom("proposals")
      .select(["status", "reference"])
      .where("id", "=", p.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: "draft", reference: null });
    expect(reference).toMatch(/^CDA-\d{4}-\d{4}$/);
    expect(await confirmations(reference)).toHaveLength(0);

    const ok = await submitProposal(getDb(), {
      proposalId: p.id,
      userId: applicant.user.id,
      submissionKey: newKey(),
      declaration: DECLARATION,
      afterSubmit: async (trx, submitted) => {
        await storeMailInTransaction(trx, mailInput(submitted.reference));
      },
    });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    // The result carries what the confirmation needs, so the action reads nothing again.
    expect(ok.submitted).toMatchObject({
      proposalId: p.id,
      reference: ok.reference,
      preferredLanguage: "zh-Hans",
    });
    expect(await confirmations(ok.reference)).toHaveLength(1);
  });

  it("with SMTP is sent after the commit, and a mail server that cannot be reached fails nothing", async () => {
    process.env.SMTP_URL = `smtp://127.0.0.1:${await closedPort()}`;
    resetEnvCache();
    expect(await storeMailInTransaction(getDb(), mailInput("CDA-2026-9999"))).toBeNull();
    const p = await readyDraft(applicant.user.id, call.id);
    const res = await submit(p.id);
    expect(res.status).toBe(303);
    const row = await getDb()
      .selectFrom("proposals")
      .select(["status", "reference"])
      .where("id", "=", p.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("submitted");
    const mails = await confirmations(row.reference!);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.status).toBe("failed");
  });
});
