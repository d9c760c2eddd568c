// Issue 12 item 1: e-mailed links come only from the configured public address, never from the
// request (a forged Host once put http://evil.example/reset-password?token=… into a reset mail);
// production refuses to start without PUBLIC_URL; development derives it from HOST and PORT; the
// request boundary refuses any other Host (the fast-check part fuzzes Host headers).
import type { AddressInfo } from "node:net";
import express from "express";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as forgot from "~/routes/forgot-password";
import * as register from "~/routes/register";
import { getDb } from "~/services/db.server";
import { getEnv, publicUrl, resetEnvCache } from "~/services/env.server";
import { isAllowedHost, requestBoundary } from "~/services/request-boundary.server";
import { createUser } from "../support/factories";
import { callAction } from "../support/remix";

const db = () => getDb();
const env = process.env as Record<string, string | undefined>;
const SAVED = { ...env };

function restoreEnv() {
  for (const key of ["NODE_ENV", "PUBLIC_URL", "HOST", "PORT"]) {
    if (SAVED[key] === undefined) delete env[key];
    else env[key] = SAVED[key];
  }
  resetEnvCache();
}

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});
afterEach(restoreEnv);

async function linksTo(email: string): Promise<string[]> {
  const rows = await db()
    .selectFrom("mail_outbox")
    .select("text_body")
    .where("to_address", "=", email)
    .execute();
  return rows.flatMap((r) => r.text_body.match(/https?:\/\/\S+/g) ?? []);
}

describe("links in mail come from the public address only", () => {
  it("a reset requested through a forged host still links to the portal", async () => {
    const user = await createUser("official");
    const res = await callAction(
      forgot.action,
      "http://evil.example/forgot-password",
      { email: user.email },
      { headers: { Origin: "http://evil.example" } },
    );
    expect(res.status).toBe(200);
    const links = await linksTo(user.email);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(new URL(link).host).toBe("localhost:3000");
  });

  it("a registration through a forged host links to PUBLIC_URL", async () => {
    process.env.PUBLIC_URL = "https://invest.cda.gov.pk/portal";
    resetEnvCache();
    const email = `pa.${Math.random().toString(36).slice(2)}@example.cn`;
    const res = await callAction(register.action, "http://evil.example/register", {
      displayName: "Li Wei",
      email,
      password: "a-long-enough-secret",
      confirmPassword: "a-long-enough-secret",
      locale: "en",
    });
    expect(res.status).toBeLessThan(400);
    const links = await linksTo(email);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/^https:\/\/invest\.cda\.gov\.pk\/portal\//);
  });
});

describe("the public address", () => {
  it("production refuses to start without PUBLIC_URL, naming it", () => {
    env.NODE_ENV = "production";
    delete process.env.PUBLIC_URL;
    resetEnvCache();
    expect(() => getEnv()).toThrow(/PUBLIC_URL: required in production/);
  });

  it("refuses a PUBLIC_URL that is not http(s)", () => {
    process.env.PUBLIC_URL = "javascript:alert(1)";
    resetEnvCache();
    expect(() => getEnv()).toThrow(/PUBLIC_URL/);
  });

  it("development derives it from HOST and PORT (localhost for 0.0.0.0)", () => {
    delete process.env.PUBLIC_URL;
    Object.assign(process.env, { NODE_ENV: "development", HOST: "0.0.0.0", PORT: "4321" });
    resetEnvCache();
    expect(publicUrl("/reset-password?token=a")).toBe(
      "http://localhost:4321/reset-password?token=a",
    );
    expect(getEnv().ALLOWED_HOSTS).toEqual(
      expect.arrayContaining(["localhost:4321", "127.0.0.1:4321"]),
    );
    process.env.HOST = "127.0.0.1";
    resetEnvCache();
    expect(publicUrl("/")).toBe("http://127.0.0.1:4321/");
  });

  it("PUBLIC_URL is the only host answered when set", () => {
    process.env.PUBLIC_URL = "https://Invest.CDA.gov.pk";
    resetEnvCache();
    expect(getEnv().ALLOWED_HOSTS).toEqual(["invest.cda.gov.pk"]);
    expect(publicUrl("//evil.example/x")).toBe("https://invest.cda.gov.pk/evil.example/x");
  });
});

describe("the request boundary refuses other hosts", () => {
  let server: ReturnType<ReturnType<typeof express>["listen"]>;
  let port = 0;
  let allowed = "";

  beforeAll(async () => {
    const app = express();
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
    allowed = `127.0.0.1:${port}`;
    // The allowed host is known once the port is; Express reads its stack per request.
    app.use(requestBoundary({ info: () => {}, error: () => {} }, { allowedHosts: [allowed] }));
    app.all("*", (_req, res) => res.send("reached"));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** A raw request with exactly this Host header (fetch would not let a test forge it). */
  async function withHost(host: string): Promise<{ status: number; body: string }> {
    const http = await import("node:http");
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path: "/forgot-password", headers: { Host: host } },
        (res) => {
          let body = "";
          res.on("data", (c) => (body += String(c)));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("answers its own host and refuses evil.example with 421", async () => {
    expect(await withHost(allowed)).toEqual({ status: 200, body: "reached" });
    const refused = await withHost("evil.example");
    expect(refused.status).toBe(421);
    expect(refused.body).not.toContain("reached");
  });

  it("refuses every other Host header (fuzzed)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.domain(),
          fc.webAuthority(),
          fc.constantFrom(
            `127.0.0.1:${port}.evil.example`,
            `127.0.0.1:${port}@evil.example`,
            `evil.example:${port}`,
            `127.0.0.1`,
            `127.0.0.1:${port + 1}`,
            `localhost:${port}`,
          ),
          fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 }),
        ),
        async (host) => {
          fc.pre(host.toLowerCase() !== allowed && /^[\x21-\x7e]+$/.test(host));
          const res = await withHost(host);
          // Node's HTTP parser may itself refuse a malformed header with 400.
          expect([400, 421]).toContain(res.status);
          expect(res.body).not.toContain("reached");
        },
      ),
      { numRuns: 150 },
    );
  });

  it("isAllowedHost ignores case only", () => {
    expect(isAllowedHost("PORTAL.example", ["portal.example"])).toBe(true);
    expect(isAllowedHost(undefined, ["portal.example"])).toBe(false);
    expect(isAllowedHost("", ["portal.example"])).toBe(false);
    expect(isAllowedHost("portal.example.", ["portal.example"])).toBe(false);
  });
});
