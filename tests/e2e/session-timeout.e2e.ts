// The idle-timeout warning in a real browser (its clock fast-forwarded): the dialog appears 5
// minutes before the session would end, "Stay signed in" keeps it, and shortly before the end a
// half-filled question page is saved as a draft rather than lost.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApplicant } from "./support/accounts";
import { expectAccessible, launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Polls from the test side: the page's own timers and animation frames are under the fake clock. */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

function dialogOpen(page: Page): Promise<boolean> {
  return page.evaluate(
    () => document.querySelector<HTMLDialogElement>("dialog.session-dialog")?.open === true,
  );
}

describe("idle-timeout warning", () => {
  it("warns, keeps the session on request, and saves the typed draft before the end", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.clock.install();
    // An applicant of this test's own (the demo accounts belong to the journeys in other files).
    const account = await createApplicant({ prefix: "idle", name: "Idle Applicant" });
    await signIn(page, account.email, account.password);

    // A proposal's first question page, with something chosen but not yet saved.
    await page.goto("/proposals/new?call=tier4-bigdata-2026");
    if (!/\/proposals\/\d+\//.test(new URL(page.url()).pathname)) {
      await page.locator("main form button[type=submit]").first().click();
    }
    await page.waitForURL(/\/proposals\/\d+\/eligibility/);
    const stepUrl = page.url();
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    // The page's autosave is a request that keeps the session alive; here it fails (as with no
    // network), so the choice stays unsaved and the idle timer runs from the failed attempt.
    await page.route("**/autosave", (route) => route.abort());
    await page.locator('input[name="applicantType"]').first().check();
    await page.locator(".autosave-status--problem").waitFor();

    const dialog = page.getByRole("dialog", {
      name: /You will be signed out soon|您即将被退出登录/,
    });
    expect(await dialogOpen(page)).toBe(false);
    await page.clock.fastForward("54:05");
    await until(() => dialogOpen(page));
    // Let time flow again, so that Playwright's own waiting (animation frames) works.
    await page.clock.resume();
    // The dialog speaks the page's language.
    expect(["Stay signed in", "保持登录"]).toContain(
      await page.evaluate(() => document.activeElement?.textContent),
    );
    await expectAccessible(page);

    const keepAlive = page.waitForResponse((r) => r.url().endsWith("/session/keep-alive"));
    await dialog.getByRole("button", { name: /Stay signed in|保持登录/ }).click();
    expect((await keepAlive).status()).toBe(200);
    await until(async () => !(await dialogOpen(page)));

    // Nobody answers the next warning: the draft is saved before the session would end.
    await page.clock.fastForward("58:30");
    await page.clock.resume();
    await page.waitForURL((url) => url.href !== stepUrl && /\/proposals\/\d+/.test(url.pathname));
    await page.goto(stepUrl);
    expect(await page.locator('input[name="applicantType"]').first().isChecked()).toBe(true);
    await context.close();
  });
});
