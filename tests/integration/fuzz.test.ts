// Malformed bodies for every action (the route files, through import.meta.glob), posted as each
// actor the permission table lets through: wrong types, missing, extra and repeated fields, 1 MB
// strings, NUL bytes, invalid UTF-8, NaN, Infinity, negative and huge numbers, impossible dates,
// deep bracket paths, prototype-pollution names, broken multipart. Seeded, so a failure replays:
// FUZZ_SEED=<seed> npx vitest run tests/integration/fuzz.test.ts
// The run must give no thrown error (what would be a 5xx) and leave a consistent database.
import fs from "node:fs";
import path from "node:path";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { STEP_IDS } from "~/domain/proposal-steps";
import { dialectOf, getDb } from "~/services/db.server";
import {
  ACTORS,
  cookieFor,
  createPeople,
  createWorld,
  integrityCheck,
  matrixContext,
  paramValue,
  PERMISSION_TABLE,
  routePath,
  type Actor,
  type People,
  type World,
} from "../support/permission-table";
import { VALID_POSTS } from "../support/proposal-answers";
import { incompleteDocuments, isStored } from "../support/documents";
import { BASE } from "../support/remix";
import { completeReview } from "./review-fixtures";
import { DECLARATION, newKey } from "./submission-fixtures";

const ACCESS_DENIED: readonly string[] = ["login", "forbidden", "notFound", "unauthorised"];

type RouteModule = {
  action?: (args: ActionFunctionArgs) => unknown;
  loader?: (args: LoaderFunctionArgs) => unknown;
};
const modules = import.meta.glob<RouteModule>("/app/routes/*.{ts,tsx}", { eager: true });
const loaderModules = modules;

const TOTAL_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

/** mulberry32: small, fast, seeded. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MEGABYTE = "x".repeat(1024 * 1024);
const NASTY_VALUES = [
  "",
  " ",
  "NaN",
  "Infinity",
  "-Infinity",
  "-1",
  "0",
  "-0",
  "1e308",
  "1e-308",
  "9007199254740993",
  "-9999999999999999999999",
  "0x1F",
  "1,000",
  "12.345678901234567890",
  "true",
  "null",
  "undefined",
  "[object Object]",
  "[]",
  "{}",
  '{"__proto__":{"polluted":1}}',
  "2026-02-30",
  "2026-13-01",
  "0000-00-00",
  "9999-12-31",
  "+275760-09-13",
  "-271821-04-20T00:00:00Z",
  "2026-11-28T25:61:61Z",
  "1970-01-01",
  "yes",
  "no",
  "on",
  "USD",
  "XXX",
  "CNY",
  "applicant",
  "admin",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "'; DROP TABLE proposals; --",
  "\u0000",
  "a\u0000b",
  "\u202Egpj.exe",
  "\uFFFD",
  "\u{1F600}".repeat(100),
  "长".repeat(5000),
  "../../etc/passwd",
  "=cmd|' /C calc'!A0",
  "%00",
  "%",
  "\r\nSet-Cookie: x=1",
  "91110000600037341L",
  "CDA-2026-0001",
  "https://evil.example/",
  "//evil.example",
  "javascript:alert(1)",
];

const HOSTILE_KEYS = [
  "__proto__",
  "__proto__[polluted]",
  "constructor[prototype][polluted]",
  "constructor.prototype.polluted",
  "__proto__.polluted",
  "a[0][1][2][3][4][5][6][7][8][9][10][11][12][13][14][15][16][17][18][19]",
  "x".repeat(300),
  "references[99999999].site",
  "references[-1].site",
  "references[1e9].site",
  "bigDataUseCases[0][__proto__][polluted]",
  "milestones..financialClose",
  "[",
  "]",
  "",
  "intent",
  "intent",
];

const INTENTS = [
  "draft",
  "continue",
  "save",
  "submit",
  "attest",
  "declare",
  "add",
  "add:references",
  "add:bigDataUseCases",
  "remove:0",
  "remove:999999",
  "remove:-1",
  "remove:__proto__",
  "ask",
  "assign",
  "decision",
  "note",
  "gate",
  "publish",
  "transition",
  "weights",
  "invite",
  "disable",
  "enable",
  "role",
  "company",
  "group",
  "upload",
  "auto",
  "unassign",
];

/** Field names a route's form uses, read from its source (name="…", get("…"), input.x). */
function fieldNames(file: string): string[] {
  const source = fs.readFileSync(path.resolve("app/routes", file), "utf8");
  const names = new Set<string>();
  for (const re of [
    /name="([^"{}]+)"/g,
    /name=\{"([^"]+)"\}/g,
    /\.get\("([^"]+)"\)/g,
    /\.getAll\("([^"]+)"\)/g,
    /(?:input|posted|values|fields)\.([A-Za-z][A-Za-z0-9]*)/g,
  ]) {
    for (const m of source.matchAll(re)) names.add(m[1]!);
  }
  for (const n of ["intent", "email", "password", "reason", "body", "id", "returnTo"]) names.add(n);
  return [...names];
}

