// The read-only JSON API (issue 17 part 2): every route × every kind of token (with and without
// the scope, expired, revoked, none, a session cookie instead), the conflict wall, the OpenAPI
// document (validated, and every answer here checked against it with ajv), ETags, cursors that
// walk every row exactly once, the rate limit, problem details, and the use audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { API_SCOPES, type ApiScope } from "~/domain/api";
import type { Role } from "~db/schema";
import { actorFrom } from "~/domain/command";
import { issueApiToken, revokeApiToken } from "~/models/api-tokens.server";
import { listBoard, getBoardCall, parseBoardQuery } from "~/models/board.server";
import { refreshProposalScores, rebuildCallScores } from "~/models/score-read-model.server";
import { API_OPERATIONS, openApiDocument } from "~/schemas/api-openapi";
import { getDb } from "~/services/db.server";
import { resetEnvCache } from "~/services/env.server";
import {
  createCall,
  createReview,
  createSubmittedProposal,
  createUser,
} from "../support/factories";
import {
  cookieFor,
  createPeople,
  createWorld,
  REVIEW_COMMENT,
  type People,
  type World,
} from "../support/permission-table";
import { BASE, testContext } from "../support/remix";

type Loader = (args: LoaderFunctionArgs) => Promise<Response> | Response;
const modules = import.meta.glob<{ loader: Loader }>("/app/routes/api.v1.*.ts", { eager: true });
const loaderOf = (file: string) => modules[`/app/routes/${file}`]!.loader;

const DOC = openApiDocument("http://localhost:3000");
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(DOC, "openapi");

/** The document's operation for a concrete path. */
function operationFor(path: string) {
  for (const op of API_OPERATIONS) {
    const re = new RegExp("^" + op.path.replace(/\{[^}]+\}/g, "[^/]+") + "$");
    if (re.test(path)) return op;
  }
  return null;
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * Calls an API route as Remix would and checks the answer against the OpenAPI document: the
 * status is documented for the operation, a 200 body matches its schema, a problem is
 * application/problem+json and matches the Problem schema.
 */
