import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** An administrator reads the outbox and returns the first portal link in the newest message to `email`. */
async function linkFromOutbox(email: string, pathPart: string): Promise<string> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, "admin@demo.test");
  await page.goto("/admin/outbox");
  await page.locator("tr", { hasText: email }).first().getByRole("link").click();
  await expectAccessible(page);
  const href = await page.locator(`pre a[href*="${pathPart}"]`).first().getAttribute("href");
  await context.close();
  if (!href) throw new Error(`no ${pathPart} link in the mail to ${email}`);
  return href;
}

describe("accounts in the browser", () => {
  it("a visitor switches to 中文, registers, confirms through the outbox, signs in and signs out", async () => {
    const context = await newContext(browser, { locale: "en-GB" });
    const page = await context.newPage();
    await page.goto("/");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("button", { name: "简体中文" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");

    await page.getByRole("link", { name: "注册" }).first().click();
    await page.waitForURL("**/register");
    await expectAccessible(page);

    // Nothing filled in: the error summary appears in Chinese and takes focus.
    await page.getByRole("button", { name: "创建账户" }).click();
    await page.locator(".error-summary").waitFor();
    await expect(page.locator(".error-summary h2").textContent()).resolves.toBe("出现问题");
    await expect(
      page.evaluate(() => document.activeElement?.classList.contains("error-summary")),
    ).resolves.toBe(true);
    await expectAccessible(page);

    const email = `wang.wei.${Date.now()}@example.cn`;
    await page.locator('input[name="displayName"]').fill("王伟");
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill("长城-数据-2026-secure");
    await page.locator('input[name="confirmPassword"]').fill("长城-数据-2026-secure");
    await page.getByRole("button", { name: "创建账户" }).click();
    await page.locator("main", { hasText: email }).waitFor();
    await expect(page.locator(".error-summary").count()).resolves.toBe(0);
    await expectAccessible(page);

    const link = await linkFromOutbox(email, "/verify-email");
    await page.goto(link);
    await expectAccessible(page);
    await page.getByRole("button", { name: "确认电子邮箱" }).click();
    await page.waitForURL("**/login?verified=1");

    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill("长城-数据-2026-secure");
    await page.locator("main").getByRole("button", { name: "登录" }).click();
    await page.waitForURL("**/proposals");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    await expectAccessible(page);

    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await expect(page.getByRole("link", { name: "登录" }).count()).resolves.toBeGreaterThan(0);
    await page.goto("/account");
    await page.waitForURL("**/login?returnTo=%2Faccount");
    await context.close();
  });

  it("each demo account lands on the home page of its role", async () => {
    for (const [email, home] of [
      ["applicant@demo.test", "/proposals"],
      ["reviewer1@demo.test", "/review"],
      ["official@demo.test", "/admin"],
      ["admin@demo.test", "/admin"],
    ] as const) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signIn(page, email);
      expect(new URL(page.url()).pathname, email).toBe(home);
      const response = await page.reload();
      expect(response?.status(), email).toBe(200);
      await expectAccessible(page);
      await context.close();
    }
  });

  it("a wrong password does not say whether the account exists", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    const texts: string[] = [];
    for (const email of ["official@demo.test", "nobody-here@demo.test"]) {
      await page.goto("/login");
      await page.locator('input[name="email"]').fill(email);
      await page.locator('input[name="password"]').fill("not-the-password");
      await page.locator("main").getByRole("button", { name: "Sign in" }).click();
      await page.waitForLoadState("load");
      texts.push((await page.locator(".error-summary").textContent()) ?? "");
    }
    expect(texts[0]).toContain("Enter a correct email address and password");
    expect(texts[1]).toBe(texts[0]);
    await context.close();
  });
});