interface Target {
  file: string;
  action: NonNullable<RouteModule["action"]>;
  actors: Actor[];
  names: string[];
}

let people: People;
const targets: Target[] = [];
const worlds = new Map<string, World>();

beforeAll(async () => {
  people = await createPeople();
  for (const [key, mod] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    const file = key.replace("/app/routes/", "");
    const entry = PERMISSION_TABLE[file];
    if (!mod.action || !entry?.action) continue;
    // Everyone the table lets past the access check; refused actors are the matrix's business
    // but one of them is fuzzed too, as attackers post malformed bodies without signing in.
    // Past the access check: a 409 or 410 (wrong state, spent token) still reads the body.
    const denied = (a: Actor) => ACCESS_DENIED.includes(entry.action![a]);
    const allowed = ACTORS.filter((a) => !denied(a));
    const refused = ACTORS.filter(denied);
    targets.push({
      file,
      action: mod.action,
      actors: [...allowed, ...refused.slice(0, 1)],
      names: fieldNames(file),
    });
    const world = await createWorld(people);
    // The applicant can only answer once a clarification has been requested.
    if (file === "proposals.$id.messages.tsx")
      await getDb()
        .updateTable("proposals")
        .set({ status: "clarification_requested" })
        .where("id", "=", world.submittedId)
        .execute();
    worlds.set(file, world);
  }
}, 120_000);

type Body = { body: BodyInit; contentType: string | null; label: string };

type Fields = Record<string, string | string[]>;

function makeBody(next: () => number, names: string[], base: Fields | null): Body {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const value = (): string => {
    const r = next();
    if (r < 0.01) return MEGABYTE;
    if (r < 0.6) return pick(NASTY_VALUES);
    if (r < 0.75) return pick(INTENTS);
    if (r < 0.85) return String(Math.floor((next() - 0.5) * 10 ** Math.floor(next() * 20)));
    return Array.from({ length: Math.floor(next() * 40) }, () =>
      String.fromCharCode(Math.floor(next() * 0xd7ff)),
    ).join("");
  };
  const kind = next();
  if (kind < 0.07) {
    // Raw bytes that are not UTF-8, as a url-encoded body and as percent escapes.
    const bytes = Buffer.concat([
      Buffer.from(`${pick(names)}=`),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]),
      Buffer.from(`&intent=${pick(INTENTS)}&${pick(names)}=%FF%FE%C3%28%ED%A0%80`),
    ]);
    return {
      body: bytes,
      contentType: "application/x-www-form-urlencoded",
      label: "invalid utf-8",
    };
  }
  if (kind < 0.1) {
    const boundary = "----fuzz" + Math.floor(next() * 1e9);
    const broken = [
      `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\n${pick(INTENTS)}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="${pick(names)}"; filename="../../x.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 truncated`,
      next() < 0.5 ? `\r\n--${boundary}--\r\n` : "",
    ].join("");
    const ct =
      next() < 0.5 ? `multipart/form-data; boundary=${boundary}` : "multipart/form-data; boundary=";
    return { body: broken, contentType: ct, label: "broken multipart" };
  }
  if (kind < 0.13) {
    const fd = new FormData();
    fd.append("intent", pick(INTENTS));
    fd.append(pick(names), new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d])], "a.pdf"));
    fd.append(pick(names), value());
    return { body: fd, contentType: null, label: "multipart" };
  }
  if (kind < 0.16) {
    const other = pick([
      ["application/json", JSON.stringify({ intent: "submit", __proto__: { polluted: 1 } })],
      ["text/plain", "intent=submit"],
      ["application/x-www-form-urlencoded", "&&&==&=&%%%&a=%ZZ&" + "a[".repeat(500)],
      ["application/x-www-form-urlencoded", ""],
      [
        "application/xml",
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
      ],
    ] as const);
    return { body: other[1], contentType: other[0], label: `content-type ${other[0]}` };
  }
  if (base && next() < 0.5) {
    // A valid form with one to three fields broken: reaches the validation and the writes.
    const fields: Fields = { ...base };
    const keys = Object.keys(fields);
    const changes = 1 + Math.floor(next() * 3);
    for (let i = 0; i < changes; i++) {
      const key = pick(keys);
      const how = next();
      if (how < 0.5) fields[key] = value();
      else if (how < 0.65) delete fields[key];
      else if (how < 0.8) fields[key] = [value(), value()];
      else fields[pick(HOSTILE_KEYS)] = value();
    }
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    return {
      body: params.toString(),
      contentType: "application/x-www-form-urlencoded",
      label: "valid form, broken",
    };
  }
  const params = new URLSearchParams();
  const count = 1 + Math.floor(next() * 12);
  for (let i = 0; i < count; i++) {
    const key = next() < 0.8 ? pick(names) : pick(HOSTILE_KEYS);
    params.append(key, value());
    if (next() < 0.15) params.append(key, value()); // repeated key
  }
  if (next() < 0.5) params.set("intent", pick(INTENTS));
  return {
    body: params.toString(),
    contentType: "application/x-www-form-urlencoded",
    label: "form",
  };
}

