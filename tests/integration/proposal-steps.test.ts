// The applicant's step pages end to end through their loaders and actions, with real Requests
// against the per-file SQLite database.
import { beforeAll, describe, expect, it } from "vitest";
import { decodeMsg } from "~/utils/form";
import { getDb } from "~/services/db.server";
import { loadAnswers } from "~/models/proposals.server";
import * as stepRoute from "~/routes/proposals.$id.$step";
import * as autosaveRoute from "~/routes/proposals.$id.$step.autosave";
import * as newRoute from "~/routes/proposals.new";
import * as listRoute from "~/routes/proposals._index";
import * as taskRoute from "~/routes/proposals.$id._index";
import { callAction, callLoader } from "../support/remix";
import { signedIn } from "../support/factories";
import { freshUscc, VALID_POSTS } from "../support/proposal-answers";

const db = getDb();
let callSlug = "";
let callId = 0;

async function makeCall(
  slug: string,
  opts: { opensInDays?: number; closesInDays: number; status?: "open" | "closed" | "draft" },
) {
  const day = 86_400_000;
  const row = await db
    .insertInto("calls")
    .values({
      slug,
      title_en: `Call ${slug}`,
      title_zh: `征集 ${slug}`,
      status: opts.status ?? "open",
      opens_at: new Date(Date.now() + (opts.opensInDays ?? -10) * day).toISOString(),
      closes_at: new Date(Date.now() + opts.closesInDays * day).toISOString(),
    })
    .returning(["id", "slug"])
    .executeTakeFirstOrThrow();
  return row;
}

beforeAll(async () => {
  const call = await makeCall("dc-2026", { closesInDays: 30 });
  callSlug = call.slug;
  callId = call.id;
  await db
    .insertInto("exchange_rates")
    .values([
      {
        currency: "CNY",
        usd_per_unit: "0.1389",
        rate_date: "2026-11-01",
        source: "State Bank of Pakistan",
      },
      {
        currency: "PKR",
        usd_per_unit: "0.0035842",
        rate_date: "2026-11-01",
        source: "State Bank of Pakistan",
      },
    ])
    .execute();
});

