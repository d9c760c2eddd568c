// Issue 12, item 8: USCC squatting. The first account to type a credit code held it: a rival could
// claim a competitor's code and block their submission, and the refusal told anyone which codes
// were registered. Now the second claimant is answered exactly like anyone else, saves and
// submits; officials see the clash on the proposal page; an administrator resolves it (audited).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator, sql, type Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { migrationProvider } from "~db/migrations";
import * as adminProposal from "~/routes/admin.proposals.$id";
import * as checkRoute from "~/routes/proposals.$id.check";
import * as newRoute from "~/routes/proposals.new";
import * as stepRoute from "~/routes/proposals.$id.$step";
import { getDb, openDatabase } from "~/services/db.server";
import { signedIn } from "../support/factories";
import { freshUscc, VALID_POSTS } from "../support/proposal-answers";
import { callAction, callLoader } from "../support/remix";
import {
  attachRequiredDocuments,
  createCall,
  DECLARATION,
  newKey,
  validAnswers,
} from "./submission-fixtures";

type Who = Awaited<ReturnType<typeof signedIn>>;
let callSlug = "";

beforeAll(async () => {
  callSlug = (await createCall()).slug;
});

async function startProposal(who: Who) {
  const res = await callAction(
    newRoute.action,
    `/proposals/new?call=${callSlug}`,
    {},
    {
      cookie: who.cookie,
    },
  );
  return Number(/\/proposals\/(\d+)\//.exec(res.location ?? "")![1]);
}

function postCompany(who: Who, id: number, uscc: string, name: string) {
  return callAction(
    stepRoute.action,
    `/proposals/${id}/organisation`,
    { ...VALID_POSTS.organisation!, legalNameEn: name, uscc, intent: "continue" },
    { cookie: who.cookie, params: { id: String(id), step: "organisation" } },
  );
}

/** Completes every other step and the documents, then submits through the check page. */
async function submit(who: Who, id: number) {
  const db = getDb();
  const answers = validAnswers();
  for (const [step, data] of Object.entries(answers)) {
    if (step === "organisation") continue;
    await db
      .insertInto("proposal_answers")
      .values({ proposal_id: id, step, data_json: JSON.stringify(data), complete: 1 })
      .execute();
  }
  await attachRequiredDocuments(id, who.user.id);
  return callAction(
    checkRoute.action,
    `/proposals/${id}/check`,
    { ...DECLARATION, submissionKey: newKey() },
    { cookie: who.cookie, params: { id: String(id) } },
  );
}

const organisationOf = async (proposalId: number) =>
  (
    await getDb()
      .selectFrom("proposals")
      .select(["organisation_id", "status"])
      .where("id", "=", proposalId)
      .executeTakeFirstOrThrow()
  ).organisation_id!;

describe("a credit code claimed by a second company", () => {
  let rival: Who;
  let genuine: Who;
  let rivalProposal = 0;
  let genuineProposal = 0;
  const code = freshUscc();

  beforeAll(async () => {
    rival = await signedIn("applicant");
    genuine = await signedIn("applicant");
    rivalProposal = await startProposal(rival);
    genuineProposal = await startProposal(genuine);
  });

  it("is saved and answered exactly like a code nobody holds: nothing is revealed", async () => {
    const first = await postCompany(rival, rivalProposal, code, "Squatter Data Co");
    expect(first.status).toBe(302);
    const second = await postCompany(genuine, genuineProposal, code, "Genuine Data Co");
    // The same answer as for a code nobody holds (a fresh applicant, a fresh code).
    const other = await signedIn("applicant");
    const otherProposal = await startProposal(other);
    const control = await postCompany(other, otherProposal, freshUscc(), "Control Co");
    expect(second.status).toBe(control.status);
    expect(second.location).toBe(`/proposals/${genuineProposal}/contact`);
    expect(control.location).toBe(`/proposals/${otherProposal}/contact`);
    expect(second.data).toEqual(control.data);
    const saved = await getDb()
      .selectFrom("organisations")
      .select(["id", "uscc", "legal_name_en"])
      .where("uscc", "=", code)
      .orderBy("id")
      .execute();
    expect(saved.map((o) => o.legal_name_en)).toEqual(["Squatter Data Co", "Genuine Data Co"]);
  });

  it("lets the second claimant submit", async () => {
    const res = await submit(genuine, genuineProposal);
    expect(res.status).toBe(303);
    const row = await getDb()
      .selectFrom("proposals")
      .select(["status", "reference"])
      .where("id", "=", genuineProposal)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("submitted");
    expect(row.reference).toMatch(/^CDA-\d{4}-\d{4,}$/);
  });

  it("shows the clash to officials on the proposal page", async () => {
    const official = await signedIn("official");
    const page = await callLoader(adminProposal.loader, `/admin/proposals/${genuineProposal}`, {
      cookie: official.cookie,
      params: { id: String(genuineProposal) },
    });
    expect(page.status).toBe(200);
    expect(page.data.uscc).toMatchObject({ uscc: code, state: "disputed", resolution: null });
    expect(page.data.uscc.claimants.map((c: { legalNameEn: string }) => c.legalNameEn)).toEqual([
      "Squatter Data Co",
      "Genuine Data Co",
    ]);
    expect(page.data.canResolveUscc).toBe(false);
  });

  it("only an administrator resolves it, with a note, and the resolution is audited", async () => {
    const holderId = await organisationOf(genuineProposal);
    const path = `/admin/proposals/${genuineProposal}`;
    const params = { id: String(genuineProposal) };
    const official = await signedIn("official");
    const refused = await callAction(
      adminProposal.action,
      path,
      { intent: "resolveUscc", holderId: String(holderId), usccNote: "Checked the licence." },
      { cookie: official.cookie, params },
    );
    expect(refused.status).toBe(403);
    const admin = await signedIn("admin");
    const noNote = await callAction(
      adminProposal.action,
      path,
      { intent: "resolveUscc", holderId: String(holderId), usccNote: "ok" },
      { cookie: admin.cookie, params },
    );
    expect(noNote.status).toBe(400);
    expect(noNote.data.errors.usccNote).toBe("uscc.error.note");
    expect(
      await getDb().selectFrom("uscc_resolutions").select("id").where("uscc", "=", code).execute(),
    ).toEqual([]);

    const resolved = await callAction(
      adminProposal.action,
      path,
      {
        intent: "resolveUscc",
        holderId: String(holderId),
        usccNote: "The business licence names Genuine Data Co; SAMR register checked.",
      },
      { cookie: admin.cookie, params },
    );
    expect(resolved.status).toBe(302);
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "uscc.resolve")
      .where("proposal_id", "=", genuineProposal)
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(admin.user.id);
    expect(JSON.parse(audit.after_json!)).toMatchObject({
      uscc: code,
      holderOrganisationId: holderId,
    });

    const view = async (id: number) =>
      (
        await callLoader(adminProposal.loader, `/admin/proposals/${id}`, {
          cookie: admin.cookie,
          params: { id: String(id) },
        })
      ).data.uscc;
    expect((await view(genuineProposal)).state).toBe("holder");
    // The squatter's draft is not visible to staff; its company's claim stands rejected.
    const { usccClaim } = await import("~/models/organisations.server");
    expect((await usccClaim(getDb(), await organisationOf(rivalProposal)))?.state).toBe("rejected");
    // A third claimant later opens the dispute again.
    const third = await signedIn("applicant");
    expect((await postCompany(third, await startProposal(third), code, "Third Co")).status).toBe(
      302,
    );
    expect((await view(genuineProposal)).state).toBe("disputed");
  });
});

