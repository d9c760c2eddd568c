// Calls administration, the criteria editor and exchange rates, through the real route modules
// with real Requests against this file's own migrated SQLite database.
import { beforeAll, describe, expect, it } from "vitest";
import * as callPage from "~/routes/admin.calls.$slug._index";
import * as criteriaPage from "~/routes/admin.calls.$slug.criteria";
import * as callsIndex from "~/routes/admin.calls._index";
import * as newCall from "~/routes/admin.calls.new";
import * as ratesPage from "~/routes/admin.exchange-rates";
import { getDb } from "~/services/db.server";
import { decodeMsg } from "~/utils/form";
import { signedIn } from "../support/factories";
import { callAction, callLoader } from "../support/remix";

let official: Awaited<ReturnType<typeof signedIn>>;
let admin: Awaited<ReturnType<typeof signedIn>>;
let reviewer: Awaited<ReturnType<typeof signedIn>>;
let applicant: Awaited<ReturnType<typeof signedIn>>;

beforeAll(async () => {
  official = await signedIn("official");
  admin = await signedIn("admin");
  reviewer = await signedIn("reviewer");
  applicant = await signedIn("applicant");
});

const db = () => getDb();

function callForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    slug: "dc-2027",
    titleEn: "Data centres 2027",
    titleZh: "2027 年数据中心征集",
    descriptionEn: "Tier IV data centres in Islamabad.",
    descriptionZh: "伊斯兰堡 Tier IV 数据中心。",
    opensAt: "2026-11-01T09:00",
    closesAt: "2099-03-31T17:00",
    minReviews: "3",
    qualifyingScore: "65",
    disagreementSpread: "2",
    disagreementSd: "15",
    tieBreak: "tier4, data, finance",
    contactEmail: "investment@cda.gov.pk",
    ...overrides,
  };
}

async function auditRows(action: string) {
  return db()
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", action)
    .orderBy("id")
    .execute();
}

async function getCall(slug: string) {
  return db().selectFrom("calls").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
}

async function versionsOf(callId: number) {
  return db()
    .selectFrom("criteria_versions")
    .selectAll()
    .where("call_id", "=", callId)
    .orderBy("version")
    .execute();
}

async function criteriaOfVersion(versionId: number) {
  return db()
    .selectFrom("criteria")
    .selectAll()
    .where("criteria_version_id", "=", versionId)
    .orderBy("position")
    .execute();
}

async function createViaRoute(slug: string, cookie = official.cookie) {
  const res = await callAction(newCall.action, "/admin/calls/new", callForm({ slug }), { cookie });
  expect(res.status).toBe(302);
  return getCall(slug);
}

function post(
  action: typeof criteriaPage.action | typeof callPage.action,
  slug: string,
  fields: Record<string, string>,
  cookie = official.cookie,
) {
  const path =
    action === criteriaPage.action ? `/admin/calls/${slug}/criteria` : `/admin/calls/${slug}`;
  return callAction(action, path, fields, { cookie, params: { slug } });
}

/** The weights form as the page posts it, with the stored values unless overridden by key. */
async function weightsForm(versionId: number, override: Record<string, [string, string]> = {}) {
  const rows = (await criteriaOfVersion(versionId)).filter((c) => c.kind === "scored");
  const fields: Record<string, string> = { intent: "weights" };
  rows.forEach((c, i) => {
    fields[`weights[${i}].id`] = String(c.id);
    fields[`weights[${i}].weight`] = override[c.key]?.[0] ?? String(c.weight);
    fields[`weights[${i}].minLevel`] = override[c.key]?.[1] ?? String(c.min_level);
  });
  return fields;
}

async function submitReviewFor(callId: number, versionId: number) {
  const owner = await signedIn("applicant");
  const proposal = await db()
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: owner.user.id,
      status: "submitted",
      reference: `CDA-2026-${String(callId).padStart(4, "0")}`,
      title: "Margalla Tier IV campus",
      submitted_at: new Date().toISOString(),
      criteria_version_id: versionId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db()
    .insertInto("reviews")
    .values({
      proposal_id: proposal.id,
      reviewer_id: reviewer.user.id,
      criteria_version_id: versionId,
      status: "submitted",
      submitted_at: new Date().toISOString(),
    })
    .execute();
}

