// Issue 16: an applicant's journey in Chromium through nginx in front of two app servers on one
// PostgreSQL database (tests/e2e-pg/global-setup.ts). Every answer names the server that gave it
// (nginx's X-Upstream); the journey passes only if both servers served it, its session, drafts,
// documents and submission working whichever server a request reaches.
import fs from "node:fs";
import pg from "pg";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { en as authEn } from "~/i18n/messages/auth";
import { en as commonEn } from "~/i18n/messages/common";
import { en as proposalEn } from "~/i18n/messages/proposal";
import { en as submissionEn } from "~/i18n/messages/submission";
import { launch, newContext, signIn } from "../e2e/support/browser";

const t = { ...commonEn, ...authEn, ...proposalEn, ...submissionEn };
const CALL = "tier4-bigdata-2026";
const PDF = fs.readFileSync("tests/fixtures/sample.pdf");
const pdf = (name: string) => ({ name, mimeType: "application/pdf", buffer: PDF });

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** An ISO date `months` months from today (UTC): milestones must lie in the future. */
function monthsAhead(months: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`).first();

async function fill(page: Page, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    if (await page.locator(`select[name="${name}"]`).count())
      await page.locator(`select[name="${name}"]`).selectOption(value);
    else await field(page, name).fill(value);
  }
}

async function tick(page: Page, choices: [name: string, value: string][]) {
  for (const [name, value] of choices)
    await page.locator(`input[name="${name}"][value="${value}"]`).check();
}

async function clickTo(page: Page, name: string, path: string) {
  await page.getByRole("button", { name, exact: true }).click();
  await page.waitForURL((url) => url.pathname === path);
}

async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("two app servers on one PostgreSQL database behind nginx", () => {
  it("serve one applicant's journey between them: sign in, every step, documents, submission, receipt", async () => {
    const upstreams = inject("upstreams");
    const context = await newContext(browser, { javaScriptEnabled: true, locale: "en-GB" });
    const page = await context.newPage();
    const browserErrors: string[] = [];
    page.on("pageerror", (error) => browserErrors.push(error.message));
    /** Per answer from the portal: its method, path and the server that gave it. */
    const answers: { method: string; path: string; status: number; upstream: string }[] = [];
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.origin !== inject("baseUrl")) return;
      answers.push({
        method: response.request().method(),
        path: url.pathname,
        status: response.status(),
        upstream: response.headers()["x-upstream"] ?? "",
      });
    });

    await signIn(page, "applicant2@demo.test");
    await page.locator('html[lang="zh-Hans"]').waitFor({ state: "attached" });
    await page.getByRole("button", { name: "English" }).click();
    await page.locator('html[lang="en"]').waitFor({ state: "attached" });

    await page.goto(`/proposals/new?call=${CALL}`);
    await page.getByRole("button", { name: t["proposal.new.start"], exact: true }).click();
    await page.waitForURL(/\/proposals\/\d+\/eligibility$/);
    const id = Number(/\/proposals\/(\d+)\//.exec(page.url())![1]);
    const step = (name: string) => `/proposals/${id}/${name}`;

    await tick(page, [
      ["applicantType", "company"],
      ["acceptsDataResidency", "yes"],
      ["noDebarmentDeclaration", "yes"],
      ["sanctionsDeclaration", "yes"],
    ]);
    await clickTo(page, t["proposal.form.saveContinue"], step("organisation"));
    await fill(page, {
      legalNameEn: "Fujian Minjiang Cloud Computing Co., Ltd.",
      legalNameZh: "福建闽江云计算有限公司",
      uscc: "91350100M000100Y43",
      province: "Fujian",
      city: "Fuzhou",
      address: "88 Wulongjiang Avenue, Minhou County, Fuzhou, Fujian 350108",
      website: "https://www.minjiang-cloud.example.cn",
      yearFounded: "2012",
      employees: "850",
      "annualRevenue.amount": "1250000000.00",
      "annualRevenue.currency": "CNY",
      "references[0].site": "Fuzhou Binhai Data Centre",
      "references[0].itLoadMw": "24.5",
      "references[0].tierCertificateId": "UI-TCCF-2021-0457",
      "references[0].year": "2021",
    });
    await clickTo(page, t["proposal.form.saveContinue"], step("contact"));
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
    await clickTo(page, t["proposal.form.saveContinue"], step("project"));
    await tick(page, [
      ["tracks", "tier4DataCentre"],
      ["tracks", "bigDataPlatform"],
      ["collaborationModel", "jointVenture"],
      ["site", "cdaSite"],
    ]);
    await field(page, "itLoadMwPhase1").waitFor();
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
    await clickTo(page, t["proposal.form.saveContinue"], step("resilience"));
    await tick(page, [
      ["tierTarget", "tierIV"],
      ["powerTopology", "2N"],
      ["compartmentalised", "yes"],
      ["otherStandards", "ISO 22301"],
    ]);
    await fill(page, {
      "certificationPlan.designDocumentsDate": monthsAhead(8),
      "certificationPlan.constructedFacilityDate": monthsAhead(26),
      onSiteFuelHours: "48",
      "iso27001.certificateNumber": "ISMS-CN-2024-01873",
      "iso27001.issuingBody": "China Quality Certification Centre",
      "iso27001.expiryDate": monthsAhead(30),
    });
    await clickTo(page, t["proposal.form.saveContinue"], step("data-governance"));
    await tick(page, [
      ["dataClasses", "restricted"],
      ["residencyCommitment", "yes"],
      ["acceptsIndependentAudit", "yes"],
    ]);
    await fill(page, {
      crossBorderDescription: "Only anonymised performance metrics leave Pakistan.",
    });
    await clickTo(page, t["proposal.form.saveContinue"], step("investment"));
    await tick(page, [["governmentSupportRequested", "land"]]);
    await fill(page, {
      "capex.amount": "450000000.00",
      "capex.currency": "USD",
      equityPct: "40",
      debtPct: "50",
      otherPct: "10",
      governmentSupportNotes: "A 30-year land lease.",
    });
    await clickTo(page, t["proposal.form.saveContinue"], step("timeline"));
    await fill(page, {
      "milestones.financialClose": monthsAhead(6),
      "milestones.constructionStart": monthsAhead(9),
      "milestones.facilityCertified": monthsAhead(27),
      "milestones.operationsStart": monthsAhead(30),
    });
    await clickTo(page, t["proposal.form.saveContinue"], step("local-benefit"));
    await fill(page, {
      jobsConstruction: "1200",
      jobsOperations: "180",
      localStaffPctYear5: "85",
      traineesPerYear: "60",
      partnerInstitutions: "NUST, COMSATS University Islamabad",
      technologyTransferPlan:
        "Pakistani engineers train in Fuzhou, then run operations in Islamabad.",
    });
    await clickTo(page, t["proposal.form.saveContinue"], step("documents"));

    // Documents: one uploaded on its own, then listed (a later request, maybe the other server).
    await field(page, "businessLicence").setInputFiles(pdf("business-licence.pdf"));
    await page
      .getByRole("button", { name: `${t["docs.upload"]} ${t["docs.kind.businessLicence"]}` })
      .click();
    await page.locator(".document-list a", { hasText: "business-licence.pdf" }).waitFor();
    await field(page, "companyProfile").setInputFiles(pdf("company-profile.pdf"));
    await field(page, "auditedFinancials").setInputFiles([
      pdf("audited-financials-2024.pdf"),
      pdf("audited-financials-2025.pdf"),
    ]);
    await field(page, "technicalConcept").setInputFiles(pdf("technical-concept.pdf"));
    await field(page, "financingEvidence").setInputFiles(pdf("bank-letter.pdf"));
    await clickTo(page, t["docs.saveContinue"], step("check"));

    await page.locator("h1", { hasText: t["check.title"] }).waitFor();
    expect(
      await page.locator(".notice--warning", { hasText: t["check.problems.heading"] }).count(),
    ).toBe(0);
    // The document downloads whichever server answers: fetched twice, so both are asked in turn.
    const href = await page
      .locator(".document-list a, main a", { hasText: "business-licence.pdf" })
      .first()
      .getAttribute("href");
    expect(href).toBeTruthy();
    const downloadedBy = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await page.request.get(href!);
      expect(res.status()).toBe(200);
      expect((await res.body()).equals(PDF)).toBe(true);
      downloadedBy.add(res.headers()["x-upstream"] ?? "");
    }
    expect([...downloadedBy].sort()).toEqual([...upstreams].sort());

    await fill(page, { signatoryName: "Chen Jianguo", signatoryTitle: "Director" });
    await tick(page, [["confirm", "yes"]]);
    await page.getByRole("button", { name: t["check.submit"], exact: true }).click();
    await page.waitForURL((url) => url.pathname === step("confirmation"));
    await page.locator("h1", { hasText: t["confirm.title"] }).waitFor();
    const reference = ((await page.locator(".reference").textContent()) ?? "").trim();
    expect(reference).toMatch(/^CDA-\d{4}-\d{4}$/);
    await page.getByRole("link", { name: t["confirm.receipt"] }).click();
    await page.waitForURL((url) => url.pathname === step("receipt"));
    await page.locator("h1", { hasText: reference }).waitFor();
    const receipt = await page.request.get(`/proposals/${id}/receipt.pdf`);
    expect(receipt.status()).toBe(200);
    expect((await receipt.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");

    expect(
      await query(
        `select p.reference, p.status from proposals p join users u on u.id = p.owner_id where u.email = $1`,
        ["applicant2@demo.test"],
      ),
    ).toEqual([{ reference, status: "submitted" }]);
    expect(
      (
        await query<{ n: string }>(`select count(*) as n from attachments where proposal_id = $1`, [
          id,
        ])
      )[0]!.n,
    ).toBe("6");

    // Both servers served the journey: every answer named one of them, and each named some.
    expect(answers.filter((a) => !upstreams.includes(a.upstream))).toEqual([]);
    const served = (u: string) => answers.filter((a) => a.upstream === u);
    for (const u of upstreams) expect(served(u).length, `answers from ${u}`).toBeGreaterThan(3);
    // …including writes: the step forms' posts went to both.
    for (const u of upstreams)
      expect(served(u).filter((a) => a.method === "POST").length, `posts to ${u}`).toBeGreaterThan(
        0,
      );
    console.log(
      `scale-out journey: ${answers.length} answers, ${upstreams.map((u) => `${u}: ${served(u).length} (${served(u).filter((a) => a.method === "POST").length} POST)`).join(", ")}`,
    );
    expect(browserErrors).toEqual([]);
    await context.close();
  });
});
