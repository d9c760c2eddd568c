// A decided call's results are final (issue 11): its reviews cannot be returned, submitted or
// changed, its moderations and decisions cannot be recorded or changed — each refused with a
// message key, nothing written — until an official reopens the call with a reason (audited),
// which takes its decided proposals back to under review so the work can go on.
import { beforeAll, describe, expect, it } from "vitest";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as callPage from "~/routes/admin.calls.$slug._index";
import * as breakdownRoute from "~/routes/board.$slug.$proposalId";
import * as reviewPage from "~/routes/review.$proposalId";
import { getDb } from "~/services/db.server";
import { callAction } from "../support/remix";
import { signedIn } from "../support/factories";
import { completeReview, createCallWithCriteria, createSubmittedProposal } from "./review-fixtures";

type Session = Awaited<ReturnType<typeof signedIn>>;
const db = () => getDb();

let official: Session;
let first: Session; // submitted a review before the decision
let second: Session; // only a draft when the call was decided
let slug = "";
let proposalId = 0;
let reviewId = 0;
let criteria: Awaited<ReturnType<typeof createCallWithCriteria>>["criteria"];

const asOfficial = (fields: Record<string, string>) =>
  callAction(adminProposal.action, `/admin/proposals/${proposalId}`, fields, {
    cookie: official.cookie,
    params: { id: String(proposalId) },
  });
const asReviewer = (who: Session, fields: Record<string, string>) =>
  callAction(reviewPage.action, `/review/${proposalId}`, fields, {
    cookie: who.cookie,
    params: { proposalId: String(proposalId) },
  });
const onBoard = (fields: Record<string, string>) =>
  callAction(breakdownRoute.action, `/board/${slug}/${proposalId}`, fields, {
    cookie: official.cookie,
    params: { slug, proposalId: String(proposalId) },
  });
const onCall = (fields: Record<string, string>) =>
  callAction(callPage.action, `/admin/calls/${slug}`, fields, {
    cookie: official.cookie,
    params: { slug },
  });
const returnIt = (note: string) =>
  asOfficial({ intent: "return", reviewId: String(reviewId), [`note${reviewId}`]: note });

async function state() {
  return {
    proposal: await db()
      .selectFrom("proposals")
      .select(["status", "updated_at"])
      .where("id", "=", proposalId)
      .executeTakeFirstOrThrow(),
    reviews: await db()
      .selectFrom("reviews")
      .select(["id", "status", "revision", "updated_at"])
      .where("proposal_id", "=", proposalId)
      .orderBy("id")
      .execute(),
    revisions: await db().selectFrom("review_revisions").select("id").execute(),
    decisions: await db().selectFrom("decisions").selectAll().execute(),
    moderations: await db().selectFrom("moderations").select("id").execute(),
    audit: await db().selectFrom("audit_log").select("id").execute(),
  };
}

beforeAll(async () => {
  const made = await createCallWithCriteria({ minReviews: 1 });
  criteria = made.criteria;
  slug = made.call.slug;
  ({
    proposal: { id: proposalId },
  } = await createSubmittedProposal(made.call.id));
  official = await signedIn("official");
  first = await signedIn("reviewer");
  second = await signedIn("reviewer");
  for (const r of [first, second]) {
    expect((await asOfficial({ intent: "assign", reviewerId: String(r.user.id) })).status).toBe(
      302,
    );
    expect((await asReviewer(r, { intent: "attest" })).status).toBe(302);
  }
  expect(
    (await asReviewer(first, { intent: "submit", ...completeReview(criteria, { level: 4 }) }))
      .status,
  ).toBe(302);
  expect(
    (await asReviewer(second, { intent: "draft", ...completeReview(criteria, { level: 2 }) }))
      .status,
  ).toBe(302);
  reviewId = (await state()).reviews[0]!.id;
  expect((await onCall({ intent: "transition", to: "closed" })).status).toBe(302);
  expect(
    (await onBoard({ outcome: "shortlisted", reason: "Strong Tier IV evidence." })).status,
  ).toBe(302);
  expect((await onCall({ intent: "transition", to: "decided" })).status).toBe(302);
  expect((await state()).proposal.status).toBe("shortlisted");
});