describe("who may use the calls administration", () => {
  const loaders = [
    [callsIndex.loader, "/admin/calls", {}],
    [newCall.loader, "/admin/calls/new", {}],
    [callPage.loader, "/admin/calls/any", { slug: "any" }],
    [criteriaPage.loader, "/admin/calls/any/criteria", { slug: "any" }],
    [ratesPage.loader, "/admin/exchange-rates", {}],
  ] as const;

  it("sends visitors to sign in, and comes back afterwards", async () => {
    for (const [loader, path, params] of loaders) {
      const res = await callLoader(loader, path, { params });
      expect(res.status, path).toBe(302);
      expect(res.location).toBe(`/login?returnTo=${encodeURIComponent(path)}`);
    }
  });

  it("refuses applicants and reviewers with 403, pages and actions alike", async () => {
    for (const who of [applicant, reviewer]) {
      for (const [loader, path, params] of loaders) {
        const res = await callLoader(loader, path, { params, cookie: who.cookie });
        expect(res.status, `${who.user.role} ${path}`).toBe(403);
      }
      const res = await callAction(
        newCall.action,
        "/admin/calls/new",
        callForm({ slug: "sneaky" }),
        {
          cookie: who.cookie,
        },
      );
      expect(res.status).toBe(403);
      const rate = await callAction(
        ratesPage.action,
        "/admin/exchange-rates",
        { currency: "PKR", usdPerUnit: "0.0036", rateDate: "2026-11-01", source: "SBP" },
        { cookie: who.cookie },
      );
      expect(rate.status).toBe(403);
    }
    expect(
      await db().selectFrom("calls").select("id").where("slug", "=", "sneaky").execute(),
    ).toEqual([]);
    expect(await db().selectFrom("exchange_rates").select("id").execute()).toEqual([]);
  });

  it("answers 404 for a call that does not exist", async () => {
    for (const [loader, path, params] of loaders.slice(2, 4)) {
      const res = await callLoader(loader, path, { params, cookie: official.cookie });
      expect(res.status, path).toBe(404);
    }
  });

  it("lets officials and admins in", async () => {
    for (const who of [official, admin]) {
      const res = await callLoader(callsIndex.loader, "/admin/calls", { cookie: who.cookie });
      expect(res.status).toBe(200);
    }
  });
});

