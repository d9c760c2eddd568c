// The access policy's conflict wall (issue 11): every staff role, the company and parent group as
// snapshotted at submission, and a conflict declared after a review was submitted.
import { describe, expect, it } from "vitest";
import { conflictedUsersByProposal } from "~/models/access.server";
import { saveProfile } from "~/models/organisations.server";
import { submitProposal } from "~/models/submission.server";
import * as auditCsv from "~/routes/admin.audit[.csv]";
import * as auditPage from "~/routes/admin.audit";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as attachmentRoute from "~/routes/attachments.$id";
import * as breakdownPage from "~/routes/board.$slug.$proposalId";
import * as reviewPage from "~/routes/review.$proposalId";
import * as conflictsPage from "~/routes/review.conflicts";
import { getDb } from "~/services/db.server";
import { signedIn } from "../support/factories";
import { callAction, callLoader } from "../support/remix";
import {
  completeReview,
  createCallWithCriteria,
  createOrganisation,
  createSubmittedProposal,
} from "./review-fixtures";
import { attach, DECLARATION, readyDraft, validAnswers } from "./submission-fixtures";

const db = () => getDb();

const assign = (cookie: string, proposalId: number, reviewerId: number) =>
  callAction(
    adminProposal.action,
    `/admin/proposals/${proposalId}`,
    { intent: "assign", reviewerId: String(reviewerId) },
    { cookie, params: { id: String(proposalId) } },
  );

const reviewPost = (cookie: string, proposalId: number, fields: Record<string, string>) =>
  callAction(reviewPage.action, `/review/${proposalId}`, fields, {
    cookie,
    params: { proposalId: String(proposalId) },
  });

const declareCompany = (cookie: string, organisationId: number) =>
  callAction(
    conflictsPage.action,
    "/review/conflicts",
    { intent: "company", organisationId: String(organisationId), companyReason: "Shares." },
    { cookie },
  );

/** A submitted proposal with a document and one submitted review (level 4 throughout). */
async function reviewedProposal() {
  const { call, criteria } = await createCallWithCriteria({ minReviews: 1 });
  const org = await createOrganisation("Wall Cloud", "Wall Holdings Group");
  const { proposal, owner } = await createSubmittedProposal(call.id, { organisationId: org.id });
  const document = await attach(proposal.id, owner.id, "businessLicence");
  const official = await signedIn("official");
  const reviewer = await signedIn("reviewer");
  expect((await assign(official.cookie, proposal.id, reviewer.user.id)).status).toBe(302);
  expect((await reviewPost(reviewer.cookie, proposal.id, { intent: "attest" })).status).toBe(302);
  const submitted = await reviewPost(reviewer.cookie, proposal.id, {
    intent: "submit",
    ...completeReview(criteria),
  });
  expect(submitted.status).toBe(302);
  const review = await db()
    .selectFrom("reviews")
    .select(["id", "status"])
    .where("proposal_id", "=", proposal.id)
    .executeTakeFirstOrThrow();
  return { call, org, proposal, document, official, reviewer, review };
}

describe("the conflict wall holds for officials and admins", () => {
  for (const role of ["official", "admin"] as const) {
    it(`a conflicted ${role} opens nothing of the proposal and cannot return its review`, async () => {
      const { call, org, proposal, document, review } = await reviewedProposal();
      const staff = await signedIn(role);
      expect((await declareCompany(staff.cookie, org.id)).status).toBe(302);
      const cookie = staff.cookie;

      const reviewView = await callLoader(reviewPage.loader, `/review/${proposal.id}`, {
        cookie,
        params: { proposalId: String(proposal.id) },
      });
      // A conflict is answered exactly as "not yours": 404 (issue 12, item 9).
      expect(reviewView.status).toBe(404);
      const download = await callLoader(attachmentRoute.loader, `/attachments/${document.id}`, {
        cookie,
        params: { id: String(document.id) },
      });
      expect(download.status).toBe(404);
      const page = await callLoader(adminProposal.loader, `/admin/proposals/${proposal.id}`, {
        cookie,
        params: { id: String(proposal.id) },
      });
      expect(page.status).toBe(404);
      const breakdown = await callLoader(
        breakdownPage.loader,
        `/board/${call.slug}/${proposal.id}`,
        { cookie, params: { slug: call.slug, proposalId: String(proposal.id) } },
      );
      expect(breakdown.status).toBe(404);
      for (const route of [auditPage, auditCsv]) {
        const filtered = await callLoader(route.loader, `/admin/audit?proposal=${proposal.id}`, {
          cookie,
        });
        // Filtered to the walled proposal, the log answers as for one with no entries.
        expect(filtered.status).toBe(200);
        expect(JSON.stringify(filtered.data)).not.toContain(proposal.reference!);
      }
      // Unfiltered, the log leaves out every entry about the proposal.
      const log = await callLoader(auditPage.loader, "/admin/audit", { cookie });
      expect(log.status).toBe(200);
      expect(
        log.data.page.rows.filter(
          (r: { proposalId: number | null }) => r.proposalId === proposal.id,
        ),
      ).toEqual([]);

      const returned = await callAction(
        adminProposal.action,
        `/admin/proposals/${proposal.id}`,
        { intent: "return", reviewId: String(review.id), [`note${review.id}`]: "Redo it." },
        { cookie, params: { id: String(proposal.id) } },
      );
      expect(returned.status).toBe(404);
      const after = await db()
        .selectFrom("reviews")
        .select(["status", "revision"])
        .where("id", "=", review.id)
        .executeTakeFirstOrThrow();
      expect(after).toEqual({ status: "submitted", revision: 1 });
    });
  }
});

