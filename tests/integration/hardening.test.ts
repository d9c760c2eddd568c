// Issue 12 item 10: no signed-in answer may be cached (Cache-Control: no-store on every page,
// data request and download of a request carrying a session cookie); Remix's refusals of
// anonymous requests are logged below error level (handledErrorLevel; the real server is checked
// in request-boundary.test.ts); the session cookie is Secure and __Host- whenever the public
// address is https.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "~/services/db.server";
import { resetEnvCache } from "~/services/env.server";
import { handledErrorLevel } from "~/services/logger.server";
import { requestBoundary } from "~/services/request-boundary.server";
import { createUser } from "../support/factories";

describe("Cache-Control: no-store for signed-in requests", () => {
  let server: ReturnType<ReturnType<typeof express>["listen"]>;
  let base = "";

  beforeAll(async () => {
    const app = express();
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app.use(
      requestBoundary({ info: () => {}, error: () => {} }, { allowedHosts: [new URL(base).host] }),
    );
    app.get("/assets/app-1234.js", (_req, res) => {
      res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
      res.type("js").send("1");
    });
    // A handler that tries to make its answer cacheable, as a careless loader could.
    app.all("*", (_req, res) => {
      res.setHeader("Cache-Control", "public, max-age=600");
      res.json({ secret: "figures" });
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const cacheControl = async (path: string, cookie?: string) =>
    (await fetch(`${base}${path}`, { headers: cookie ? { Cookie: cookie } : {} })).headers.get(
      "Cache-Control",
    );

  it("a page, a data request and a download with a session cookie are never stored", async () => {
    for (const cookie of ["__session=abc", "lang=en; __Host-session=abc", "a=1;__session=x"]) {
      expect(await cacheControl("/board/x", cookie)).toBe("no-store");
      expect(await cacheControl("/board/x.data", cookie)).toBe("no-store");
      expect(await cacheControl("/board/x/export.csv", cookie)).toBe("no-store");
    }
  });

  it("anonymous answers and fingerprinted assets keep their own caching", async () => {
    expect(await cacheControl("/calls/x")).toBe("public, max-age=600");
    expect(await cacheControl("/calls/x", "my__session=1; lang=en")).toBe("public, max-age=600");
    expect(await cacheControl("/assets/app-1234.js", "__session=abc")).toBe(
      "public, max-age=31536000, immutable",
    );
  });
});

describe("what handleError logs as an error", () => {
  it.each([
    [{ status: 405, statusText: "Method Not Allowed", internal: true, data: "" }, "info"],
    [{ status: 404, statusText: "Not Found", internal: true, data: "" }, "info"],
    [new Error("Warning: Single fetch-enabled apps should not be making ?_data requests"), "info"],
    [new Error("SQLITE_CORRUPT"), "error"],
    [{ status: 500, statusText: "Internal Server Error", internal: true, data: "" }, "error"],
    [new TypeError("x is undefined"), "error"],
    ["a string", "error"],
  ])("%j → %s", (error, level) => {
    expect(handledErrorLevel(error)).toBe(level);
  });
});

describe("the session cookie", () => {
  const env = process.env as Record<string, string | undefined>;
  const saved = { NODE_ENV: env.NODE_ENV, PUBLIC_URL: env.PUBLIC_URL };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    resetEnvCache();
    vi.resetModules();
  });

  async function freshSession(nodeEnv: string, publicUrl: string | undefined) {
    env.NODE_ENV = nodeEnv;
    if (publicUrl === undefined) delete env.PUBLIC_URL;
    else env.PUBLIC_URL = publicUrl;
    resetEnvCache();
    vi.resetModules();
    return import("~/services/session.server");
  }

  it.each(["production", "development", "test"])(
    "is Secure and __Host- over https (NODE_ENV=%s), and reads back",
    async (nodeEnv) => {
      const session = await freshSession(nodeEnv, "https://invest.cda.gov.pk");
      const user = await createUser("official");
      const header = await session.createSession(getDb(), user.id);
      expect(header).toMatch(/^__Host-session=/);
      expect(header).toMatch(/; Secure/i);
      expect(header).toMatch(/; Path=\//);
      expect(header).not.toMatch(/; Domain=/i);
      const cookie = header.split(";")[0]!;
      const request = new Request("https://invest.cda.gov.pk/admin", {
        headers: { Cookie: cookie },
      });
      expect((await session.getUser(request, getDb()))?.id).toBe(user.id);
    },
  );

  it("is plain __session, not Secure, over http", async () => {
    const session = await freshSession("development", undefined);
    const user = await createUser("applicant");
    const header = await session.createSession(getDb(), user.id);
    expect(header).toMatch(/^__session=/);
    expect(header).not.toMatch(/; Secure/i);
  });
});
