// Issue 12, item 9: a reviewer sees no more than a conflict decision needs. Before attesting "no
// conflict", the review page's data and the queue carry the company (names, parent group) and the
// call, not the proposal's title, tracks or status; the conflict search lists only companies with
// a proposal under review in a call open to review, and never shows or completes a USCC.
// ("Not yours" and "conflicted" answering alike is proved route by route in the permission matrix.)
import { beforeAll, describe, expect, it } from "vitest";
import * as reviewPage from "~/routes/review.$proposalId";
import * as reviewQueue from "~/routes/review._index";
import * as conflictsPage from "~/routes/review.conflicts";
import { getDb } from "~/services/db.server";
import {
  createCall,
  createOrganisation,
  createSubmittedProposal,
  signedIn,
} from "../support/factories";
import { callLoader } from "../support/remix";

let reviewer: Awaited<ReturnType<typeof signedIn>>;
let proposal: Awaited<ReturnType<typeof createSubmittedProposal>>["proposal"];
let organisation: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  const db = getDb();
  const { call } = await createCall({ status: "open" });
  organisation = await createOrganisation("Minimal Data", "Minimal Holdings");
  ({ proposal } = await createSubmittedProposal(call.id, {
    organisationId: organisation.id,
    tracks: "tier4DataCentre",
  }));
  reviewer = await signedIn("reviewer");
  await db
    .insertInto("reviewer_assignments")
    .values({ proposal_id: proposal.id, reviewer_id: reviewer.user.id })
    .execute();
});

describe("before the attestation", () => {
  it("the review page's data holds the company and the call only", async () => {
    const res = await callLoader(reviewPage.loader, `/review/${proposal.id}`, {
      cookie: reviewer.cookie,
      params: { proposalId: String(proposal.id) },
    });
    expect(res.status).toBe(200);
    const d = res.data as { stage: string; proposal: Record<string, unknown> };
    expect(d.stage).toBe("attest");
    expect(Object.keys(d.proposal).sort()).toEqual(
      ["callTitleEn", "companyEn", "companyZh", "id", "parentGroup", "reference"].sort(),
    );
    expect(d.proposal).toMatchObject({
      companyEn: "Minimal Data",
      parentGroup: "Minimal Holdings",
    });
    const json = JSON.stringify(res.data);
    expect(json).not.toContain(proposal.title!);
    expect(json).not.toContain("tier4DataCentre");
    expect(json).not.toContain(proposal.status);
  });

  it("the queue shows the company, not the title or the proposal's status", async () => {
    const res = await callLoader(reviewQueue.loader, "/review", { cookie: reviewer.cookie });
    const item = (res.data as { queue: Record<string, unknown>[] }).queue.find(
      (q) => q.proposalId === proposal.id,
    );
    expect(item).toMatchObject({ companyEn: "Minimal Data", title: null, proposalStatus: null });
    expect(JSON.stringify(res.data)).not.toContain(proposal.title!);
  });
});

describe("the conflict search", () => {
  async function search(q: string) {
    const res = await callLoader(
      conflictsPage.loader,
      `/review/conflicts?q=${encodeURIComponent(q)}`,
      {
        cookie: reviewer.cookie,
      },
    );
    return res.data as { hits: { id: number }[] };
  }

  it("lists a company with a proposal under review, without its USCC", async () => {
    const d = await search("Minimal");
    expect(d.hits.map((h) => h.id)).toEqual([organisation.id]);
    expect(JSON.stringify(d)).not.toContain(organisation.uscc!);
  });

  it("finds a company by its whole USCC only, never by the start of one", async () => {
    expect((await search(organisation.uscc!)).hits.map((h) => h.id)).toEqual([organisation.id]);
    expect((await search(organisation.uscc!.slice(0, 10))).hits).toEqual([]);
    expect((await search("9111")).hits).toEqual([]);
  });

  it("leaves out companies with only drafts, withdrawn proposals or proposals in decided calls", async () => {
    const db = getDb();
    const drafting = await createOrganisation("Secretly Drafting");
    const owner = await signedIn("applicant");
    const { call: open } = await createCall({ status: "open" });
    await db
      .insertInto("proposals")
      .values({ call_id: open.id, owner_id: owner.user.id, organisation_id: drafting.id })
      .execute();
    const withdrawn = await createOrganisation("Withdrawn Bidder");
    await createSubmittedProposal(open.id, { organisationId: withdrawn.id, status: "withdrawn" });
    const decided = await createOrganisation("Decided Bidder");
    const { call: past } = await createCall({ status: "decided" });
    await createSubmittedProposal(past.id, { organisationId: decided.id, status: "under_review" });
    expect((await search("Secretly")).hits).toEqual([]);
    expect((await search("Withdrawn Bidder")).hits).toEqual([]);
    expect((await search("Decided Bidder")).hits).toEqual([]);
  });
});