describe("conflicts are matched against the company as it was at submission", () => {
  it("blanking the parent group on a new draft lifts no conflict on the submitted proposal", async () => {
    const { call } = await createCallWithCriteria();
    const applicant = await signedIn("applicant");
    const answers = validAnswers();
    const organisation = { ...answers.organisation, parentGroup: "Sky Holdings Group" };
    const profile = await saveProfile(db(), applicant.user.id, organisation);
    const draft = await readyDraft(applicant.user.id, call.id, { ...answers, organisation });
    await db()
      .updateTable("proposals")
      .set({ organisation_id: profile.organisationId })
      .where("id", "=", draft.id)
      .execute();
    const submitted = await submitProposal(db(), {
      proposalId: draft.id,
      userId: applicant.user.id,
      submissionKey: "snapshot-conflict-key-0001",
      declaration: DECLARATION,
    });
    expect(submitted.ok).toBe(true);

    const reviewer = await signedIn("reviewer");
    const declared = await callAction(
      conflictsPage.action,
      "/review/conflicts",
      { intent: "group", parentGroup: "sky holdings group", groupReason: "I hold shares." },
      { cookie: reviewer.cookie },
    );
    expect(declared.status).toBe(302);

    // The applicant starts a new draft and blanks the group on the shared company profile.
    await saveProfile(db(), applicant.user.id, { ...organisation, parentGroup: "" });
    const live = await db()
      .selectFrom("organisations")
      .select("parent_group")
      .where("id", "=", profile.organisationId)
      .executeTakeFirstOrThrow();
    expect(live.parent_group).toBeNull();

    const official = await signedIn("official");
    const assigned = await assign(official.cookie, draft.id, reviewer.user.id);
    expect(assigned.status).toBe(400);
    expect(assigned.data.errors.reviewerId).toBe("review.error.conflictedReviewer");
    const opened = await callLoader(reviewPage.loader, `/review/${draft.id}`, {
      cookie: reviewer.cookie,
      params: { proposalId: String(draft.id) },
    });
    expect(opened.status).toBe(404);
    expect((await conflictedUsersByProposal(db(), [draft.id])).get(draft.id)).toEqual(
      new Set([reviewer.user.id]),
    );
  });
});

describe("a conflict declared after the declarer's review was submitted", () => {
  it("is audited and flagged for officials: whose review no longer counts and since when", async () => {
    const { call, org, proposal, official, reviewer, review } = await reviewedProposal();
    expect((await declareCompany(reviewer.cookie, org.id)).status).toBe(302);
    const conflict = await db()
      .selectFrom("conflicts")
      .select("declared_at")
      .where("reviewer_id", "=", reviewer.user.id)
      .executeTakeFirstOrThrow();

    const audit = await db()
      .selectFrom("audit_log")
      .select(["entity_id", "proposal_id", "after_json"])
      .where("action", "=", "review.exclude_conflict")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.entity_id).toBe(String(review.id));
    expect(audit[0]!.proposal_id).toBe(proposal.id);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({
      counts: false,
      since: conflict.declared_at,
    });

    // The score read model leaves the review out: it asks conflictedUsersByProposal.
    expect((await conflictedUsersByProposal(db(), [proposal.id])).get(proposal.id)).toEqual(
      new Set([reviewer.user.id]),
    );

    const flag = [
      {
        reviewId: review.id,
        reviewerId: reviewer.user.id,
        reviewerName: reviewer.user.display_name,
        since: conflict.declared_at,
      },
    ];
    const page = await callLoader(adminProposal.loader, `/admin/proposals/${proposal.id}`, {
      cookie: official.cookie,
      params: { id: String(proposal.id) },
    });
    expect(page.status).toBe(200);
    expect(page.data.excluded).toEqual(flag);
    const breakdown = await callLoader(breakdownPage.loader, `/board/${call.slug}/${proposal.id}`, {
      cookie: official.cookie,
      params: { slug: call.slug, proposalId: String(proposal.id) },
    });
    expect(breakdown.status).toBe(200);
    expect(breakdown.data.excluded).toEqual(flag);

    // A second conflict covering the same proposal excludes nothing twice.
    const again = await callAction(
      conflictsPage.action,
      "/review/conflicts",
      { intent: "group", parentGroup: "Wall Holdings Group", groupReason: "Also the group." },
      { cookie: reviewer.cookie },
    );
    expect(again.status).toBe(302);
    expect(
      await db()
        .selectFrom("audit_log")
        .select("id")
        .where("action", "=", "review.exclude_conflict")
        .execute(),
    ).toHaveLength(1);
  });
});
