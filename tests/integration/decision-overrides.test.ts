// Decisions that show their overrides, and the credit-code check that reaches staff (issue 13),
// through the real routes: shortlisting a proposal that does not qualify or is provisional stops
// at a server-rendered confirmation step naming what it overrides, needs a reason, is stored and
// audited, and is marked on the board and in the exports; the "credit code needs a manual check"
// flag shows on the board, the breakdown and the official's proposal page until an official
// records the check (audited).
import { beforeAll, describe, expect, it } from "vitest";
import * as boardRoute from "~/routes/board.$slug._index";
import * as breakdownRoute from "~/routes/board.$slug.$proposalId";
import * as adminProposalRoute from "~/routes/admin.proposals.$id";
import * as csvRoute from "~/routes/board.$slug.export[.csv]";
import { execFileSync } from "node:child_process";
import * as pdfRoute from "~/routes/board.$slug.export[.pdf]";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { CREDIT_CODE_FLAG } from "~/utils/board-labels";
import { BASE, callAction, callLoader, testContext } from "../support/remix";
import {
  createCall,
  createReview,
  createSubmittedProposal,
  createUser,
  signedIn,
} from "../support/factories";

let slug = "";
let callId = 0;
let criteria: Awaited<ReturnType<typeof createCall>>["criteria"] = [];
let official: Awaited<ReturnType<typeof signedIn>>;
const reviewers: number[] = [];
const ids: Record<string, number> = {};

beforeAll(async () => {
  const made = await createCall({ status: "closed", minReviews: 3 });
  slug = made.call.slug;
  callId = made.call.id;
  criteria = made.criteria;
  official = await signedIn("official", { displayName: "Deciding Official" });
  for (let i = 0; i < 4; i++) reviewers.push((await createUser("reviewer")).id);
  // strong: three reviews at level 4 (score 80, qualifies). short: one review at level 3 (score
  // 60: provisional and below 65). weak: three reviews at level 3 (score 60, below 65).
  for (const [name, count, level] of [
    ["strong", 3, 4],
    ["short", 1, 3],
    ["weak", 3, 3],
    ["late", 2, 4],
  ] as const) {
    const { proposal } = await createSubmittedProposal(callId, { status: "under_review" });
    ids[name] = proposal.id;
    for (let r = 0; r < count; r++)
      await createReview(proposal.id, reviewers[r]!, criteria, { level });
  }
  await getDb()
    .transaction()
    .execute((trx) => rebuildCallScores(trx, callId));
});

const decide = (name: string, fields: Record<string, string>) =>
  callAction<any>(
    breakdownRoute.action,
    `/board/${slug}/${ids[name]}`,
    { intent: "decision", reason: "Panel decision.", ...fields },
    { cookie: official.cookie, params: { slug, proposalId: String(ids[name]) } },
  );

const decisionOf = (name: string) =>
  getDb()
    .selectFrom("decisions")
    .selectAll()
    .where("proposal_id", "=", ids[name]!)
    .executeTakeFirst();

const boardRows = async () =>
  (
    await callLoader<any>(boardRoute.loader, `/board/${slug}`, {
      cookie: official.cookie,
      params: { slug },
    })
  ).data.page.rows as {
    proposalId: number;
    flags: string[];
    provisional: boolean;
    override: string | null;
  }[];

