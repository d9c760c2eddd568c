// playwright-core driving Debian's Chromium (never a downloaded browser), and axe-core checks.
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { DEMO_ADMIN_TOTP_SECRET } from "~db/seed/demo-admin-totp";
import { totpCode, TOTP_PERIOD_S } from "~/services/totp.server";

export const baseUrl = () => inject("baseUrl");

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ARGS,
  });
}

export async function newContext(
  browser: Browser,
  options: {
    javaScriptEnabled?: boolean;
    locale?: string;
    viewport?: { width: number; height: number };
    /** A phone: 390×844 CSS pixels, touch, a mobile user agent's layout. */
    phone?: boolean;
  } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    ...(options.viewport ? { viewport: options.viewport } : {}),
    ...(options.phone
      ? {
          viewport: { width: 390, height: 844 },
          isMobile: true,
          hasTouch: true,
          deviceScaleFactor: 3,
        }
      : {}),
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    locale: options.locale ?? "en-GB",
    timezoneId: "Asia/Shanghai",
  });
  // Each wait is on a condition; the limit only guards against a hang on a busy machine.
  context.setDefaultTimeout(60_000);
  return context;
}

/** Runs axe on the page and fails on any serious or critical violation, naming them. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")}`,
  );
  expect(described, `axe violations on ${page.url()}`).toEqual([]);
}

/**
 * Signs in through the real login form; for an account with two-step verification (the demo
 * admin), enters the code from its TOTP secret on the second step.
 */
export async function signIn(
  page: Page,
  email: string,
  password = "demo-password-2026",
  totpSecret: string = DEMO_ADMIN_TOTP_SECRET,
) {
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form:has(input[name="password"]) button[type="submit"]').first().click();
  // With JavaScript the form posts by fetch and the address changes afterwards.
  await page.waitForURL((url) => url.pathname !== "/login");
  if (new URL(page.url()).pathname === "/login/code") await enterTotpCode(page, totpSecret);
}

/**
 * The second step of signing in. A code is good once (replay refused), and journeys running at
 * the same time may sign in as the same admin within one 30-second step: then the next step's
 * code (accepted one step early for clock drift) is tried, and after that the one of the step
 * that follows, once the clock reaches it.
 */
export async function enterTotpCode(page: Page, secret: string) {
  const PERIOD = TOTP_PERIOD_S * 1000;
  for (let attempt = 0; attempt < 6; attempt++) {
    const step = Math.floor(Date.now() / PERIOD) + (attempt % 2);
    await page.locator('input[name="code"]').fill(totpCode(secret, step * PERIOD + 1000));
    const [answer] = await Promise.all([
      page.waitForResponse(
        (r) =>
          r.request().method() === "POST" && new URL(r.url()).pathname.startsWith("/login/code"),
      ),
      page.locator('form:has(input[name="code"]) button[type="submit"]').click(),
    ]);
    if (answer.status() !== 400) {
      await page.waitForURL((url) => url.pathname !== "/login/code");
      return;
    }
    await page.waitForLoadState();
    if (attempt % 2 === 1) {
      // Both codes near now were used already: wait for the clock to reach a fresh step.
      const fresh = Math.floor(Date.now() / PERIOD) + 1;
      await expect
        .poll(() => Math.floor(Date.now() / PERIOD), { timeout: 2 * PERIOD, interval: 250 })
        .toBeGreaterThanOrEqual(fresh);
    }
  }
  throw new Error("the second step of signing in refused every code");
}

/**
 * axe for a page opened with JavaScript disabled (axe itself cannot run there): the page's HTML as
 * the server sent it, scripts removed, is served again at the same address in a scratch context
 * with JavaScript on, styles loading from the server, and checked there.
 */
export async function expectAccessibleWithoutJs(page: Page) {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, "");
  const url = page.url();
  const browser = page.context().browser();
  if (!browser) throw new Error("no browser for the page");
  const context = await newContext(browser);
  try {
    const copy = await context.newPage();
    await copy.route(
      (u) => u.href === url,
      (route) =>
        route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }),
    );
    await copy.goto(url);
    await expectAccessible(copy);
  } finally {
    await context.close();
  }
}