async function startProposal(cookie: string, slug = callSlug) {
  const res = await callAction(newRoute.action, `/proposals/new?call=${slug}`, {}, { cookie });
  expect(res.status).toBe(302);
  const id = Number(/\/proposals\/(\d+)\/eligibility$/.exec(res.location ?? "")?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

/**
 * Posts a step. A "Save and continue" that fails is kept as a draft and answered with a redirect
 * to the step shown again with its errors (`?invalid=1`); this follows it as a browser would and
 * answers 400 with that page's errors and values (so tests read what the applicant sees).
 */
async function postStep(
  cookie: string,
  id: number,
  step: string,
  fields: Record<string, string | string[]>,
  intent = "continue",
  query = "",
) {
  const res = await callAction(
    stepRoute.action,
    `/proposals/${id}/${step}${query}`,
    { ...fields, intent },
    { cookie, params: { id: String(id), step } },
  );
  if (res.status === 302 && res.location?.includes("invalid=1")) {
    const page = await callLoader(stepRoute.loader, res.location, {
      cookie,
      params: { id: String(id), step },
    });
    return { ...page, status: 400 };
  }
  return res;
}

function with_(step: string, changes: Record<string, string | string[]>) {
  return { ...VALID_POSTS[step]!, ...changes };
}

const key = (m: string | undefined) => (m ? decodeMsg(m).key : undefined);

describe("starting a proposal", () => {
  it("creates a draft for an open call and refuses closed, not-yet-open or unknown calls", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const row = await db
      .selectFrom("proposals")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("draft");
    expect(row.call_id).toBe(callId);

    const closed = await makeCall("closed-call", { opensInDays: -20, closesInDays: -1 });
    const before = await db
      .selectFrom("proposals")
      .select(db.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    const refused = await callAction(
      newRoute.action,
      `/proposals/new?call=${closed.slug}`,
      {},
      { cookie },
    );
    expect(refused.status).toBe(403);
    const page = await callLoader(newRoute.loader, `/proposals/new?call=${closed.slug}`, {
      cookie,
    });
    expect(page.status).toBe(403);
    expect(page.data.open).toBe(false);
    const upcoming = await makeCall("upcoming-call", { opensInDays: 5, closesInDays: 40 });
    expect(
      (await callAction(newRoute.action, `/proposals/new?call=${upcoming.slug}`, {}, { cookie }))
        .status,
    ).toBe(403);
    expect(
      (await callAction(newRoute.action, `/proposals/new?call=nope`, {}, { cookie })).status,
    ).toBe(404);
    const after = await db
      .selectFrom("proposals")
      .select(db.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("is for applicants only", async () => {
    const { cookie } = await signedIn("reviewer");
    const res = await callAction(
      newRoute.action,
      `/proposals/new?call=${callSlug}`,
      {},
      { cookie },
    );
    expect(res.status).toBe(403);
    const anon = await callLoader(newRoute.loader, `/proposals/new?call=${callSlug}`);
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login/);
  });
});

describe("the question steps", () => {
  it("each step saves a valid post and goes to the next applicable step", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const expectedNext: Record<string, string> = {
      eligibility: "organisation",
      organisation: "contact",
      contact: "project",
      project: "resilience",
      resilience: "data-governance",
      "data-governance": "investment",
      investment: "timeline",
      timeline: "local-benefit",
      "local-benefit": "documents",
    };
    for (const [step, next] of Object.entries(expectedNext)) {
      const fields =
        step === "organisation" ? with_(step, { uscc: freshUscc() }) : VALID_POSTS[step]!;
      const res = await postStep(cookie, id, step, fields);
      expect(res.status, `${step}: ${JSON.stringify(res.data)}`).toBe(302);
      expect(res.location).toBe(`/proposals/${id}/${next}`);
    }
    const answers = await loadAnswers(db, id);
    expect(Object.values(answers).every((a) => a?.complete)).toBe(true);
    const row = await db
      .selectFrom("proposals")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.title).toBe("Islamabad Tier IV Data Centre Campus");
    expect(row.tracks).toBe("tier4DataCentre,bigDataPlatform");
    expect(row.company_zh).toBe("贵州云数据科技有限公司");
    expect(row.investment_amount).toBe("250000000.00");
    expect(row.investment_currency).toBe("USD");
    expect(row.investment_usd_cents).toBe(25_000_000_000);
    expect(row.last_step).toBe("documents");
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("proposal_id", "=", id)
      .execute();
    expect(audit.filter((a) => a.action === "proposal.step.complete")).toHaveLength(9);
    expect(audit.every((a) => a.request_id === "test-request")).toBe(true);

    // The task list shows every question section completed.
    const tasks = await callLoader(taskRoute.loader, `/proposals/${id}`, {
      cookie,
      params: { id: String(id) },
    });
    expect(tasks.data.statuses.eligibility).toBe("completed");
    expect(tasks.data.statuses["local-benefit"]).toBe("completed");
    expect(tasks.data.statuses.check).toBe("cannotStart"); // documents still missing
  });

  it("a big-data-only proposal skips resilience ('Not needed')", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await postStep(
      cookie,
      id,
      "project",
      with_("project", { tracks: "bigDataPlatform", itLoadMwPhase1: "", itLoadMwFinal: "" }),
    );
    expect(res.location).toBe(`/proposals/${id}/data-governance`);
    const tasks = await callLoader(taskRoute.loader, `/proposals/${id}`, {
      cookie,
      params: { id: String(id) },
    });
    expect(tasks.data.statuses.resilience).toBe("notNeeded");
  });

  it("an invalid post shows the step again with the errors and everything typed, kept as an incomplete draft", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await postStep(
      cookie,
      id,
      "contact",
      with_("contact", { email: "not-an-email", givenNames: "小明", phone: "12345" }),
    );
    expect(res.status).toBe(400);
    expect(key(res.data.errors.email)).toBe("validation.email");
    expect(key(res.data.errors.phone)).toBe("proposal.err.phone");
    expect(res.data.values.email).toBe("not-an-email");
    expect(res.data.values.givenNames).toBe("小明");
    expect(res.data.values.jobTitle).toBe(VALID_POSTS.contact!.jobTitle);
    // Kept as typed, but not complete: submission's re-check still refuses it.
    const saved = (await loadAnswers(db, id)).contact;
    expect(saved?.complete).toBe(false);
    expect(saved?.data.email).toBe("not-an-email");
    // Opened again later without the marker: the typed values, no error marks.
    const later = await callLoader(stepRoute.loader, `/proposals/${id}/contact`, {
      cookie,
      params: { id: String(id), step: "contact" },
    });
    expect(later.data.values.givenNames).toBe("小明");
    expect(later.data.errors).toEqual({});
  });

  it("refuses money with 3 decimals, percentages not summing to 100 and dates out of order", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const money = await postStep(
      cookie,
      id,
      "investment",
      with_("investment", { "capex.amount": "1000.005" }),
    );
    expect(money.status).toBe(400);
    expect(key(money.data.errors["capex.amount"])).toBe("proposal.err.decimals");
    expect(money.data.values.capex.amount).toBe("1000.005");
    const pct = await postStep(
      cookie,
      id,
      "investment",
      with_("investment", { equityPct: "50", debtPct: "60" }),
    );
    expect(pct.status).toBe(400);
    expect(key(pct.data.errors.equityPct)).toBe("proposal.err.pctSum");
    const dates = await postStep(
      cookie,
      id,
      "timeline",
      with_("timeline", {
        "milestones.operationsStart": VALID_POSTS.timeline!["milestones.financialClose"] as string,
      }),
    );
    expect(dates.status).toBe(400);
    expect(key(dates.data.errors["milestones.operationsStart"])).toBe(
      "proposal.err.order.operationsStart",
    );
    const answers = await loadAnswers(db, id);
    expect(answers.investment?.complete).toBe(false);
    expect(answers.timeline?.complete).toBe(false);
  });

  it("stores the USD equivalent with the rate, its date and source beside a CNY amount", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await postStep(
      cookie,
      id,
      "investment",
      with_("investment", { "capex.amount": "1000000.10", "capex.currency": "CNY" }),
    );
    expect(res.status).toBe(302);
    const capex = (await loadAnswers(db, id)).investment!.data.capex as Record<string, unknown>;
    expect(capex).toMatchObject({
      amount: "1000000.10",
      currency: "CNY",
      usdCents: 13890001,
      usdPerUnit: "0.1389",
      rateDate: "2026-11-01",
      rateSource: "State Bank of Pakistan",
    });
    const row = await db
      .selectFrom("proposals")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.investment_usd_cents).toBe(13890001);
    expect(row.investment_currency).toBe("CNY");
  });

  it("accepts full-width digits and letters (NFKC)", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await postStep(
      cookie,
      id,
      "organisation",
      with_("organisation", {
        uscc: "９１３５０１００Ｍ０００１００Ｙ４３",
        employees: "１２００",
      }),
    );
    expect(res.status).toBe(302);
    const org = (await loadAnswers(db, id)).organisation!;
    expect(org.complete).toBe(true);
    expect(org.data.uscc).toBe("91350100M000100Y43");
    expect(org.data.employees).toBe("1200");
  });

  it("'No' to data residency ends the application on the polite page", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await postStep(
      cookie,
      id,
      "eligibility",
      with_("eligibility", { acceptsDataResidency: "no" }),
    );
    expect(res.location).toBe(`/proposals/${id}/not-eligible`);
    const tasks = await callLoader(taskRoute.loader, `/proposals/${id}`, {
      cookie,
      params: { id: String(id) },
    });
    expect(tasks.data.notEligible).toBe(true);
    expect(tasks.data.statuses.organisation).toBe("cannotStart");
  });

  it("honours ?returnTo=check", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await callAction(
      stepRoute.action,
      `/proposals/${id}/contact?returnTo=check`,
      { ...VALID_POSTS.contact!, intent: "continue", returnTo: "check" },
      { cookie, params: { id: String(id), step: "contact" } },
    );
    expect(res.location).toBe(`/proposals/${id}/check`);
  });
});

