// Issue 14, the applicant experience round two: each point of the issue tried in Chromium as an
// applicant would, with JavaScript on and off, in English and Simplified Chinese, on a desktop and
// on a 390×844 phone. Every wait is on a condition.
import SQLite from "better-sqlite3";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { en as commonEn, zh as commonZh } from "~/i18n/messages/common";
import { en as proposalEn, zh as proposalZh } from "~/i18n/messages/proposal";
import { en as submissionEn, zh as submissionZh } from "~/i18n/messages/submission";
import { en as validationEn, zh as validationZh } from "~/i18n/messages/validation";
import { createApplicant } from "./support/accounts";
import {
  expectAccessible,
  expectAccessibleWithoutJs,
  launch,
  newContext,
  signIn,
} from "./support/browser";

const EN = { ...commonEn, ...proposalEn, ...submissionEn, ...validationEn };
const ZH = { ...commonZh, ...proposalZh, ...submissionZh, ...validationZh };
type Dict = Record<keyof typeof EN, string>;
type Lang = "en" | "zh-Hans";
const dict = (lang: Lang): Dict => (lang === "en" ? EN : ZH);

const CALL = "tier4-bigdata-2026";
/** For polls: each waits on a condition; the limit only guards against a hang on a busy machine. */
const HANG = { timeout: 60_000 };

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Session {
  context: BrowserContext;
  page: Page;
  t: Dict;
  js: boolean;
  errors: string[];
}

/** A signed-in applicant in `lang`, with or without JavaScript, on a desktop or a phone. */
async function session(opts: {
  email?: string;
  lang: Lang;
  js: boolean;
  phone?: boolean;
}): Promise<Session> {
  const context = await newContext(browser, { javaScriptEnabled: opts.js, phone: opts.phone });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Each session that starts proposals has an applicant of its own: one account would soon hold
  // more drafts than an account may (MAX_DRAFTS_PER_ACCOUNT), and the journeys in other files
  // count the proposals of the demo accounts.
  if (opts.email) await signIn(page, opts.email);
  else {
    const own = await createApplicant({ prefix: "experience", locale: opts.lang });
    await signIn(page, own.email, own.password);
  }
  await page.goto(`/language?lang=${opts.lang}&returnTo=/proposals`);
  await page.locator(`html[lang="${opts.lang}"]`).waitFor({ state: "attached" });
  return { context, page, t: dict(opts.lang), js: opts.js, errors };
}