describe("creating and editing a call", () => {
  it("creates a draft call, times read as Pakistan time, with the default criteria as version 1", async () => {
    const res = await callAction(newCall.action, "/admin/calls/new", callForm(), {
      cookie: official.cookie,
    });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/admin/calls/dc-2027?notice=created");
    const call = await getCall("dc-2027");
    expect(call.status).toBe("draft");
    expect(call.opens_at).toBe("2026-11-01T04:00:00.000Z");
    expect(call.closes_at).toBe("2099-03-31T12:00:00.000Z");
    expect(call.title_zh).toBe("2027 年数据中心征集");
    expect(JSON.parse(call.tie_break_json)).toEqual(["tier4", "data", "finance"]);
    expect(call.created_by).toBe(official.user.id);
    const versions = await versionsOf(call.id);
    expect(versions.map((v) => [v.version, v.published_at])).toEqual([[1, null]]);
    const criteria = await criteriaOfVersion(versions[0]!.id);
    expect(criteria.filter((c) => c.kind === "scored").map((c) => c.key)).toEqual([
      "tier4",
      "energy",
      "data",
      "value",
      "finance",
      "track",
      "local",
      "delivery",
    ]);
    expect(criteria.filter((c) => c.kind === "gate")).toHaveLength(3);
    const [audit] = await auditRows("call.create");
    expect(audit).toMatchObject({
      actor_id: official.user.id,
      call_id: call.id,
      request_id: "test-request",
    });
    expect(JSON.parse(audit!.after_json!).call.slug).toBe("dc-2027");

    const page = await callLoader(callPage.loader, "/admin/calls/dc-2027", {
      cookie: official.cookie,
      params: { slug: "dc-2027" },
    });
    expect(page.data.values.opensAt).toBe("2026-11-01T09:00");
    expect(page.data.values.closesAt).toBe("2099-03-31T17:00");
  });

  it("refuses bad input field by field, keeps what was typed and saves nothing", async () => {
    const res = await callAction(
      newCall.action,
      "/admin/calls/new",
      callForm({
        slug: "bad-one",
        closesAt: "2026-10-30T09:00",
        titleZh: "",
        tieBreak: "tier4, g1",
      }),
      { cookie: official.cookie },
    );
    expect(res.status).toBe(400);
    expect(res.data.errors.closesAt).toBe("callAdmin.closesAfterOpens");
    expect(res.data.errors.titleZh).toBe("validation.required");
    expect(res.data.values.titleEn).toBe("Data centres 2027");
    const dup = await callAction(newCall.action, "/admin/calls/new", callForm(), {
      cookie: official.cookie,
    });
    expect(dup.status).toBe(400);
    expect(dup.data.errors.slug).toBe("callAdmin.slugTaken");
    const tb = await callAction(
      newCall.action,
      "/admin/calls/new",
      callForm({ slug: "bad-two", tieBreak: "tier4, g1" }),
      { cookie: official.cookie },
    );
    expect(tb.status).toBe(400);
    expect(decodeMsg(tb.data.errors.tieBreak)).toEqual({
      key: "criteria.tieBreakUnknown",
      vars: { key: "g1" },
    });
    const slugs = await db().selectFrom("calls").select("slug").execute();
    expect(slugs.map((s) => s.slug)).toEqual(["dc-2027"]);
    expect(await auditRows("call.create")).toHaveLength(1);
  });

  it("edits the settings and audits before and after", async () => {
    const { slug: _slug, ...fields } = callForm({
      titleEn: "Data centres and big data 2027",
      minReviews: "4",
    });
    const res = await post(callPage.action, "dc-2027", { intent: "save", ...fields });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/admin/calls/dc-2027?notice=saved");
    const call = await getCall("dc-2027");
    expect(call.title_en).toBe("Data centres and big data 2027");
    expect(call.min_reviews).toBe(4);
    const [audit] = await auditRows("call.update");
    expect(JSON.parse(audit!.before_json!).title_en).toBe("Data centres 2027");
    expect(JSON.parse(audit!.after_json!).title_en).toBe("Data centres and big data 2027");
    expect(audit!.actor_id).toBe(official.user.id);
  });

  it("refuses an edit with a closing time before opening and changes nothing", async () => {
    const before = await getCall("dc-2027");
    const { slug: _slug, ...fields } = callForm({
      closesAt: "2026-01-01T00:00",
      titleEn: "Changed",
    });
    const res = await post(callPage.action, "dc-2027", { intent: "save", ...fields });
    expect(res.status).toBe(400);
    expect(res.data.errors.closesAt).toBe("callAdmin.closesAfterOpens");
    expect(res.data.values.titleEn).toBe("Changed");
    expect(await getCall("dc-2027")).toEqual(before);
  });
});

