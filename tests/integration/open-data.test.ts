// Published results and Open Contracting releases (issue 17), through the real routes against a
// real SQLite file: opening a call publishes its tender release; before its decisions are
// published the results page is 404; marking it decided publishes the public results (nothing
// confidential in them; rejected companies named only when the call's setting says so) and the
// award release; a decision changed after a reopening is published again as an amendment release,
// and every release published before stays exactly as it was.
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import * as adminCall from "~/routes/admin.calls.$slug._index";
import * as breakdownRoute from "~/routes/board.$slug.$proposalId";
import * as callPage from "~/routes/calls.$slug._index";
import * as ocdsRoute from "~/routes/calls.$slug.ocds[.json]";
import * as recordRoute from "~/routes/calls.$slug.ocds-record[.json]";
import * as resultsRoute from "~/routes/calls.$slug.results";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { callAction, callLoader } from "../support/remix";
import {
  createCall,
  createReview,
  createSubmittedProposal,
  createUser,
  signedIn,
} from "../support/factories";

const REASON = "Internal: strongest Tier IV evidence, confidential";
const INVESTMENT = 987_654_321;

type Session = Awaited<ReturnType<typeof signedIn>>;
let official: Session;
let slug = "";
let callId = 0;
const ids: Record<string, number> = {};
const companies: Record<string, string> = {};
const reviewerNames: string[] = [];
const reviewerEmails: string[] = [];

const params = () => ({ params: { slug } });

async function transition(to: string) {
  return callAction(
    adminCall.action,
    `/admin/calls/${slug}`,
    { intent: "transition", to },
    { cookie: official.cookie, ...params() },
  );
}

function decide(name: string, outcome: string) {
  return callAction(
    breakdownRoute.action,
    `/board/${slug}/${ids[name]}`,
    { outcome, reason: REASON },
    { cookie: official.cookie, params: { slug, proposalId: String(ids[name]) } },
  );
}

function results(locale: "en" | "zh-Hans" = "en") {
  return callLoader(resultsRoute.loader, `/calls/${slug}/results`, {
    ...params(),
    headers: { "Accept-Language": locale === "en" ? "en" : "zh-CN" },
  });
}

function ocds(headers: Record<string, string> = {}) {
  return callLoader(ocdsRoute.loader, `/calls/${slug}/ocds.json`, { ...params(), headers });
}

beforeAll(async () => {
  official = await signedIn("official", { displayName: "Deciding Official" });
  const made = await createCall({ status: "draft" });
  slug = made.call.slug;
  callId = made.call.id;
  const reviewers = [];
  for (let i = 0; i < 3; i++) {
    const r = await createUser("reviewer", { displayName: `Reviewer Person ${i}` });
    reviewers.push(r.id);
    reviewerNames.push(r.display_name);
    reviewerEmails.push(r.email);
  }
  expect((await transition("open")).status).toBe(302);
  // a: every level 5 (100), b: 4 (80), c: 4,4,3, d: 4,3,3, e: 3 (60, does not qualify).
  const plans: Record<string, number[]> = {
    a: [5, 5, 5],
    b: [4, 4, 4],
    c: [4, 4, 3],
    d: [4, 3, 3],
    e: [3, 3, 3],
  };
  for (const [name, levels] of Object.entries(plans)) {
    const { proposal, organisation } = await createSubmittedProposal(callId, {
      status: "under_review",
      investmentUsd: INVESTMENT,
    });
    ids[name] = proposal.id;
    companies[name] = organisation.legal_name_en;
    for (const [i, level] of levels.entries())
      await createReview(proposal.id, reviewers[i]!, made.criteria, { level });
  }
  const withdrawn = await createSubmittedProposal(callId, { status: "withdrawn" });
  companies.withdrawn = withdrawn.organisation.legal_name_en;
  await getDb()
    .transaction()
    .execute((trx) => rebuildCallScores(trx, callId));
  expect((await transition("closed")).status).toBe(302);
});

describe("before the decisions are published", () => {
  it("has the tender release from the opening, and no results page", async () => {
    const res = await ocds();
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.data.releases).toHaveLength(1);
    expect(res.data.releases[0]).toMatchObject({
      ocid: `ocds-xxxxxx-${slug}`,
      tag: ["tender"],
      tender: { status: "active", procurementMethod: "open", awardCriteria: "ratedCriteria" },
    });
    expect((await results()).status).toBe(404);
    const page = await callLoader(callPage.loader, `/calls/${slug}`, params());
    expect(page.data.resultsPublished).toBe(false);
  });

  it("lets an official change whether rejected companies are named, audited", async () => {
    const on = await callAction(
      adminCall.action,
      `/admin/calls/${slug}`,
      { intent: "results", publishRejectedNames: "yes" },
      { cookie: official.cookie, ...params() },
    );
    expect(on.status).toBe(302);
    const off = await callAction(
      adminCall.action,
      `/admin/calls/${slug}`,
      { intent: "results" },
      { cookie: official.cookie, ...params() },
    );
    expect(off.status).toBe(302);
    const audit = await getDb()
      .selectFrom("audit_log")
      .select(["after_json", "actor_id"])
      .where("action", "=", "call.results_settings")
      .where("call_id", "=", callId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => JSON.parse(a.after_json!))).toEqual([
      { publish_rejected_names: true },
      { publish_rejected_names: false },
    ]);
    expect(audit.every((a) => a.actor_id === official.user.id)).toBe(true);
  });
});