async function ready(s: Session) {
  if (s.js) await s.page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

async function axe(s: Session) {
  await (s.js ? expectAccessible(s.page) : expectAccessibleWithoutJs(s.page));
}

async function startProposal(s: Session): Promise<number> {
  await s.page.goto(`/proposals/new?call=${CALL}`);
  await ready(s);
  await s.page.getByRole("button", { name: s.t["proposal.new.start"], exact: true }).click();
  await s.page.waitForURL(/\/proposals\/\d+\/eligibility$/);
  await ready(s);
  return Number(/\/proposals\/(\d+)\//.exec(s.page.url())![1]);
}

async function press(s: Session, key: "proposal.form.saveContinue" | "proposal.form.saveDraft") {
  await s.page.getByRole("button", { name: s.t[key], exact: true }).click();
}

async function answerEligibility(page: Page) {
  await page.locator('input[name="applicantType"][value="company"]').check();
  await page.locator('input[name="acceptsDataResidency"][value="yes"]').check();
  await page.locator('input[name="noDebarmentDeclaration"]').check();
  await page.locator('input[name="sanctionsDeclaration"]').check();
}

describe("1. errors belong to the page they were made on", () => {
  for (const variant of [
    { lang: "en" as const, phone: false },
    { lang: "zh-Hans" as const, phone: true },
  ]) {
    it(`with JavaScript (${variant.lang}, ${variant.phone ? "phone" : "desktop"}): a fixed step's error summary does not follow to the next step, whose heading takes focus`, async () => {
      const s = await session({ lang: variant.lang, js: true, phone: variant.phone });
      try {
        await startProposal(s);
        await press(s, "proposal.form.saveContinue");
        await s.page.locator(".error-summary").waitFor();
        await s.page.waitForFunction(() =>
          document.activeElement?.classList.contains("error-summary"),
        );
        await answerEligibility(s.page);
        await press(s, "proposal.form.saveContinue");
        await s.page.waitForURL(/\/organisation$/);
        await s.page.locator("h1", { hasText: s.t["proposal.steps.organisation"] }).waitFor();
        await s.page.waitForFunction(() => document.activeElement?.tagName === "H1");
        expect(await s.page.locator(".error-summary").count()).toBe(0);
        expect(await s.page.locator('[role="alert"]').count()).toBe(0);
        await axe(s);
        expect(s.errors).toEqual([]);
      } finally {
        await s.context.close();
      }
    });
  }
});

/** The text of the autosave status once it says `pattern`. */
async function autosaveSays(page: Page, pattern: RegExp) {
  await page.waitForFunction(
    (source) =>
      new RegExp(source).test(document.querySelector(".autosave-status")?.textContent ?? ""),
    pattern.source,
  );
}

describe("2. nothing typed is lost", () => {
  it("with JavaScript (en, desktop): typing is saved as it goes with a 'Saved at' time; a second tab sees it, and the tab that is behind is told instead of overwriting", async () => {
    const s = await session({ lang: "en", js: true });
    try {
      const id = await startProposal(s);
      await s.page.goto(`/proposals/${id}/project`);
      await ready(s);
      await s.page.locator('[name="title"]').click();
      await s.page.locator('[name="title"]').pressSequentially("Guiyang cloud campus");
      await autosaveSays(s.page, /^Saved at \d{1,2}:\d{2}/);
      await axe(s);

      const other = await s.context.newPage();
      await other.goto(`/proposals/${id}/project`);
      await other.locator("html[data-hydrated]").waitFor({ state: "attached" });
      expect(await other.locator('[name="title"]').inputValue()).toBe("Guiyang cloud campus");
      await other.locator('[name="summary"]').click();
      await other.locator('[name="summary"]').pressSequentially("Typed in the second tab.");
      await autosaveSays(other, /^Saved at/);

      // The first tab has not seen that save: its next change is refused and it says so.
      await s.page.locator('[name="title"]').pressSequentially(" phase 2");
      await autosaveSays(s.page, /another tab or window/);
      const check = await s.context.newPage();
      await check.goto(`/proposals/${id}/project`);
      expect(await check.locator('[name="title"]').inputValue()).toBe("Guiyang cloud campus");
      expect(await check.locator('[name="summary"]').inputValue()).toBe("Typed in the second tab.");
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  it("with JavaScript (en, desktop): each autosave hands the page the revision it stored, so the next autosave and Save and continue go through", async () => {
    const s = await session({ lang: "en", js: true });
    try {
      const id = await startProposal(s);
      const answers: string[] = [];
      s.page.on("response", (r) => {
        if (new URL(r.url()).pathname === `/proposals/${id}/eligibility/autosave`)
          void r.json().then((body: { autosave: string }) => answers.push(body.autosave));
      });
      const dialogs: string[] = [];
      s.page.on("dialog", (d) => {
        dialogs.push(d.type());
        void d.dismiss();
      });
      // One answer, saved; then another: its save carries the revision the first one returned.
      await s.page.locator('input[name="applicantType"][value="company"]').check();
      await expect.poll(() => answers, HANG).toEqual(["saved"]);
      await s.page.locator('input[name="acceptsDataResidency"][value="yes"]').check();
      await expect.poll(() => answers, HANG).toEqual(["saved", "saved"]);
      await s.page.locator('input[name="noDebarmentDeclaration"]').check();
      await s.page.locator('input[name="sanctionsDeclaration"]').check();
      await press(s, "proposal.form.saveContinue");
      await s.page.waitForURL(/\/organisation$/);
      await s.page.locator("h1", { hasText: s.t["proposal.steps.organisation"] }).waitFor();
      expect(
        answers.every((a) => a === "saved"),
        answers.join(),
      ).toBe(true);
      expect(dialogs).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  it("with JavaScript (zh-Hans, desktop): answers that could not be autosaved never hold Save and continue, Save as draft or the redirects they answer with; Back within the portal asks first", async () => {
    const s = await session({ lang: "zh-Hans", js: true });
    try {
      const id = await startProposal(s);
      // Every autosave fails (no network for it): what is typed stays unsaved in the page.
      await s.page.route("**/autosave", (route) => route.abort());
      const dialogs: string[] = [];
      s.page.on("dialog", (d) => {
        dialogs.push(d.type());
        void d.dismiss();
      });
      await answerEligibility(s.page);
      await s.page.locator(".autosave-status--problem").waitFor();
      await press(s, "proposal.form.saveContinue");
      await s.page.waitForURL(/\/organisation$/);
      await ready(s);
      await s.page.locator('[name="legalNameEn"]').fill("Guizhou Cloud Campus Co., Ltd.");
      await s.page.locator(".autosave-status--problem").waitFor();
      // Back (within the portal) with those answers unsaved asks first; dismissed, it stays.
      await s.page.evaluate(() => history.back());
      await expect.poll(() => dialogs, HANG).toEqual(["confirm"]);
      await expect
        .poll(() => new URL(s.page.url()).pathname, HANG)
        .toBe(`/proposals/${id}/organisation`);
      expect(await s.page.locator('[name="legalNameEn"]').inputValue()).toBe(
        "Guizhou Cloud Campus Co., Ltd.",
      );
      await press(s, "proposal.form.saveDraft");
      await s.page.waitForURL((url) => url.pathname === `/proposals/${id}`);
      expect(dialogs).toEqual(["confirm"]);
      await s.page.goto(`/proposals/${id}/organisation`);
      expect(await s.page.locator('[name="legalNameEn"]').inputValue()).toBe(
        "Guizhou Cloud Campus Co., Ltd.",
      );
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  it("with JavaScript (zh-Hans, phone): leaving a page with answers not yet saved asks first", async () => {
    const s = await session({ lang: "zh-Hans", js: true, phone: true });
    try {
      const id = await startProposal(s);
      await s.page.goto(`/proposals/${id}/project`);
      await ready(s);
      // The network holds every autosave: what is typed stays unsaved.
      await s.page.route(`**/proposals/${id}/project*`, async (route) => {
        if (route.request().method() === "POST") return; // never answered
        await route.continue();
      });
      await s.page.locator('[name="title"]').click();
      await s.page.locator('[name="title"]').pressSequentially("未保存的项目名称");
      const dialogs: string[] = [];
      s.page.on("dialog", (d) => {
        dialogs.push(d.type());
        void d.dismiss();
      });
      await s.page
        .getByRole("link", { name: s.t["proposal.form.backToTasks"], exact: true })
        .click({ noWaitAfter: true });
      await expect.poll(() => dialogs, HANG).toContain("beforeunload");
      expect(new URL(s.page.url()).pathname).toBe(`/proposals/${id}/project`);
      expect(await s.page.locator('[name="title"]').inputValue()).toBe("未保存的项目名称");
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  for (const variant of [
    { lang: "zh-Hans" as const, phone: true },
    { lang: "en" as const, phone: false },
  ]) {
    it(`without JavaScript (${variant.lang}, ${variant.phone ? "phone" : "desktop"}): a failed Save and continue keeps what was typed, marked, after a reload and on return`, async () => {
      const s = await session({ lang: variant.lang, js: false, phone: variant.phone });
      try {
        const id = await startProposal(s);
        await s.page.goto(`/proposals/${id}/project`);
        await s.page.locator('[name="title"]').fill("abc");
        await s.page.locator('[name="summary"]').fill("这是一个很短的摘要 short summary");
        await press(s, "proposal.form.saveContinue");
        await s.page.locator(".error-summary").waitFor();
        expect(await s.page.title()).toMatch(variant.lang === "en" ? /^Error: / : /^错误：/);
        await s.page.reload();
        await s.page.locator(".error-summary").waitFor();
        expect(await s.page.locator('[name="title"]').inputValue()).toBe("abc");
        expect(
          await s.page
            .locator(".form-group--error", { has: s.page.locator('[name="title"]') })
            .count(),
        ).toBe(1);
        await axe(s);
        await s.page.goto(`/proposals/${id}`);
        await s.page.goto(`/proposals/${id}/project`);
        expect(await s.page.locator('[name="title"]').inputValue()).toBe("abc");
        expect(await s.page.locator('[name="summary"]').inputValue()).toBe(
          "这是一个很短的摘要 short summary",
        );
        expect(await s.page.locator(".error-summary").count()).toBe(0);
      } finally {
        await s.context.close();
      }
    });
  }
});

/** A submitted proposal of `email`'s (read-only look at the server's database). */
function submittedProposalOf(email: string): number {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        `select p.id from proposals p join users u on u.id = p.owner_id
         where u.email = ? and p.reference is not null order by p.id limit 1`,
      )
      .get(email) as { id: number } | undefined;
    if (!row) throw new Error(`no submitted proposal for ${email}`);
    return row.id;
  } finally {
    db.close();
  }
}

/** How many pages a PDF has (its page objects). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

describe("9. the receipt prints", () => {
  for (const lang of ["en", "zh-Hans"] as const) {
    it(`(${lang}) has a print button with JavaScript, says how without, and prints on one page`, async () => {
      const email = "applicant@demo.test";
      const id = submittedProposalOf(email);
      const s = await session({ email, lang, js: true });
      try {
        await s.page.goto(`/proposals/${id}/receipt`);
        await ready(s);
        const button = s.page.getByRole("button", {
          name: s.t["receipt.printButton"],
          exact: true,
        });
        await button.waitFor();
        await axe(s);
        await s.page.evaluate(() => {
          (window as unknown as { printed: number }).printed = 0;
          window.print = () => {
            (window as unknown as { printed: number }).printed++;
          };
        });
        await button.click();
        expect(
          await s.page.evaluate(() => (window as unknown as { printed: number }).printed),
        ).toBe(1);
        await s.page.emulateMedia({ media: "print" });
        const pdf = await s.page.pdf({ format: "A4", preferCSSPageSize: true });
        expect(pdfPages(pdf)).toBe(1);
      } finally {
        await s.context.close();
      }
      const plain = await session({ email, lang, js: false });
      try {
        await plain.page.goto(`/proposals/${id}/receipt`);
        await plain.page.locator("p", { hasText: plain.t["receipt.print"] }).waitFor();
        expect(
          await plain.page.getByRole("button", { name: plain.t["receipt.printButton"] }).count(),
        ).toBe(0);
      } finally {
        await plain.context.close();
      }
    });
  }
});