describe("the criteria editor before opening", () => {
  it("refuses weights that do not add up to 100, says the sum, and saves nothing", async () => {
    const call = await getCall("dc-2027");
    const [v1] = await versionsOf(call.id);
    const before = await criteriaOfVersion(v1!.id);
    const auditCount = (await auditRows("criteria.weights")).length;
    const res = await post(
      criteriaPage.action,
      "dc-2027",
      await weightsForm(v1!.id, { tier4: ["15", "3"] }),
    );
    expect(res.status).toBe(400);
    expect(decodeMsg(res.data.errors._total)).toEqual({
      key: "criteria.weightsSum",
      vars: { sum: 95 },
    });
    expect(res.data.weights[0]).toEqual({ weight: "15", minLevel: "3" });
    expect(await criteriaOfVersion(v1!.id)).toEqual(before);
    expect(await auditRows("criteria.weights")).toHaveLength(auditCount);
  });

  it("refuses minimum levels outside 0–5 and saves nothing", async () => {
    const call = await getCall("dc-2027");
    const [v1] = await versionsOf(call.id);
    const before = await criteriaOfVersion(v1!.id);
    for (const level of ["6", "-1"]) {
      const res = await post(
        criteriaPage.action,
        "dc-2027",
        await weightsForm(v1!.id, { energy: ["10", level] }),
      );
      expect(res.status).toBe(400);
      expect(decodeMsg(res.data.errors["weights[1].minLevel"]).key).toBe("criteria.minLevelFor");
    }
    expect(await criteriaOfVersion(v1!.id)).toEqual(before);
  });

  it("saves weights that add up to 100, audited with before and after", async () => {
    const call = await getCall("dc-2027");
    const [v1] = await versionsOf(call.id);
    const res = await post(
      criteriaPage.action,
      "dc-2027",
      await weightsForm(v1!.id, { tier4: ["25", "4"], energy: ["5", "1"] }),
    );
    expect(res.status).toBe(302);
    const rows = await criteriaOfVersion(v1!.id);
    expect(rows.find((c) => c.key === "tier4")).toMatchObject({ weight: 25, min_level: 4 });
    expect(rows.find((c) => c.key === "energy")).toMatchObject({ weight: 5, min_level: 1 });
    const audit = (await auditRows("criteria.weights")).at(-1)!;
    expect(JSON.parse(audit.before_json!)[0]).toEqual({ key: "tier4", weight: 20, minLevel: 3 });
    expect(JSON.parse(audit.after_json!)[0]).toEqual({ key: "tier4", weight: 25, minLevel: 4 });
  });

  it("adds, edits, reorders and removes criteria and gates, each audited", async () => {
    const call = await getCall("dc-2027");
    const [v1] = await versionsOf(call.id);
    const descriptors: Record<string, string> = {};
    for (let l = 0; l <= 5; l++) {
      descriptors[`descriptors[${l}].en`] = `Level ${l} in English`;
      descriptors[`descriptors[${l}].zh`] = `等级 ${l}`;
    }
    const added = await post(criteriaPage.action, "dc-2027", {
      intent: "add",
      kind: "scored",
      key: "water",
      titleEn: "Water use",
      titleZh: "用水",
      ...descriptors,
    });
    expect(added.status).toBe(302);
    let rows = await criteriaOfVersion(v1!.id);
    const water = rows.find((c) => c.key === "water")!;
    expect(water).toMatchObject({ kind: "scored", weight: 0, min_level: 0 });
    expect(JSON.parse(water.descriptors_json)[5]).toEqual({
      en: "Level 5 in English",
      zh: "等级 5",
    });
    expect(await auditRows("criteria.add")).toHaveLength(1);

    // A missing Chinese descriptor is refused beside its field; the typed text comes back.
    const bad = await post(criteriaPage.action, "dc-2027", {
      intent: "save",
      criterionId: String(water.id),
      key: "water",
      titleEn: "Water use (WUE)",
      titleZh: "用水",
      ...descriptors,
      "descriptors[2].zh": "",
    });
    expect(bad.status).toBe(400);
    expect(decodeMsg(bad.data.errors["descriptors[2].zh"])).toEqual({
      key: "criteria.descriptorZh",
      vars: { level: 2 },
    });
    expect(bad.data.values.titleEn).toBe("Water use (WUE)");
    expect((await criteriaOfVersion(v1!.id)).find((c) => c.id === water.id)!.title_en).toBe(
      "Water use",
    );

    // A key already used in the version is refused.
    const dupKey = await post(criteriaPage.action, "dc-2027", {
      intent: "save",
      criterionId: String(water.id),
      key: "energy",
      titleEn: "Water use",
      titleZh: "用水",
      ...descriptors,
    });
    expect(decodeMsg(dupKey.data.errors.key).key).toBe("criteria.keyDuplicate");

    const moved = await post(criteriaPage.action, "dc-2027", {
      intent: "move",
      criterionId: String(water.id),
      direction: "up",
    });
    expect(moved.status).toBe(302);
    rows = await criteriaOfVersion(v1!.id);
    const scoredKeys = rows.filter((c) => c.kind === "scored").map((c) => c.key);
    expect(scoredKeys.slice(-2)).toEqual(["water", "delivery"]);
    const reorder = (await auditRows("criteria.reorder"))[0]!;
    expect(JSON.parse(reorder.after_json!).order.slice(-2)).toEqual(["water", "delivery"]);

    const gate = await post(criteriaPage.action, "dc-2027", {
      intent: "add",
      kind: "gate",
      key: "g4",
      titleEn: "Environmental approval",
      titleZh: "环境批准",
      descriptionEn: "An environmental approval from Pak-EPA is held or applied for.",
      descriptionZh: "已取得或已申请巴基斯坦环保署的环境批准。",
      appliesToTrack: "tier4DataCentre",
    });
    expect(gate.status).toBe(302);
    const g4 = (await criteriaOfVersion(v1!.id)).find((c) => c.key === "g4")!;
    expect(g4).toMatchObject({ kind: "gate", weight: null, applies_to_track: "tier4DataCentre" });

    for (const id of [water.id, g4.id]) {
      const removed = await post(criteriaPage.action, "dc-2027", {
        intent: "remove",
        criterionId: String(id),
      });
      expect(removed.status).toBe(302);
    }
    rows = await criteriaOfVersion(v1!.id);
    expect(rows.map((c) => c.key)).not.toContain("water");
    expect(rows.map((c) => c.key)).not.toContain("g4");
    const removedAudit = await auditRows("criteria.remove");
    expect(removedAudit).toHaveLength(2);
    expect(JSON.parse(removedAudit[0]!.before_json!).key).toBe("water");
  });

  it("will not open a call before its criteria are published", async () => {
    const call = await getCall("dc-2027");
    const res = await post(callPage.action, "dc-2027", { intent: "transition", to: "open" });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("callAdmin.transition.needsCriteria");
    expect((await getCall("dc-2027")).status).toBe("draft");
    expect(await getCall("dc-2027")).toEqual(call);
  });

  it("refuses to publish an incomplete set, listing what is wrong, and publishes nothing", async () => {
    const call = await getCall("dc-2027");
    const [v1] = await versionsOf(call.id);
    const energy = (await criteriaOfVersion(v1!.id)).find((c) => c.key === "energy")!;
    await db().updateTable("criteria").set({ weight: 0 }).where("id", "=", energy.id).execute();
    const res = await post(criteriaPage.action, "dc-2027", { intent: "publish" });
    expect(res.status).toBe(400);
    expect(decodeMsg(res.data.errors._total)).toEqual({
      key: "criteria.weightsSum",
      vars: { sum: 95 },
    });
    expect(decodeMsg(res.data.errors["energy.weight"]).key).toBe("criteria.weightWhole");
    expect((await versionsOf(call.id))[0]!.published_at).toBeNull();
    expect(await auditRows("criteria.version.publish")).toHaveLength(0);
    await db().updateTable("criteria").set({ weight: 5 }).where("id", "=", energy.id).execute();
  });

  it("publishes: the version is frozen and a later edit is refused without changes", async () => {
    const call = await getCall("dc-2027");
    const res = await post(criteriaPage.action, "dc-2027", { intent: "publish" });
    expect(res.status).toBe(302);
    const [v1] = await versionsOf(call.id);
    expect(v1!.published_at).not.toBeNull();
    const [audit] = await auditRows("criteria.version.publish");
    expect(JSON.parse(audit!.before_json!)).toEqual({ version: 1, published_at: null });
    expect(JSON.parse(audit!.after_json!).published_at).toBe(v1!.published_at);

    const before = await criteriaOfVersion(v1!.id);
    const tier4 = before.find((c) => c.key === "tier4")!;
    const edit = await post(criteriaPage.action, "dc-2027", {
      intent: "save",
      criterionId: String(tier4.id),
      key: "tier4",
      titleEn: "Changed after publication",
      titleZh: "发布后修改",
    });
    expect(edit.status).toBe(400);
    expect(edit.data.errors._form).toBe("criteria.noWorking");
    const weights = await post(criteriaPage.action, "dc-2027", await weightsForm(v1!.id));
    expect(weights.status).toBe(400);
    expect(await criteriaOfVersion(v1!.id)).toEqual(before);
  });
});