describe("a decided call's results are final", () => {
  it("refuses returning a review with the form's error, and changes nothing", async () => {
    const before = await state();
    const res = await returnIt("Please explain the energy level again.");
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("lifecycle.error.callDecided");
    expect(await state()).toEqual(before);
  });

  it("refuses submitting or saving a review", async () => {
    const before = await state();
    for (const intent of ["submit", "draft"]) {
      const res = await asReviewer(second, { intent, ...completeReview(criteria, { level: 1 }) });
      expect(res.status).toBe(400);
      expect(res.data.errors._form).toBe("lifecycle.error.callDecided");
    }
    expect(await state()).toEqual(before);
  });

  it("refuses changing the decision and recording a moderation, with message keys", async () => {
    const before = await state();
    const decision = await onBoard({ outcome: "rejected", reason: "Changed our mind." });
    expect(decision.status).toBe(409);
    expect(decision.data.errors._form).toBe("lifecycle.error.callDecided");
    const note = await onBoard({ intent: "note", flagNote: "Discussed: the levels stand." });
    expect(note.status).toBe(409);
    expect(note.data.errors._form).toBe("lifecycle.error.callDecided");
    expect(await state()).toEqual(before);
  });
});

describe("reopening a decided call", () => {
  it("needs a reason and refuses a call that is not decided", async () => {
    const before = await state();
    const short = await onCall({ intent: "reopen", reason: "oops" });
    expect(short.status).toBe(400);
    expect(short.data.errors.reason).toMatch(/^callAdmin\.reopen\.reason/);
    expect(await state()).toEqual(before);
  });

  it("is audited with its reason, takes the proposal back to review, and a return then works", async () => {
    const reason = "The energy evidence of CDA-2026 was misread; review it again.";
    const res = await onCall({ intent: "reopen", reason });
    expect(res.status).toBe(302);
    const call = await db()
      .selectFrom("calls")
      .select(["id", "status", "decided_at"])
      .where("slug", "=", slug)
      .executeTakeFirstOrThrow();
    expect(call).toMatchObject({ status: "closed", decided_at: null });
    const audit = await db()
      .selectFrom("audit_log")
      .select(["action", "actor_id", "before_json", "after_json"])
      .where("call_id", "=", call.id)
      .where("action", "in", ["call.reopen", "proposal.decision_reopened"])
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["proposal.decision_reopened", "call.reopen"]);
    expect(audit.every((a) => a.actor_id === official.user.id)).toBe(true);
    expect(JSON.parse(audit[1]!.after_json!)).toMatchObject({ status: "closed", reason });
    expect(JSON.parse(audit[0]!.before_json!)).toEqual({ status: "shortlisted" });
    expect(JSON.parse(audit[0]!.after_json!)).toEqual({ status: "under_review", reason });
    // The recorded decision is kept; it is simply no longer published.
    expect((await state()).proposal.status).toBe("under_review");
    expect((await state()).decisions).toHaveLength(1);

    // Reopening a call that is no longer decided is refused.
    const again = await onCall({ intent: "reopen", reason });
    expect(again.status).toBe(409);
    expect(again.data.errors._form).toBe("callAdmin.reopen.notDecided");

    expect((await returnIt("Please explain the energy level again.")).status).toBe(302);
    expect(
      (await asReviewer(first, { intent: "submit", ...completeReview(criteria, { level: 3 }) }))
        .status,
    ).toBe(302);
    expect((await onBoard({ outcome: "reserve", reason: "Lower after rework." })).status).toBe(302);
    expect((await onCall({ intent: "transition", to: "decided" })).status).toBe(302);
    expect((await state()).proposal.status).toBe("reserve");
  });
});
