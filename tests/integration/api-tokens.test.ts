// Issuing and revoking API tokens through their pages (issue 17): administrators for an
// integration (acting for a staff account), applicants for themselves; the secret is shown once
// and stored only as its SHA-256; bad input is answered beside its field with what was typed kept.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as adminTokens from "~/routes/admin.api-tokens";
import * as accountTokens from "~/routes/account_.api-tokens";
import * as ownProposals from "~/routes/api.v1.me.proposals";
import * as calls from "~/routes/api.v1.calls._index";
import { getDb } from "~/services/db.server";
import { createUser, signedIn } from "../support/factories";
import { BASE, callAction, callLoader } from "../support/remix";

const origin = { Origin: BASE };

describe("API token pages", () => {
  it("lets an administrator issue a token for an official's account, shown once, stored hashed", async () => {
    const { cookie } = await signedIn("admin");
    const official = await createUser("official");
    const answer = await callAction(
      adminTokens.action,
      "/admin/api-tokens",
      {
        intent: "issue",
        name: "MoU tracker",
        actsFor: official.email.toUpperCase(),
        scopes: ["calls", "ranking"],
        expiresInDays: "30",
      },
      { cookie, headers: origin },
    );
    expect(answer.status).toBe(200);
    const secret: string = answer.data.issued.secret;
    expect(secret).toMatch(/^cda_[A-Za-z0-9_-]{43}$/);
    const row = await getDb()
      .selectFrom("api_tokens")
      .selectAll()
      .where("token_hash", "=", createHash("sha256").update(secret).digest("hex"))
      .executeTakeFirstOrThrow();
    expect(row.user_id).toBe(official.id);
    expect(JSON.parse(row.scopes_json)).toEqual(["calls", "ranking"]);
    const page = await callLoader(adminTokens.loader, "/admin/api-tokens", { cookie });
    expect(JSON.stringify(page.data)).not.toContain(secret);
    expect(JSON.stringify(page.data)).toContain("MoU tracker");
    const use = await callLoader(calls.loader, "/api/v1/calls", {
      headers: { Authorization: `Bearer ${secret}` },
    });
    expect(use.status).toBe(200);
  });

  it("answers bad input beside each field and keeps what was typed", async () => {
    const { cookie } = await signedIn("admin");
    const answer = await callAction(
      adminTokens.action,
      "/admin/api-tokens",
      { intent: "issue", name: "", expiresInDays: "999", actsFor: "nobody@example.test" },
      { cookie, headers: origin },
    );
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.data.errors).sort()).toEqual(["expiresInDays", "name", "scopes"]);
    expect(answer.data.values.actsFor).toBe("nobody@example.test");
    const reviewer = await createUser("reviewer");
    const wrongAccount = await callAction(
      adminTokens.action,
      "/admin/api-tokens",
      { intent: "issue", name: "x", scopes: "calls", actsFor: reviewer.email },
      { cookie, headers: origin },
    );
    expect(wrongAccount.status).toBe(400);
    expect(Object.keys(wrongAccount.data.errors)).toEqual(["actsFor"]);
    expect(
      await getDb().selectFrom("api_tokens").select("id").where("name", "=", "x").execute(),
    ).toEqual([]);
  });

  it("lets an applicant issue a personal token for their own proposals and revoke it", async () => {
    const { cookie, user } = await signedIn("applicant");
    const refused = await callAction(
      accountTokens.action,
      "/account/api-tokens",
      { intent: "issue", name: "Mine", scopes: ["own-proposals", "ranking"], expiresInDays: "7" },
      { cookie, headers: origin },
    );
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.data.errors)).toEqual(["scopes"]);
    const issued = await callAction(
      accountTokens.action,
      "/account/api-tokens",
      // An applicant cannot make a token act for someone else.
      {
        intent: "issue",
        name: "Mine",
        scopes: "own-proposals",
        expiresInDays: "7",
        actsFor: "admin@demo.test",
      },
      { cookie, headers: origin },
    );
    expect(issued.status).toBe(200);
    const secret: string = issued.data.issued.secret;
    const auth = { headers: { Authorization: `Bearer ${secret}` } };
    expect((await callLoader(ownProposals.loader, "/api/v1/me/proposals", auth)).status).toBe(200);
    const row = await getDb()
      .selectFrom("api_tokens")
      .select(["id", "user_id"])
      .where("token_hint", "=", secret.slice(0, 10))
      .executeTakeFirstOrThrow();
    expect(row.user_id).toBe(user.id);
    // Another applicant cannot revoke it.
    const other = await signedIn("applicant");
    const notTheirs = await callAction(
      accountTokens.action,
      "/account/api-tokens",
      { intent: "revoke", id: String(row.id) },
      { cookie: other.cookie, headers: origin },
    );
    expect(notTheirs.status).toBe(404);
    expect((await callLoader(ownProposals.loader, "/api/v1/me/proposals", auth)).status).toBe(200);
    const revoked = await callAction(
      accountTokens.action,
      "/account/api-tokens",
      { intent: "revoke", id: String(row.id) },
      { cookie, headers: origin },
    );
    expect(revoked.status).toBe(200);
    expect((await callLoader(ownProposals.loader, "/api/v1/me/proposals", auth)).status).toBe(401);
    const audit = await getDb()
      .selectFrom("audit_log")
      .select("action")
      .where("entity_type", "=", "api_token")
      .where("entity_id", "=", String(row.id))
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "api_token.issue",
      "api_token.use",
      "api_token.revoke",
    ]);
  });
});