describe("the lifecycle", () => {
  it("refuses a step out of order", async () => {
    for (const to of ["closed", "decided", "archived", "draft"]) {
      const res = await post(callPage.action, "dc-2027", { intent: "transition", to });
      expect(res.status, to).toBe(400);
      expect(decodeMsg(res.data.errors._form).key).toBe("callAdmin.transition.notAllowed");
    }
    expect((await getCall("dc-2027")).status).toBe("draft");
  });

  it("opens the call, audited", async () => {
    const res = await post(callPage.action, "dc-2027", { intent: "transition", to: "open" });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/admin/calls/dc-2027?notice=opened");
    expect((await getCall("dc-2027")).status).toBe("open");
    const [audit] = await auditRows("call.open");
    expect(JSON.parse(audit!.before_json!).status).toBe("draft");
    expect(JSON.parse(audit!.after_json!).status).toBe("open");
  });

  it("refuses to open a call whose closing time has passed", async () => {
    await createViaRoute("late-call");
    const call = await getCall("late-call");
    await db()
      .updateTable("calls")
      .set({ opens_at: "2020-01-01T00:00:00.000Z", closes_at: "2021-01-01T00:00:00.000Z" })
      .where("id", "=", call.id)
      .execute();
    await db()
      .updateTable("criteria_versions")
      .set({ published_at: "2020-01-01T00:00:00.000Z" })
      .where("call_id", "=", call.id)
      .execute();
    const res = await post(callPage.action, "late-call", { intent: "transition", to: "open" });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("callAdmin.transition.closesInPast");
    expect((await getCall("late-call")).status).toBe("draft");
  });

  it("keeps an open call's closing time in the future", async () => {
    const { slug: _slug, ...fields } = callForm({
      opensAt: "2025-01-01T00:00",
      closesAt: "2025-06-01T00:00",
      minReviews: "4",
      titleEn: "Data centres and big data 2027",
    });
    const res = await post(callPage.action, "dc-2027", { intent: "save", ...fields });
    expect(res.status).toBe(400);
    expect(res.data.errors.closesAt).toBe("callAdmin.closesFuture");
  });
});

