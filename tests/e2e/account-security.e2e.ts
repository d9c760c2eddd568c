// Two-step verification and signed-in sessions in Chromium: a new admin is sent from the password
// straight to enrolment and can open nothing else, scans (reads) the key, confirms a code, gets
// recovery codes; signs in elsewhere with a code; ends that other session from the list. Every
// page axe-checked, in English and in Chinese.
import SQLite from "better-sqlite3";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hashPassword } from "~/services/password.server";
import { totpCode } from "~/services/totp.server";
import { enterTotpCode, expectAccessible, launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** An admin of this test's own, without a second factor yet (the demo admin has one). */
async function createAdmin(): Promise<{ email: string; password: string }> {
  const email = `admin.${Date.now()}@cda.test`;
  const password = "granite orchard lantern 2026";
  const hash = await hashPassword(password);
  const db = new SQLite(inject("databasePath"), { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    db.prepare(
      `insert into users (email, password_hash, role, display_name, locale, email_verified_at)
       values (?, ?, 'admin', 'New Admin', 'en', ?)`,
    ).run(email, hash, new Date().toISOString());
  } finally {
    db.close();
  }
  return { email, password };
}

describe("account security", () => {
  it("a new admin must enrol before anything else, then ends another session from the list", async () => {
    const account = await createAdmin();
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto("/login");
    await page.locator('input[name="email"]').fill(account.email);
    await page.locator('input[name="password"]').fill(account.password);
    await page.locator('form:has(input[name="password"]) button[type="submit"]').first().click();
    await page.waitForURL((url) => url.pathname === "/account/security");
    await page.getByText("Your role requires two-step verification").first().waitFor();
    await expectAccessible(page);

    // Nothing else opens: the admin's home sends back here.
    await page.goto("/admin");
    await page.waitForURL((url) => url.pathname === "/account/security");

    await page.getByRole("button", { name: "Set up two-step verification" }).click();
    const secretText = page.getByTestId("totp-secret");
    await secretText.waitFor();
    expect(await page.locator("img.totp-qr").getAttribute("src")).toMatch(/^data:image\/svg/);
    await expectAccessible(page);
    const secret = ((await secretText.textContent()) ?? "").replace(/\s+/g, "");
    await page.locator('input[name="code"]').fill(totpCode(secret));
    await page.getByRole("button", { name: "Turn on two-step verification" }).click();
    await page.locator("ul.recovery-codes li").first().waitFor();
    expect(await page.locator("ul.recovery-codes li").count()).toBe(10);
    await expectAccessible(page);

    await page.goto("/admin");
    expect(new URL(page.url()).pathname).toBe("/admin");

    // A second browser signs in with the password and a code.
    const other = await newContext(browser, { locale: "zh-CN" });
    const otherPage = await other.newPage();
    await signIn(otherPage, account.email, account.password, secret);
    expect(new URL(otherPage.url()).pathname).toBe("/admin");

    // The first browser lists both, in Chinese too, and ends the other one.
    await page.goto("/account/security");
    const rows = page.locator("section[aria-labelledby=sessions-heading] tbody tr");
    expect(await rows.count()).toBe(2);
    await page.getByRole("button", { name: "简体中文" }).click();
    await page.waitForURL((url) => url.pathname === "/account/security");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    await expectAccessible(page);
    await rows.filter({ hasNotText: "当前浏览器" }).getByRole("button").click();
    await page.locator(".notice--success").waitFor();
    await expect.poll(() => rows.count()).toBe(1);

    await otherPage.goto("/admin");
    await otherPage.waitForURL((url) => url.pathname === "/login");
    await other.close();

    // Signing in again goes through the code step, which is axe-clean too.
    const third = await newContext(browser);
    const thirdPage = await third.newPage();
    await thirdPage.goto("/login");
    await thirdPage.locator('input[name="email"]').fill(account.email);
    await thirdPage.locator('input[name="password"]').fill(account.password);
    await thirdPage
      .locator('form:has(input[name="password"]) button[type="submit"]')
      .first()
      .click();
    await thirdPage.waitForURL((url) => url.pathname === "/login/code");
    await expectAccessible(thirdPage);
    await enterTotpCode(thirdPage, secret);
    expect(new URL(thirdPage.url()).pathname).toBe("/admin");
    await third.close();
    await context.close();
  });
});
