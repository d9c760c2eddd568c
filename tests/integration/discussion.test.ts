// The staff discussion of a proposal (issue 15): who may read and post (the access policy's
// "discuss" capability), the audit row of each comment, the e-mails to the other participants,
// and an official settling a disagreement flag by pointing to a comment.
import { describe, expect, it } from "vitest";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as breakdownPage from "~/routes/board.$slug.$proposalId";
import * as discussionPage from "~/routes/discussion.$proposalId";
import * as reviewPage from "~/routes/review.$proposalId";
import { getDb } from "~/services/db.server";
import { callAction, callLoader } from "../support/remix";
import { signedIn } from "../support/factories";
import {
  completeReview,
  createCallWithCriteria,
  createOrganisation,
  createSubmittedProposal,
} from "./review-fixtures";

const db = () => getDb();

async function scenario(n: number) {
  const { call, criteria } = await createCallWithCriteria();
  const { proposal, owner } = await createSubmittedProposal(call.id);
  const official = await signedIn("official");
  const reviewers = [];
  for (let i = 0; i < n; i++) {
    const r = await signedIn("reviewer");
    const assigned = await callAction(
      adminProposal.action,
      `/admin/proposals/${proposal.id}`,
      { intent: "assign", reviewerId: String(r.user.id) },
      { cookie: official.cookie, params: { id: String(proposal.id) } },
    );
    expect(assigned.status).toBe(302);
    const attested = await callAction(
      reviewPage.action,
      `/review/${proposal.id}`,
      { intent: "attest" },
      { cookie: r.cookie, params: { proposalId: String(proposal.id) } },
    );
    expect(attested.status).toBe(302);
    reviewers.push(r);
  }
  return { call, criteria, proposal, owner, official, reviewers };
}

async function submitReview(
  cookie: string,
  proposalId: number,
  criteria: Parameters<typeof completeReview>[0],
  level = 4,
) {
  const res = await callAction(
    reviewPage.action,
    `/review/${proposalId}`,
    { intent: "submit", ...completeReview(criteria, { level }) },
    { cookie, params: { proposalId: String(proposalId) } },
  );
  expect(res.status).toBe(302);
}

const post = (cookie: string, proposalId: number, fields: Record<string, string>) =>
  callAction(discussionPage.action, `/discussion/${proposalId}`, fields, {
    cookie,
    params: { proposalId: String(proposalId) },
  });

const read = (cookie: string, proposalId: number) =>
  callLoader<{ discussion: { comments: { body: string; authorName: string }[] } }>(
    discussionPage.loader,
    `/discussion/${proposalId}`,
    { cookie, params: { proposalId: String(proposalId) } },
  );

