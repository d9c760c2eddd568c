// Group commit of submissions: submissions that arrive together share one transaction and one
// COMMIT (one fsync), each in its own savepoint. What users and the rules depend on: every
// submission still gets its own sequential, gap-free reference with its audit row and e-mail; one
// that fails is undone alone; nobody is told "submitted" before the COMMIT holding their
// submission has returned; a COMMIT that fails acknowledges nobody and stores nothing.
import { sql, type Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { pakistanYear, submitProposal, type SubmitResult } from "~/models/submission.server";
import { dialectOf, getDb } from "~/services/db.server";
import { storeMailInTransaction } from "~/services/mail.server";
import { secondConnection } from "../support/database";
import { signedIn } from "../support/factories";
import { createCall, DECLARATION, newKey, readyDraft } from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;
let call: Awaited<ReturnType<typeof createCall>>;

beforeAll(async () => {
  call = await createCall();
});

/**
 * Makes the transaction's COMMIT fail on PostgreSQL, whose foreign keys are not deferrable here:
 * a deferred constraint trigger (on a temporary table of this transaction) that always raises.
 */
async function failAtCommitOnPostgres(trx: Kysely<any>) {
  await sql`create temporary table commit_refused (x int)`.execute(trx);
  await sql`create function pg_temp.refuse_commit() returns trigger language plpgsql
    as $$ begin raise exception 'refused at commit'; end $$`.execute(trx);
  await sql`create constraint trigger refuse after insert on commit_refused
    deferrable initially deferred for each row execute function pg_temp.refuse_commit()`.execute(
    trx,
  );
  await sql`insert into commit_refused values (1)`.execute(trx);
}

const refNumber = (ref: string) => Number(ref.split("-")[2]);

async function drafts(n: number) {
  const out: { who: Who; id: number }[] = [];
  for (let i = 0; i < n; i++) {
    const who = await signedIn("applicant");
    const p = await readyDraft(who.user.id, call.id);
    out.push({ who, id: p.id });
  }
  return out;
}

const mail = (who: Who, reference: string) => ({
  to: who.user.email,
  template: "proposal_submitted" as const,
  locale: "en" as const,
  vars: {
    name: who.user.display_name,
    reference,
    title: "A data centre",
    company: "Company",
    call: "Call",
    submittedAt: "28 November 2026",
    link: "http://localhost/proposals/1/receipt",
    contact: "contact@example.org",
  },
});

const statusOf = (id: number) =>
  getDb()
    .selectFrom("proposals")
    .select(["status", "reference"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();

const auditCount = (proposalId: number) =>
  getDb()
    .selectFrom("audit_log")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("proposal_id", "=", proposalId)
    .where("action", "=", "proposal.submit")
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

const outboxTo = (email: string) =>
  getDb().selectFrom("mail_outbox").select(["subject"]).where("to_address", "=", email).execute();

describe("submissions that arrive together (group commit)", () => {
  it("gives each its own sequential reference, audit row and e-mail", async () => {
    const ds = await drafts(6);
    // Started in the same turn of the event loop: they share one transaction.
    const results = await Promise.all(
      ds.map(({ who, id }) =>
        submitProposal(getDb(), {
          proposalId: id,
          userId: who.user.id,
          submissionKey: newKey(),
          declaration: DECLARATION,
          afterSubmit: async (trx, submitted) => {
            await storeMailInTransaction(trx, mail(who, submitted.reference));
          },
        }),
      ),
    );
    const refs = results.map((r) => (r.ok ? r.reference : ""));
    expect(results.every((r) => r.ok && !r.alreadySubmitted)).toBe(true);
    expect(new Set(refs).size).toBe(6);
    const numbers = refs.map(refNumber);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    for (const [i, { who, id }] of ds.entries()) {
      expect(await statusOf(id)).toEqual({ status: "submitted", reference: refs[i] });
      expect(await auditCount(id)).toBe(1);
      const mails = await outboxTo(who.user.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toContain(refs[i]!);
    }
  });

  it("handles a burst larger than one batch: every submission gets its own reference", async () => {
    const who = await signedIn("applicant");
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push((await readyDraft(who.user.id, call.id)).id);
    const results = await Promise.all(
      ids.map((id) =>
        submitProposal(getDb(), {
          proposalId: id,
          userId: who.user.id,
          submissionKey: newKey(),
          declaration: DECLARATION,
        }),
      ),
    );
    const numbers = results.map((r) => (r.ok ? refNumber(r.reference) : NaN));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    for (const id of ids) expect((await statusOf(id)).status).toBe("submitted");
  });

  it("undoes a failing submission alone: its neighbours are submitted, references stay gap-free", async () => {
    const [a, failing, c] = await drafts(3);
    const submit = (d: { who: Who; id: number }, fail = false) =>
      submitProposal(getDb(), {
        proposalId: d.id,
        userId: d.who.user.id,
        submissionKey: newKey(),
        declaration: DECLARATION,
        afterSubmit: async (trx, submitted) => {
          await storeMailInTransaction(trx, mail(d.who, submitted.reference));
          if (fail) throw new Error("this one fails");
        },
      });
    const [ra, rb, rc] = await Promise.allSettled([submit(a!), submit(failing!, true), submit(c!)]);
    expect(rb.status).toBe("rejected");
    expect((rb as PromiseRejectedResult).reason).toEqual(new Error("this one fails"));
    expect(ra.status).toBe("fulfilled");
    expect(rc.status).toBe("fulfilled");
    const refA = (ra as PromiseFulfilledResult<SubmitResult & { ok: true }>).value.reference;
    const refC = (rc as PromiseFulfilledResult<SubmitResult & { ok: true }>).value.reference;
    // The failed one's number went back with it: the next submission took it.
    expect(refNumber(refC)).toBe(refNumber(refA) + 1);

    expect(await statusOf(failing!.id)).toEqual({ status: "draft", reference: null });
    expect(await auditCount(failing!.id)).toBe(0);
    expect(await outboxTo(failing!.who.user.email)).toHaveLength(0);
    for (const [d, ref] of [
      [a!, refA],
      [c!, refC],
    ] as const) {
      expect(await statusOf(d.id)).toEqual({ status: "submitted", reference: ref });
      expect(await auditCount(d.id)).toBe(1);
      expect(await outboxTo(d.who.user.email)).toHaveLength(1);
    }
  });

  it("answers each submission only once its COMMIT has returned (another connection sees it)", async () => {
    const ds = await drafts(4);
    const reader = secondConnection();
    try {
      const seenByOthers: (string | undefined)[] = [];
      await Promise.all(
        ds.map(({ who, id }) =>
          submitProposal(getDb(), {
            proposalId: id,
            userId: who.user.id,
            submissionKey: newKey(),
            declaration: DECLARATION,
          }).then(async (result) => {
            // At the moment the caller learns its reference, it is committed.
            const row = await reader
              .selectFrom("proposals")
              .select("status")
              .where("id", "=", id)
              .executeTakeFirstOrThrow();
            seenByOthers.push(result.ok ? row.status : "failed");
          }),
        ),
      );
      expect(seenByOthers).toEqual(["submitted", "submitted", "submitted", "submitted"]);
    } finally {
      await reader.destroy();
    }
  });

  it("gives a proposal posted twice in the same batch one reference", async () => {
    const [d] = await drafts(1);
    const input = () => ({
      proposalId: d!.id,
      userId: d!.who.user.id,
      submissionKey: newKey(),
      declaration: DECLARATION,
    });
    const [first, second] = await Promise.all([
      submitProposal(getDb(), input()),
      submitProposal(getDb(), input()),
    ]);
    expect(first).toMatchObject({ ok: true, alreadySubmitted: false });
    expect(second).toMatchObject({ ok: true, alreadySubmitted: true });
    expect(first.ok && second.ok && first.reference === second.reference).toBe(true);
    expect(await auditCount(d!.id)).toBe(1);
  });

  it("acknowledges nobody and stores nothing when the batch's COMMIT fails", async () => {
    const ds = await drafts(3);
    const counter = () =>
      getDb()
        .selectFrom("reference_counters")
        .select("last_value")
        .where("year", "=", pakistanYear(new Date()))
        .executeTakeFirst();
    const before = await counter();
    const settled = await Promise.allSettled(
      ds.map(({ who, id }, i) =>
        submitProposal(getDb(), {
          proposalId: id,
          userId: who.user.id,
          submissionKey: newKey(),
          declaration: DECLARATION,
          afterSubmit:
            i === 1
              ? async (trx) => {
                  if (dialectOf(trx) === "postgres") return failAtCommitOnPostgres(trx);
                  // A foreign-key violation checked only at COMMIT: the COMMIT itself fails.
                  await sql`pragma defer_foreign_keys = on`.execute(trx);
                  await sql`insert into proposal_answers (proposal_id, step, data_json) values (${-1}, ${"contact"}, ${"{}"})`.execute(
                    trx,
                  );
                }
              : undefined,
        }),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const { id } of ds) {
      expect(await statusOf(id)).toEqual({ status: "draft", reference: null });
      expect(await auditCount(id)).toBe(0);
    }
    expect((await counter())?.last_value).toBe(before?.last_value);

    // The database is usable again: the same drafts submit normally afterwards.
    const retry = await submitProposal(getDb(), {
      proposalId: ds[0]!.id,
      userId: ds[0]!.who.user.id,
      submissionKey: newKey(),
      declaration: DECLARATION,
    });
    expect(retry.ok).toBe(true);
  });
});
