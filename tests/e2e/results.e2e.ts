// The decided demo call's published results (issue 17) in Chromium: English and Chinese, the page
// language on <html>, the shortlisted table, no rejected company named, accessible (axe), linked
// from the call's page, and its OCDS package served as JSON.
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

const PAST = "/calls/gov-cloud-pilot-2025";

describe("published results", () => {
  it("are shown in English and in Chinese, accessible, and linked from the call", async () => {
    for (const [locale, lang, heading, shortlisted] of [
      ["en-GB", "en", "Published results", "Shortlisted proposals"],
      ["zh-CN", "zh-Hans", "公布的结果", "入围提案"],
    ] as const) {
      const context = await newContext(browser, { locale });
      const page = await context.newPage();
      await page.goto(PAST);
      await page.locator(`a[href="${PAST}/results"]`).click();
      await page.waitForURL(`**${PAST}/results`);
      // The address changes before the new page is rendered (a client-side navigation): wait for
      // the results page's own heading, not for whatever h1 is on screen at that instant.
      await page.getByRole("heading", { level: 1, name: heading, exact: true }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe(lang);
      await expect(page.locator("h1").textContent()).resolves.toBe(heading);
      const table = page.locator("section", { has: page.locator(`h2:text-is("${shortlisted}")`) });
      expect(await table.locator("tbody tr").count()).toBe(2);
      await expect(
        table.locator("tbody tr").first().locator("td").last().textContent(),
      ).resolves.toMatch(/^\d{1,3}\.\d{2}$/);
      await expectAccessible(page);
      await context.close();
    }
  });

  it("serve the call's OCDS release package as JSON", async () => {
    const res = await fetch(new URL(`${PAST}/ocds.json`, baseUrl()));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { version: string; releases: { tag: string[] }[] };
    expect(body.version).toBe("1.1");
    expect(body.releases.map((r) => r.tag[0])).toEqual(["tender", "award"]);
  });
});
