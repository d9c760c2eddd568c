import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, expectAccessible, launch, newContext } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const DEMO_CALL = "/calls/tier4-bigdata-2026";

describe("public pages", () => {
  it("are accessible in English and in Chinese, and say which language they are in", async () => {
    for (const [locale, lang] of [
      ["en-GB", "en"],
      ["zh-CN", "zh-Hans"],
    ] as const) {
      const context = await newContext(browser, { locale });
      const page = await context.newPage();
      for (const path of ["/", DEMO_CALL, `${DEMO_CALL}/criteria`, "/login", "/register"]) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(200);
        expect(await page.locator("html").getAttribute("lang"), path).toBe(lang);
        await expectAccessible(page);
      }
      await context.close();
    }
  });

  it("an unknown address answers 404 with a helpful page", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.locator("h1").textContent()).resolves.toContain("Page not found");
    await expectAccessible(page);
    await context.close();
  });

  it("the language switch works without JavaScript and is remembered", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(DEMO_CALL);
    await page.getByRole("button", { name: "简体中文" }).click();
    await page.waitForURL(`**${DEMO_CALL}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    await page.goto("/");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    await context.close();
  });

  it("the server sends its security headers", async () => {
    const res = await fetch(new URL("/", baseUrl()));
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{16}$/);
  });

  it("pages carry no dictionary; the browser fetches its language's words once, cached for good", async () => {
    const html = await (await fetch(new URL("/", baseUrl()))).text();
    // A message that no part of the home page shows must not travel with it.
    expect(html).not.toContain("Your account cannot open this page");
    const href = html.match(/<link rel="preload" id="dictionary" href="([^"]+)"/)?.[1];
    expect(href).toMatch(/^\/i18n\/en\.json\?v=[0-9a-f]{12}$/);
    const res = await fetch(new URL(href!.replace(/&amp;/g, "&"), baseUrl()));
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await res.json())["error.forbidden.body"]).toContain(
      "Your account cannot open this page",
    );
  });

  it("a cross-site form post is refused", async () => {
    const res = await fetch(new URL("/logout", baseUrl()), {
      method: "POST",
      headers: {
        Origin: "https://attacker.example",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "",
      redirect: "manual",
    });
    expect(res.status).toBe(403);
  });
});
