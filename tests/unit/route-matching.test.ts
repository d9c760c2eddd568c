// The server's route matching is patched to keep each route tree's ranked branches and each
// path's compiled pattern (patches/@remix-run+router+*.patch, docs/decisions/0027-board-rows-as-html.md).
// Matching one tree many times, in any order, must give what a fresh match gives.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The CommonJS build, which the server loads (the browser bundle uses the unpatched ES module).
const router = createRequire(import.meta.url)(
  "@remix-run/router",
) as typeof import("@remix-run/router");

const tree = () => [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "board", path: "board/:slug", children: [{ id: "board-index", index: true }] },
      { id: "breakdown", path: "board/:slug/:proposalId" },
      { id: "step", path: "proposals/:id/:step" },
      { id: "check", path: "proposals/:id/check" },
      { id: "lang", path: ":lang?/calls" },
      { id: "api", path: "api/v1/*" },
      { id: "catch", path: "*" },
    ],
  },
];

function summary(routes: ReturnType<typeof tree>, path: string) {
  return router.matchRoutes(routes, path)?.map((m) => [m.route.id, m.params, m.pathnameBase]);
}

const PATHS = [
  "/",
  "/board/demo",
  "/board/demo/42",
  "/BOARD/Demo/7",
  "/proposals/5/check",
  "/proposals/5/company",
  "/zh/calls",
  "/calls",
  "/api/v1/calls/x/ranking",
  "/nowhere/at/all",
];

describe("route matching (patched on the server)", () => {
  it("matches one tree again and again, in any order, exactly as a fresh tree is matched", () => {
    const shared = tree();
    const expected = PATHS.map((p) => summary(tree(), p));
    for (let round = 0; round < 3; round++) {
      const order = round === 1 ? [...PATHS.keys()].reverse() : [...PATHS.keys()];
      for (const i of order) expect(summary(shared, PATHS[i]!)).toEqual(expected[i]);
    }
    expect(summary(shared, "/board/demo/42")!.at(-1)).toEqual([
      "breakdown",
      { slug: "demo", proposalId: "42" },
      "/board/demo/42",
    ]);
    expect(summary(shared, "/proposals/5/check")!.at(-1)![0]).toBe("check");
    expect(summary(shared, "/api/v1/calls/x/ranking")!.at(-1)![1]).toEqual({
      "*": "calls/x/ranking",
    });
  });

  it("hands each caller its own matches: changing one does not change the next", () => {
    const shared = tree();
    const first = router.matchRoutes(shared, "/board/demo/42")!;
    (first.at(-1)!.params as Record<string, string>).slug = "changed";
    first.pop();
    const second = router.matchRoutes(shared, "/board/demo/42")!;
    expect(second.map((m) => m.route.id)).toEqual(["root", "breakdown"]);
    expect(second.at(-1)!.params).toEqual({ slug: "demo", proposalId: "42" });
    expect(second.at(-1)!.route).toBe(shared[0]!.children[2]);
  });

  it("keeps case sensitivity and partial matches apart for one path", () => {
    expect(router.matchPath({ path: "/board/:slug", caseSensitive: true }, "/BOARD/x")).toBeNull();
    expect(router.matchPath({ path: "/board/:slug" }, "/BOARD/x")?.params).toEqual({ slug: "x" });
    expect(router.matchPath({ path: "/board", end: false }, "/board/x")?.pathnameBase).toBe(
      "/board",
    );
    expect(router.matchPath({ path: "/board", end: true }, "/board/x")).toBeNull();
  });
});

// The static router Remix renders a document with (react-router-dom/server) is patched as well:
// its data routes are made once per route tree (and Remix, patched, hands it the same tree on
// every request), so the ranked branches above are kept between requests.
const domServer = createRequire(import.meta.url)(
  "react-router-dom/server",
) as typeof import("react-router-dom/server");

describe("the static router (patched on the server)", () => {
  async function contextFor(routes: ReturnType<typeof tree>, url: string) {
    const handler = domServer.createStaticHandler(routes);
    return (await handler.query(new Request(`http://portal.test${url}`))) as Exclude<
      Awaited<ReturnType<typeof handler.query>>,
      Response
    >;
  }

  it("reuses one tree's data routes and still gives each request its own matches", async () => {
    const shared = tree();
    const first = domServer.createStaticRouter(shared, await contextFor(shared, "/board/demo/42"));
    const second = domServer.createStaticRouter(
      shared,
      await contextFor(shared, "/proposals/5/check"),
    );
    expect(second.routes).toBe(first.routes);
    const ids = (r: typeof first) => r.state.matches.map((m) => [m.route.id, m.params]);
    expect(ids(first).at(-1)).toEqual(["breakdown", { slug: "demo", proposalId: "42" }]);
    expect(ids(second).at(-1)).toEqual(["check", { id: "5" }]);
    // The matches point into the kept data routes, as they did into fresh ones.
    expect(first.routes[0]!.children).toContain(first.state.matches.at(-1)!.route);
    const other = tree();
    expect(domServer.createStaticRouter(other, await contextFor(other, "/")).routes).not.toBe(
      first.routes,
    );
  });
});
