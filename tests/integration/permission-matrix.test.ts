// Every route's loader and action × every kind of user, against the expected answer in
// tests/support/permission-table.ts. Refused requests must leave the database unchanged.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACTORS,
  classify,
  cookieFor,
  createPeople,
  createWorld,
  databaseChecksum,
  integrityCheck,
  matrixContext,
  paramValue,
  PERMISSION_TABLE,
  PERMISSION_VARIANTS,
  REFUSALS,
  routePath,
  type Actor,
  type Outcome,
  type People,
  type RouteEntry,
  type World,
  REVIEW_COMMENT,
  DISCUSSION_COMMENT,
} from "../support/permission-table";
import { resetEnvCache } from "~/services/env.server";
import { BASE } from "../support/remix";

type RouteModule = {
  loader?: (args: LoaderFunctionArgs) => unknown;
  action?: (args: ActionFunctionArgs) => unknown;
};

const modules = import.meta.glob<RouteModule>("/app/routes/*.{ts,tsx}", { eager: true });
const ROUTES = Object.entries(modules)
  .map(([file, mod]) => ({ file: file.replace("/app/routes/", ""), mod }))
  .sort((a, b) => a.file.localeCompare(b.file));

const DISCOVER = process.env.PERM_DISCOVER === "1";

/** The staff members whose declared conflicts cover A's company. */
const WALLED: readonly Actor[] = ["reviewerConflicted", "officialConflicted", "adminConflicted"];

let people: People;

beforeAll(async () => {
  // Every world gives applicant A drafts in an open call of its own; the per-account cap on
  // drafts (issue 12, item 3, tested in upload-quota.test.ts) is not what this matrix is about.
  process.env.MAX_DRAFTS_PER_ACCOUNT = "1000";
  resetEnvCache();
  people = await createPeople();
}, 60_000);

function paramsFor(entry: RouteEntry, world: World): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entry.params ?? {}).map(([name, source]) => [name, paramValue(source, world)]),
  );
}

function urlFor(file: string, entry: RouteEntry, world: World, forAction: boolean) {
  let path = routePath(file, paramsFor(entry, world), forAction);
  if (entry.query) {
    const q = entry.query
      .replace("CALL_SLUG", world.callSlug)
      .replace("SUBMITTED_ID", String(world.submittedId));
    path += (path.includes("?") ? "&" : "?") + q;
  }
  return new URL(path, BASE);
}

/** Runs a loader or action the way Remix does and classifies its answer; anything else thrown fails. */
async function invoke(
  fn: (args: LoaderFunctionArgs) => unknown,
  request: Request,
  params: Record<string, string>,
): Promise<{ outcome: Outcome; detail: string; text: string }> {
  let value: unknown;
  let text = "";
  try {
    value = await fn({ request, params, context: matrixContext });
  } catch (thrown) {
    value = thrown;
    if (
      !(thrown instanceof Response) &&
      !(
        thrown &&
        typeof thrown === "object" &&
        (thrown as { type?: string }).type === "DataWithResponseInit"
      )
    ) {
      return { outcome: `threw ${String(thrown)}` as Outcome, detail: String(thrown), text };
    }
  }
  let status = 200;
  let location: string | null = null;
  if (value instanceof Response) {
    status = value.status;
    location = value.headers.get("Location");
    // Read a download to its end (exports write their audit row when the stream finishes) and
    // let that write land, so that it is not mistaken for a change made by the next request.
    if (status < 300 && value.body) {
      const bytes = await value.arrayBuffer().catch(() => new ArrayBuffer(0));
      text = Buffer.from(bytes).toString("latin1");
      await new Promise((resolve) => setTimeout(resolve, 25));
    } else await value.body?.cancel().catch(() => undefined);
  } else if (
    value &&
    typeof value === "object" &&
    (value as { type?: string }).type === "DataWithResponseInit"
  ) {
    const init = (value as { init: ResponseInit | null }).init;
    status = init?.status ?? 200;
    location = new Headers(init?.headers).get("Location");
    text = JSON.stringify((value as { data: unknown }).data) ?? "";
  } else {
    text = JSON.stringify(value) ?? "";
  }
  return {
    outcome: classify(status, location),
    detail: `${status} ${location ?? ""}`.trim(),
    text,
  };
}