describe("a shortlisting that overrides the rules", () => {
  it("stops at a confirmation that names what it overrides, then needs a reason", async () => {
    const asked = await decide("short", { outcome: "shortlisted" });
    expect(asked.status).toBe(409);
    expect(asked.data.confirm.text).toBe("1 of 3 reviews; score 60.00 below 65");
    expect(await decisionOf("short")).toBeUndefined();

    // Confirmed without a reason: an error beside the field, nothing saved, the step still shown.
    const noReason = await decide("short", {
      outcome: "shortlisted",
      overrideFingerprint: asked.data.confirm.fingerprint,
      overrideReason: "  ",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.data.errors.overrideReason).toBeTruthy();
    expect(noReason.data.confirm.text).toBe(asked.data.confirm.text);
    expect(await decisionOf("short")).toBeUndefined();

    const done = await decide("short", {
      outcome: "shortlisted",
      overrideFingerprint: asked.data.confirm.fingerprint,
      overrideReason: "Strategic partner; remaining reviews due next week.",
    });
    expect(done.status).toBe(302);
    const row = (await decisionOf("short"))!;
    expect(row.outcome).toBe("shortlisted");
    expect(row.override_reason).toBe("Strategic partner; remaining reviews due next week.");
    expect(JSON.parse(row.override_json!)).toMatchObject({
      provisional: true,
      reviewsSubmitted: 1,
      reviewsRequired: 3,
    });
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "decision.record")
      .where("proposal_id", "=", ids.short!)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toMatchObject({
      outcome: "shortlisted",
      override_reason: "Strategic partner; remaining reviews due next week.",
    });
    expect(JSON.parse(JSON.parse(audit.after_json!).override_json)).toMatchObject({
      provisional: true,
    });

    // Marked on the board, on the breakdown and in the CSV.
    const onBoard = (await boardRows()).find((r) => r.proposalId === ids.short)!;
    expect(onBoard.provisional).toBe(true);
    expect(onBoard.override).toBe("1 of 3 reviews; score 60.00 below 65");
    const breakdown = await callLoader<any>(breakdownRoute.loader, `/board/${slug}/${ids.short}`, {
      cookie: official.cookie,
      params: { slug, proposalId: String(ids.short) },
    });
    expect(breakdown.data.breakdown.decision.overrideReason).toContain("Strategic partner");
    expect(breakdown.data.breakdown.provisional).toBe(true);
    const csv = await callLoader<string>(csvRoute.loader, `/board/${slug}/export.csv`, {
      cookie: official.cookie,
      params: { slug },
    });
    const header = csv.data
      .replace(/^\ufeff/, "")
      .split("\r\n")[0]!
      .split(",");
    expect(header.slice(-3)).toEqual(["provisional", "override", "override_reason"]);
    const line = csv.data.split("\r\n").find((l) => l.includes("1 of 3 reviews"))!;
    expect(line).toContain(",yes,1 of 3 reviews; score 60.00 below 65,");
    expect(line).toContain("Strategic partner");
    // And in the PDF: the override with what it overrode and why, the provisional mark.
    const pdf = (await pdfRoute.loader({
      request: new Request(new URL(`/board/${slug}/export.pdf`, BASE), {
        headers: { Cookie: official.cookie },
      }),
      params: { slug },
      context: testContext,
    })) as Response;
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", "-", "-"], {
      input: Buffer.from(await pdf.arrayBuffer()),
    })
      .toString("utf8")
      .replace(/\s+/g, " ");
    expect(text).toContain("Shortlisted OVERRIDE");
    expect(text).toContain(
      "Override of: 1 of 3 reviews; score 60.00 below 65. Reason for the override: Strategic partner",
    );
    // The provisional mark beside the rank (the report's legend explains "P").
    expect(text).toMatch(/\b\d+ P CDA-2026-\d+/);
    expect(text).toContain("P = provisional");
  });

  it("names a score below the qualifying score for a proposal with enough reviews", async () => {
    const asked = await decide("weak", { outcome: "shortlisted" });
    expect(asked.status).toBe(409);
    expect(asked.data.confirm.text).toBe("score 60.00 below 65");
  });

  it("asks again when the standing changed after the confirmation was shown", async () => {
    const asked = await decide("late", { outcome: "shortlisted" });
    expect(asked.data.confirm.text).toBe("2 of 3 reviews");
    await createReview(ids.late!, reviewers[3]!, criteria, { level: 1 });
    await getDb()
      .transaction()
      .execute((trx) => rebuildCallScores(trx, callId));
    const again = await decide("late", {
      outcome: "shortlisted",
      overrideFingerprint: asked.data.confirm.fingerprint,
      overrideReason: "Confirmed for two reviews.",
    });
    expect(again.status).toBe(409);
    expect(again.data.confirm.text).not.toBe(asked.data.confirm.text);
    expect(again.data.confirm.text).toMatch(/below 65/);
    expect(await decisionOf("late")).toBeUndefined();
  });

  it("asks nothing for a qualifying proposal or for another outcome", async () => {
    expect((await decide("strong", { outcome: "shortlisted" })).status).toBe(302);
    expect((await decisionOf("strong"))!.override_json).toBeNull();
    expect((await decide("weak", { outcome: "reserve" })).status).toBe(302);
    expect((await decisionOf("weak"))!.override_json).toBeNull();
    const onBoard = (await boardRows()).find((r) => r.proposalId === ids.strong)!;
    expect(onBoard.override).toBeNull();
    expect(onBoard.provisional).toBe(false);
  });
});

