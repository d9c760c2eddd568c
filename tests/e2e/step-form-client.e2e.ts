import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { en } from "~/i18n/messages/proposal";
import { createApplicant } from "./support/accounts";
import { launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it("with JavaScript a step page checks answers with the server's rules before posting, and posts the pressed button", async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errorsSeen: string[] = [];
  page.on("pageerror", (e) => errorsSeen.push(e.message));
  const posts: string[] = [];
  // The buttons' posts (the autosave's, made while typing, are another test's subject).
  page.on("request", (r) => {
    if (r.method() === "POST" && !r.url().endsWith("/autosave"))
      posts.push(`${r.url()} ${r.postData() ?? ""}`);
  });
  // An applicant of this test's own, whose account is in Chinese (the demo accounts belong to the
  // journeys in other files, which count their proposals).
  const account = await createApplicant({ prefix: "step-form", locale: "zh-Hans" });
  await signIn(page, account.email, account.password);
  await page.locator('html[lang="zh-Hans"]').waitFor({ state: "attached" });
  await page.getByRole("button", { name: "English" }).click();
  await page.locator('html[lang="en"]').waitFor({ state: "attached" });
  await page.goto(`/proposals/new?call=tier4-bigdata-2026`);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: en["proposal.new.start"], exact: true }).click();
  await page.waitForURL(/\/proposals\/\d+\/eligibility$/);
  const id = /\/proposals\/(\d+)\//.exec(page.url())![1];
  await page.goto(`/proposals/${id}/organisation`);
  await page.waitForLoadState("networkidle");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  posts.length = 0;
  await page.locator('[name="uscc"]').fill("12345");
  await page.locator('[name="uscc"]').press("Tab");
  await page.locator(".form-group--error", { has: page.locator('[name="uscc"]') }).waitFor();
  expect(await page.locator(".error-summary").count()).toBe(0);
  // IME Enter
  const prevented = await page.locator('[name="city"]').evaluate((el) => {
    const ev = new KeyboardEvent("keydown", {
      key: "Enter",
      isComposing: true,
      bubbles: true,
      cancelable: true,
    });
    return !el.dispatchEvent(ev);
  });
  expect(prevented).toBe(true);
  await page.getByRole("button", { name: en["proposal.form.saveContinue"], exact: true }).click();
  await page.locator(".error-summary").waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains("error-summary"));
  expect(posts).toEqual([]);
  expect(await page.locator('[name="uscc"]').inputValue()).toBe("12345");
  // Add another posts without client validation
  const rowsBefore = await page.locator('[name$="].site"]').count();
  await page.locator('button[name="intent"][value^="add:"]').first().click();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[name$="].site"]').length > n,
    rowsBefore,
  );
  expect(posts.length).toBe(1);
  expect(posts[0]).toContain("intent=add%3Areferences");
  // draft with invalid posts
  await page.getByRole("button", { name: en["proposal.form.saveDraft"], exact: true }).click();
  await page.waitForURL(/saved=organisation/);
  expect(posts.length).toBe(2);
  expect(posts[1]).toContain("intent=draft");
  expect(posts[1]).toContain("uscc=12345");
  // valid continue posts with intent=continue
  await page.goto(`/proposals/${id}/organisation`);
  await page.waitForLoadState("networkidle");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  const vals: Record<string, string> = {
    legalNameEn: "Test Co Ltd",
    legalNameZh: "测试有限公司",
    // A code no other browser test registers: the e2e files share one database, and a USCC is unique.
    uscc: "91440300MA5G8K2Q7T",
    province: "Guizhou",
    city: "Guiyang",
    address: "1 Road",
    website: "https://example.cn",
    yearFounded: "2008",
    employees: "100",
    "annualRevenue.amount": "1000.00",
    "references[0].site": "Site A",
    "references[0].itLoadMw": "10",
    "references[0].year": "2019",
  };
  for (const [k, v] of Object.entries(vals)) {
    if (await page.locator(`select[name="${k}"]`).count())
      await page.locator(`select[name="${k}"]`).selectOption(v);
    else await page.locator(`[name="${k}"]`).first().fill(v);
  }
  await page.locator('select[name="annualRevenue.currency"]').selectOption("USD");
  await page.getByRole("button", { name: en["proposal.form.saveContinue"], exact: true }).click();
  await page.waitForURL(/\/contact$/);
  expect(posts.at(-1)).toContain("intent=continue");
  // Enter in a text field = continue (with errors shown in the browser, no post)
  const n = posts.length;
  await page.locator('[name="email"]').fill("bad");
  await page.locator('[name="email"]').press("Enter");
  await page.locator(".error-summary").waitFor();
  expect(posts.length).toBe(n);
  expect(errorsSeen).toEqual([]);
});