/** The status and body text of a loader's or action's answer (an empty form for an action). */
async function rawAnswer(
  fn: (args: LoaderFunctionArgs) => unknown,
  kind: "loader" | "action",
  file: string,
  entry: RouteEntry,
  world: World,
  actor: Actor,
): Promise<{ status: number; body: string }> {
  const cookie = await cookieFor(people, actor);
  const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
  if (kind === "action") {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    headers.Origin = BASE;
  }
  const request = new Request(urlFor(file, entry, world, kind === "action"), {
    method: kind === "action" ? "POST" : "GET",
    headers,
    body: kind === "action" ? "" : undefined,
  });
  let value: unknown;
  try {
    value = await fn({ request, params: paramsFor(entry, world), context: matrixContext });
  } catch (thrown) {
    value = thrown;
  }
  if (value instanceof Response) return { status: value.status, body: await value.text() };
  const d = value as { type?: string; init?: ResponseInit | null; data?: unknown };
  if (d && d.type === "DataWithResponseInit")
    return { status: d.init?.status ?? 200, body: JSON.stringify(d.data) };
  return { status: 200, body: JSON.stringify(value) };
}

/** Refused requests first, so that an allowed one that changes data cannot hide a refusal. */
function orderedActors(row: Record<Actor, Outcome>): Actor[] {
  return [...ACTORS].sort(
    (a, b) => Number(!REFUSALS.includes(row[a])) - Number(!REFUSALS.includes(row[b])),
  );
}

/** What identifies reviewers and their work: never on an applicant's page. */
function reviewerSecrets(): string[] {
  return [
    people.reviewerAssigned.email,
    people.reviewerConflicted.email,
    REVIEW_COMMENT,
    DISCUSSION_COMMENT,
  ];
}

/** Every route with its table entry, then the variants (same route, other data). */
function cases(): {
  name: string;
  file: string;
  mod: RouteModule;
  entry: RouteEntry | undefined;
}[] {
  return [
    ...ROUTES.map(({ file, mod }) => ({ name: file, file, mod, entry: PERMISSION_TABLE[file] })),
    ...PERMISSION_VARIANTS.map((v) => ({
      name: `${v.file} [${v.label}]`,
      file: v.file,
      mod: ROUTES.find((r) => r.file === v.file)?.mod ?? {},
      entry: v.entry as RouteEntry | undefined,
    })),
  ];
}

