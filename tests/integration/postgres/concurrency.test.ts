// Issue 16: the read-check-write transactions that SQLite's single writer serialised, raced on
// PostgreSQL by two app servers (two pools) and made deterministic by a lock holder (see
// race-support.ts). Each failed before its lock was added; each answers both racers sensibly now.
import crypto from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignReviewer } from "~/models/assignments.server";
import { addDocuments } from "~/models/attachments.server";
import { recordDecision } from "~/models/board-decisions.server";
import { declareConflict } from "~/models/conflicts.server";
import { withdraw } from "~/models/proposal-lifecycle.server";
import { returnReview } from "~/models/reviews.server";
import { claimDueDeliveries } from "~/models/webhooks.server";
import { pakistanYear, submitProposal } from "~/models/submission.server";
import { getDb, withRetry, type DB } from "~/services/db.server";
import type { Role } from "~db/schema";
import {
  createCall as createScoredCall,
  createReview,
  createSubmittedProposal,
  createUser,
} from "../../support/factories";
import { createCall, DECLARATION, newKey, readyDraft } from "../submission-fixtures";
import { openRacers, race, valueOf } from "./race-support";

let second: DB;
let blocker: DB;

beforeAll(() => {
  ({ second, blocker } = openRacers());
});

afterAll(async () => {
  await second?.destroy();
  await blocker?.destroy();
});

const lockProposal = (id: number) => (trx: DB) =>
  sql`select id from proposals where id = ${id} for update`.execute(trx);

const actorOf = (u: { id: number; email: string; role: Role }) => ({
  id: u.id,
  email: u.email,
  role: u.role,
});