describe("migration 2026-12-02-0012-uscc-claims", () => {
  it("drops the code's uniqueness and keeps every company and what points at it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-mig-"));
    const { db } = openDatabase(path.join(dir, "before.db"));
    const any = db as unknown as Kysely<any>;
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo("2026-12-02-0010-conflict-snapshot")).error).toBeUndefined();
    const org = await any
      .insertInto("organisations")
      .values({ legal_name_en: "Before Co", uscc: "91110000600037341L" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await any
      .insertInto("users")
      .values({
        email: "b@example.test",
        role: "applicant",
        display_name: "B",
        organisation_id: org.id,
      })
      .execute();
    await expect(
      any
        .insertInto("organisations")
        .values({ legal_name_en: "Rival", uscc: "91110000600037341L" })
        .execute(),
    ).rejects.toThrow(/UNIQUE/);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await any
      .insertInto("organisations")
      .values({ legal_name_en: "Rival", uscc: "91110000600037341L" })
      .execute();
    const rows = await any.selectFrom("organisations").select(["id", "legal_name_en"]).execute();
    expect(rows.map((r) => r.legal_name_en)).toEqual(["Before Co", "Rival"]);
    const user = await any.selectFrom("users").select("organisation_id").executeTakeFirstOrThrow();
    expect(user.organisation_id).toBe(org.id);
    expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([]);
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]).toEqual({
      foreign_keys: 1,
    });
    await expect(
      any
        .insertInto("users")
        .values({
          email: "c@example.test",
          role: "applicant",
          display_name: "C",
          organisation_id: 99999,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
    db.destroy();
  });
});