describe("permission matrix", () => {
  it("has an entry for every route file, and no entry for a route that does not exist", () => {
    const files = ROUTES.map((r) => r.file);
    const problems: string[] = [];
    for (const { file, mod } of ROUTES) {
      const entry = PERMISSION_TABLE[file];
      if (!entry) {
        problems.push(`route ${file} has no entry in the permission table`);
        continue;
      }
      if (mod.loader && !entry.loader) problems.push(`route ${file}: its loader has no row`);
      if (!mod.loader && entry.loader) problems.push(`route ${file}: row for a loader it lacks`);
      if (mod.action && !entry.action) problems.push(`route ${file}: its action has no row`);
      if (!mod.action && entry.action) problems.push(`route ${file}: row for an action it lacks`);
    }
    for (const key of Object.keys(PERMISSION_TABLE))
      if (!files.includes(key)) problems.push(`table entry ${key} matches no route file`);
    expect(problems).toEqual([]);
    expect(ROUTES.length).toBeGreaterThan(30);
  });

  it("answers every loader as the table says, and refusals change nothing", async () => {
    const world = await createWorld(people);
    const mismatches: string[] = [];
    const observed: Record<string, Record<string, string>> = {};
    for (const { name, file, mod, entry } of cases()) {
      if (!mod.loader || !entry?.loader) continue;
      for (const actor of orderedActors(entry.loader)) {
        const expected = entry.loader[actor];
        const cookie = await cookieFor(people, actor);
        const url = urlFor(file, entry, world, false);
        const request = new Request(url, { headers: cookie ? { Cookie: cookie } : {} });
        const before = REFUSALS.includes(expected) ? await databaseChecksum() : null;
        const { outcome, detail, text } = await invoke(
          mod.loader,
          request,
          paramsFor(entry, world),
        );
        (observed[name] ??= {})[actor] = outcome;
        // Applicants never see reviewers' identities or their notes, on any page or download.
        if (actor.startsWith("applicant") && outcome === "ok") {
          for (const secret of reviewerSecrets())
            if (text.includes(secret))
              mismatches.push(
                `GET ${name} as ${actor}: shows reviewer data ${JSON.stringify(secret)}`,
              );
        }
        // The conflict wall: whoever declared a conflict with A's company or group never sees
        // the submitted proposal, on any page, download, export or audit view.
        if (WALLED.includes(actor) && outcome === "ok" && text.includes(world.submittedReference))
          mismatches.push(`GET ${name} as ${actor}: shows the proposal behind the conflict wall`);
        if (outcome !== expected)
          mismatches.push(
            `GET ${name} as ${actor}: expected ${expected}, got ${outcome} (${detail})`,
          );
        if (before && before !== (await databaseChecksum()))
          mismatches.push(`GET ${name} as ${actor}: refused, yet the database changed`);
      }
    }
    if (DISCOVER) console.log("LOADERS", JSON.stringify(observed, null, 1));
    expect(mismatches).toEqual([]);
  }, 120_000);

  it("answers a staff member's own conflict exactly as a proposal that is not theirs", async () => {
    // Issue 12, item 9: 403 for "conflicted" against 404 for "not yours" told whoever declared a
    // conflict with a group which proposal ids belong to it. The conflicted reviewer is compared
    // with the reviewer not assigned to the same proposal; conflicted officials and admins, who
    // see every other proposal, with an id that does not exist.
    const world = await createWorld(people);
    const missing: World = { ...world, submittedId: 2_000_000_001, attachmentId: 2_000_000_001 };
    const pairs: [walled: Actor, notTheirs: Actor, on: World][] = [
      ["reviewerConflicted", "reviewerUnassigned", world],
      ["officialConflicted", "official", missing],
      ["adminConflicted", "admin", missing],
    ];
    const mismatches: string[] = [];
    let compared = 0;
    for (const { name, file, mod, entry } of cases()) {
      const sources = Object.values(entry?.params ?? {});
      if (!entry || !sources.some((s) => s === "submittedId" || s === "attachmentId")) continue;
      for (const kind of ["loader", "action"] as const) {
        const fn = mod[kind] as ((args: LoaderFunctionArgs) => unknown) | undefined;
        if (!fn || !entry[kind]) continue;
        for (const [walledActor, otherActor, otherWorld] of pairs) {
          const a = await rawAnswer(fn, kind, file, entry, world, walledActor);
          const b = await rawAnswer(fn, kind, file, entry, otherWorld, otherActor);
          compared += 1;
          if (a.status !== b.status || a.body !== b.body)
            mismatches.push(
              `${kind} ${name}: ${walledActor} got ${a.status} ${JSON.stringify(a.body.slice(0, 80))}, ` +
                `${otherActor} got ${b.status} ${JSON.stringify(b.body.slice(0, 80))}`,
            );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(18);
  }, 120_000);

  it("answers every action (an empty form) as the table says, and refusals change nothing", async () => {
    const mismatches: string[] = [];
    const observed: Record<string, Record<string, string>> = {};
    for (const { name, file, mod, entry } of cases()) {
      if (!mod.action || !entry?.action) continue;
      // A world of its own per action: an allowed empty post may change its data.
      const world = await createWorld(people);
      for (const actor of orderedActors(entry.action)) {
        const expected = entry.action[actor];
        const cookie = await cookieFor(people, actor);
        const headers: Record<string, string> = {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: BASE,
        };
        if (cookie) headers.Cookie = cookie;
        const request = new Request(urlFor(file, entry, world, true), {
          method: "POST",
          headers,
          body: "",
        });
        const before = REFUSALS.includes(expected) ? await databaseChecksum() : null;
        const { outcome, detail } = await invoke(mod.action, request, paramsFor(entry, world));
        (observed[name] ??= {})[actor] = outcome;
        if (outcome !== expected)
          mismatches.push(
            `POST ${name} as ${actor}: expected ${expected}, got ${outcome} (${detail})`,
          );
        if (before && before !== (await databaseChecksum()))
          mismatches.push(`POST ${name} as ${actor}: refused, yet the database changed`);
      }
    }
    if (DISCOVER) console.log("ACTIONS", JSON.stringify(observed, null, 1));
    expect(mismatches).toEqual([]);
    expect(await integrityCheck()).toBe("ok");
  }, 180_000);
});