async function get(
  path: string,
  opts: { token?: string | null; cookie?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, BASE);
  const op = operationFor(url.pathname);
  const file = fileFor(url.pathname);
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("Authorization", `Bearer ${opts.token}`);
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  const request = new Request(url, { headers });
  const response = await loaderOf(file.file)({
    request,
    params: file.params,
    context: testContext,
  });
  const text = response.status === 304 ? "" : await response.text();
  const body = text ? JSON.parse(text) : null;
  const problems: string[] = [];
  if (op) {
    const documented = (DOC.paths as any)[op.path].get.responses;
    if (!documented[String(response.status)])
      problems.push(`${response.status} is not documented for ${op.path}`);
  }
  if (response.status === 200 && op) {
    const schema = documented200(op.path);
    if (!ajv.validate({ $ref: `openapi#${schema.slice(1)}` }, body))
      problems.push(`200 body of ${path}: ${ajv.errorsText()}`);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("ETag")).toMatch(/^"[^"]+"$/);
  } else if (response.status >= 400) {
    expect(response.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    if (!ajv.validate({ $ref: "openapi#/components/schemas/Problem" }, body))
      problems.push(`problem body of ${path}: ${ajv.errorsText()}`);
    expect(body.status).toBe(response.status);
    expect(body.type).toMatch(/^\/api#problem-/);
  }
  expect(problems).toEqual([]);
  return { status: response.status, headers: response.headers, body, text };
}

function documented200(path: string): string {
  return (DOC.paths as any)[path].get.responses["200"].content["application/json"].schema.$ref;
}

/** The route file and params of an API path. */
function fileFor(pathname: string): { file: string; params: Record<string, string> } {
  const m = (re: RegExp) => re.exec(pathname);
  let r: RegExpExecArray | null;
  if (pathname === "/api/v1/calls") return { file: "api.v1.calls._index.ts", params: {} };
  if ((r = m(/^\/api\/v1\/calls\/([^/]+)$/)))
    return { file: "api.v1.calls.$slug._index.ts", params: { slug: decodeURIComponent(r[1]!) } };
  if ((r = m(/^\/api\/v1\/calls\/([^/]+)\/criteria$/)))
    return { file: "api.v1.calls.$slug.criteria.ts", params: { slug: r[1]! } };
  if ((r = m(/^\/api\/v1\/calls\/([^/]+)\/ranking$/)))
    return { file: "api.v1.calls.$slug.ranking.ts", params: { slug: r[1]! } };
  if ((r = m(/^\/api\/v1\/proposals\/([^/]+)$/)))
    return { file: "api.v1.proposals.$id.ts", params: { id: r[1]! } };
  if (pathname === "/api/v1/me/proposals") return { file: "api.v1.me.proposals.ts", params: {} };
  return { file: "api.v1.$.ts", params: { "*": pathname.replace(/^\/api\/v1\//, "") } };
}

async function tokenFor(
  user: { id: number; email: string; role: any },
  scopes: readonly ApiScope[],
  opts: { calls?: string[]; days?: number } = {},
): Promise<string> {
  // Officials' tokens are issued by an administrator, acting for the official's account.
  const issuer = user.role === "official" ? { ...people.admin, role: "admin" as const } : user;
  const result = await issueApiToken(getDb(), actorFrom(issuer), {
    name: `test ${scopes.join(",")}`,
    actsFor: user.role === "official" ? user.email : "",
    scopes: [...scopes],
    calls: opts.calls ?? [],
    expiresInDays: opts.days ?? 30,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.secret;
}

let people: People;
let world: World;

beforeAll(async () => {
  process.env.MAX_DRAFTS_PER_ACCOUNT = "1000";
  resetEnvCache();
  people = await createPeople();
  world = await createWorld(people);
}, 60_000);

const OFFICIAL_SCOPES: ApiScope[] = ["calls", "criteria", "ranking", "proposals"];
const APPLICANT_SCOPES: ApiScope[] = ["calls", "criteria", "own-proposals"];

describe("API permission matrix", () => {
  type Holder = "applicantA" | "official" | "admin" | "officialConflicted" | "adminConflicted";
  const HOLDERS: Holder[] = [
    "applicantA",
    "official",
    "admin",
    "officialConflicted",
    "adminConflicted",
  ];
  type Outcome = 200 | 401 | 403 | 404;
  /** With a token holding every scope its user's role allows. */
  const SCOPED: Record<string, Record<Holder, Outcome>> = {
    calls: {
      applicantA: 200,
      official: 200,
      admin: 200,
      officialConflicted: 200,
      adminConflicted: 200,
    },
    call: {
      applicantA: 200,
      official: 200,
      admin: 200,
      officialConflicted: 200,
      adminConflicted: 200,
    },
    criteria: {
      applicantA: 200,
      official: 200,
      admin: 200,
      officialConflicted: 200,
      adminConflicted: 200,
    },
    ranking: {
      applicantA: 403,
      official: 200,
      admin: 200,
      officialConflicted: 200,
      adminConflicted: 200,
    },
    proposal: {
      applicantA: 403,
      official: 200,
      admin: 200,
      officialConflicted: 404,
      adminConflicted: 404,
    },
    own: {
      applicantA: 200,
      official: 403,
      admin: 403,
      officialConflicted: 403,
      adminConflicted: 403,
    },
  };
  const PATHS = (w: World): Record<string, string> => ({
    calls: "/api/v1/calls",
    call: `/api/v1/calls/${w.callSlug}`,
    criteria: `/api/v1/calls/${w.callSlug}/criteria`,
    ranking: `/api/v1/calls/${w.callSlug}/ranking`,
    proposal: `/api/v1/proposals/${w.submittedId}`,
    own: "/api/v1/me/proposals",
  });
  const SCOPE_OF: Record<string, ApiScope> = {
    calls: "calls",
    call: "calls",
    criteria: "criteria",
    ranking: "ranking",
    proposal: "proposals",
    own: "own-proposals",
  };

  it("covers every API route file", () => {
    const files = Object.keys(modules)
      .map((f) => f.replace("/app/routes/", ""))
      .sort();
    const covered = new Set(Object.values(PATHS(world)).map((p) => fileFor(p).file));
    covered.add("api.v1.$.ts");
    expect(files).toEqual([...covered].sort());
    expect(API_OPERATIONS.map((o) => o.scope).sort()).toEqual(Object.values(SCOPE_OF).sort());
  });

  it("answers each route as the table says, for every token kind", async () => {
    const mismatches: string[] = [];
    const paths = PATHS(world);
    for (const holder of HOLDERS) {
      const user = {
        ...people[holder],
        role: (holder === "applicantA" ? "applicant" : holder.replace("Conflicted", "")) as Role,
      };
      const scopes = holder === "applicantA" ? APPLICANT_SCOPES : OFFICIAL_SCOPES;
      const full = await tokenFor(user, scopes);
      const expired = await tokenFor(user, scopes);
      await getDb()
        .updateTable("api_tokens")
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where("token_hint", "=", expired.slice(0, 10))
        .execute();
      const revoked = await tokenFor(user, scopes);
      const revokedRow = await getDb()
        .selectFrom("api_tokens")
        .select("id")
        .where("token_hint", "=", revoked.slice(0, 10))
        .executeTakeFirstOrThrow();
      expect((await revokeApiToken(getDb(), actorFrom(user), revokedRow.id)).ok).toBe(true);
      const cookie = await cookieFor(people, holder);
      for (const [name, path] of Object.entries(paths)) {
        const check = (kind: string, got: number, want: number) => {
          if (got !== want)
            mismatches.push(`${name} as ${holder} (${kind}): expected ${want}, got ${got}`);
        };
        const a = await get(path, { token: full });
        check("scoped", a.status, SCOPED[name]![holder]);
        if (
          a.status === 200 &&
          holder.endsWith("Conflicted") &&
          a.text.includes(world.submittedReference)
        )
          mismatches.push(`${name} as ${holder}: shows the proposal behind the conflict wall`);
        if (a.status === 200 && holder === "applicantA" && a.text.includes(REVIEW_COMMENT))
          mismatches.push(`${name} as ${holder}: shows a reviewer's note`);
        // A token without this route's scope (but with every other its role allows).
        const others = scopes.filter((s) => s !== SCOPE_OF[name]);
        if (others.length) {
          const unscoped = await tokenFor(user, others);
          const b = await get(path, { token: unscoped });
          check("without the scope", b.status, 403);
          if (b.status === 403)
            expect(b.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
        }
        check("expired", (await get(path, { token: expired })).status, 401);
        check("revoked", (await get(path, { token: revoked })).status, 401);
        check("none", (await get(path)).status, 401);
        check("session cookie", (await get(path, { cookie })).status, 401);
        check("unknown", (await get(path, { token: "cda_" + "x".repeat(43) })).status, 401);
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);

  it("answers a proposal behind the token user's conflict exactly as one that does not exist", async () => {
    const walled = await tokenFor(
      { ...people.officialConflicted, role: "official" },
      OFFICIAL_SCOPES,
    );
    const plain = await tokenFor({ ...people.official, role: "official" }, OFFICIAL_SCOPES);
    const a = await get(`/api/v1/proposals/${world.submittedId}`, { token: walled });
    const b = await get(`/api/v1/proposals/2000000001`, { token: plain });
    expect([a.status, a.text]).toEqual([b.status, b.text]);
  });

  it("lets a token lose what its user's new role does not allow", async () => {
    const user = await createUser("admin");
    const token = await tokenFor(user, OFFICIAL_SCOPES);
    expect((await get(`/api/v1/calls/${world.callSlug}/ranking`, { token })).status).toBe(200);
    await getDb()
      .updateTable("users")
      .set({ role: "reviewer" })
      .where("id", "=", user.id)
      .execute();
    expect((await get(`/api/v1/calls/${world.callSlug}/ranking`, { token })).status).toBe(403);
    await getDb()
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", user.id)
      .execute();
    expect((await get("/api/v1/calls", { token })).status).toBe(401);
  });

  it("limits a token to its calls", async () => {
    const other = await createCall();
    const token = await tokenFor({ ...people.official, role: "official" }, OFFICIAL_SCOPES, {
      calls: [other.call.slug],
    });
    const list = await get("/api/v1/calls", { token });
    expect(list.body.data.map((c: any) => c.slug)).toEqual([other.call.slug]);
    expect((await get(`/api/v1/calls/${world.callSlug}`, { token })).status).toBe(404);
    expect((await get(`/api/v1/proposals/${world.submittedId}`, { token })).status).toBe(404);
  });

  it("refuses what a role may not issue", async () => {
    const r = await issueApiToken(getDb(), actorFrom({ ...people.applicantA, role: "applicant" }), {
      name: "x",
      actsFor: "",
      scopes: ["ranking"],
      calls: [],
      expiresInDays: 10,
    });
    expect(r.ok).toBe(false);
    const reviewer = await createUser("reviewer");
    const s = await issueApiToken(getDb(), actorFrom(reviewer), {
      name: "x",
      actsFor: "",
      scopes: ["calls"],
      calls: [],
      expiresInDays: 10,
    });
    expect(s.ok).toBe(false);
  });
});

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(DOC as any);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every scope", () => {
    expect(new Set(API_OPERATIONS.map((o) => o.scope))).toEqual(new Set(API_SCOPES));
  });

  it("is served at /api/openapi.json", async () => {
    const mod = await import("~/routes/api.openapi[.json]");
    const response = mod.loader();
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const served = JSON.parse(await response.text());
    expect(served.openapi).toBe("3.1.0");
    expect(Object.keys(served.paths)).toEqual(API_OPERATIONS.map((o) => o.path));
  });
});

describe("API behaviour", () => {
  let official: string;
  let call: { id: number; slug: string };

  beforeAll(async () => {
    official = await tokenFor({ ...people.official, role: "official" }, OFFICIAL_SCOPES);
    const made = await createCall({ minReviews: 1 });
    call = made.call;
    const reviewer = await createUser("reviewer");
    for (let i = 0; i < 9; i++) {
      const { proposal } = await createSubmittedProposal(call.id, {
        tracks: i % 2 ? "tier4DataCentre" : "bigDataPlatform",
        investmentUsd: 1_000_000 * (i + 1),
      });
      if (i < 7)
        await createReview(proposal.id, reviewer.id, made.criteria, { level: 1 + (i % 5) });
    }
    await getDb()
      .transaction()
      .execute((trx) => rebuildCallScores(trx, call.id));
  }, 60_000);

  it("answers 304 to a matching If-None-Match, and a new ETag once the data change", async () => {
    const path = `/api/v1/calls/${call.slug}/ranking`;
    const first = await get(path, { token: official });
    const etag = first.headers.get("ETag")!;
    const again = await get(path, { token: official, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(
      (await get(path, { token: official, headers: { "If-None-Match": `W/${etag}` } })).status,
    ).toBe(304);
    expect(
      (await get(path, { token: official, headers: { "If-None-Match": '"other"' } })).status,
    ).toBe(200);
    await getDb()
      .updateTable("calls")
      .set({ title_en: "Renamed" })
      .where("id", "=", call.id)
      .execute();
    const callPath = `/api/v1/calls/${call.slug}`;
    const before = await get(callPath, { token: official });
    await getDb()
      .updateTable("calls")
      .set({ title_en: "Renamed again" })
      .where("id", "=", call.id)
      .execute();
    const after = await get(callPath, {
      token: official,
      headers: { "If-None-Match": before.headers.get("ETag")! },
    });
    expect(after.status).toBe(200);
    expect(after.body.titleEn).toBe("Renamed again");
  });

  it("walks the ranking page by page: every row exactly once, in the board's order and ranks", async () => {
    const db = getDb();
    const boardCall = (await getBoardCall(db, call.slug))!;
    for (const search of [
      "",
      "sort=company&dir=desc",
      "score=calibrated&track=tier4DataCentre",
      "sort=investment",
    ]) {
      const board = await listBoard(
        db,
        boardCall,
        people.official.id,
        parseBoardQuery(new URLSearchParams(search)),
        1000,
      );
      const seen: { id: number; rank: number }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q = new URLSearchParams(search);
        q.set("limit", "2");
        if (cursor) q.set("cursor", cursor);
        const page = await get(`/api/v1/calls/${call.slug}/ranking?${q}`, { token: official });
        expect(page.status).toBe(200);
        expect(page.body.total).toBe(board.total);
        seen.push(...page.body.data.map((r: any) => ({ id: r.proposalId, rank: r.rank })));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 50);
      expect(seen).toEqual(board.rows.map((r) => ({ id: r.proposalId, rank: r.rank })));
      expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
      expect(seen.length).toBe(board.total);
    }
  });

  it("walks the calls and one's own proposals exactly once each", async () => {
    const all = await get("/api/v1/calls?limit=200", { token: official });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await get(`/api/v1/calls?limit=3${cursor ? `&cursor=${cursor}` : ""}`, {
        token: official,
      });
      seen.push(...page.body.data.map((c: any) => c.slug));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.data.map((c: any) => c.slug));
    expect(new Set(seen).size).toBe(seen.length);

    const applicant = await tokenFor({ ...people.applicantA, role: "applicant" }, APPLICANT_SCOPES);
    const mine: number[] = [];
    cursor = null;
    do {
      const page: Answer = await get(
        `/api/v1/me/proposals?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        { token: applicant },
      );
      mine.push(...page.body.data.map((p: any) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const owned = await getDb()
      .selectFrom("proposals")
      .select("id")
      .where("owner_id", "=", people.applicantA.id)
      .orderBy("id", "desc")
      .execute();
    expect(mine).toEqual(owned.map((p) => p.id));
  });

  it("answers 409 when the ranking changes under a cursor, 400 for a forged cursor or unknown parameter", async () => {
    const path = `/api/v1/calls/${call.slug}/ranking`;
    const first = await get(`${path}?limit=2`, { token: official });
    const ids = (
      await getDb().selectFrom("proposals").select("id").where("call_id", "=", call.id).execute()
    ).map((r) => r.id);
    await getDb()
      .transaction()
      .execute((trx) => refreshProposalScores(trx, ids));
    const stale = await get(`${path}?limit=2&cursor=${first.body.nextCursor}`, { token: official });
    expect(stale.status).toBe(409);
    const forged = await get(`${path}?cursor=not-a-cursor!`, { token: official });
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].parameter).toBe("cursor");
    const other = await get(`${path}?limit=2&sort=company`, { token: official });
    const mixed = await get(`${path}?limit=2&cursor=${other.body.nextCursor}`, { token: official });
    expect(mixed.status).toBe(400);
    const unknown = await get(`${path}?colour=red&limit=0`, { token: official });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: any) => e.parameter).sort()).toEqual(["colour", "limit"]);
  });

  it("answers 429 with Retry-After past the rate limit, counted in the database", async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    resetEnvCache();
    try {
      const token = await tokenFor({ ...people.official, role: "official" }, ["calls"]);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await get("/api/v1/calls", { token })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await get("/api/v1/calls", { token });
      expect(limited.status).toBe(429);
      const retry = Number(limited.headers.get("Retry-After"));
      expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
      expect(limited.body).toMatchObject({ status: 429, title: "Too many requests" });
    } finally {
      delete process.env.API_RATE_LIMIT_PER_MINUTE;
      resetEnvCache();
    }
  });

  it("audits a token's use once a minute, and its issue and revocation", async () => {
    const token = await tokenFor({ ...people.official, role: "official" }, ["calls"]);
    const row = await getDb()
      .selectFrom("api_tokens")
      .select("id")
      .where("token_hint", "=", token.slice(0, 10))
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) await get("/api/v1/calls", { token });
    const uses = await getDb()
      .selectFrom("audit_log")
      .select(["action", "after_json"])
      .where("entity_type", "=", "api_token")
      .where("entity_id", "=", String(row.id))
      .execute();
    expect(uses.map((u) => u.action).sort()).toEqual(["api_token.issue", "api_token.use"]);
    expect(uses.some((u) => (u.after_json ?? "").includes(token))).toBe(false);
    const stored = await getDb()
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.last_used_at).not.toBeNull();
  });

  it("answers an unknown address under /api/v1 with a problem", async () => {
    const answer = await get("/api/v1/nothing/here", { token: official });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      type: "/api#problem-notFound",
      title: "Not found",
      status: 404,
      detail: "No such API resource.",
    });
  });
});