describe("criteria after opening", () => {
  it("a change is a new version copied from the published one; publishing it makes version 2", async () => {
    const call = await getCall("dc-2027");
    const res = await post(criteriaPage.action, "dc-2027", { intent: "newVersion" });
    expect(res.status).toBe(302);
    const versions = await versionsOf(call.id);
    expect(versions.map((v) => [v.version, v.published_at === null])).toEqual([
      [1, false],
      [2, true],
    ]);
    const v1 = await criteriaOfVersion(versions[0]!.id);
    const v2 = await criteriaOfVersion(versions[1]!.id);
    expect(v2.map((c) => [c.key, c.weight, c.min_level, c.descriptors_json])).toEqual(
      v1.map((c) => [c.key, c.weight, c.min_level, c.descriptors_json]),
    );
    const again = await post(criteriaPage.action, "dc-2027", { intent: "newVersion" });
    expect(again.status).toBe(400);
    expect(again.data.errors._form).toBe("criteria.workingExists");

    const res2 = await post(
      criteriaPage.action,
      "dc-2027",
      await weightsForm(versions[1]!.id, { tier4: ["20", "3"], energy: ["10", "2"] }),
    );
    expect(res2.status).toBe(302);
    expect((await post(criteriaPage.action, "dc-2027", { intent: "publish" })).status).toBe(302);
    const after = await versionsOf(call.id);
    expect(after[1]!.published_at).not.toBeNull();
    // Version 1 is untouched by the change.
    expect(await criteriaOfVersion(versions[0]!.id)).toEqual(v1);
    const created = await auditRows("criteria.version.create");
    expect(JSON.parse(created[0]!.after_json!)).toMatchObject({ version: 2, copiedFrom: 1 });

    const page = await callLoader(criteriaPage.loader, "/admin/calls/dc-2027/criteria", {
      cookie: official.cookie,
      params: { slug: "dc-2027" },
    });
    expect(page.data.published.version).toBe(2);
    expect(page.data.working).toBeNull();
    expect(page.data.policy).toBe("new-version");
  });

  it("after the first submitted review every change is refused and nothing changes", async () => {
    const call = await getCall("dc-2027");
    // A pending version 3 exists when the first review comes in.
    expect((await post(criteriaPage.action, "dc-2027", { intent: "newVersion" })).status).toBe(302);
    const versionsBefore = await versionsOf(call.id);
    const v3 = versionsBefore[2]!;
    await submitReviewFor(call.id, versionsBefore[1]!.id);
    const criteriaBefore = await criteriaOfVersion(v3.id);
    const auditBefore = await db().selectFrom("audit_log").select("id").execute();

    const tier4 = criteriaBefore.find((c) => c.key === "tier4")!;
    const attempts = [
      { intent: "newVersion" },
      { intent: "publish" },
      { intent: "remove", criterionId: String(tier4.id) },
      { intent: "move", criterionId: String(tier4.id), direction: "down" },
      await weightsForm(v3.id),
    ];
    for (const fields of attempts) {
      const res = await post(criteriaPage.action, "dc-2027", fields);
      expect(res.status, fields.intent).toBe(400);
      expect(res.data.errors._form, fields.intent).toBe("criteria.frozenReviews");
    }
    expect(await versionsOf(call.id)).toEqual(versionsBefore);
    expect(await criteriaOfVersion(v3.id)).toEqual(criteriaBefore);
    expect(await db().selectFrom("audit_log").select("id").execute()).toEqual(auditBefore);

    // The scoring rules published with the criteria are frozen too.
    const { slug: _slug, ...fields } = callForm({
      titleEn: "Data centres and big data 2027",
      minReviews: "2",
    });
    const rules = await post(callPage.action, "dc-2027", { intent: "save", ...fields });
    expect(rules.status).toBe(400);
    expect(rules.data.errors.minReviews).toBe("callAdmin.rulesFrozen");
    expect((await getCall("dc-2027")).min_reviews).toBe(4);

    const page = await callLoader(criteriaPage.loader, "/admin/calls/dc-2027/criteria", {
      cookie: official.cookie,
      params: { slug: "dc-2027" },
    });
    expect(page.data.policy).toBe("refused-reviews");
  });

  it("counts a review returned for rework as submitted: the criteria stay frozen", async () => {
    const call = await createViaRoute("returned-call");
    expect((await post(criteriaPage.action, "returned-call", { intent: "publish" })).status).toBe(
      302,
    );
    expect(
      (await post(callPage.action, "returned-call", { intent: "transition", to: "open" })).status,
    ).toBe(302);
    const [v1] = await versionsOf(call.id);
    await submitReviewFor(call.id, v1!.id);
    await db()
      .updateTable("reviews")
      .set({ status: "returned", submitted_at: null })
      .where("criteria_version_id", "=", v1!.id)
      .execute();
    const res = await post(criteriaPage.action, "returned-call", { intent: "newVersion" });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("criteria.frozenReviews");
    expect(await versionsOf(call.id)).toHaveLength(1);
  });

  it("closes, marks decided and archives; an archived call cannot be edited", async () => {
    // A call is marked decided only once every proposal in review has a decision.
    const inReview = await db()
      .selectFrom("proposals")
      .select("id")
      .where("call_id", "=", (await getCall("dc-2027")).id)
      .execute();
    for (const p of inReview) {
      await db()
        .insertInto("decisions")
        .values({
          proposal_id: p.id,
          outcome: "reserve",
          reason: "Test",
          decided_by: official.user.id,
        })
        .execute();
    }
    for (const [to, notice] of [
      ["closed", "closed"],
      ["decided", "decided"],
      ["archived", "archived"],
    ] as const) {
      const res = await post(callPage.action, "dc-2027", { intent: "transition", to });
      expect(res.status, to).toBe(302);
      expect(res.location).toBe(`/admin/calls/dc-2027?notice=${notice}`);
    }
    const call = await getCall("dc-2027");
    expect(call.status).toBe("archived");
    expect(call.decided_at).not.toBeNull();
    // Closing early brought the deadline forward to the moment of closing.
    expect(Date.parse(call.closes_at)).toBeLessThanOrEqual(Date.now());
    expect((await auditRows("call.close"))[0]!.before_json).toContain("2099-03-31T12:00:00.000Z");
    const { slug: _slug, ...fields } = callForm({ titleEn: "Renamed", minReviews: "4" });
    const res = await post(callPage.action, "dc-2027", { intent: "save", ...fields });
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe("callAdmin.archived");
    expect((await getCall("dc-2027")).title_en).toBe("Data centres and big data 2027");
  });
});

