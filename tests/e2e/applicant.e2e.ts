// The applicant journey in Chromium, from the first step to the receipt: once in English with
// JavaScript (a demo applicant without a proposal), once in Simplified Chinese with JavaScript
// disabled (a new applicant who registers and confirms the e-mail first). Every step is filled as
// fields.md gives it; a bad answer shows the error summary and keeps what was typed; the check
// form posted twice keeps one reference.
import fs from "node:fs";
import zlib from "node:zlib";
import SQLite from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { en as authEn, zh as authZh } from "~/i18n/messages/auth";
import { en as commonEn, zh as commonZh } from "~/i18n/messages/common";
import { en as proposalEn, zh as proposalZh } from "~/i18n/messages/proposal";
import { en as submissionEn, zh as submissionZh } from "~/i18n/messages/submission";
import {
  expectAccessible,
  expectAccessibleWithoutJs,
  launch,
  newContext,
  signIn,
} from "./support/browser";

const EN = { ...commonEn, ...authEn, ...proposalEn, ...submissionEn };
const ZH = { ...commonZh, ...authZh, ...proposalZh, ...submissionZh };
type Dict = typeof EN;

const CALL = "tier4-bigdata-2026";
const PDF = fs.readFileSync("tests/fixtures/sample.pdf");
const REFERENCE = /^CDA-\d{4}-\d{4}$/;

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A dictionary message with its {placeholders} filled. */
function fmt(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** An ISO date `months` months from today (UTC): milestones must lie in the future. */
function monthsAhead(months: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** Read-only look at the server's database. */
function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`).first();

/** Fills fields by their name attribute: text inputs, text areas and selects. */
async function fill(page: Page, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    if (await page.locator(`select[name="${name}"]`).count()) {
      await page.locator(`select[name="${name}"]`).selectOption(value);
    } else {
      await field(page, name).fill(value);
    }
  }
}

/** Ticks radios and checkboxes by name and value. */
async function tick(page: Page, choices: [name: string, value: string][]) {
  for (const [name, value] of choices) {
    await page.locator(`input[name="${name}"][value="${value}"]`).check();
  }
}

async function expectValues(page: Page, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    expect(await field(page, name).inputValue(), name).toBe(value);
  }
}

function stepPath(id: number, step: string) {
  return `/proposals/${id}/${step}`;
}

/** Clicks a button (by its accessible name) and waits until the address is `path`. */
async function clickTo(page: Page, name: string, path: string) {
  await page.getByRole("button", { name, exact: true }).click();
  await page.waitForURL((url) => url.pathname === path);
}

/**
 * Clicks "Save and continue" on a page whose answers are wrong and waits for the error summary.
 * Without JavaScript the answer is a new page; with it, the browser-side check (or the server's
 * answer to the fetch) shows the summary in place.
 */
async function continueWithErrors(page: Page, t: Dict) {
  await page.getByRole("button", { name: t["proposal.form.saveContinue"], exact: true }).click();
  await page.locator(".error-summary").waitFor();
  expect(await page.locator(".error-summary h2").textContent()).toBe(t["common.errorSummaryTitle"]);
}

/** The summary links to the field: its link's target is the input with that name. */
async function expectSummaryLinksTo(page: Page, name: string, message: string) {
  const link = page.locator(".error-summary a", { hasText: message });
  expect(await link.count(), `summary link "${message}"`).toBe(1);
  const href = (await link.getAttribute("href")) ?? "";
  expect(href).toMatch(/^#f-/);
  expect(await page.locator(href).getAttribute("name")).toBe(name);
  // The message is also shown beside the field.
  await page
    .locator(".form-group--error", { has: page.locator(href) })
    .locator(".error-message", { hasText: message })
    .waitFor();
}

/** The value shown on the check page for a question (its row in the summary list). */
function answerRow(page: Page, label: string) {
  return page.locator(".summary-list__row", {
    has: page.locator("dt", { hasText: label }),
  });
}

async function statusOf(page: Page, stepTitle: string) {
  return (
    (await page
      .locator(".task-list__item", { hasText: stepTitle })
      .locator("strong")
      .textContent()) ?? ""
  ).trim();
}

async function startProposal(page: Page, t: Dict, js: boolean): Promise<number> {
  await page.goto(`/proposals/new?call=${CALL}`);
  if (js) await page.waitForLoadState("networkidle");
  await (js ? expectAccessible(page) : expectAccessibleWithoutJs(page));
  await page.getByRole("button", { name: t["proposal.new.start"], exact: true }).click();
  await page.waitForURL(/\/proposals\/\d+\/eligibility$/);
  const id = Number(/\/proposals\/(\d+)\//.exec(page.url())![1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

/**
 * The characters a PDF can show: the Unicode values in its fonts' ToUnicode maps (pdfkit embeds a
 * subset of each font with such a map, in compressed streams).
 */
function pdfCharacters(body: Buffer): Set<string> {
  const chars = new Set<string>();
  const raw = body.toString("latin1");
  const streams = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = streams.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf("endstream", start);
    if (end < 0) break;
    let text: string;
    try {
      text = zlib.inflateSync(body.subarray(start, end)).toString("latin1");
    } catch {
      text = raw.slice(start, end);
    }
    if (!text.includes("beginbfrange") && !text.includes("beginbfchar")) continue;
    for (const [, hex] of text.matchAll(/<([0-9a-fA-F]{4,})>/g)) {
      for (let i = 0; i + 4 <= hex!.length; i += 4) {
        chars.add(String.fromCharCode(parseInt(hex!.slice(i, i + 4), 16)));
      }
    }
  }
  return chars;
}

/** Fetches the receipt PDF with the page's session: a real PDF that can show `mustShow`. */
async function expectReceiptPdf(page: Page, id: number, mustShow: string) {
  const res = await page.request.get(`/proposals/${id}/receipt.pdf`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/pdf");
  const body = await res.body();
  expect(body.length).toBeGreaterThan(1000);
  expect(body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const chars = pdfCharacters(body);
  const missing = [...mustShow].filter((c) => !chars.has(c));
  expect(missing, `characters of ${mustShow} missing from the PDF`).toEqual([]);
}

const pdf = (name: string) => ({ name, mimeType: "application/pdf", buffer: PDF });

describe("the applicant journey in the browser", () => {
  it("in English with JavaScript: every step, an error on the way, documents, submission, receipt", async () => {
    const t = EN;
    const context = await newContext(browser, { javaScriptEnabled: true, locale: "en-GB" });
    const page = await context.newPage();
    // Script errors, failed hydration and Content-Security-Policy refusals all surface here.
    const browserErrors: string[] = [];
    page.on("pageerror", (error) => browserErrors.push(error.message));
    page.on("console", (m) => {
      if (m.type() === "error") browserErrors.push(m.text());
    });
    await signIn(page, "applicant2@demo.test");
    // Li Na's account is in Chinese; she switches this browser to English.
    await page.locator('html[lang="zh-Hans"]').waitFor({ state: "attached" });
    await page.getByRole("button", { name: "English" }).click();
    await page.locator('html[lang="en"]').waitFor({ state: "attached" });
    expect(new URL(page.url()).pathname).toBe("/proposals");

    const id = await startProposal(page, t, true);

    // 1. Eligibility
    await expectAccessible(page);
    await tick(page, [
      ["applicantType", "company"],
      ["acceptsDataResidency", "yes"],
      ["noDebarmentDeclaration", "yes"],
      ["sanctionsDeclaration", "yes"],
    ]);
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "organisation"));

    // 2. Organisation: first a code one character short, then the real one.
    await expectAccessible(page);
    expect(await field(page, "country").inputValue()).toBe("CN");
    const organisation = {
      legalNameEn: "Fujian Minjiang Cloud Computing Co., Ltd.",
      legalNameZh: "福建闽江云计算有限公司",
      uscc: "91350100M000100Y4",
      province: "Fujian",
      city: "Fuzhou",
      address: "88 Wulongjiang Avenue, Minhou County, Fuzhou, Fujian 350108",
      website: "https://www.minjiang-cloud.example.cn",
      yearFounded: "2012",
      employees: "850",
      "annualRevenue.amount": "1250000000.00",
      "annualRevenue.currency": "CNY",
      parentGroup: "Minjiang Digital Holdings",
      "references[0].site": "Fuzhou Binhai Data Centre",
      "references[0].itLoadMw": "24.5",
      "references[0].tierCertificateId": "UI-TCCF-2021-0457",
      "references[0].year": "2021",
    };
    await fill(page, organisation);
    await continueWithErrors(page, t);
    // The summary has focus, links to the field, and nothing typed was lost.
    await page.waitForFunction(() => document.activeElement?.classList.contains("error-summary"));
    await expectSummaryLinksTo(
      page,
      "uscc",
      t["proposal.err.usccLength"].replace("{length}", "17"),
    );
    await expectValues(page, organisation);
    await expectAccessible(page);
    await fill(page, { uscc: "91350100M000100Y43" });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "contact"));

    // 3. Contact: the e-mail comes from the account.
    await expectAccessible(page);
    expect(await field(page, "email").inputValue()).toBe("applicant2@demo.test");
    await fill(page, {
      familyName: "Chen",
      givenNames: "Jianguo",
      jobTitle: "Director of International Business",
      phone: "+8613812345678",
      "localRepresentative.name": "Ahmed Raza",
      "localRepresentative.organisation": "Raza & Partners, Islamabad",
      "localRepresentative.phone": "+923001234567",
    });
    await tick(page, [["preferredLanguage", "en"]]);
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "project"));

    // 4. Project and site: both tracks, so the data-centre questions and use cases appear.
    await expectAccessible(page);
    expect(await field(page, "itLoadMwPhase1").count(), "hidden until a track is chosen").toBe(0);
    await tick(page, [
      ["tracks", "tier4DataCentre"],
      ["tracks", "bigDataPlatform"],
      ["collaborationModel", "jointVenture"],
      ["site", "cdaSite"],
    ]);
    await field(page, "itLoadMwPhase1").waitFor();
    expect(await field(page, "collaborationOther").count(), "revealed only for 'other'").toBe(0);
    await field(page, "siteReference").waitFor();
    await fill(page, {
      title: "Islamabad Tier IV Data Centre and Smart City Data Platform",
      summary:
        "A 48 MW Tier IV data centre built in two phases in CDA Zone IV, with a big data platform " +
        "for traffic, water and building-permit data, run as a joint venture with a Pakistani partner.",
      siteReference: "CDA-Z4-P12",
      itLoadMwPhase1: "12",
      itLoadMwFinal: "48",
      gridMw: "60",
      renewablePct: "35",
      designPue: "1.35",
      "bigDataUseCases[0].title": "Traffic flow analytics",
      "bigDataUseCases[0].beneficiary": "Islamabad Traffic Police",
      "bigDataUseCases[0].kpi": "Average peak-hour journey time down 15% by year 3",
    });
    await expectAccessible(page);
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "resilience"));

    // 5. Resilience (data-centre track)
    await expectAccessible(page);
    await tick(page, [
      ["tierTarget", "tierIV"],
      ["powerTopology", "2N"],
      ["compartmentalised", "yes"],
      ["otherStandards", "ISO 22301"],
      ["otherStandards", "TIA-942"],
    ]);
    await fill(page, {
      "certificationPlan.designDocumentsDate": monthsAhead(8),
      "certificationPlan.constructedFacilityDate": monthsAhead(26),
      onSiteFuelHours: "48",
      "iso27001.certificateNumber": "ISMS-CN-2024-01873",
      "iso27001.issuingBody": "China Quality Certification Centre",
      "iso27001.expiryDate": monthsAhead(30),
    });
    // Leaving here for a while: "Save as draft" returns to the task list.
    await page.getByRole("button", { name: t["proposal.form.saveDraft"], exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/proposals/${id}`);
    await page.locator(".notice--success", { hasText: t["proposal.form.saved"] }).waitFor();
    expect(await statusOf(page, t["proposal.steps.eligibility"])).toBe(
      t["proposal.status.completed"],
    );
    expect(await statusOf(page, t["proposal.steps.resilience"])).toBe(
      t["proposal.status.inProgress"],
    );
    await expectAccessible(page);
    // Coming back: the saved answers are there.
    await page.getByRole("link", { name: t["proposal.steps.resilience"], exact: true }).click();
    await page.waitForURL((url) => url.pathname === stepPath(id, "resilience"));
    await expectValues(page, { onSiteFuelHours: "48" });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "data-governance"));

    // 6. Data governance
    await expectAccessible(page);
    await tick(page, [
      ["dataClasses", "restricted"],
      ["dataClasses", "sensitive"],
      ["residencyCommitment", "yes"],
      ["acceptsIndependentAudit", "yes"],
    ]);
    await fill(page, {
      crossBorderDescription:
        "Only anonymised performance metrics leave Pakistan, to the group's operations centre in Fuzhou.",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "investment"));

    // 7. Investment: percentages that add up to 90 first.
    await expectAccessible(page);
    await tick(page, [
      ["governmentSupportRequested", "land"],
      ["governmentSupportRequested", "power"],
    ]);
    const investment = {
      "capex.amount": "450000000.00",
      "capex.currency": "USD",
      equityPct: "40",
      debtPct: "50",
      otherPct: "0",
      governmentSupportNotes: "A 30-year land lease and a dedicated 132 kV grid connection.",
    };
    await fill(page, investment);
    await continueWithErrors(page, t);
    await expectSummaryLinksTo(page, "equityPct", fmt(t["proposal.err.pctSum"], { total: 90 }));
    await expectValues(page, investment);
    await expectAccessible(page);
    await fill(page, { otherPct: "10" });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "timeline"));

    // 8. Timeline
    await expectAccessible(page);
    await fill(page, {
      "milestones.financialClose": monthsAhead(6),
      "milestones.constructionStart": monthsAhead(9),
      "milestones.facilityCertified": monthsAhead(27),
      "milestones.operationsStart": monthsAhead(30),
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "local-benefit"));

    // 9. Local benefit
    await expectAccessible(page);
    await fill(page, {
      jobsConstruction: "1200",
      jobsOperations: "180",
      localStaffPctYear5: "85",
      traineesPerYear: "60",
      partnerInstitutions: "NUST, COMSATS University Islamabad",
      technologyTransferPlan:
        "Pakistani engineers train in Fuzhou for six months, then run operations with our staff in Islamabad.",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "documents"));

    // 10. Documents: one uploaded on its own (listed with a remove button), the rest on continuing.
    await expectAccessible(page);
    await field(page, "businessLicence").setInputFiles(pdf("business-licence.pdf"));
    await page
      .getByRole("button", { name: `${t["docs.upload"]} ${t["docs.kind.businessLicence"]}` })
      .click();
    await page.locator(".notice--success", { hasText: "business-licence.pdf" }).waitFor();
    await page.locator(".document-list a", { hasText: "business-licence.pdf" }).waitFor();
    await page.getByRole("button", { name: `${t["docs.remove"]} business-licence.pdf` }).waitFor();
    await expectAccessible(page);
    await field(page, "companyProfile").setInputFiles(pdf("company-profile.pdf"));
    await field(page, "auditedFinancials").setInputFiles([
      pdf("audited-financials-2024.pdf"),
      pdf("audited-financials-2025.pdf"),
    ]);
    await field(page, "technicalConcept").setInputFiles(pdf("technical-concept.pdf"));
    await field(page, "financingEvidence").setInputFiles(pdf("bank-letter.pdf"));
    await clickTo(page, t["docs.saveContinue"], stepPath(id, "check"));

    // 11. Check answers
    await page.locator("h1", { hasText: t["check.title"] }).waitFor();
    await expectAccessible(page);
    expect(
      await page.locator(".notice--warning", { hasText: t["check.problems.heading"] }).count(),
    ).toBe(0);
    const main = (await page.locator("main").textContent()) ?? "";
    for (const shown of [
      "Fujian Minjiang Cloud Computing Co., Ltd.",
      "福建闽江云计算有限公司",
      "91350100M000100Y43",
      "Islamabad Tier IV Data Centre and Smart City Data Platform",
      "Traffic flow analytics",
      "ISMS-CN-2024-01873",
      "+8613812345678",
      "business-licence.pdf",
      "audited-financials-2025.pdf",
      "bank-letter.pdf",
    ]) {
      expect(main, shown).toContain(shown);
    }
    expect(await answerRow(page, t["proposal.f.employees"]).locator("dd").textContent()).toContain(
      "850",
    );
    // "Change" goes to the step and "Save and continue" comes back here with the new answer.
    await page
      .getByRole("link", {
        name: `${t["proposal.form.change"]} ${t["proposal.steps.contact"]}`,
        exact: true,
      })
      .click();
    await page.waitForURL((url) => url.pathname === stepPath(id, "contact"));
    await expectValues(page, { jobTitle: "Director of International Business" });
    await fill(page, { jobTitle: "Head of International Business" });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "check"));
    await answerRow(page, t["proposal.f.jobTitle"])
      .locator("dd", { hasText: "Head of International Business" })
      .waitFor();

    await fill(page, { signatoryName: "Chen Jianguo", signatoryTitle: "Director" });
    await tick(page, [["confirm", "yes"]]);
    // An impatient double click: still one proposal, one reference, one e-mail (checked below).
    await page.getByRole("button", { name: t["check.submit"], exact: true }).dblclick();
    await page.waitForURL((url) => url.pathname === stepPath(id, "confirmation"));

    // Confirmation, receipt, PDF
    await page.locator("h1", { hasText: t["confirm.title"] }).waitFor();
    const reference = ((await page.locator(".reference").textContent()) ?? "").trim();
    expect(reference).toMatch(REFERENCE);
    await expectAccessible(page);
    await page.getByRole("link", { name: t["confirm.receipt"] }).click();
    await page.waitForURL((url) => url.pathname === stepPath(id, "receipt"));
    await page.locator("h1", { hasText: reference }).waitFor();
    expect((await page.locator("main").textContent()) ?? "").toContain("福建闽江云计算有限公司");
    await expectAccessible(page);
    await expectReceiptPdf(page, id, "福建闽江云计算有限公司");

    const rows = query<{ reference: string; status: string }>(
      `select p.reference, p.status from proposals p join users u on u.id = p.owner_id
       where u.email = ?`,
      "applicant2@demo.test",
    );
    expect(rows).toEqual([{ reference, status: "submitted" }]);
    // The e-mail goes out in the language chosen on the contact step.
    expect(
      query(
        `select subject, locale from mail_outbox where to_address = ? and template = 'proposal_submitted'`,
        "applicant2@demo.test",
      ),
    ).toEqual([{ subject: `Proposal ${reference} received`, locale: "en" }]);
    expect(browserErrors).toEqual([]);
    await context.close();
  });

  it("in Chinese without JavaScript: register, confirm, every step, add another, documents, one reference", async () => {
    const t = ZH as unknown as Dict;
    const context = await newContext(browser, { javaScriptEnabled: false, locale: "zh-CN" });
    const page = await context.newPage();

    // Registration in Chinese
    const email = `yunshan.${Date.now()}@example.cn`;
    const password = "云山-数据-2026-secure";
    await page.goto("/register");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
    await fill(page, { displayName: "王伟", email, password, confirmPassword: password });
    await page.getByRole("button", { name: t["auth.register.submit"] }).click();
    await page.locator("main", { hasText: email }).waitFor();
    expect(await page.locator(".error-summary").count()).toBe(0);

    // The confirmation link, from the outbox as an administrator reads it.
    const admin = await newContext(browser);
    const adminPage = await admin.newPage();
    await signIn(adminPage, "admin@demo.test");
    await adminPage.goto("/admin/outbox");
    await adminPage.locator("tr", { hasText: email }).first().getByRole("link").click();
    const link = await adminPage
      .locator('pre a[href*="/verify-email"]')
      .first()
      .getAttribute("href");
    await admin.close();
    expect(link).toBeTruthy();
    await page.goto(link!);
    await page.getByRole("button", { name: t["auth.verify.submit"] }).click();
    await page.waitForURL("**/login?verified=1");
    await fill(page, { email, password });
    await page.locator("main").getByRole("button", { name: t["auth.login.submit"] }).click();
    await page.waitForURL((url) => url.pathname === "/proposals");

    const id = await startProposal(page, t, false);

    // 1. 资格
    await expectAccessibleWithoutJs(page);
    await tick(page, [
      ["applicantType", "company"],
      ["acceptsDataResidency", "yes"],
      ["noDebarmentDeclaration", "yes"],
      ["sanctionsDeclaration", "yes"],
    ]);
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "organisation"));

    // 2. 机构: full-width digits, and "Add another" for a second reference without JavaScript.
    await expectAccessibleWithoutJs(page);
    await fill(page, {
      legalNameEn: "Guizhou Yunshan Data Technology Co., Ltd.",
      legalNameZh: "贵州云山数据科技有限公司",
      uscc: "91110000600037341L",
      province: "Guizhou",
      city: "贵阳",
      address: "贵州省贵阳市观山湖区数博大道 88 号",
      yearFounded: "２０１５",
      employees: "１２０",
      "annualRevenue.amount": "380000000.00",
      "annualRevenue.currency": "CNY",
      "references[0].site": "贵安新区云山一号数据中心",
      "references[0].itLoadMw": "１８",
      "references[0].year": "2020",
    });
    await page
      .getByRole("button", {
        name: `${t["proposal.form.addAnother"]} ${t["proposal.f.reference"]}`,
      })
      .click();
    await field(page, "references[1].site").waitFor();
    await expectValues(page, {
      legalNameZh: "贵州云山数据科技有限公司",
      "references[0].site": "贵安新区云山一号数据中心",
      "references[1].site": "",
    });
    await fill(page, {
      "references[1].site": "遵义云山灾备中心",
      "references[1].itLoadMw": "6.5",
      "references[1].tierCertificateId": "UI-TCDD-2022-1120",
      "references[1].year": "2022",
    });
    await expectAccessibleWithoutJs(page);
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "contact"));

    // 3. 联系人
    await expectAccessibleWithoutJs(page);
    expect(await field(page, "email").inputValue()).toBe(email);
    expect(await page.locator('input[name="preferredLanguage"][value="zh-Hans"]').isChecked()).toBe(
      true,
    );
    await fill(page, {
      familyName: "王",
      givenNames: "伟",
      jobTitle: "总经理",
      phone: "+8613912345678",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "project"));

    // 4. 项目与选址: without JavaScript every conditional question is on the page.
    await expectAccessibleWithoutJs(page);
    await tick(page, [
      ["tracks", "tier4DataCentre"],
      ["tracks", "bigDataPlatform"],
      ["collaborationModel", "pppBot"],
      ["site", "ownLand"],
    ]);
    await fill(page, {
      title: "贵州云山伊斯兰堡 Tier IV 数据中心与政务大数据平台",
      summary:
        "本项目计划在伊斯兰堡建设一座按 Tier IV 标准设计的数据中心，分两期建设，最终 IT 负载为三十兆瓦。" +
        "同时建设政务大数据平台，为首都发展局提供交通、供水和建筑审批数据的分析服务。" +
        "项目采用建设—运营—移交模式，运营二十年后移交给巴基斯坦方面，并在当地培训技术人员。",
      itLoadMwPhase1: "１０",
      itLoadMwFinal: "30",
      gridMw: "40",
      renewablePct: "25",
      designPue: "1.40",
      "bigDataUseCases[0].title": "供水管网漏损分析",
      "bigDataUseCases[0].beneficiary": "首都发展局水务部门",
      "bigDataUseCases[0].kpi": "三年内漏损率降低百分之二十",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "resilience"));

    // 5. 韧性: an ISO 27001 plan instead of a certificate.
    await expectAccessibleWithoutJs(page);
    await tick(page, [
      ["tierTarget", "tierIII"],
      ["powerTopology", "2(N+1)"],
      ["compartmentalised", "no"],
      ["otherStandards", "ISO/IEC 22237"],
    ]);
    await fill(page, {
      "certificationPlan.designDocumentsDate": monthsAhead(10),
      "certificationPlan.constructedFacilityDate": monthsAhead(28),
      onSiteFuelHours: "７２",
      iso27001Plan: "计划在运营第一年内取得 ISO/IEC 27001 认证，认证机构为中国质量认证中心。",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "data-governance"));

    // 6. 数据治理
    await expectAccessibleWithoutJs(page);
    await tick(page, [
      ["dataClasses", "public"],
      ["dataClasses", "restricted"],
      ["residencyCommitment", "yes"],
      ["acceptsIndependentAudit", "yes"],
    ]);
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "investment"));

    // 7. 投资
    await expectAccessibleWithoutJs(page);
    await tick(page, [["governmentSupportRequested", "none"]]);
    await fill(page, {
      "capex.amount": "2800000000.00",
      "capex.currency": "CNY",
      equityPct: "３０",
      debtPct: "60",
      otherPct: "10",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "timeline"));

    // 8. 时间表: operations before certification first; the Chinese summary keeps every date.
    await expectAccessibleWithoutJs(page);
    const milestones = {
      "milestones.financialClose": monthsAhead(4),
      "milestones.constructionStart": monthsAhead(7),
      "milestones.facilityCertified": monthsAhead(30),
      "milestones.operationsStart": monthsAhead(20),
    };
    await fill(page, milestones);
    await continueWithErrors(page, t);
    await expectSummaryLinksTo(
      page,
      "milestones.operationsStart",
      t["proposal.err.order.operationsStart"],
    );
    await expectValues(page, milestones);
    await expectAccessibleWithoutJs(page);
    await fill(page, { "milestones.operationsStart": monthsAhead(33) });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "local-benefit"));

    // 9. 本地效益
    await expectAccessibleWithoutJs(page);
    await fill(page, {
      jobsConstruction: "８００",
      jobsOperations: "95",
      localStaffPctYear5: "90",
      traineesPerYear: "40",
      technologyTransferPlan:
        "每年选派巴基斯坦工程师赴贵阳接受为期六个月的数据中心运维培训，回国后与我方人员共同运营伊斯兰堡数据中心，五年内实现本地团队独立运维。",
    });
    await clickTo(page, t["proposal.form.saveContinue"], stepPath(id, "documents"));

    // 10. 文件: a plain multipart post, one kind, then the rest with "Save and continue".
    await expectAccessibleWithoutJs(page);
    await field(page, "businessLicence").setInputFiles(pdf("营业执照.pdf"));
    await page
      .getByRole("button", { name: `${t["docs.upload"]} ${t["docs.kind.businessLicence"]}` })
      .click();
    await page.locator(".notice--success", { hasText: "营业执照.pdf" }).waitFor();
    await page.locator(".document-list a", { hasText: "营业执照.pdf" }).waitFor();
    await expectAccessibleWithoutJs(page);
    await field(page, "companyProfile").setInputFiles(pdf("公司简介.pdf"));
    await field(page, "auditedFinancials").setInputFiles(pdf("2025年度审计报告.pdf"));
    await field(page, "technicalConcept").setInputFiles(pdf("技术方案.pdf"));
    await field(page, "financingEvidence").setInputFiles(pdf("银行融资意向书.pdf"));
    await clickTo(page, t["docs.saveContinue"], stepPath(id, "check"));

    // 11. 核对: the full-width digits passed the checks (NFKC) and every answer is here.
    await page.locator("h1", { hasText: t["check.title"] }).waitFor();
    await expectAccessibleWithoutJs(page);
    expect(
      await page.locator(".notice--warning", { hasText: t["check.problems.heading"] }).count(),
    ).toBe(0);
    const main = (await page.locator("main").textContent()) ?? "";
    for (const shown of [
      "贵州云山数据科技有限公司",
      "91110000600037341L",
      "遵义云山灾备中心",
      "供水管网漏损分析",
      "营业执照.pdf",
      "银行融资意向书.pdf",
    ]) {
      expect(main, shown).toContain(shown);
    }
    const employees =
      (await answerRow(page, t["proposal.f.employees"]).locator("dd").textContent()) ?? "";
    // Accepted and kept (whether shown as typed or normalised is the step module's choice).
    expect(employees.normalize("NFKC")).toContain("120");

    // The declaration left out: the summary, and the name typed is kept.
    await fill(page, { signatoryName: "王伟", signatoryTitle: "总经理" });
    await page.getByRole("button", { name: t["check.submit"], exact: true }).click();
    await page.locator(".error-summary").waitFor();
    await expectSummaryLinksTo(page, "confirm", t["check.err.confirm"]);
    await expectValues(page, { signatoryName: "王伟", signatoryTitle: "总经理" });
    await expectAccessibleWithoutJs(page);
    const submissionKey = await page.locator('input[name="submissionKey"]').inputValue();
    await tick(page, [["confirm", "yes"]]);
    await clickTo(page, t["check.submit"], stepPath(id, "confirmation"));

    await page.locator("h1", { hasText: t["confirm.title"] }).waitFor();
    const reference = ((await page.locator(".reference").textContent()) ?? "").trim();
    expect(reference).toMatch(REFERENCE);
    await expectAccessibleWithoutJs(page);

    // The check page opened again and submitted again (a second tab): the same reference. (Not
    // through the history: the entry behind the confirmation
    // is the answer to a POST (the refused first try), which Chromium will not show again from
    // history without resubmitting it, since every signed-in page is sent with no-store.
    await page.goto(stepPath(id, "check"));
    await page.waitForLoadState("load");
    if (new URL(page.url()).pathname === stepPath(id, "check")) {
      await clickTo(page, t["check.submit"], stepPath(id, "confirmation"));
    }
    expect(new URL(page.url()).pathname).toBe(stepPath(id, "confirmation"));
    expect(((await page.locator(".reference").textContent()) ?? "").trim()).toBe(reference);
    // The same form posted once more (a retry after a lost answer).
    const again = await page.request.post(stepPath(id, "check"), {
      form: { submissionKey, signatoryName: "王伟", signatoryTitle: "总经理", confirm: "yes" },
    });
    expect(again.status()).toBe(200);
    expect(new URL(again.url()).pathname).toBe(stepPath(id, "confirmation"));
    expect(await again.text()).toContain(reference);

    // The receipt, in Chinese, with the Chinese company name; and its PDF.
    await page.getByRole("link", { name: t["confirm.receipt"] }).click();
    await page.waitForURL((url) => url.pathname === stepPath(id, "receipt"));
    await page.locator("h1", { hasText: reference }).waitFor();
    expect((await page.locator("main").textContent()) ?? "").toContain("贵州云山数据科技有限公司");
    await expectAccessibleWithoutJs(page);
    await expectReceiptPdf(page, id, "贵州云山数据科技有限公司");

    const rows = query<{ reference: string; status: string }>(
      `select p.reference, p.status from proposals p join users u on u.id = p.owner_id
       where u.email = ?`,
      email,
    );
    expect(rows).toEqual([{ reference, status: "submitted" }]);
    expect(
      query(`select id from proposals where reference = ?`, reference),
      "one proposal holds the reference",
    ).toHaveLength(1);
    // One confirmation e-mail, in Chinese, however many times the form was posted.
    expect(
      query(
        `select subject, locale from mail_outbox where to_address = ? and template = 'proposal_submitted'`,
        email,
      ),
    ).toEqual([{ subject: `已收到提案 ${reference}`, locale: "zh-Hans" }]);
    await context.close();
  });
});
