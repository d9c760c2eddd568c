// Issue 14, the applicant experience round two: each point of the issue tried in Chromium as an
// applicant would, with JavaScript on and off, in English and Simplified Chinese, on a desktop and
// on a 390×844 phone. Every wait is on a condition.
import fs from "node:fs";
import SQLite from "better-sqlite3";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { en as EN_AUTH } from "~/i18n/messages/auth";
import { en as commonEn, zh as commonZh } from "~/i18n/messages/common";
import { en as fieldNamesEn, zh as fieldNamesZh } from "~/i18n/messages/field-names";
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

// ---------------------------------------------------------------------------------------------
// Points 3 to 8 and 10, and the phone: the rest of the proof of issue 14's "Done when".

const FIELD = { en: fieldNamesEn, "zh-Hans": fieldNamesZh } as const;

describe("3. every message names its question", () => {
  for (const variant of [
    { lang: "en" as const, js: true, phone: false },
    { lang: "zh-Hans" as const, js: false, phone: true },
  ]) {
    it(`${variant.js ? "with" : "without"} JavaScript (${variant.lang}, ${variant.phone ? "phone" : "desktop"}): the summary's links and the messages beside the fields say which question`, async () => {
      const s = await session(variant);
      try {
        const id = await startProposal(s);
        await s.page.goto(`/proposals/${id}/organisation`);
        await ready(s);
        await press(s, "proposal.form.saveContinue");
        await s.page.locator(".error-summary").waitFor();
        for (const name of ["legalNameEn", "uscc", "city"] as const) {
          const question = FIELD[variant.lang][`field.${name}`].toLowerCase();
          const link = s.page.locator(`.error-summary a[href="#f-${name}"]`);
          expect((await link.innerText()).toLowerCase()).toContain(question);
          const beside = s.page.locator(`#f-${name}-error`);
          expect((await beside.innerText()).toLowerCase()).toContain(question);
        }
        if (variant.phone) await expectPhoneLayout(s.page);
        await axe(s);
        expect(s.errors).toEqual([]);
      } finally {
        await s.context.close();
      }
    });
  }
});

/**
 * The phone layout of the page open in `page` (issue 14, point 4): nothing is wider than the
 * screen (so nothing scrolls sideways), and every target that stands alone (the navigation, the
 * language switch, back links, task-list links, buttons and the links of stacked tables) is at
 * least 44 px tall, measured as laid out.
 */