function fuzzParams(next: () => number, file: string, world: World): Record<string, string> {
  const entry = PERMISSION_TABLE[file]!;
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(entry.params ?? {})) {
    out[name] = paramValue(source, world);
    if (name === "step") out[name] = STEP_IDS[Math.floor(next() * STEP_IDS.length)]!;
    if (next() < 0.08)
      out[name] = ["-1", "0", "1e3", "abc", "99999999999999999999", "__proto__", "../1", "1.5"][
        Math.floor(next() * 8)
      ]!;
  }
  return out;
}

/** A valid post for the actions whose forms are long enough to be worth breaking one field at a time. */
async function baseForm(
  file: string,
  world: World,
  params: Record<string, string>,
): Promise<Fields | null> {
  if (file === "proposals.$id.$step.tsx") {
    const fields = VALID_POSTS[params.step ?? ""];
    return fields ? { ...fields, intent: "continue" } : null;
  }
  if (file === "proposals.$id.check.tsx") return { ...DECLARATION, submissionKey: newKey() };
  if (file === "review.$proposalId.tsx") {
    const criteria = await getDb()
      .selectFrom("criteria")
      .innerJoin("criteria_versions", "criteria_versions.id", "criteria.criteria_version_id")
      .select(["criteria.id", "criteria.kind", "criteria.applies_to_track"])
      .where("criteria_versions.call_id", "=", world.callId)
      .execute();
    return { ...completeReview(criteria), intent: "save" };
  }
  return null;
}

const isRemixValue = (v: unknown) =>
  v instanceof Response ||
  (!!v && typeof v === "object" && (v as { type?: string }).type === "DataWithResponseInit");

/** undici's request.formData() on a body that is not a readable form (wrong Content-Type, broken multipart). */
const UNREADABLE =
  /Content-Type was not one of "multipart\/form-data" or "application\/x-www-form-urlencoded"|Failed to parse body as FormData/;

const failures: string[] = [];
let sent = 0;

