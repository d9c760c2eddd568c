// Publishing decisions when an official marks a call decided, against a real migrated SQLite file:
// refused (and nothing changes) while a proposal in review has no decision; otherwise every such
// proposal takes its decision's status with an audit row, each applicant is e-mailed in their
// language, the applicant sees the outcome without the internal reason, and decisions are final.
import { beforeAll, describe, expect, it } from "vitest";
import type { ProposalStatus } from "~db/schema";
import * as callPage from "~/routes/admin.calls.$slug._index";
import * as breakdownRoute from "~/routes/board.$slug.$proposalId";
import * as proposalsList from "~/routes/proposals._index";
import * as proposalView from "~/routes/proposals.$id._index";
import { getDb } from "~/services/db.server";
import { translate, type MessageKey } from "~/i18n";
import { decodeMsg, msg } from "~/utils/form";
import { callAction, callLoader } from "../support/remix";
import { createUser, signedIn } from "../support/factories";

const SLUG = "decide-2026";
const SECRET = "Internal: score 71.25, strongest Tier IV evidence";
const CONTACT = "decisions@cda.gov.pk";

type Session = Awaited<ReturnType<typeof signedIn>>;
let official: Session;
let alice: Session; // en, under_review → shortlisted
let bo: Session; // zh-Hans, clarification_requested → reserve
let chen: Session; // zh-Hans, submitted → rejected
let stranger: Session; // another applicant with no proposal here
let callId = 0;
const ids: Record<string, number> = {};
let refCounter = 0;

