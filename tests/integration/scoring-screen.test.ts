// The reviewer's scoring screen and queue (issue 15) through the real loaders and actions: where a
// saved draft comes back to, which proposal "Submit and go to the next proposal" opens (only one
// the access policy lets the reviewer score), and the queue's filters and call scope.
import { describe, expect, it } from "vitest";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as reviewPage from "~/routes/review.$proposalId";
import * as queuePage from "~/routes/review._index";
import { getDb } from "~/services/db.server";
import { callAction, callLoader } from "../support/remix";
import { signedIn } from "../support/factories";
import { completeReview, createCallWithCriteria, createSubmittedProposal } from "./review-fixtures";

const db = () => getDb();

async function assign(officialCookie: string, proposalId: number, reviewerId: number) {
  const res = await callAction(
    adminProposal.action,
    `/admin/proposals/${proposalId}`,
    { intent: "assign", reviewerId: String(reviewerId) },
    { cookie: officialCookie, params: { id: String(proposalId) } },
  );
  expect(res.status).toBe(302);
}

async function post(cookie: string, proposalId: number, fields: Record<string, string>) {
  return callAction(reviewPage.action, `/review/${proposalId}`, fields, {
    cookie,
    params: { proposalId: String(proposalId) },
  });
}

async function attest(cookie: string, proposalId: number) {
  expect((await post(cookie, proposalId, { intent: "attest" })).status).toBe(302);
}

async function reviewStatus(proposalId: number, reviewerId: number) {
  const row = await db()
    .selectFrom("reviews")
    .select("status")
    .where("proposal_id", "=", proposalId)
    .where("reviewer_id", "=", reviewerId)
    .executeTakeFirst();
  return row?.status ?? null;
}

describe("saving a draft keeps the reviewer where they were", () => {
  it("without JavaScript comes back at the criterion whose button was pressed; with it answers in place", async () => {
    const { call, criteria } = await createCallWithCriteria();
    const { proposal } = await createSubmittedProposal(call.id);
    const official = await signedIn("official");
    const reviewer = await signedIn("reviewer");
    await assign(official.cookie, proposal.id, reviewer.user.id);
    await attest(reviewer.cookie, proposal.id);
    const fields = completeReview(criteria);
    const at = criteria.find((c) => c.kind === "scored")!;

    const noJs = await post(reviewer.cookie, proposal.id, { ...fields, intent: `draft:${at.id}` });
    expect(noJs.status).toBe(302);
    expect(noJs.location).toBe(`/review/${proposal.id}?saved=draft#crit-${at.id}`);
    expect(await reviewStatus(proposal.id, reviewer.user.id)).toBe("draft");

    const js = await post(reviewer.cookie, proposal.id, { ...fields, intent: "draft", js: "1" });
    expect(js.status).toBe(200);
    expect(js.location).toBeNull();
    expect(js.data).toEqual({ saved: "draft" });

    // Bad input is refused next to the field, whichever way it came, and nothing is lost.
    const bad = await post(reviewer.cookie, proposal.id, {
      ...fields,
      [`c.${at.id}.level`]: "9",
      intent: `draft:${at.id}`,
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.data.errors)).toEqual([`c.${at.id}.level`]);
    const saved = await db()
      .selectFrom("review_scores")
      .innerJoin("reviews", "reviews.id", "review_scores.review_id")
      .select("review_scores.level")
      .where("reviews.proposal_id", "=", proposal.id)
      .where("review_scores.criterion_id", "=", at.id)
      .executeTakeFirstOrThrow();
    expect(saved.level).toBe(4);
  });
});

