import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoIfEmpty } from "~db/seed";
import { getCallBySlug, getPublishedCriteria, listPublicCalls } from "~/models/calls.server";
import { loader as homeLoader } from "~/routes/_index";
import { loader as callLoader } from "~/routes/calls.$slug._index";
import { loader as criteriaLoader } from "~/routes/calls.$slug.criteria";
import { getDb } from "~/services/db.server";
import { callLoader as run } from "../support/remix";

const DEMO = "tier4-bigdata-2026";
const UPCOMING = "smart-city-data-2027";
const DRAFT = "edge-sites-2027";
const PAST = "gov-cloud-pilot-2025";
const HAN = /\p{Script=Han}/u;

beforeAll(async () => {
  await seedDemoIfEmpty(getDb());
  // An open call without published criteria, and one whose deadline has passed.
  await getDb()
    .insertInto("calls")
    .values([
      {
        slug: "no-criteria-yet",
        title_en: "A call without published criteria",
        title_zh: "尚未公布标准的征集",
        status: "open",
        opens_at: "2026-01-01T00:00:00.000Z",
        closes_at: "2099-01-01T00:00:00.000Z",
      },
      {
        slug: "deadline-passed",
        title_en: "A call whose deadline has passed",
        title_zh: "已过截止时间的征集",
        status: "open",
        opens_at: "2020-01-01T00:00:00.000Z",
        closes_at: "2020-06-01T00:00:00.000Z",
      },
    ])
    .execute();
});

describe("home page", () => {
  it("lists the open and upcoming calls with their deadlines, and no draft, closed or decided call", async () => {
    const res = await run(homeLoader, "/");
    expect(res.status).toBe(200);
    const slugs = res.data.calls.map((c: { slug: string }) => c.slug);
    expect(slugs).toContain(DEMO);
    expect(slugs).toContain(UPCOMING);
    expect(slugs).not.toContain(DRAFT);
    expect(slugs).not.toContain(PAST);
    expect(slugs).not.toContain("deadline-passed");
    const demo = res.data.calls.find((c: { slug: string }) => c.slug === DEMO);
    expect(demo).toMatchObject({ phase: "open", closesAt: "2027-03-31T12:00:00.000Z" });
    expect(res.data.calls.find((c: { slug: string }) => c.slug === UPCOMING).phase).toBe(
      "upcoming",
    );
    // Open calls come before upcoming ones.
    expect(slugs.indexOf(DEMO)).toBeLessThan(slugs.indexOf(UPCOMING));
    expect(typeof res.data.now).toBe("number");
  });

  it("titles the page in the visitor's language", async () => {
    const en = await run(homeLoader, "/", { headers: { "Accept-Language": "en-GB" } });
    const zh = await run(homeLoader, "/", { headers: { Cookie: "lang=zh-Hans" } });
    expect(en.data.metaTitle).toContain("Calls for proposals");
    expect(zh.data.metaTitle).toMatch(HAN);
  });

  it("decides open and upcoming by the clock it is given", async () => {
    const later = await listPublicCalls(getDb(), "2027-06-01T00:00:00.000Z");
    expect(later.map((c) => c.slug)).not.toContain(DEMO); // closed on 31 March 2027
    expect(later.find((c) => c.slug === UPCOMING)?.phase).toBe("open");
  });
});

describe("call page", () => {
  it("shows a published call with its parameters", async () => {
    const res = await run(callLoader, `/calls/${DEMO}`, { params: { slug: DEMO } });
    expect(res.status).toBe(200);
    expect(res.data.phase).toBe("open");
    expect(res.data.call).toMatchObject({
      slug: DEMO,
      titleEn: "Islamabad Tier IV Data Centre and Big Data Collaboration 2026",
      minReviews: 3,
      qualifyingScore: 65,
      contactEmail: "investment@cda.gov.pk",
      opensAt: "2026-10-01T04:00:00.000Z",
      closesAt: "2027-03-31T12:00:00.000Z",
    });
    expect(res.data.call.titleZh).toMatch(HAN);
    expect(res.data.call.descriptionZh).toMatch(HAN);
    expect(res.data.metaTitle).toContain("Islamabad Tier IV Data Centre");
  });

  it("says when a call is not open for submissions", async () => {
    const upcoming = await run(callLoader, `/calls/${UPCOMING}`, { params: { slug: UPCOMING } });
    expect(upcoming.data.phase).toBe("upcoming");
    const past = await run(callLoader, `/calls/${PAST}`, { params: { slug: PAST } });
    expect(past.status).toBe(200);
    expect(past.data.phase).toBe("closed");
    const passed = await run(callLoader, "/calls/deadline-passed", {
      params: { slug: "deadline-passed" },
    });
    expect(passed.data.phase).toBe("closed");
  });

  it("answers 404 for a draft or unknown call", async () => {
    for (const slug of [DRAFT, "no-such-call"]) {
      const res = await run(callLoader, `/calls/${slug}`, { params: { slug } });
      expect(res.status, slug).toBe(404);
      const criteria = await run(criteriaLoader, `/calls/${slug}/criteria`, { params: { slug } });
      expect(criteria.status, slug).toBe(404);
    }
    expect(await getCallBySlug(getDb(), DRAFT)).toBeUndefined();
  });
});