describe("the discussion of a proposal", () => {
  it("opens to a reviewer only once their own review is submitted, and to officials", async () => {
    const { proposal, criteria, official, reviewers } = await scenario(2);
    const [a, b] = reviewers as [(typeof reviewers)[0], (typeof reviewers)[0]];
    // Before submitting: the review page has no discussion, the page and a post are refused.
    expect((await read(a.cookie, proposal.id)).status).toBe(403);
    const early = await post(a.cookie, proposal.id, { intent: "comment", body: "Too early" });
    expect(early.status).toBe(403);
    const before = await callLoader<{ discussion: unknown }>(
      reviewPage.loader,
      `/review/${proposal.id}`,
      { cookie: a.cookie, params: { proposalId: String(proposal.id) } },
    );
    expect(before.data.discussion).toBeNull();
    expect((await read(official.cookie, proposal.id)).status).toBe(200);

    await submitReview(a.cookie, proposal.id, criteria);
    const posted = await post(a.cookie, proposal.id, {
      intent: "comment",
      body: "Financing looks thin to me.",
      returnTo: `/review/${proposal.id}`,
    });
    expect(posted.status).toBe(302);
    expect(posted.location).toBe(`/review/${proposal.id}?discussion=posted#discussion`);
    // B has not submitted: still walled off from the thread.
    expect((await read(b.cookie, proposal.id)).status).toBe(403);
    await submitReview(b.cookie, proposal.id, criteria);
    const seenByB = await read(b.cookie, proposal.id);
    expect(seenByB.data.discussion.comments.map((c) => c.body)).toEqual([
      "Financing looks thin to me.",
    ]);
    // On the review page too, below the reviewer's own review.
    const page = await callLoader<{ discussion: { comments: unknown[] } }>(
      reviewPage.loader,
      `/review/${proposal.id}`,
      { cookie: b.cookie, params: { proposalId: String(proposal.id) } },
    );
    expect(page.data.discussion.comments).toHaveLength(1);
  });

  it("refuses applicants, unassigned and conflicted reviewers, and walled officials", async () => {
    const org = await createOrganisation("Walled Cloud", "Walled Group");
    const { call, criteria } = await createCallWithCriteria();
    const { proposal, owner } = await createSubmittedProposal(call.id, { organisationId: org.id });
    const official = await signedIn("official");
    const reviewer = await signedIn("reviewer");
    await callAction(
      adminProposal.action,
      `/admin/proposals/${proposal.id}`,
      { intent: "assign", reviewerId: String(reviewer.user.id) },
      { cookie: official.cookie, params: { id: String(proposal.id) } },
    );
    await callAction(
      reviewPage.action,
      `/review/${proposal.id}`,
      { intent: "attest" },
      { cookie: reviewer.cookie, params: { proposalId: String(proposal.id) } },
    );
    await submitReview(reviewer.cookie, proposal.id, criteria);
    expect((await post(official.cookie, proposal.id, { body: "Official note." })).status).toBe(302);
    expect((await read(reviewer.cookie, proposal.id)).status).toBe(200);
    // The reviewer declares a conflict after submitting: the wall closes the thread.
    await db()
      .insertInto("conflicts")
      .values({ reviewer_id: reviewer.user.id, organisation_id: org.id, reason: "Ex-employee." })
      .execute();
    // (A conflict is answered exactly as "not yours": 404, issue 12.)
    expect((await read(reviewer.cookie, proposal.id)).status).toBe(404);
    expect((await post(reviewer.cookie, proposal.id, { body: "Still here?" })).status).toBe(404);
    const walledOfficial = await signedIn("official");
    await db()
      .insertInto("conflicts")
      .values({ reviewer_id: walledOfficial.user.id, parent_group: "walled group", reason: "x" })
      .execute();
    expect((await read(walledOfficial.cookie, proposal.id)).status).toBe(404);
    const unassigned = await signedIn("reviewer");
    expect((await read(unassigned.cookie, proposal.id)).status).toBe(404);
    const ownerSession = await signedIn("applicant");
    expect((await read(ownerSession.cookie, proposal.id)).status).toBe(403);
    expect(owner.id).toBeGreaterThan(0);
    const count = await db()
      .selectFrom("discussion_comments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("audits each comment and tells the other participants, never the author", async () => {
    const { proposal, criteria, official, reviewers } = await scenario(3);
    const [a, b, c] = reviewers as [
      (typeof reviewers)[0],
      (typeof reviewers)[0],
      (typeof reviewers)[0],
    ];
    await submitReview(a.cookie, proposal.id, criteria);
    await submitReview(b.cookie, proposal.id, criteria);
    // c has not submitted: not a participant yet, so not told.
    const before = await db()
      .selectFrom("mail_outbox")
      .select("id")
      .orderBy("id", "desc")
      .executeTakeFirst();
    expect((await post(a.cookie, proposal.id, { body: "Shall we discuss C2?" })).status).toBe(302);
    const audit = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "discussion.comment")
      .where("proposal_id", "=", proposal.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(a.user.id);
    expect(JSON.parse(audit[0]!.after_json!)).toEqual({ body: "Shall we discuss C2?" });
    const mails = await db()
      .selectFrom("mail_outbox")
      .select(["to_address", "template", "recipient_id"])
      .where("id", ">", before?.id ?? 0)
      .execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual([b.user.email]);
    expect(mails[0]!.template).toBe("discussion_comment");
    // The official replies: both reviewers who hold "discuss" are told, the official is not.
    const mid = await db()
      .selectFrom("mail_outbox")
      .select("id")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(
      (await post(official.cookie, proposal.id, { body: "Agreed, see the annex." })).status,
    ).toBe(302);
    const second = await db()
      .selectFrom("mail_outbox")
      .select("to_address")
      .where("id", ">", mid.id)
      .execute();
    expect(second.map((m) => m.to_address).sort()).toEqual([a.user.email, b.user.email].sort());
    expect(c.user.email).not.toBe(a.user.email);
  });

  it("keeps what was typed and says why when a comment is empty or too long", async () => {
    const { proposal, official } = await scenario(0);
    const empty = await post(official.cookie, proposal.id, { intent: "comment", body: "  " });
    expect(empty.status).toBe(400);
    expect(empty.data).toMatchObject({ errors: { body: "validation.required" } });
    const long = "x".repeat(4001);
    const tooLong = await post(official.cookie, proposal.id, { intent: "comment", body: long });
    expect(tooLong.status).toBe(400);
    expect(tooLong.data).toMatchObject({ values: { body: long } });
  });

  it("lets an official settle a disagreement flag by pointing to a comment", async () => {
    const { call, proposal, criteria, official, reviewers } = await scenario(2);
    const [a, b] = reviewers as [(typeof reviewers)[0], (typeof reviewers)[0]];
    await submitReview(a.cookie, proposal.id, criteria, 1);
    await submitReview(b.cookie, proposal.id, criteria, 5);
    const flags = async () =>
      JSON.parse(
        (
          await db()
            .selectFrom("proposal_scores")
            .select("flags_json")
            .where("proposal_id", "=", proposal.id)
            .executeTakeFirstOrThrow()
        ).flags_json,
      ) as { kind: string; resolved: boolean }[];
    expect((await flags()).some((f) => f.kind === "criterion_spread" && !f.resolved)).toBe(true);
    await post(a.cookie, proposal.id, { body: "I misread the power plan; 5 is fair." });
    const comment = await db()
      .selectFrom("discussion_comments")
      .select("id")
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirstOrThrow();
    // A reviewer may not settle.
    const byReviewer = await post(a.cookie, proposal.id, {
      intent: "settle",
      commentId: String(comment.id),
      settleNote: "Settled.",
    });
    expect(byReviewer.status).toBe(403);
    // A note is required; what was chosen is kept.
    const noNote = await post(official.cookie, proposal.id, {
      intent: "settle",
      commentId: String(comment.id),
      settleNote: "",
    });
    expect(noNote.status).toBe(400);
    expect(noNote.data).toMatchObject({ errors: { settleNote: "validation.required" } });
    const back = `/board/${call.slug}/${proposal.id}`;
    const settled = await post(official.cookie, proposal.id, {
      intent: "settle",
      commentId: String(comment.id),
      settleNote: "Settled in the discussion: reviewer A revised their reading.",
      returnTo: back,
    });
    expect(settled.status).toBe(302);
    expect(settled.location).toBe(`${back}?discussion=settled#discussion`);
    expect((await flags()).filter((f) => f.kind !== "gate_split").every((f) => f.resolved)).toBe(
      true,
    );
    const moderation = await db()
      .selectFrom("moderations")
      .selectAll()
      .where("proposal_id", "=", proposal.id)
      .executeTakeFirstOrThrow();
    expect(moderation.comment_id).toBe(comment.id);
    // The breakdown shows the thread with the comment marked as settling the disagreement.
    const breakdown = await callLoader<{
      discussion: { comments: { settles: unknown[] }[] };
    }>(breakdownPage.loader, back, {
      cookie: official.cookie,
      params: { slug: call.slug, proposalId: String(proposal.id) },
    });
    expect(breakdown.status).toBe(200);
    expect(breakdown.data.discussion.comments[0]!.settles).toHaveLength(1);
    // A comment of another proposal cannot be pointed to.
    const other = await scenario(0);
    await post(other.official.cookie, other.proposal.id, { body: "Elsewhere." });
    const foreign = await db()
      .selectFrom("discussion_comments")
      .select("id")
      .where("proposal_id", "=", other.proposal.id)
      .executeTakeFirstOrThrow();
    const wrong = await post(official.cookie, proposal.id, {
      intent: "settle",
      commentId: String(foreign.id),
      settleNote: "Nope.",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.data).toMatchObject({ errors: { commentId: "validation.choose" } });
  });

  it("returns only to this proposal's own pages", async () => {
    const { proposal, official } = await scenario(0);
    const res = await post(official.cookie, proposal.id, {
      body: "Hello",
      returnTo: "https://evil.example/",
    });
    expect(res.location).toBe(`/discussion/${proposal.id}?discussion=posted#discussion`);
  });
});