describe("Submit and go to the next proposal", () => {
  it("opens only a proposal the reviewer may score: assigned, attested, not conflicted", async () => {
    const { call, criteria } = await createCallWithCriteria();
    const official = await signedIn("official");
    const reviewer = await signedIn("reviewer");
    const proposals = [];
    for (let i = 0; i < 5; i++) proposals.push((await createSubmittedProposal(call.id)).proposal);
    const [current, unattested, conflicted, unassigned, allowed] = proposals.map((p) => p!.id) as [
      number,
      number,
      number,
      number,
      number,
    ];
    for (const id of [current, unattested, conflicted, unassigned, allowed])
      await assign(official.cookie, id, reviewer.user.id);
    for (const id of [current, conflicted, unassigned, allowed]) await attest(reviewer.cookie, id);
    // Due dates put every wrong candidate before the right one.
    await db()
      .updateTable("reviewer_assignments")
      .set({ due_at: "2026-01-01T00:00:00.000Z" })
      .where("reviewer_id", "=", reviewer.user.id)
      .where("proposal_id", "in", [unattested, conflicted, unassigned])
      .execute();
    await db()
      .updateTable("reviewer_assignments")
      .set({ unassigned_at: new Date().toISOString() })
      .where("reviewer_id", "=", reviewer.user.id)
      .where("proposal_id", "=", unassigned)
      .execute();
    const org = await db()
      .selectFrom("proposals")
      .select("organisation_id")
      .where("id", "=", conflicted)
      .executeTakeFirstOrThrow();
    await db()
      .insertInto("conflicts")
      .values({
        reviewer_id: reviewer.user.id,
        organisation_id: org.organisation_id,
        parent_group: null,
        proposal_id: null,
        reason: "Former employer.",
        declared_at: new Date().toISOString(),
      })
      .execute();

    const first = await post(reviewer.cookie, current, {
      ...completeReview(criteria),
      intent: "submit-next",
    });
    expect(first.status).toBe(302);
    expect(first.location).toBe(`/review/${allowed}?submitted=${current}`);
    expect(await reviewStatus(current, reviewer.user.id)).toBe("submitted");

    // The next page says which review was just submitted; a proposal the reviewer may not see
    // is never named.
    const next = await callLoader(reviewPage.loader, `/review/${allowed}?submitted=${current}`, {
      cookie: reviewer.cookie,
      params: { proposalId: String(allowed) },
    });
    const reference = (
      await db()
        .selectFrom("proposals")
        .select("reference")
        .where("id", "=", current)
        .executeTakeFirstOrThrow()
    ).reference;
    expect(next.data.previous).toBe(reference);
    const probe = await callLoader(
      reviewPage.loader,
      `/review/${allowed}?submitted=${conflicted}`,
      {
        cookie: reviewer.cookie,
        params: { proposalId: String(allowed) },
      },
    );
    expect(probe.data.previous).toBeNull();

    const last = await post(reviewer.cookie, allowed, {
      ...completeReview(criteria),
      intent: "submit-next",
    });
    expect(last.location).toBe(`/review/${allowed}?saved=submitted&next=none`);
  });

  it("refuses an incomplete submission with the errors and goes nowhere", async () => {
    const { call } = await createCallWithCriteria();
    const { proposal } = await createSubmittedProposal(call.id);
    const official = await signedIn("official");
    const reviewer = await signedIn("reviewer");
    await assign(official.cookie, proposal.id, reviewer.user.id);
    await attest(reviewer.cookie, proposal.id);
    const res = await post(reviewer.cookie, proposal.id, { intent: "submit-next" });
    expect(res.status).toBe(400);
    expect(Object.keys(res.data.errors).length).toBeGreaterThan(0);
    expect(await reviewStatus(proposal.id, reviewer.user.id)).toBeNull();
  });
});

describe("the queue", () => {
  it("filters to do, drafts and done with counts; shows calls under review unless asked for all", async () => {
    const current = await createCallWithCriteria();
    const past = await createCallWithCriteria();
    const official = await signedIn("official");
    const reviewer = await signedIn("reviewer");
    const ids: number[] = [];
    for (const callId of [current.call.id, current.call.id, current.call.id, past.call.id]) {
      const { proposal } = await createSubmittedProposal(callId);
      await assign(official.cookie, proposal.id, reviewer.user.id);
      ids.push(proposal.id);
    }
    const [todo, draft, done, old] = ids as [number, number, number, number];
    for (const id of [draft, done, old]) await attest(reviewer.cookie, id);
    await post(reviewer.cookie, draft, { intent: "draft", js: "1" });
    await post(reviewer.cookie, done, { ...completeReview(current.criteria), intent: "submit" });
    await post(reviewer.cookie, old, { ...completeReview(past.criteria), intent: "submit" });
    await db()
      .updateTable("calls")
      .set({ status: "decided" })
      .where("id", "=", past.call.id)
      .execute();
    // Due dates out of id order: the queue follows the due date.
    await db()
      .updateTable("reviewer_assignments")
      .set({ due_at: "2026-03-01T00:00:00.000Z" })
      .where("proposal_id", "=", todo)
      .execute();
    await db()
      .updateTable("reviewer_assignments")
      .set({ due_at: "2026-02-01T00:00:00.000Z" })
      .where("proposal_id", "=", draft)
      .execute();

    const load = (query = "") =>
      callLoader(queuePage.loader, `/review${query}`, { cookie: reviewer.cookie });
    const byDefault = await load();
    expect(byDefault.data.scope).toBe("current");
    expect(byDefault.data.filter).toBe("todo");
    expect(byDefault.data.counts).toEqual({ todo: 2, drafts: 1, done: 1 });
    expect(byDefault.data.queue.map((q: { proposalId: number }) => q.proposalId)).toEqual([
      draft,
      todo,
    ]);
    const drafts = await load("?show=drafts");
    expect(drafts.data.queue.map((q: { proposalId: number }) => q.proposalId)).toEqual([draft]);
    const doneNow = await load("?show=done");
    expect(doneNow.data.queue.map((q: { proposalId: number }) => q.proposalId)).toEqual([done]);
    const all = await load("?show=done&call=all");
    expect(all.data.counts).toEqual({ todo: 2, drafts: 1, done: 2 });
    expect(all.data.queue.map((q: { proposalId: number }) => q.proposalId).sort()).toEqual(
      [done, old].sort(),
    );
    const onlyPast = await load(`?show=done&call=${past.call.slug}`);
    expect(onlyPast.data.queue.map((q: { proposalId: number }) => q.proposalId)).toEqual([old]);
    // An unknown call or filter falls back to the defaults.
    const junk = await load("?show=nope&call=nope");
    expect(junk.data.scope).toBe("current");
    expect(junk.data.filter).toBe("todo");
  });
});
