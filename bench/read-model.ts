// The score read model's costs on a benchmark database (bench/dataset.ts):
//   tsx bench/read-model.ts --db /tmp/bench.db
// - a review's submission (its review and scores written, its proposal refreshed, committed) and a
//   return, each one transaction as the model functions run them (median of 20);
// - the derived ranking build of the call (callRanking, not cached: median and minimum of 15; the
//   minimum is the figure least disturbed by other work on a shared machine), and the kept
//   ranking brought up to date after one proposal's change (read from the change log);
// - a whole-call rebuild (rebuildCallScores; criteria and rule edits only).
import { performance } from "node:perf_hooks";
import {
  callRanking,
  rebuildCallScores,
  refreshProposalScores,
} from "~/models/score-read-model.server";
import { openDatabase } from "~/services/db.server";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const file = arg("--db");
if (!file) throw new Error("usage: tsx bench/read-model.ts --db FILE");
const { db } = openDatabase(file);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const call = await db.selectFrom("calls").selectAll().orderBy("id").executeTakeFirstOrThrow();
const criteria = await db
  .selectFrom("criteria")
  .innerJoin("criteria_versions", "criteria_versions.id", "criteria.criteria_version_id")
  .select(["criteria.id", "criteria.kind", "criteria_versions.id as versionId"])
  .where("criteria_versions.call_id", "=", call.id)
  .where("criteria_versions.published_at", "is not", null)
  .execute();
const reviewers = await db
  .selectFrom("users")
  .select("id")
  .where("role", "=", "reviewer")
  .execute();
const proposals = await db
  .selectFrom("proposals")
  .select("id")
  .where("call_id", "=", call.id)
  .where("status", "in", ["submitted", "under_review"])
  .orderBy("id")
  .limit(400)
  .execute();

const submitMs: number[] = [];
const returnMs: number[] = [];
let n = 0;
for (const p of proposals) {
  if (submitMs.length >= 20) break;
  const taken = new Set(
    (
      await db.selectFrom("reviews").select("reviewer_id").where("proposal_id", "=", p.id).execute()
    ).map((r) => r.reviewer_id),
  );
  const reviewer = reviewers.find((r) => !taken.has(r.id));
  if (!reviewer) continue;
  n++;
  let t = performance.now();
  const reviewId = await db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto("reviews")
      .values({
        proposal_id: p.id,
        reviewer_id: reviewer.id,
        criteria_version_id: criteria[0]!.versionId,
        status: "submitted",
        submitted_at: new Date().toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("review_scores")
      .values(
        criteria.map((c) => ({
          review_id: r.id,
          criterion_id: c.id,
          level: c.kind === "scored" ? n % 6 : null,
          gate_pass: c.kind === "gate" ? 1 : null,
          rationale: "Bench.",
        })),
      )
      .execute();
    await refreshProposalScores(trx, [p.id]);
    return r.id;
  });
  submitMs.push(performance.now() - t);
  t = performance.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("reviews")
      .set({ status: "returned" })
      .where("id", "=", reviewId)
      .execute();
    await refreshProposalScores(trx, [p.id]);
  });
  returnMs.push(performance.now() - t);
}

const rankingMs: number[] = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  // Inside a transaction the ranking is built afresh every time (nothing cached).
  const r = await db.transaction().execute((trx) => callRanking(trx, call.id));
  rankingMs.push(performance.now() - t);
  if (!r) throw new Error("no ranking");
}
const heapBefore = process.memoryUsage().heapUsed;
const ranking = await callRanking(db, call.id);
const heapAfter = process.memoryUsage().heapUsed;
// The kept ranking brought up to date after one proposal's change (what the board does after a
// review): the change log names the proposal, only its rows are read again.
const incrementalMs: number[] = [];
for (let i = 0; i < 15; i++) {
  const p = proposals[i % proposals.length]!;
  await db.transaction().execute((trx) => refreshProposalScores(trx, [p.id]));
  const t = performance.now();
  await callRanking(db, call.id);
  incrementalMs.push(performance.now() - t);
}
const rebuildStart = performance.now();
await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
const rebuildMs = performance.now() - rebuildStart;

console.log(
  JSON.stringify(
    {
      proposals: ranking?.byRaw.length,
      reviewSubmitMedianMs: +median(submitMs).toFixed(1),
      reviewSubmitMaxMs: +Math.max(...submitMs).toFixed(1),
      reviewReturnMedianMs: +median(returnMs).toFixed(1),
      rankingBuildMedianMs: +median(rankingMs).toFixed(1),
      rankingBuildMinMs: +Math.min(...rankingMs).toFixed(1),
      rankingAfterOneChangeMedianMs: +median(incrementalMs).toFixed(1),
      rankingAfterOneChangeMinMs: +Math.min(...incrementalMs).toFixed(1),
      reviewSubmitMinMs: +Math.min(...submitMs).toFixed(1),
      rankingHeapDeltaMB: +((heapAfter - heapBefore) / 1024 ** 2).toFixed(1),
      wholeCallRebuildMs: +rebuildMs.toFixed(0),
    },
    null,
    2,
  ),
);
await db.destroy();