let firstPackage: { releases: unknown[] };

describe("marking the call decided publishes the results", () => {
  beforeAll(async () => {
    for (const [name, outcome] of [
      ["a", "shortlisted"],
      ["b", "shortlisted"],
      ["c", "reserve"],
      ["d", "rejected"],
      ["e", "rejected"],
    ] as const)
      expect((await decide(name, outcome)).status).toBe(302);
    expect((await transition("decided")).status).toBe(302);
  });

  it("shows shortlisted and reserve proposals with scores to 2 decimals and ranks in the call", async () => {
    const res = await results();
    expect(res.status).toBe(200);
    const { results: r, current } = res.data;
    expect(current).toBe(true);
    expect(
      r.entries.map((e: Record<string, unknown>) => [
        e.outcome,
        e.companyEn,
        e.score,
        e.rank,
        e.tracks,
      ]),
    ).toEqual([
      ["shortlisted", companies.a, "100.00", 1, ["tier4DataCentre", "bigDataPlatform"]],
      ["shortlisted", companies.b, "80.00", 2, ["tier4DataCentre", "bigDataPlatform"]],
      ["reserve", companies.c, "73.33", 3, ["tier4DataCentre", "bigDataPlatform"]],
    ]);
    expect(r.entries[0].companyZh).toBe(`${companies.a}有限公司`);
    expect(r.counts).toEqual({
      received: 6,
      decided: 5,
      shortlisted: 2,
      reserve: 1,
      rejected: 2,
      withdrawn: 1,
    });
    expect(r.rejectedNamesPublished).toBe(false);
    expect(r.criteria.scored.map((c: { weight: number }) => c.weight)).toEqual([
      20, 10, 15, 10, 15, 10, 10, 10,
    ]);
    expect(r.rules).toMatchObject({ minReviews: 3, qualifyingScore: 65 });
    expect(r.call.decidedAt).toBe(r.publishedAt);
  });

  it("publishes nothing confidential: no figures, reviewers, reasons, rationales or rejected names", async () => {
    for (const text of [
      JSON.stringify((await results()).data),
      JSON.stringify((await ocds()).data),
    ]) {
      for (const secret of [
        REASON,
        String(INVESTMENT),
        "Level for",
        "Review by",
        official.user.email,
        "Deciding Official",
        ...reviewerNames,
        ...reviewerEmails,
        companies.d!,
        companies.e!,
        companies.withdrawn!,
      ])
        expect(text).not.toContain(secret);
    }
  });

  it("answers in English and Chinese", async () => {
    const en = await results("en");
    const zh = await results("zh-Hans");
    expect(en.data.metaTitle).toMatch(/^Results: Test call/);
    expect(zh.data.metaTitle).toMatch(/^结果：测试征集/);
  });

  it("is linked from the call's page", async () => {
    const page = await callLoader(callPage.loader, `/calls/${slug}`, params());
    expect(page.data.resultsPublished).toBe(true);
  });

  it("adds an award release: one award per shortlisted proposal, the CDA buyer, tenderers and suppliers", async () => {
    const res = await ocds();
    firstPackage = res.data;
    const [tender, award] = res.data.releases;
    expect(tender.tag).toEqual(["tender"]);
    expect(award.tag).toEqual(["award"]);
    expect(award.tender.status).toBe("complete");
    expect(award.tender.numberOfTenderers).toBe(5);
    expect(
      award.awards.map((a: { suppliers: { name: string }[] }) => a.suppliers[0]!.name),
    ).toEqual([companies.a, companies.b]);
    expect(award.awards.every((a: { status: string }) => a.status === "active")).toBe(true);
    const roles = Object.fromEntries(
      award.parties.map((p: { name: string; roles: string[] }) => [p.name, p.roles]),
    );
    expect(roles).toEqual({
      "Capital Development Authority (CDA), Islamabad": ["buyer"],
      [companies.a!]: ["tenderer", "supplier"],
      [companies.b!]: ["tenderer", "supplier"],
      [companies.c!]: ["tenderer"],
    });
    expect(res.data.publishedDate).toBe(award.date);
  });

  it("is cached with an ETag and answers 304 to If-None-Match", async () => {
    const first = await ocds();
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("Cache-Control")).toMatch(/public/);
    const again = await ocds({ "If-None-Match": etag });
    expect(again.status).toBe(304);
    const record = await callLoader(
      recordRoute.loader,
      `/calls/${slug}/ocds-record.json`,
      params(),
    );
    expect(record.status).toBe(200);
    expect(record.data.records[0].compiledRelease).toMatchObject({
      tag: ["compiled"],
      tender: { status: "complete" },
    });
  });

  it("refuses to change the rejected-names setting once published, and changes nothing", async () => {
    const res = await callAction(
      adminCall.action,
      `/admin/calls/${slug}`,
      { intent: "results", publishRejectedNames: "yes" },
      { cookie: official.cookie, ...params() },
    );
    expect(res.status).toBe(409);
    const call = await getDb()
      .selectFrom("calls")
      .select("publish_rejected_names")
      .where("id", "=", callId)
      .executeTakeFirstOrThrow();
    expect(call.publish_rejected_names).toBe(0);
  });

  it("keeps published releases and results immutable in the database", async () => {
    await expect(
      sql`update ocds_releases set release_json = '{}' where call_id = ${callId}`.execute(getDb()),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from result_publications where call_id = ${callId}`.execute(getDb()),
    ).rejects.toThrow(/append-only/);
  });
});

describe("a decision changed after publication", () => {
  beforeAll(async () => {
    const reopened = await callAction(
      adminCall.action,
      `/admin/calls/${slug}`,
      { intent: "reopen", reason: "An appeal on proposal b was upheld." },
      { cookie: official.cookie, ...params() },
    );
    expect(reopened.status).toBe(302);
  });

  it("keeps the published results visible, marked as under review again", async () => {
    const res = await results();
    expect(res.status).toBe(200);
    expect(res.data.current).toBe(false);
  });

  it("publishes an awardUpdate release with amendments, and keeps every earlier release as it was", async () => {
    const on = await callAction(
      adminCall.action,
      `/admin/calls/${slug}`,
      { intent: "results", publishRejectedNames: "yes" },
      { cookie: official.cookie, ...params() },
    );
    expect(on.status).toBe(302);
    expect((await decide("b", "rejected")).status).toBe(302);
    expect((await decide("d", "shortlisted")).status).toBe(302);
    expect((await transition("decided")).status).toBe(302);

    const res = await ocds();
    expect(res.data.releases).toHaveLength(3);
    expect(res.data.releases.slice(0, 2)).toEqual(firstPackage.releases);
    const [, award, update] = res.data.releases;
    expect(update.tag).toEqual(["awardUpdate"]);
    expect(update.date > award.date).toBe(true);
    const byId = Object.fromEntries(
      update.awards.map((a: { id: string }) => [a.id, a as Record<string, unknown>]),
    );
    const ref = (name: string) =>
      award.awards.find(
        (a: { suppliers: { name: string }[] }) => a.suppliers[0]!.name === companies[name],
      )?.id as string | undefined;
    const refA = ref("a")!;
    const refB = ref("b")!;
    expect(byId[refA]).toMatchObject({ status: "active" });
    expect(byId[refA]!.amendments).toBeUndefined();
    expect(byId[refB]).toMatchObject({
      status: "cancelled",
      amendments: [{ amendsReleaseID: award.id, releaseID: update.id }],
    });
    const added = update.awards.find(
      (a: { suppliers: { name: string }[] }) => a.suppliers[0]!.name === companies.d,
    );
    expect(added).toMatchObject({
      status: "active",
      amendments: [{ amendsReleaseID: award.id, releaseID: update.id }],
    });

    // The results page shows the new outcome, and now names the rejected companies.
    const page = await results();
    expect(page.data.current).toBe(true);
    const entries = page.data.results.entries as { outcome: string; companyEn: string }[];
    expect(entries.filter((e) => e.outcome === "shortlisted").map((e) => e.companyEn)).toEqual([
      companies.a,
      companies.d,
    ]);
    expect(entries.filter((e) => e.outcome === "rejected").map((e) => e.companyEn)).toEqual([
      companies.b,
      companies.e,
    ]);
    expect(JSON.stringify(page.data)).not.toContain(companies.withdrawn);
  });
});

describe("calls with nothing published", () => {
  it("answers 404 for a draft call and for a call that never published a release", async () => {
    const draft = await createCall({ status: "draft" });
    const legacy = await createCall({ status: "open" });
    for (const s of [draft.call.slug, legacy.call.slug, "no-such-call"]) {
      const p = { params: { slug: s } };
      expect((await callLoader(resultsRoute.loader, `/calls/${s}/results`, p)).status).toBe(404);
      expect((await callLoader(ocdsRoute.loader, `/calls/${s}/ocds.json`, p)).status).toBe(404);
      expect((await callLoader(recordRoute.loader, `/calls/${s}/ocds-record.json`, p)).status).toBe(
        404,
      );
    }
  });
});