describe("save as draft and resume", () => {
  it("keeps invalid input, marks the step in progress and resumes there", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const res = await postStep(
      cookie,
      id,
      "project",
      { title: "DC", summary: "Half a thought", itLoadMwPhase1: "abc", tracks: "tier4DataCentre" },
      "draft",
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/proposals/${id}?saved=project`);
    const saved = (await loadAnswers(db, id)).project!;
    expect(saved.complete).toBe(false);
    expect(saved.data).toMatchObject({
      title: "DC",
      summary: "Half a thought",
      itLoadMwPhase1: "abc",
    });

    const page = await callLoader(stepRoute.loader, `/proposals/${id}/project`, {
      cookie,
      params: { id: String(id), step: "project" },
    });
    expect(page.data.values.itLoadMwPhase1).toBe("abc");

    const list = await callLoader(listRoute.loader, "/proposals", { cookie });
    const mine = list.data.proposals.find((p: { id: number }) => p.id === id);
    expect(mine.lastStep).toBe("project");
    const tasks = await callLoader(taskRoute.loader, `/proposals/${id}?saved=project`, {
      cookie,
      params: { id: String(id) },
    });
    expect(tasks.data.statuses.project).toBe("inProgress");
    expect(tasks.data.saved).toBe("project");
  });

  it("'Add another' and 'Remove' change the rows and keep what was typed", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const added = await postStep(
      cookie,
      id,
      "organisation",
      with_("organisation", { "references[0].site": "Site A" }),
      "add:references",
    );
    expect(added.status).toBe(200);
    expect(added.data.values.references).toHaveLength(2);
    expect(added.data.values.references[0].site).toBe("Site A");
    expect(added.data.values.legalNameEn).toBe(VALID_POSTS.organisation!.legalNameEn);
    expect((await loadAnswers(db, id)).organisation!.data.legalNameEn).toBe(
      VALID_POSTS.organisation!.legalNameEn,
    );

    const removed = await postStep(
      cookie,
      id,
      "organisation",
      with_("organisation", { "references[0].site": "Site A", "references[1].site": "Site B" }),
      "remove:references:0",
    );
    expect(removed.data.values.references).toHaveLength(1);
    expect(removed.data.values.references[0].site).toBe("Site B");
  });
});

describe("who may change what", () => {
  it("another applicant gets 404 and nothing changes", async () => {
    const a = await signedIn("applicant");
    const b = await signedIn("applicant");
    const id = await startProposal(a.cookie);
    await postStep(a.cookie, id, "contact", VALID_POSTS.contact!);
    const before = await loadAnswers(db, id);

    const read = await callLoader(stepRoute.loader, `/proposals/${id}/contact`, {
      cookie: b.cookie,
      params: { id: String(id), step: "contact" },
    });
    expect(read.status).toBe(404);
    const write = await postStep(
      b.cookie,
      id,
      "contact",
      with_("contact", { familyName: "Intruder" }),
    );
    expect(write.status).toBe(404);
    const draft = await postStep(b.cookie, id, "contact", { familyName: "Intruder" }, "draft");
    expect(draft.status).toBe(404);
    const tasks = await callLoader(taskRoute.loader, `/proposals/${id}`, {
      cookie: b.cookie,
      params: { id: String(id) },
    });
    expect(tasks.status).toBe(404);
    expect(await loadAnswers(db, id)).toEqual(before);
  });

  it("an unknown step or a tampered intent is refused without changes", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    expect((await postStep(cookie, id, "snapshot", { x: "1" })).status).toBe(404);
    expect((await postStep(cookie, id, "contact", VALID_POSTS.contact!, "submit")).status).toBe(
      400,
    );
    expect((await postStep(cookie, id, "contact", VALID_POSTS.contact!, "add:evil")).status).toBe(
      400,
    );
    expect((await loadAnswers(db, id)).contact).toBeUndefined();
  });

  it("a submitted proposal's steps cannot be changed", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    await postStep(cookie, id, "contact", VALID_POSTS.contact!);
    await db
      .updateTable("proposals")
      .set({
        status: "submitted",
        reference: `CDA-2026-9${id}`,
        submitted_at: new Date().toISOString(),
      })
      .where("id", "=", id)
      .execute();
    const before = await loadAnswers(db, id);
    const res = await postStep(cookie, id, "contact", with_("contact", { familyName: "Changed" }));
    expect(res.status).toBe(409);
    expect(key(res.data.errors._form)).toBe("proposal.err.notEditable");
    const draft = await postStep(cookie, id, "contact", { familyName: "Changed" }, "draft");
    expect(draft.status).toBe(409);
    expect(await loadAnswers(db, id)).toEqual(before);
    const page = await callLoader(stepRoute.loader, `/proposals/${id}/contact`, {
      cookie,
      params: { id: String(id), step: "contact" },
    });
    expect(page.status).toBe(302);
    expect(page.location).toBe(`/proposals/${id}`);
  });

  it("after the deadline nothing is saved", async () => {
    const { cookie } = await signedIn("applicant");
    const call = await makeCall("short-call", { closesInDays: 1 });
    const id = await startProposal(cookie, call.slug);
    await db
      .updateTable("calls")
      .set({ closes_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", call.id)
      .execute();
    const res = await postStep(cookie, id, "contact", VALID_POSTS.contact!);
    expect(res.status).toBe(403);
    expect(key(res.data.errors._form)).toBe("proposal.err.deadlinePassed");
    expect((await postStep(cookie, id, "contact", VALID_POSTS.contact!, "draft")).status).toBe(403);
    expect((await loadAnswers(db, id)).contact).toBeUndefined();
  });
});

describe("the company profile", () => {
  it("is saved once and pre-filled into the next proposal", async () => {
    const { cookie, user } = await signedIn("applicant");
    const first = await startProposal(cookie);
    const code = freshUscc();
    const res = await postStep(
      cookie,
      first,
      "organisation",
      with_("organisation", { uscc: code, legalNameEn: "Fujian Data Co., Ltd." }),
    );
    expect(res.status).toBe(302);
    const u = await db
      .selectFrom("users")
      .select("organisation_id")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(u.organisation_id).not.toBeNull();

    const second = await startProposal(cookie);
    const answers = await loadAnswers(db, second);
    expect(answers.organisation?.complete).toBe(true);
    expect(answers.organisation?.data.legalNameEn).toBe("Fujian Data Co., Ltd.");
    expect(answers.organisation?.data.uscc).toBe(code);
    const row = await db
      .selectFrom("proposals")
      .selectAll()
      .where("id", "=", second)
      .executeTakeFirstOrThrow();
    expect(row.organisation_id).toBe(u.organisation_id);
    expect(row.company_en).toBe("Fujian Data Co., Ltd.");
  });

  it("an organisation made elsewhere (columns only) still pre-fills what it knows", async () => {
    const { cookie, user } = await signedIn("applicant");
    const org = await db
      .insertInto("organisations")
      .values({
        legal_name_en: "Seeded Co.",
        legal_name_zh: "种子公司",
        country: "CN",
        uscc: freshUscc(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("users")
      .set({ organisation_id: org.id })
      .where("id", "=", user.id)
      .execute();
    const id = await startProposal(cookie);
    const saved = (await loadAnswers(db, id)).organisation!;
    expect(saved.data).toMatchObject({
      legalNameEn: "Seeded Co.",
      legalNameZh: "种子公司",
      country: "CN",
    });
    expect(saved.complete).toBe(false); // address, city… still to answer
  });

  it("a USCC another company already claims is saved all the same, revealing nothing", async () => {
    // Issue 12, item 8: the clash goes to officials (tests/integration/uscc-claims.test.ts).
    const a = await signedIn("applicant");
    const b = await signedIn("applicant");
    const pa = await startProposal(a.cookie);
    const code = freshUscc();
    expect(
      (await postStep(a.cookie, pa, "organisation", with_("organisation", { uscc: code }))).status,
    ).toBe(302);
    const pb = await startProposal(b.cookie);
    // Typed in lower case by the second company: stored as the same code.
    const res = await postStep(
      b.cookie,
      pb,
      "organisation",
      with_("organisation", { uscc: code.toLowerCase() }),
    );
    expect(res.status).toBe(302);
    expect((await loadAnswers(db, pb)).organisation?.data.uscc).toBe(code);
  });

  it("a USCC failing its check character is accepted and flagged; a malformed one is refused", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const bad = await postStep(cookie, id, "organisation", with_("organisation", { uscc: "ABC" }));
    expect(bad.status).toBe(400);
    expect(key(bad.data.errors.uscc)).toBe("proposal.err.usccFormat");

    const res = await postStep(
      cookie,
      id,
      "organisation",
      with_("organisation", { uscc: "91440300MA5DC0XX0K" }),
    );
    expect(res.status, JSON.stringify(res.data)).toBe(302);
    const row = await db
      .selectFrom("proposals")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.uscc_needs_check).toBe(1);
    const org = await db
      .selectFrom("organisations")
      .selectAll()
      .where("id", "=", row.organisation_id!)
      .executeTakeFirstOrThrow();
    expect(org.uscc_needs_check).toBe(1);
    const page = await callLoader(stepRoute.loader, `/proposals/${id}/organisation`, {
      cookie,
      params: { id: String(id), step: "organisation" },
    });
    expect(page.data.usccStatus).toBe("checkFailed");
  });
});

function autosave(
  cookie: string,
  id: number,
  step: string,
  fields: Record<string, string | string[]>,
) {
  return callAction(autosaveRoute.action, `/proposals/${id}/${step}/autosave`, fields, {
    cookie,
    params: { id: String(id), step },
  });
}

describe("two tabs and autosave", () => {
  it("an autosave keeps what is typed; a page behind another tab's save is told, never overwrites", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    const open = () =>
      callLoader(stepRoute.loader, `/proposals/${id}/contact`, {
        cookie,
        params: { id: String(id), step: "contact" },
      });
    const tabA = (await open()).data.revision as string;
    const tabB = tabA;
    const saved = await autosave(cookie, id, "contact", { familyName: "Wang", revision: tabA });
    expect(saved.data).toMatchObject({ autosave: "saved" });
    expect((await loadAnswers(db, id)).contact?.data.familyName).toBe("Wang");
    const stale = await autosave(cookie, id, "contact", { familyName: "Li", revision: tabB });
    expect(stale.status).toBe(409);
    expect(stale.data).toEqual({ autosave: "conflict" });
    // An explicit save from the page behind is told too, keeps what it typed and carries the
    // stored revision, so a second press replaces the other tab's answers on purpose.
    const told = await postStep(
      cookie,
      id,
      "contact",
      { familyName: "Li", revision: tabB },
      "draft",
    );
    expect(told.status).toBe(409);
    expect(key(told.data.errors._form)).toBe("proposal.err.changedElsewhere");
    expect(told.data.values.familyName).toBe("Li");
    expect((await loadAnswers(db, id)).contact?.data.familyName).toBe("Wang");
    const again = await postStep(
      cookie,
      id,
      "contact",
      { familyName: "Li", revision: told.data.revision },
      "draft",
    );
    expect(again.status).toBe(302);
    expect((await loadAnswers(db, id)).contact?.data.familyName).toBe("Li");
  });

  it("an autosave of a completed section keeps it complete only while it still passes", async () => {
    const { cookie } = await signedIn("applicant");
    const id = await startProposal(cookie);
    expect((await postStep(cookie, id, "contact", VALID_POSTS.contact!)).status).toBe(302);
    await autosave(cookie, id, "contact", with_("contact", { jobTitle: "CTO" }));
    expect((await loadAnswers(db, id)).contact).toMatchObject({
      complete: true,
      data: { jobTitle: "CTO" },
    });
    await autosave(cookie, id, "contact", with_("contact", { email: "nope" }));
    expect((await loadAnswers(db, id)).contact).toMatchObject({
      complete: false,
      data: { email: "nope" },
    });
  });
});