async function insertCall(slug: string, status: "open" | "closed") {
  const row = await getDb()
    .insertInto("calls")
    .values({
      slug,
      title_en: `Data centres ${slug}`,
      title_zh: `数据中心征集 ${slug}`,
      status,
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: status === "open" ? "2099-01-01T00:00:00.000Z" : "2026-06-01T00:00:00.000Z",
      contact_email: CONTACT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function insertProposal(
  name: string,
  ownerId: number,
  status: ProposalStatus,
  onCall = callId,
) {
  const submitted = status !== "draft";
  if (submitted) refCounter += 1;
  const p = await getDb()
    .insertInto("proposals")
    .values({
      call_id: onCall,
      owner_id: ownerId,
      status,
      reference: submitted ? `CDA-2026-${String(refCounter).padStart(4, "0")}` : null,
      title: `${name} campus`,
      submitted_at: submitted ? "2026-05-01T08:00:00.000Z" : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids[name] = p.id;
  return p.id;
}

function decide(name: string, outcome: string, reason = SECRET) {
  return callAction(
    breakdownRoute.action,
    `/board/${SLUG}/${ids[name]}`,
    { outcome, reason },
    { cookie: official.cookie, params: { slug: SLUG, proposalId: String(ids[name]) } },
  );
}

function markDecided() {
  return callAction(
    callPage.action,
    `/admin/calls/${SLUG}`,
    { intent: "transition", to: "decided" },
    { cookie: official.cookie, params: { slug: SLUG } },
  );
}

async function statusOf(name: string) {
  const row = await getDb()
    .selectFrom("proposals")
    .select("status")
    .where("id", "=", ids[name]!)
    .executeTakeFirstOrThrow();
  return row.status;
}

async function snapshot() {
  const db = getDb();
  return {
    call: await db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirst(),
    proposals: await db.selectFrom("proposals").selectAll().orderBy("id").execute(),
    audit: await db.selectFrom("audit_log").select(["id", "action"]).execute(),
    mails: await db.selectFrom("mail_outbox").select(["id", "template"]).execute(),
  };
}

beforeAll(async () => {
  official = await signedIn("official");
  alice = await signedIn("applicant", { locale: "en", displayName: "Alice Wang" });
  bo = await signedIn("applicant", { locale: "zh-Hans", displayName: "王博" });
  chen = await signedIn("applicant", { locale: "zh-Hans", displayName: "陈晨" });
  stranger = await signedIn("applicant");
  const withdrawer = await createUser("applicant");
  const drafter = await createUser("applicant");
  callId = await insertCall(SLUG, "closed");
  await insertProposal("alice", alice.user.id, "under_review");
  await insertProposal("bo", bo.user.id, "clarification_requested");
  await insertProposal("chen", chen.user.id, "submitted");
  await insertProposal("withdrawn", withdrawer.id, "withdrawn");
  await insertProposal("draft", drafter.id, "draft");
  // Another call's proposal in review never blocks nor changes with this one.
  const otherCall = await insertCall("other-2026", "open");
  await insertProposal("elsewhere", stranger.user.id, "under_review", otherCall);
});

describe("marking a call decided publishes its decisions", () => {
  it("is refused while proposals in review have no decision, naming them, and nothing changes", async () => {
    expect((await decide("alice", "shortlisted")).status).toBe(302);
    const page = await callLoader(callPage.loader, `/admin/calls/${SLUG}`, {
      cookie: official.cookie,
      params: { slug: SLUG },
    });
    const expected = msg("decision.undecided", {
      count: 2,
      references: "CDA-2026-0002, CDA-2026-0003",
    });
    // Said on the call page before the confirm step…
    expect(page.data.undecided).toBe(expected);

    const before = await snapshot();
    const res = await markDecided();
    // …and refused by the server all the same.
    expect(res.status).toBe(400);
    expect(res.data.errors._form).toBe(expected);
    expect(await snapshot()).toEqual(before);
    expect(before.call!.status).toBe("closed");
    expect(before.mails.filter((m) => m.template === "decision")).toHaveLength(0);
    // The official reads it in words, with the count and the references.
    const { key, vars } = decodeMsg(expected);
    expect(translate("en", key as MessageKey, vars)).toBe(
      "The call cannot be marked decided yet: 2 submitted proposal(s) still have no decision: CDA-2026-0002, CDA-2026-0003. Record a decision for each on the ranking board first.",
    );
  });

  it("names only the first ten references when more are undecided", async () => {
    const manyId = await insertCall("many-2026", "closed");
    const owner = await createUser("applicant");
    const start = refCounter + 1;
    for (let i = 0; i < 12; i++) await insertProposal(`many${i}`, owner.id, "submitted", manyId);
    const page = await callLoader(callPage.loader, "/admin/calls/many-2026", {
      cookie: official.cookie,
      params: { slug: "many-2026" },
    });
    const refs = Array.from(
      { length: 10 },
      (_, i) => `CDA-2026-${String(start + i).padStart(4, "0")}`,
    );
    expect(page.data.undecided).toBe(
      msg("decision.undecidedMany", { count: 12, shown: 10, references: refs.join(", ") }),
    );
  });

  it("sets every decided proposal's status with an audit row and e-mails each applicant in their language", async () => {
    expect((await decide("bo", "reserve")).status).toBe(302);
    expect((await decide("chen", "rejected")).status).toBe(302);
    const res = await markDecided();
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/admin/calls/${SLUG}?notice=decided`);

    const db = getDb();
    const call = await db
      .selectFrom("calls")
      .selectAll()
      .where("id", "=", callId)
      .executeTakeFirstOrThrow();
    expect(call.status).toBe("decided");
    expect(call.decided_at).not.toBeNull();
    expect(await statusOf("alice")).toBe("shortlisted");
    expect(await statusOf("bo")).toBe("reserve");
    expect(await statusOf("chen")).toBe("rejected");
    expect(await statusOf("withdrawn")).toBe("withdrawn");
    expect(await statusOf("draft")).toBe("draft");
    expect(await statusOf("elsewhere")).toBe("under_review");

    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "proposal.decision_published")
      .orderBy("proposal_id")
      .execute();
    expect(audit.map((a) => a.proposal_id)).toEqual([ids.alice, ids.bo, ids.chen]);
    expect(audit.map((a) => JSON.parse(a.before_json!))).toEqual([
      { status: "under_review" },
      { status: "clarification_requested" },
      { status: "submitted" },
    ]);
    expect(audit.map((a) => JSON.parse(a.after_json!).status)).toEqual([
      "shortlisted",
      "reserve",
      "rejected",
    ]);
    for (const a of audit) {
      expect(a).toMatchObject({ actor_id: official.user.id, call_id: callId });
      expect(a.request_id).toBe("test-request");
    }

    const mails = await db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("template", "=", "decision")
      .orderBy("id")
      .execute();
    expect(mails.map((m) => [m.to_address, m.locale])).toEqual([
      [alice.user.email, "en"],
      [bo.user.email, "zh-Hans"],
      [chen.user.email, "zh-Hans"],
    ]);
    const [toAlice, toBo, toChen] = mails;
    expect(toAlice!.subject).toBe("Decision on proposal CDA-2026-0001");
    expect(toAlice!.text_body).toContain("Dear Alice Wang");
    expect(toAlice!.text_body).toContain("is: Shortlisted.");
    expect(toAlice!.text_body).toContain(`"Data centres ${SLUG}"`);
    expect(toAlice!.text_body).toContain("alice campus");
    expect(toAlice!.text_body).toContain("The CDA will contact you about the next stage");
    expect(toAlice!.text_body).toContain(`/proposals/${ids.alice}`);
    expect(toAlice!.text_body).toContain(CONTACT);
    expect(toBo!.subject).toBe("关于提案 CDA-2026-0002 的决定");
    expect(toBo!.text_body).toContain("王博，您好");
    expect(toBo!.text_body).toContain("决定为：候补。");
    expect(toBo!.text_body).toContain(`数据中心征集 ${SLUG}`);
    expect(toBo!.text_body).toContain("候补名单");
    expect(toChen!.text_body).toContain("决定为：未入选。");
    for (const m of mails) {
      expect(m.text_body).not.toContain(SECRET);
      expect(m.text_body).not.toMatch(/score|评分/i);
    }
  });

  it("shows the applicant the outcome on their proposal pages, never the reason", async () => {
    const list = await callLoader(proposalsList.loader, "/proposals", { cookie: bo.cookie });
    expect(list.status).toBe(200);
    expect(list.data.proposals).toEqual([
      expect.objectContaining({ id: ids.bo, status: "reserve", reference: "CDA-2026-0002" }),
    ]);
    const view = await callLoader(proposalView.loader, `/proposals/${ids.bo}`, {
      cookie: bo.cookie,
      params: { id: String(ids.bo) },
    });
    expect(view.status).toBe(200);
    expect(view.data).toMatchObject({ mode: "view", status: "reserve" });
    expect(view.data.call.contactEmail).toBe(CONTACT);
    expect(JSON.stringify(list.data)).not.toContain(SECRET);
    expect(JSON.stringify(view.data)).not.toContain(SECRET);
  });

  it("does not show one applicant's decision to another", async () => {
    const view = await callLoader(proposalView.loader, `/proposals/${ids.alice}`, {
      cookie: stranger.cookie,
      params: { id: String(ids.alice) },
    });
    expect(view.status).toBe(404);
    const list = await callLoader(proposalsList.loader, "/proposals", { cookie: stranger.cookie });
    expect(list.data.proposals.map((p: { id: number }) => p.id)).toEqual([ids.elsewhere]);
    expect(JSON.stringify(list.data)).not.toContain("CDA-2026-0001");
  });

  it("makes decisions final: a change afterwards is refused and nothing moves", async () => {
    const res = await decide("alice", "rejected", "Changed our minds");
    expect(res.status).toBe(409);
    const row = await getDb()
      .selectFrom("decisions")
      .select(["outcome", "reason"])
      .where("proposal_id", "=", ids.alice!)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ outcome: "shortlisted", reason: SECRET });
    expect(await statusOf("alice")).toBe("shortlisted");
  });
});