describe("criteria page", () => {
  it("gives the published criteria, weights summing to 100, in both languages", async () => {
    const res = await run(criteriaLoader, `/calls/${DEMO}/criteria`, { params: { slug: DEMO } });
    expect(res.status).toBe(200);
    const { criteria } = res.data;
    expect(criteria.version).toBe(1);
    expect(criteria.publishedAt < "2026-10-01T04:00:00.000Z").toBe(true); // before opening
    expect(criteria.scored.map((c: { key: string }) => c.key)).toEqual([
      "tier4",
      "energy",
      "data",
      "value",
      "finance",
      "track",
      "local",
      "delivery",
    ]);
    expect(criteria.scored.map((c: { weight: number }) => c.weight)).toEqual([
      20, 10, 15, 10, 15, 10, 10, 10,
    ]);
    expect(criteria.scored.map((c: { minLevel: number }) => c.minLevel)).toEqual([
      3, 2, 3, 2, 2, 2, 2, 2,
    ]);
    expect(criteria.totalWeight).toBe(100);
    for (const c of criteria.scored) {
      expect(c.titleEn).not.toMatch(HAN);
      expect(c.titleZh, c.key).toMatch(HAN);
      expect(c.descriptors, c.key).toHaveLength(6);
      for (const d of c.descriptors) {
        expect(d.en.length).toBeGreaterThan(0);
        expect(d.zh.length).toBeGreaterThan(0);
      }
    }
    expect(criteria.scored[0].descriptors[5]).toEqual({
      en: "Certified Tier IV sites operating",
      zh: "已有获得 Tier IV 认证的数据中心在运营",
    });
    expect(criteria.gates.map((g: { key: string }) => g.key)).toEqual(["g1", "g2", "g3"]);
    const tracks = criteria.gates.map((g: { appliesToTrack: string | null }) => g.appliesToTrack);
    expect(tracks).toEqual([null, "tier4DataCentre", null]);
    for (const g of criteria.gates) {
      expect(g.descriptionEn.length).toBeGreaterThan(20);
      expect(g.descriptionZh).toMatch(HAN);
    }
  });

  it("names the tie-break order by criterion titles and carries the call's rule parameters", async () => {
    const res = await run(criteriaLoader, `/calls/${DEMO}/criteria`, { params: { slug: DEMO } });
    expect(res.data.tieBreak.map((c: { titleEn: string }) => c.titleEn)).toEqual([
      "Tier IV technical credibility",
      "Data security and sovereignty",
      "Investment and financing",
    ]);
    expect(res.data.call).toMatchObject({
      minReviews: 3,
      qualifyingScore: 65,
      disagreementSpread: 2,
      disagreementSd: 15,
      calibrationMinReviews: 5,
    });
  });

  it("says so when a call has no published criteria yet", async () => {
    const slug = "no-criteria-yet";
    const res = await run(criteriaLoader, `/calls/${slug}/criteria`, { params: { slug } });
    expect(res.status).toBe(200);
    expect(res.data.criteria).toBeNull();
  });

  it("ignores an unpublished later version", async () => {
    const db = getDb();
    const call = (await getCallBySlug(db, DEMO))!;
    await db
      .insertInto("criteria_versions")
      .values({ call_id: call.id, version: 2, published_at: null })
      .execute();
    const published = await getPublishedCriteria(db, call.id);
    expect(published?.version).toBe(1);
    expect(published?.scored).toHaveLength(8);
  });
});
