// An export reads at one snapshot (services/exports/snapshot.server.ts) on both databases: a score
// change committed while the export runs is not in it; the next reader sees it. On PostgreSQL the
// snapshot is a repeatable-read, read-only transaction on a pooled connection of its own, given
// back clean when the export ends (issue 16). Runs on SQLite (npm test) and PostgreSQL (test:pg).
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { callRanking, refreshProposalScores } from "~/models/score-read-model.server";
import { dialectOf, getDb, type DB } from "~/services/db.server";
import { openReadSnapshot } from "~/services/exports/snapshot.server";
import {
  createCall,
  createReview,
  createSubmittedProposal,
  createUser,
} from "../support/factories";

async function scoreOf(db: DB, proposalId: number) {
  const row = await db
    .selectFrom("proposal_scores")
    .select(["reviews_submitted"])
    .where("proposal_id", "=", proposalId)
    .executeTakeFirst();
  return row?.reviews_submitted ?? 0;
}

async function openTransactions(): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from pg_stat_activity
    where datname = current_database() and state like 'idle in transaction%'`.execute(getDb());
  return Number(rows[0]!.n);
}

describe("an export's read snapshot", () => {
  it("holds the state from when it opened while a score change commits", async () => {
    const { call, criteria } = await createCall({ status: "closed" });
    const { proposal } = await createSubmittedProposal(call.id, { status: "under_review" });
    await getDb()
      .transaction()
      .execute((trx) => refreshProposalScores(trx, [proposal.id]));
    const before = await callRanking(getDb(), call.id);

    const snapshot = await openReadSnapshot();
    try {
      // The export has started (its snapshot is open); a review is submitted meanwhile.
      const reviewer = await createUser("reviewer");
      await createReview(proposal.id, reviewer.id, criteria);
      await getDb()
        .transaction()
        .execute((trx) => refreshProposalScores(trx, [proposal.id]));

      // The rest of the export still reads the old state: version, rows and ranking alike.
      expect(await scoreOf(snapshot.db, proposal.id)).toBe(0);
      const held = await callRanking(snapshot.db, call.id);
      expect(held!.version).toBe(before!.version);
      expect(held!.byId.get(proposal.id)?.calibratedScore ?? null).toBe(
        before!.byId.get(proposal.id)?.calibratedScore ?? null,
      );
    } finally {
      await snapshot.close();
    }
    expect(await scoreOf(getDb(), proposal.id)).toBe(1);
    expect((await callRanking(getDb(), call.id))!.version).toBe(before!.version + 1);
    if (dialectOf(getDb()) === "postgres") expect(await openTransactions()).toBe(0);
  });

  it("gives its connection back when closed before reading anything (an aborted export)", async () => {
    const snapshot = await openReadSnapshot();
    await snapshot.close();
    await snapshot.close();
    if (dialectOf(getDb()) === "postgres") expect(await openTransactions()).toBe(0);
    // The process's database still answers (the connection went back to the pool clean).
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(getDb());
    expect(Number(rows[0]!.one)).toBe(1);
  });
});
