// Races that SQLite's single writer hid, on PostgreSQL with two connection pools (two app servers
// on one database), made deterministic: a third connection holds a lock both racers need, the
// test waits until PostgreSQL shows both of them waiting, then lets go (docs/decisions/0019).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pakistanYear, submitProposal } from "~/models/submission.server";
import { refreshProposalScores } from "~/models/score-read-model.server";
import { getDb, type DB } from "~/services/db.server";
import { createUser } from "../../support/factories";
import { createCall, DECLARATION, newKey, readyDraft } from "../submission-fixtures";
import { openRacers, race as raceWith } from "./race-support";

let second: DB;
let blocker: DB;

beforeAll(() => {
  ({ second, blocker } = openRacers());
});

afterAll(async () => {
  await second?.destroy();
  await blocker?.destroy();
});

describe("on PostgreSQL, with two connections", () => {
  it("a double submission answers both requests with the one reference that exists", async () => {
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
      .selectFrom("reference_counters")
      .select("last_value")
      .where("year", "=", year)
      .executeTakeFirstOrThrow();
    const key = newKey();
    const input = {
      proposalId: draft.id,
      userId: applicant.id,
      submissionKey: key,
      declaration: DECLARATION,
    };

    // The blocker holds the year's counter: the first submission stops there, the second must
    // not get past reading the proposal until the first has committed.
    const results = await raceWith(
      blocker,
      (trx) =>
        sql`select last_value from reference_counters where year = ${year} for update`.execute(trx),
      [() => submitProposal(getDb(), input), () => submitProposal(second, input)],
    );

    const stored = await getDb()
      .selectFrom("proposals")
      .select(["reference", "status"])
      .where("id", "=", draft.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe("submitted");
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    for (const r of results) {
      const value = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof submitProposal>>>).value;
      expect(value).toMatchObject({ ok: true, reference: stored.reference });
    }
    const after = await getDb()
      .selectFrom("reference_counters")
      .select("last_value")
      .where("year", "=", year)
      .executeTakeFirstOrThrow();
    expect(after.last_value).toBe(before.last_value + 1);
    const audits = await getDb()
      .selectFrom("audit_log")
      .select("id")
      .where("proposal_id", "=", draft.id)
      .where("action", "=", "proposal.submit")
      .execute();
    expect(audits).toHaveLength(1);
  });

  it("two recomputes of one proposal at once both succeed, leaving one score row", async () => {
    const applicant = await createUser("applicant");
    const call = await createCall();
    const draft = await readyDraft(applicant.id, call.id);
    const submitted = await submitProposal(getDb(), {
      proposalId: draft.id,
      userId: applicant.id,
      submissionKey: newKey(),
      declaration: DECLARATION,
    });
    expect(submitted.ok).toBe(true);
    const versionBefore = (
      await getDb()
        .selectFrom("calls")
        .select("scores_version")
        .where("id", "=", call.id)
        .executeTakeFirstOrThrow()
    ).scores_version;

    // The blocker holds the proposal's score row: both refreshes reach it (or the call) and wait.
    const refresh = (db: DB) => () =>
      db.transaction().execute((trx) => refreshProposalScores(trx, [draft.id]));
    const results = await raceWith(
      blocker,
      (trx) =>
        sql`select proposal_id from proposal_scores where proposal_id = ${draft.id} for update`.execute(
          trx,
        ),
      [refresh(getDb()), refresh(second)],
    );

    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status))).toEqual([
      "fulfilled",
      "fulfilled",
    ]);
    const rows = await getDb()
      .selectFrom("proposal_scores")
      .select("proposal_id")
      .where("proposal_id", "=", draft.id)
      .execute();
    expect(rows).toHaveLength(1);
    const versionAfter = (
      await getDb()
        .selectFrom("calls")
        .select("scores_version")
        .where("id", "=", call.id)
        .executeTakeFirstOrThrow()
    ).scores_version;
    expect(versionAfter).toBe(versionBefore + 2);
  });
});