async function expectPhoneLayout(page: Page) {
  const wide = await page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width)
      found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const box = el.getBoundingClientRect();
      if (box.width > 1 && box.right > width + 0.5)
        found.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}`);
    }
    return found.slice(0, 5);
  });
  expect(wide, `wider than the screen on ${page.url()}`).toEqual([]);
  const targets = page.locator(
    [
      ".site-nav a",
      ".site-nav button",
      ".lang-switch button",
      ".back-link",
      ".task-list__item a",
      "main .button",
      "main .link-button",
      ".table--stack td a",
    ].join(", "),
  );
  const short: string[] = [];
  for (const target of await targets.all()) {
    const box = await target.boundingBox();
    if (!box || box.width === 0) continue; // not shown
    if (box.height < 44) short.push(`${(await target.innerText()).trim()}: ${box.height} px`);
  }
  expect(short, `targets under 44 px on ${page.url()}`).toEqual([]);
}

const SAMPLE_PDF = fs.readFileSync("tests/fixtures/sample.pdf");
const pdfFile = (name: string) => ({ name, mimeType: "application/pdf", buffer: SAMPLE_PDF });

describe("4. on a 390×844 phone tables stack and targets are 44 px", () => {
  for (const variant of [
    { lang: "zh-Hans" as const, js: true },
    { lang: "en" as const, js: false },
  ]) {
    it(`${variant.js ? "with" : "without"} JavaScript (${variant.lang}): proposals, task list, documents, check answers, messages and receipt fit the screen`, async () => {
      const s = await session({ lang: variant.lang, js: variant.js, phone: true });
      try {
        const id = await startProposal(s);
        await s.page.goto(`/proposals/${id}`);
        await ready(s);
        await s.page.locator(".task-list").waitFor();
        await expectPhoneLayout(s.page);
        await s.page.goto(`/proposals/${id}/documents`);
        await ready(s);
        await s.page
          .locator('[name="businessLicence"]')
          .setInputFiles(pdfFile("a-business-licence-with-a-long-name-2026.pdf"));
        await s.page.locator('button[value="upload:businessLicence"]').click();
        await s.page
          .locator(".document-list a", { hasText: "a-business-licence-with-a-long-name-2026.pdf" })
          .waitFor();
        await expectPhoneLayout(s.page);
        await axe(s);
        await s.page.goto(`/proposals/${id}/check`);
        await ready(s);
        await expectPhoneLayout(s.page);
        await s.page.goto("/proposals");
        await ready(s);
        await s.page.locator("table.table--stack").waitFor();
        await expectPhoneLayout(s.page);
        await axe(s);
      } finally {
        await s.context.close();
      }
      // A submitted proposal (the demo applicant's): its receipt and its messages, read only.
      const email = "applicant@demo.test";
      const submitted = submittedProposalOf(email);
      const demo = await session({ email, lang: variant.lang, js: variant.js, phone: true });
      try {
        await demo.page.goto(`/proposals/${submitted}/receipt`);
        await ready(demo);
        await demo.page.locator("table.receipt-documents").waitFor();
        await expectPhoneLayout(demo.page);
        await axe(demo);
        await demo.page.goto(`/proposals/${submitted}/messages`);
        await ready(demo);
        await expectPhoneLayout(demo.page);
        await axe(demo);
        await demo.page.goto(`/proposals/${submitted}`);
        await ready(demo);
        await expectPhoneLayout(demo.page);
        expect(demo.errors).toEqual([]);
      } finally {
        await demo.context.close();
      }
    });
  }
});

describe("5. upload progress beside the file, the button disabled, a clear retry", () => {
  for (const variant of [
    { lang: "en" as const, phone: false, failure: "network" as const },
    { lang: "zh-Hans" as const, phone: true, failure: "refused" as const },
  ]) {
    it(`with JavaScript (${variant.lang}, ${variant.phone ? "phone" : "desktop"}): while the upload runs its progress shows beside the file and the buttons are disabled; when the ${variant.failure === "network" ? "network fails" : "server refuses"} the file stays chosen and Try again sends it`, async () => {
      const s = await session({ lang: variant.lang, js: true, phone: variant.phone });
      try {
        const id = await startProposal(s);
        await s.page.goto(`/proposals/${id}/documents`);
        await ready(s);
        const file = variant.lang === "en" ? "company-profile.pdf" : "公司简介.pdf";
        // The upload's request is held by the network until the test lets it go (or fails it).
        let held: Route | undefined;
        const isUpload = (url: URL) => url.pathname === `/proposals/${id}/documents`;
        await s.page.route(isUpload, async (route) => {
          if (route.request().method() !== "POST") return route.continue();
          held = route;
        });
        const input = s.page.locator('[name="companyProfile"]');
        await input.setInputFiles(pdfFile(file));
        const group = s.page.locator(".form-group", { has: input });
        await s.page.locator('button[value="upload:companyProfile"]').click();
        await expect.poll(() => held !== undefined, HANG).toBe(true);

        // Beside the file: the bar and what it says, in a polite live region.
        await group.locator("progress").waitFor();
        const status = group.locator(".upload-status__text");
        expect(await status.getAttribute("aria-live")).toBe("polite");
        expect(await status.innerText()).toContain(file);
        const button = s.page.locator('button[value="upload:companyProfile"]');
        const bar = await group.locator("progress").boundingBox();
        const pressed = await button.boundingBox();
        expect(Math.abs(bar!.y - pressed!.y)).toBeLessThan(200);
        expect(await button.isDisabled()).toBe(true);
        expect(await s.page.locator('button[value="continue"]').isDisabled()).toBe(true);
        expect(await s.page.locator("form.documents-form").getAttribute("aria-busy")).toBe("true");

        if (variant.failure === "network") await held!.abort("internetdisconnected");
        else await held!.fulfill({ status: 413, body: "Payload too large" });
        const retry = group.getByRole("button", {
          name: `${s.t["docs.retry"]} ${file}`,
          exact: true,
        });
        await retry.waitFor();
        await s.page.waitForFunction(() =>
          document.activeElement?.classList.contains("upload-status__retry"),
        );
        const said = s.t[
          variant.failure === "network" ? "docs.progressFailed" : "docs.progressRefused"
        ].replace("{files}", file);
        expect(await status.innerText()).toContain(said);
        expect(await input.evaluate((el) => (el as HTMLInputElement).files?.[0]?.name)).toBe(file);
        expect(await button.isDisabled()).toBe(false);
        await axe(s);

        // The network is back: Try again sends the same file.
        await s.page.unroute(isUpload);
        await retry.click();
        await s.page.locator(".document-list a", { hasText: file }).waitFor();
        await s.page.locator(".notice--success", { hasText: file }).waitFor();
        expect(await group.locator(".upload-status__retry").count()).toBe(0);
        expect(await button.isDisabled()).toBe(false);
        if (variant.phone) await expectPhoneLayout(s.page);
        await axe(s);
        expect(s.errors).toEqual([]);
      } finally {
        await s.context.close();
      }
    });
  }
});

describe("6. the language just chosen wins and is stored", () => {
  for (const js of [true, false]) {
    it(`${js ? "with" : "without"} JavaScript: English chosen on the sign-in page of an account stored as Chinese stays English after signing in, on reload and at the next sign-in`, async () => {
      const own = await createApplicant({ prefix: "language", locale: "zh-Hans" });
      const cjk = /[\u3400-\u9fff]/;
      for (const round of [1, 2]) {
        // A fresh browser each round (no cookie): the second sign-in follows the stored choice.
        const context = await newContext(browser, { javaScriptEnabled: js, locale: "zh-CN" });
        const page = await context.newPage();
        try {
          await page.goto("/login");
          if (round === 1) {
            await page.locator('html[lang="zh-Hans"]').waitFor({ state: "attached" });
            if (js) await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
            await page.getByRole("button", { name: "English", exact: true }).click();
            await page.locator('html[lang="en"]').waitFor({ state: "attached" });
          }
          await page.locator('input[name="email"]').fill(own.email);
          await page.locator('input[name="password"]').fill(own.password);
          await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
          await page.waitForURL((url) => url.pathname !== "/login");
          for (const reload of [false, true]) {
            if (reload) await page.reload();
            await page.locator('html[lang="en"]').waitFor({ state: "attached" });
            expect(await page.locator(".lang-switch [aria-current]").innerText()).toBe("English");
            expect(await page.locator(".site-nav").innerText()).not.toMatch(cjk);
            expect(await page.locator("h1").first().innerText()).not.toMatch(cjk);
          }
        } finally {
          await context.close();
        }
      }
    });
  }
});

describe("7. Chinese said one way", () => {
  it("without JavaScript (zh-Hans, desktop): the province in Chinese on check answers, 修改 throughout, parts counted as on the task list, 错误： before errors and in the title", async () => {
    const s = await session({ lang: "zh-Hans", js: false });
    try {
      const id = await startProposal(s);
      // The task list counts its sections ("您已完成 10 个部分中的 0 个"): the steps count the same.
      await s.page.goto(`/proposals/${id}`);
      const progress = /您已完成 (\d+) 个部分/.exec(await s.page.locator("main").innerText());
      expect(progress).not.toBeNull();
      const sections = Number(progress![1]);
      await s.page.goto(`/proposals/${id}/organisation`);
      const caption = await s.page.locator("main").innerText();
      const part = /第 (\d+) 部分，共 (\d+) 部分/.exec(caption);
      expect(part, caption).not.toBeNull();
      expect(Number(part![2])).toBe(sections);
      const province = s.page.locator('select[name="province"]');
      await province.selectOption("Guizhou");
      const guizhou = (await province.locator('option[value="Guizhou"]').innerText()).trim();
      expect(guizhou).toMatch(/贵州/);
      await press(s, "proposal.form.saveContinue");
      await s.page.locator(".error-summary").waitFor();
      expect(await s.page.title()).toMatch(/^错误：/);
      const prefix = s.page.locator("#f-legalNameEn-error .visually-hidden");
      expect(await prefix.innerText()).toBe(s.t["common.errorPrefix"]);
      await press(s, "proposal.form.saveDraft");
      await s.page.goto(`/proposals/${id}/check`);
      const main = await s.page.locator("main").innerText();
      expect(main).toContain(guizhou);
      expect(main).not.toContain("Guizhou");
      expect(main).not.toContain("更改");
      expect(main).toContain("修改");
      await axe(s);
    } finally {
      await s.context.close();
    }
  });
});

describe("8. input a good portal accepts, counters and dates", () => {
  it("with JavaScript (en, desktop): www. addresses, grouped and full-width numbers pass; a USCC with the letter O says so; long answers count their characters, politely; dates are text fields in the hint's format", async () => {
    const s = await session({ lang: "en", js: true });
    try {
      const id = await startProposal(s);
      await s.page.goto(`/proposals/${id}/organisation`);
      await ready(s);
      const answers: Record<string, string> = {
        website: "www.example.cn",
        yearFounded: "２００８",
        employees: "1,250",
        "annualRevenue.amount": "1,250,000,000",
        uscc: "9144O300MA5G8K2Q7T",
      };
      for (const [name, value] of Object.entries(answers))
        await s.page.locator(`[name="${name}"]`).first().fill(value);
      // The address's counter (a long answer of up to 500 characters).
      const address = s.page.locator('[name="address"]');
      await address.fill("1 Cloud Road, Gui'an New Area");
      const addressCount = s.page.locator("#f-address-count");
      expect(await addressCount.getAttribute("aria-live")).toBe("polite");
      await expect
        .poll(() => addressCount.innerText(), HANG)
        .toBe(s.t["common.count.left"].replace("{n}", String(500 - 29)));
      await press(s, "proposal.form.saveContinue");
      await s.page.locator(".error-summary").waitFor();
      const links = await s.page
        .locator(".error-summary a")
        .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      for (const name of ["website", "yearFounded", "employees", "annualRevenue-amount"])
        expect(links).not.toContain(`#f-${name}`);
      expect(await s.page.locator('.error-summary a[href="#f-uscc"]').innerText()).toMatch(
        /letter O/,
      );

      await s.page.goto(`/proposals/${id}/project`);
      await ready(s);
      const summary = s.page.locator('[name="summary"]');
      const count = s.page.locator("#f-summary-count");
      expect(await count.getAttribute("aria-live")).toBe("polite");
      await summary.fill("x".repeat(150));
      await expect
        .poll(() => count.innerText(), HANG)
        .toBe(s.t["common.count.left"].replace("{n}", "2,850"));
      await summary.fill("数".repeat(3002));
      await expect
        .poll(() => count.innerText(), HANG)
        .toBe(s.t["common.count.tooMany"].replace("{n}", "2"));
      expect(await count.getAttribute("class")).toContain("character-count--over");
      await axe(s);

      await s.page.goto(`/proposals/${id}/timeline`);
      await ready(s);
      const dates = s.page.locator('input[name^="milestones."]');
      expect(await dates.count()).toBeGreaterThan(0);
      for (const type of await dates.evaluateAll((inputs) =>
        inputs.map((i) => i.getAttribute("type")),
      ))
        expect(type).toBe("text");
      expect(await s.page.locator("main").innerText()).toContain(s.t["proposal.h.date"]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  it("without JavaScript (zh-Hans, phone): every long answer says its limit in Chinese", async () => {
    const plain = await session({ lang: "zh-Hans", js: false, phone: true });
    let id: number;
    try {
      id = await startProposal(plain);
      await plain.page.goto(`/proposals/${id}/project`);
      expect(await plain.page.locator("#f-summary-count").innerText()).toBe(
        plain.t["common.count.between"].replace("{min}", "100").replace("{max}", "3,000"),
      );
      await plain.page.goto(`/proposals/${id}/organisation`);
      expect(await plain.page.locator("#f-address-count").innerText()).toBe(
        plain.t["common.count.upTo"].replace("{max}", "500"),
      );
      await expectPhoneLayout(plain.page);
      await axe(plain);
    } finally {
      await plain.context.close();
    }
  });
});