describe("exchange rates", () => {
  it("records a dated rate with its source, audited, and lists it", async () => {
    const res = await callAction(
      ratesPage.action,
      "/admin/exchange-rates",
      {
        currency: "PKR",
        usdPerUnit: "0.0035714",
        rateDate: "2026-11-20",
        source: "State Bank of Pakistan",
      },
      { cookie: official.cookie },
    );
    expect(res.status).toBe(302);
    const rows = await db().selectFrom("exchange_rates").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      currency: "PKR",
      usd_per_unit: "0.0035714",
      created_by: official.user.id,
    });
    const [audit] = await auditRows("exchange_rate.create");
    expect(JSON.parse(audit!.after_json!).usd_per_unit).toBe("0.0035714");
    const page = await callLoader(ratesPage.loader, "/admin/exchange-rates", {
      cookie: official.cookie,
    });
    expect(page.data.latest).toEqual([
      {
        currency: "PKR",
        usdPerUnit: "0.0035714",
        rateDate: "2026-11-20",
        source: "State Bank of Pakistan",
      },
    ]);
  });

  it("refuses bad rates, future dates, USD and a second rate for the same day, keeping the input", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ usdPerUnit: "0" }, "usdPerUnit", "rates.rate"],
      [{ usdPerUnit: "1,5" }, "usdPerUnit", "rates.rate"],
      [{ usdPerUnit: "0.1234567890123" }, "usdPerUnit", "rates.rate"],
      [{ rateDate: "2026-02-30" }, "rateDate", "validation.date"],
      [{ rateDate: "2999-01-01" }, "rateDate", "rates.dateFuture"],
      [{ currency: "USD" }, "currency", "rates.currency"],
      [{ source: " " }, "source", "rates.source"],
      [{ currency: "PKR", rateDate: "2026-11-20" }, "rateDate", "rates.duplicate"],
    ];
    for (const [override, field, key] of cases) {
      const values = {
        currency: "CNY",
        usdPerUnit: "0.1389",
        rateDate: "2026-11-21",
        source: "PBOC",
        ...override,
      };
      const res = await callAction(ratesPage.action, "/admin/exchange-rates", values, {
        cookie: admin.cookie,
      });
      expect(res.status, JSON.stringify(override)).toBe(400);
      expect(decodeMsg(res.data.errors[field]).key, JSON.stringify(override)).toBe(key);
      expect(res.data.values.usdPerUnit).toBe(values.usdPerUnit);
    }
    expect(await db().selectFrom("exchange_rates").select("id").execute()).toHaveLength(1);
  });
});