describe("the credit-code manual check", () => {
  it("shows on the board, the breakdown and the proposal page until an official records it", async () => {
    await getDb()
      .updateTable("proposals")
      .set({ uscc_needs_check: 1 })
      .where("id", "=", ids.weak!)
      .execute();
    const flagsOf = async () => (await boardRows()).find((r) => r.proposalId === ids.weak)!.flags;
    expect(await flagsOf()).toContain(CREDIT_CODE_FLAG);
    expect((await boardRows()).find((r) => r.proposalId === ids.strong)!.flags).not.toContain(
      CREDIT_CODE_FLAG,
    );
    const breakdown = () =>
      callLoader<any>(breakdownRoute.loader, `/board/${slug}/${ids.weak}`, {
        cookie: official.cookie,
        params: { slug, proposalId: String(ids.weak) },
      });
    const page = () =>
      callLoader<any>(adminProposalRoute.loader, `/admin/proposals/${ids.weak}`, {
        cookie: official.cookie,
        params: { id: String(ids.weak) },
      });
    expect((await breakdown()).data.breakdown.creditCode).toMatchObject({
      needsCheck: true,
      pending: true,
    });
    expect((await page()).data.creditCode).toMatchObject({ needsCheck: true, pending: true });

    // A reviewer may not record it; an empty note is refused beside the field.
    const reviewer = await signedIn("reviewer");
    const asReviewer = await callAction(
      adminProposalRoute.action,
      `/admin/proposals/${ids.weak}`,
      { intent: "creditCode", creditCodeNote: "Looks fine" },
      { cookie: reviewer.cookie, params: { id: String(ids.weak) } },
    );
    expect(asReviewer.status).toBe(403);
    const empty = await callAction<any>(
      adminProposalRoute.action,
      `/admin/proposals/${ids.weak}`,
      { intent: "creditCode", creditCodeNote: "" },
      { cookie: official.cookie, params: { id: String(ids.weak) } },
    );
    expect(empty.status).toBe(400);
    expect(empty.data.errors.creditCodeNote).toBeTruthy();

    const recorded = await callAction(
      breakdownRoute.action,
      `/board/${slug}/${ids.weak}`,
      { intent: "creditCode", creditCodeNote: "Matched on the national credit register." },
      { cookie: official.cookie, params: { slug, proposalId: String(ids.weak) } },
    );
    expect(recorded.status).toBe(302);
    expect(await flagsOf()).not.toContain(CREDIT_CODE_FLAG);
    expect((await breakdown()).data.breakdown.creditCode).toMatchObject({
      needsCheck: true,
      pending: false,
      checkedBy: "Deciding Official",
      note: "Matched on the national credit register.",
    });
    expect((await page()).data.creditCode.pending).toBe(false);
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "proposal.uscc_check")
      .where("proposal_id", "=", ids.weak!)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(official.user.id);
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({
      note: "Matched on the national credit register.",
    });
    // Recorded once: a second attempt is refused.
    const twice = await callAction<any>(
      breakdownRoute.action,
      `/board/${slug}/${ids.weak}`,
      { intent: "creditCode", creditCodeNote: "Again." },
      { cookie: official.cookie, params: { slug, proposalId: String(ids.weak) } },
    );
    expect(twice.status).toBe(409);
  });
});