describe("10. e-mail links come from the configured public address", () => {
  it("a reset link asked for in the browser points at the public address; a request through another address of the server is refused before any mail", async () => {
    const own = await createApplicant({ prefix: "links" });
    const publicAddress = inject("baseUrl");
    // The same server through another of its names: refused (421), so no request's own address
    // can ever reach a message.
    const probe = await browser.newContext({ locale: "en-GB" });
    try {
      const page = await probe.newPage();
      const answer = await page.goto(
        `${publicAddress.replace("127.0.0.1", "localhost")}/forgot-password`,
      );
      expect(answer?.status()).toBe(421);
    } finally {
      await probe.close();
    }
    const context = await newContext(browser, { locale: "en-GB" });
    const page = await context.newPage();
    try {
      await page.goto("/forgot-password");
      await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      await page.locator('input[name="email"]').fill(own.email);
      await page.getByRole("button", { name: EN_AUTH["auth.forgot.submit"], exact: true }).click();
      await expect.poll(() => outboxBody(own.email, "reset_password"), HANG).toBeTruthy();
      const body = outboxBody(own.email, "reset_password")!;
      const links = body.match(/https?:\/\/[^\s)>"]+/g) ?? [];
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(link.startsWith(`${publicAddress}/`), link).toBe(true);
      expect(body).not.toContain("localhost");
    } finally {
      await context.close();
    }
  });
});

/** The text of the newest mail of `template` to `email` in the server's outbox, if any. */
function outboxBody(email: string, template: string): string | undefined {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        `select text_body from mail_outbox where to_address = ? and template = ? order by id desc limit 1`,
      )
      .get(email, template) as { text_body: string } | undefined;
    return row?.text_body;
  } finally {
    db.close();
  }
}