describe("fuzzing every action", () => {
  it(`sends ${TOTAL_REQUESTS} malformed requests to every action as every actor`, async () => {
    expect(targets.length).toBeGreaterThan(15);
    const next = rng(SEED);
    const perTarget = Math.ceil(TOTAL_REQUESTS / targets.length);
    const statuses: Record<string, Record<number, number>> = {};
    const started = Date.now();
    for (const target of targets) {
      const world = worlds.get(target.file)!;
      const cookies = new Map<Actor, string | null>();
      for (const actor of target.actors) cookies.set(actor, await cookieFor(people, actor));
      for (let i = 0; i < perTarget; i++) {
        const actor = target.actors[i % target.actors.length]!;
        const params = fuzzParams(next, target.file, world);
        const { body, contentType, label } = makeBody(
          next,
          target.names,
          await baseForm(target.file, world, params),
        );
        const headers = new Headers({ Origin: BASE });
        if (contentType) headers.set("Content-Type", contentType);
        // Sign-out and password changes end sessions: a fresh one for those routes.
        const cookie = /^(logout|account)/.test(target.file)
          ? await cookieFor(people, actor)
          : cookies.get(actor);
        if (cookie) headers.set("Cookie", cookie);
        let path = routePath(target.file, params, true);
        const query = PERMISSION_TABLE[target.file]!.query;
        if (query)
          path += (path.includes("?") ? "&" : "?") + query.replace("CALL_SLUG", world.callSlug);
        const url = new URL(path, BASE);
        if (target.file === "proposals.$id.messages.tsx")
          await getDb()
            .updateTable("proposals")
            .set({ status: "clarification_requested" })
            .where("id", "=", world.submittedId)
            .execute();
        const request = new Request(url, { method: "POST", headers, body });
        sent += 1;
        const tally = (statuses[target.file] ??= {});
        try {
          const value = await target.action({ request, params, context: matrixContext });
          const status =
            value instanceof Response
              ? value.status
              : isRemixValue(value)
                ? ((value as { init?: ResponseInit | null }).init?.status ?? 200)
                : 200;
          tally[status] = (tally[status] ?? 0) + 1;
          if (value instanceof Response && value.status >= 500)
            failures.push(`${target.file} as ${actor} (${label}): status ${value.status}`);
        } catch (thrown) {
          if (!isRemixValue(thrown)) {
            failures.push(
              `${target.file} as ${actor} (${label}, request ${sent}, seed ${SEED}): threw ${
                thrown instanceof Error
                  ? thrown.stack?.split("\n").slice(0, 3).join(" | ")
                  : String(thrown)
              }`,
            );
          } else if (thrown instanceof Response) {
            tally[thrown.status] = (tally[thrown.status] ?? 0) + 1;
          }
          if (thrown instanceof Response && thrown.status >= 500) {
            failures.push(`${target.file} as ${actor} (${label}): status ${thrown.status}`);
          }
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${sent} requests over ${targets.length} actions in ${seconds.toFixed(1)} s`);
    if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify(statuses));
    expect(sent).toBeGreaterThanOrEqual(10_000);
  }, 600_000);

  // One line per distinct failure, so the report stays readable.
  const distinct = (list: string[]) => [
    ...new Set(list.map((f) => f.replace(/request \d+, /, ""))),
  ];

  it("answers a body that cannot be read as a form (wrong Content-Type, broken multipart) with a 4xx, not a thrown error", () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    const routes = failures.filter((f) => UNREADABLE.test(f)).map((f) => f.split(" as ")[0]!);
    expect([...new Set(routes)].sort()).toEqual([]);
  });

  it("never throws or answers 5xx otherwise", () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(distinct(failures.filter((f) => !UNREADABLE.test(f)))).toEqual([]);
  });

  it("answers hostile query strings on every loader without a thrown error or a 5xx", async () => {
    const next = rng(SEED + 1);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const QUERY_KEYS = [
      "page",
      "sort",
      "dir",
      "score",
      "track",
      "status",
      "decision",
      "qualifies",
      "flagged",
      "q",
      "call",
      "lang",
      "returnTo",
      "token",
      "role",
      "saved",
      "sent",
      "notice",
      "done",
      "from",
      "to",
      "actor",
      "action",
      "proposal",
      "declared",
      "index",
      "_data",
      "__proto__",
    ];
    const loaderFailures: string[] = [];
    let count = 0;
    const world = await createWorld(people);
    for (const [key, mod] of Object.entries(loaderModules).sort(([x], [y]) => x.localeCompare(y))) {
      const file = key.replace("/app/routes/", "");
      const entry = PERMISSION_TABLE[file];
      if (!mod.loader || !entry?.loader) continue;
      const actors = ACTORS.filter((a) => !ACCESS_DENIED.includes(entry.loader![a]));
      // Documents built on the fly (PDF, XLSX) are slow: fewer of them.
      const rounds = /\[\.(pdf|xlsx)\]/.test(file) ? 4 : 60;
      for (let i = 0; i < rounds; i++) {
        const actor = actors[i % actors.length] ?? "visitor";
        const params = fuzzParams(next, file, world);
        const query = new URLSearchParams();
        const n = 1 + Math.floor(next() * 6);
        for (let k = 0; k < n; k++) {
          const value = pick(NASTY_VALUES);
          query.append(next() < 0.85 ? pick(QUERY_KEYS) : pick(HOSTILE_KEYS), value);
        }
        if (entry.query) query.set("call", world.callSlug);
        const cookie = await cookieFor(people, actor);
        const url = new URL(routePath(file, params) + "?" + query.toString(), BASE);
        const request = new Request(url, { headers: cookie ? { Cookie: cookie } : {} });
        count += 1;
        try {
          const value = await mod.loader({ request, params, context: matrixContext });
          if (value instanceof Response) {
            if (value.status >= 500) loaderFailures.push(`${file}: status ${value.status}`);
            await value.arrayBuffer(); // a stream that fails half-way is a failure too
          }
        } catch (thrown) {
          if (thrown instanceof Response) {
            if (thrown.status >= 500) loaderFailures.push(`${file}: status ${thrown.status}`);
          } else if (!isRemixValue(thrown)) {
            loaderFailures.push(
              `${file} as ${actor} ?${query}: threw ${thrown instanceof Error ? thrown.message : String(thrown)}`,
            );
          }
        }
      }
    }
    console.log(`fuzz: ${count} hostile query strings to the loaders`);
    expect(count).toBeGreaterThan(1000);
    expect([...new Set(loaderFailures)]).toEqual([]);
  }, 300_000);

  it("leaves the database consistent: nothing partial, nothing polluted", async () => {
    const db = getDb();
    expect(await integrityCheck()).toBe("ok");
    // PostgreSQL checks every foreign key at each statement; SQLite is asked to check them all.
    if (dialectOf(db) === "sqlite") {
      const fk = await sql`pragma foreign_key_check`.execute(db);
      expect(fk.rows).toEqual([]);
    }
    // Stored JSON always parses (read out and parsed here: one check for both databases).
    const storedJson = await sql<{ what: string; id: number; json: string | null }>`
      select 'answers' as what, proposal_id as id, data_json as json from proposal_answers
      union all select 'snapshot', id, snapshot_json from proposals
      union all select 'audit before', id, before_json from audit_log
      union all select 'audit after', id, after_json from audit_log
      union all select 'org profile', id, profile_json from organisations
      union all select 'criteria', id, descriptors_json from criteria
      union all select 'tie break', id, tie_break_json from calls
    `.execute(db);
    const badJson = storedJson.rows.filter((r) => {
      if (r.json === null) return false;
      try {
        JSON.parse(r.json);
        return false;
      } catch {
        return true;
      }
    });
    expect(badJson.map((r) => ({ what: r.what, id: r.id }))).toEqual([]);
    // A proposal past draft is whole: reference, snapshot and time of submission together.
    const halfSubmitted = await db
      .selectFrom("proposals")
      .select(["id", "status", "reference"])
      .where("status", "!=", "draft")
      .where((eb) =>
        eb.or([
          eb("reference", "is", null),
          eb("snapshot_json", "is", null),
          eb("submitted_at", "is", null),
        ]),
      )
      .execute();
    expect(halfSubmitted).toEqual([]);
    const dupRefs = await sql`
      select reference, count(*) as n from proposals where reference is not null
      group by reference having count(*) > 1`.execute(db);
    expect(dupRefs.rows).toEqual([]);
    // Submitted reviews carry a time and levels within 0..5; gate answers are 0 or 1.
    const badReviews = await sql`
      select r.id from reviews r where r.status = 'submitted' and r.submitted_at is null
      union all select review_id from review_scores where (level is not null and (level < 0 or level > 5 or level != cast(level as integer)))
        or (gate_pass is not null and gate_pass not in (0, 1))`.execute(db);
    expect(badReviews.rows).toEqual([]);
    // Call dates are real instants, and a call closes after it opens.
    const calls = await db.selectFrom("calls").select(["id", "opens_at", "closes_at"]).execute();
    for (const c of calls) {
      expect(Number.isFinite(Date.parse(c.opens_at)), `call ${c.id} opens_at`).toBe(true);
      expect(Number.isFinite(Date.parse(c.closes_at)), `call ${c.id} closes_at`).toBe(true);
    }
    // Every recorded document is stored; no unfinished upload is left behind (read through the
    // document store: the upload directory on SQLite, the database on PostgreSQL).
    const attachments = await db.selectFrom("attachments").select(["stored_name"]).execute();
    for (const a of attachments) expect(await isStored(a.stored_name), a.stored_name).toBe(true);
    expect(await incompleteDocuments()).toEqual([]);
    // No account was created with a privileged role by a public form.
    const staffIds = Object.entries(people)
      .filter(([k]) =>
        [
          "reviewerAssigned",
          "reviewerUnassigned",
          "reviewerConflicted",
          "official",
          "admin",
        ].includes(k),
      )
      .map(([, v]) => (v as { id: number }).id);
    const privileged = await db
      .selectFrom("users")
      .select(["id", "email", "role"])
      .where("role", "!=", "applicant")
      .where("id", "not in", staffIds)
      .execute();
    expect(privileged.filter((u) => !u.email.includes("@example.test"))).toEqual([]);
    // Nothing reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });
});