describe("on PostgreSQL, two servers at once", () => {
  it("a document uploaded while the proposal is being submitted is refused, never added after the snapshot", async () => {
    const applicant = await createUser("applicant");
    const call = await createCall();
    const draft = await readyDraft(applicant.id, call.id);
    const year = pakistanYear(new Date());
    await getDb()
      .insertInto("reference_counters")
      .values({ year, last_value: 0 })
      .onConflict((oc) => oc.column("year").doNothing())
      .execute();
    const before = await getDb()
      .selectFrom("attachments")
      .select("id")
      .where("proposal_id", "=", draft.id)
      .where("removed_at", "is", null)
      .execute();
    const bytes = Buffer.from("%PDF-1.4 late\n");
    const late = {
      field: "other" as const,
      originalName: "late.pdf",
      storedName: crypto.randomUUID(),
      mimeType: "application/pdf",
      sizeBytes: bytes.length,
      sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
    };

    // The submission holds the proposal and waits on the year's counter (held by the blocker);
    // the upload, on the other server, comes in while it waits.
    const results = await race<unknown>(
      blocker,
      (trx) =>
        sql`select last_value from reference_counters where year = ${year} for update`.execute(trx),
      [
        () =>
          submitProposal(getDb(), {
            proposalId: draft.id,
            userId: applicant.id,
            submissionKey: newKey(),
            declaration: DECLARATION,
          }),
        () => addDocuments(second, { proposalId: draft.id, userId: applicant.id, files: [late] }),
      ],
      { staged: true },
    );

    expect(valueOf(results[0]!)).toMatchObject({ ok: true });
    expect(valueOf(results[1]!)).toBeNull();
    const after = await getDb()
      .selectFrom("attachments")
      .select("id")
      .where("proposal_id", "=", draft.id)
      .where("removed_at", "is", null)
      .execute();
    expect(after.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort());
    const audits = await getDb()
      .selectFrom("audit_log")
      .select("action")
      .where("proposal_id", "=", draft.id)
      .where("action", "=", "attachment.add")
      .execute();
    expect(audits).toHaveLength(0);
  });

  it("two officials deciding one proposal at once: one records, the other changes what it recorded", async () => {
    const { call } = await createScoredCall({ status: "closed" });
    const { proposal } = await createSubmittedProposal(call.id, { status: "under_review" });
    const first = await createUser("official");
    const other = await createUser("official");
    const decide = (db: DB, actor: typeof first, outcome: string) => () =>
      recordDecision(db, {
        call,
        proposalId: proposal.id,
        values: { outcome, reason: `${outcome} by ${actor.id}` },
        actor: { id: actor.id, email: actor.email },
      });

    const results = await race(blocker, lockProposal(proposal.id), [
      decide(getDb(), first, "rejected"),
      decide(second, other, "reserve"),
    ]);

    expect(results.map((r) => valueOf(r))).toEqual([
      { ok: true, changed: true },
      { ok: true, changed: true },
    ]);
    const audits = await getDb()
      .selectFrom("audit_log")
      .select(["action", "before_json", "after_json"])
      .where("proposal_id", "=", proposal.id)
      .where("action", "in", ["decision.record", "decision.change"])
      .orderBy("id")
      .execute();
    // Before: both read no decision and both audited "decision.record" with nothing before.
    expect(audits.map((a) => a.action)).toEqual(["decision.record", "decision.change"]);
    const recorded = JSON.parse(audits[0]!.after_json!) as { outcome: string };
    const changedFrom = JSON.parse(audits[1]!.before_json!) as { outcome: string };
    expect(changedFrom.outcome).toBe(recorded.outcome);
    const stored = await getDb()
      .selectFrom("decisions")
      .select("outcome")
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirstOrThrow();
    expect(stored.outcome).toBe(
      (JSON.parse(audits[1]!.after_json!) as { outcome: string }).outcome,
    );
  });

  it("a decision recorded while the applicant withdraws is refused, never left on a withdrawn proposal", async () => {
    const { call } = await createScoredCall({ status: "closed" });
    const { proposal, owner } = await createSubmittedProposal(call.id, { status: "under_review" });
    const official = await createUser("official");

    const results = await race<{ ok: boolean }>(
      blocker,
      lockProposal(proposal.id),
      [
        () =>
          withdraw(getDb(), {
            proposalId: proposal.id,
            ownerId: owner.id,
            reason: "Plans changed",
            actor: { id: owner.id, email: owner.email },
          }),
        () =>
          recordDecision(second, {
            call,
            proposalId: proposal.id,
            values: { outcome: "reserve", reason: "Good, not the best" },
            actor: { id: official.id, email: official.email },
          }),
      ],
      { staged: true },
    );

    expect(valueOf(results[0]!).ok).toBe(true);
    // Before: the decision read the proposal in review and was recorded after the withdrawal.
    expect(valueOf(results[1]!)).toMatchObject({ ok: false, status: 404 });
    const decisions = await getDb()
      .selectFrom("decisions")
      .select("proposal_id")
      .where("proposal_id", "=", proposal.id)
      .execute();
    expect(decisions).toHaveLength(0);
  });

  it("the same reviewer assigned twice at once: one assignment, the second told it exists", async () => {
    const { call } = await createScoredCall({ status: "closed" });
    const { proposal } = await createSubmittedProposal(call.id);
    const reviewer = await createUser("reviewer");
    const a = await createUser("official");
    const b = await createUser("official");

    const results = await race(blocker, lockProposal(proposal.id), [
      () => assignReviewer(getDb(), actorOf(a), proposal.id, reviewer.id),
      () => assignReviewer(second, actorOf(b), proposal.id, reviewer.id),
    ]);

    // Before: the second insert hit the unique index of active assignments (an error, a 500).
    const outcomes = results.map((r) => valueOf(r)).map((r) => r.ok);
    expect(outcomes.sort()).toEqual([false, true]);
    const refused = results.map((r) => valueOf(r)).find((r) => !r.ok);
    expect(refused).toMatchObject({ status: 409 });
    const active = await getDb()
      .selectFrom("reviewer_assignments")
      .select("id")
      .where("proposal_id", "=", proposal.id)
      .where("unassigned_at", "is", null)
      .execute();
    expect(active).toHaveLength(1);
    const moved = await getDb()
      .selectFrom("audit_log")
      .select("id")
      .where("proposal_id", "=", proposal.id)
      .where("action", "=", "proposal.under_review")
      .execute();
    expect(moved).toHaveLength(1);
  });

  it("a reviewer declaring a conflict while being assigned ends up unassigned", async () => {
    const { call } = await createScoredCall({ status: "closed" });
    const { proposal } = await createSubmittedProposal(call.id);
    const reviewer = await createUser("reviewer");
    const official = await createUser("official");

    // The assignment takes the proposal and waits on the reviewer's row (held by the blocker);
    // the declaration, on the other server, then waits on the same row.
    const results = await race<{ ok: boolean }>(
      blocker,
      (trx) => sql`select id from users where id = ${reviewer.id} for update`.execute(trx),
      [
        () => assignReviewer(getDb(), actorOf(official), proposal.id, reviewer.id),
        () =>
          declareConflict(
            second,
            actorOf(reviewer),
            { kind: "proposal", proposalId: proposal.id },
            "My former employer",
          ),
      ],
      { staged: true },
    );

    expect(valueOf(results[1]!).ok).toBe(true);
    // Whichever went first, the conflict holds: no active assignment of a conflicted reviewer.
    // (Before: the declaration ended no assignment, the assignment saw no conflict: both stood.)
    expect(typeof valueOf(results[0]!).ok).toBe("boolean");
    const active = await getDb()
      .selectFrom("reviewer_assignments")
      .select("id")
      .where("proposal_id", "=", proposal.id)
      .where("reviewer_id", "=", reviewer.id)
      .where("unassigned_at", "is", null)
      .execute();
    expect(active).toHaveLength(0);
  });

  it("a review returned for rework by two officials at once is returned once", async () => {
    const { call, criteria } = await createScoredCall({ status: "closed" });
    const { proposal } = await createSubmittedProposal(call.id, { status: "under_review" });
    const reviewer = await createUser("reviewer");
    const review = await createReview(proposal.id, reviewer.id, criteria);
    const a = await createUser("official");
    const b = await createUser("official");

    const results = await race(
      blocker,
      (trx) => sql`select id from reviews where id = ${review.id} for update`.execute(trx),
      [
        () => returnReview(getDb(), actorOf(a), proposal.id, review.id, "Please score the gates"),
        () => returnReview(second, actorOf(b), proposal.id, review.id, "Justify the level"),
      ],
    );

    // Before: both read it submitted; the second failed its guarded write (an error, a 500).
    const outcomes = results.map((r) => valueOf(r));
    expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
    expect(outcomes.find((o) => !o.ok)).toMatchObject({
      errors: { _form: expect.stringContaining("returnNotSubmitted") },
    });
    const revisions = await getDb()
      .selectFrom("review_revisions")
      .select("revision")
      .where("review_id", "=", review.id)
      .execute();
    expect(revisions).toHaveLength(1);
  });

  it("two webhook dispatchers claiming at once never claim the same delivery", async () => {
    const admin = await createUser("admin");
    const endpoint = await getDb()
      .insertInto("webhook_endpoints")
      .values({
        url: "https://hooks.example.test/cda",
        events_json: "[]",
        secret_encrypted: "not used here",
        owner_id: admin.id,
        created_by: admin.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const past = new Date(Date.now() - 60_000).toISOString();
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const delivery = await getDb()
      .insertInto("webhook_deliveries")
      .values({
        uuid: crypto.randomUUID(),
        endpoint_id: endpoint.id,
        event_type: "call.opened",
        body: "{}",
        next_attempt_at: past,
        give_up_at: future,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const now = new Date();

    const results = await race(
      blocker,
      (trx) =>
        sql`select id from webhook_deliveries where id = ${delivery.id} for update`.execute(trx),
      [
        () => claimDueDeliveries(getDb(), "server-a", now, 60_000, 10),
        () => claimDueDeliveries(second, "server-b", now, 60_000, 10),
      ],
    );

    // Before: the second waited for the first's lease, re-read only "pending", and claimed it too.
    const claimed = results.map((r) => valueOf(r));
    expect(claimed.flat()).toEqual([delivery.id]);
  });

  it("withRetry runs a repeatable-read transaction again when another server changed its row", async () => {
    const { call } = await createScoredCall({ status: "closed" });
    const retries: string[] = [];
    let runs = 0;
    const version = await withRetry(
      getDb(),
      async (trx) => {
        runs += 1;
        // The snapshot is taken here; on the first run another server then bumps the call.
        await trx.selectFrom("proposals").select("id").limit(1).execute();
        if (runs === 1)
          await second
            .updateTable("calls")
            .set((eb) => ({ scores_version: eb("scores_version", "+", 1) }))
            .where("id", "=", call.id)
            .execute();
        const row = await trx
          .selectFrom("calls")
          .select("scores_version")
          .where("id", "=", call.id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        return row.scores_version;
      },
      {
        isolation: "repeatable read",
        onRetry: (_attempt, error) => retries.push(String((error as { code?: string }).code)),
      },
    );
    // The first run could not lock a row changed after its snapshot (40001); the second could.
    expect(retries).toEqual(["40001"]);
    expect(runs).toBe(2);
    expect(version).toBe(call.scores_version + 1);
  });
});
