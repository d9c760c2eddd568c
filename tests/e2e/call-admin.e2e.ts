// Setting up a call in Chromium: an official creates a call (bilingual texts, times in Pakistan
// time, scoring rules), is refused weights that do not add up to 100 (with the actual sum, nothing
// saved), corrects them, edits a descriptor, adds a gate, publishes the criteria and opens the call
// after confirming; visitors then see the call and its version 1 criteria in English and Chinese,
// and the audit log lists every step. The weights step runs once more with JavaScript disabled.
// axe runs on every admin page visited.
import SQLite from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  baseUrl,
  expectAccessible,
  expectAccessibleWithoutJs,
  launch,
  newContext,
  signIn,
} from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const OFFICIAL = "official@demo.test";
const SUM_MESSAGE = "The weights of the scored criteria must add up to exactly 100; they add up to";

/** Read-only look at the server's database. */
function query<T>(sql: string, ...params: unknown[]): T | undefined {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get(...params) as T | undefined;
  } finally {
    db.close();
  }
}

function callId(slug: string): number {
  const row = query<{ id: number }>(`select id from calls where slug = ?`, slug);
  if (!row) throw new Error(`no call ${slug}`);
  return row.id;
}

/** The weight of one criterion of the call's latest criteria version, as stored. */
function storedWeight(slug: string, key: string): number | null | undefined {
  return query<{ weight: number | null }>(
    `select c.weight from criteria c
       join criteria_versions v on v.id = c.criteria_version_id
       join calls k on k.id = v.call_id
     where k.slug = ? and c.key = ?
     order by v.version desc limit 1`,
    slug,
    key,
  )?.weight;
}

/** A wall-clock time in Pakistan (UTC+5) as a datetime-local value, `minutes` from now. */
function pktLocal(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000 + 5 * 3_600_000).toISOString().slice(0, 16);
}

/** The UTC instant stored for a Pakistan wall-clock time. */
function pktToUtc(local: string): string {
  return new Date(Date.parse(`${local}:00.000Z`) - 5 * 3_600_000).toISOString();
}

const unique = Date.now().toString(36);
const CALL = {
  slug: `e2e-tier4-${unique}`,
  titleEn: `Tier IV data centre partnership ${unique}`,
  titleZh: `Tier IV 数据中心合作 ${unique}`,
  descriptionEn: "CDA invites proposals for a Tier IV data centre in the Islamabad IT Park.",
  descriptionZh: "首都发展局邀请企业就伊斯兰堡信息技术园 Tier IV 数据中心提交提案。",
  opensAt: pktLocal(-10),
  closesAt: pktLocal(30 * 24 * 60),
  minReviews: "2",
  qualifyingScore: "70",
  disagreementSpread: "3",
  disagreementSd: "12",
  tieBreak: "data, tier4, finance",
  contactEmail: "datacentres@cda.gov.pk",
};
const DESCRIPTOR_5 = {
  en: "Certified Tier IV sites operating for at least three years",
  zh: "已有获得 Tier IV 认证的数据中心运营满三年",
};
const GATE = {
  key: "g4",
  titleEn: "Data-protection registration",
  titleZh: "数据保护登记",
  wordingEn:
    "The applicant is registered with Pakistan's data-protection regulator or commits to register before signature.",
  // No full-width comma: form input is NFKC-normalised on the server and "，" would come back
  // as "," (reported to the lead: fields.md asks for text "stored as typed").
  wordingZh: "申请方已在巴基斯坦数据保护监管机构登记或承诺在签约前完成登记。",
};

async function fillCallForm(page: Page, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values))
    await page.locator(`[name="${name}"]`).fill(value);
}

/** Clicks a button and waits for the redirect the action answers with. */
async function clickAndWaitForNotice(page: Page, button: string, notice: string) {
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get("notice") === notice);
  await page.locator(".notice--success").waitFor();
}

async function setWeight(page: Page, key: string, value: string) {
  await page.getByLabel(`Weight of ${key}`, { exact: true }).fill(value);
}

describe("an official sets up a call in the browser (JavaScript on)", () => {
  it("creates the call as a draft with its times entered in Pakistan time", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, OFFICIAL);
    await page.goto("/admin/calls");
    await expectAccessible(page);
    await page.getByRole("link", { name: "Create a call" }).click();
    await page.waitForURL("**/admin/calls/new");
    await page.locator('[name="slug"]').waitFor();
    await expectAccessible(page);

    await fillCallForm(page, CALL);
    await page.getByRole("button", { name: "Create the call" }).click();
    await page.waitForURL(`**/admin/calls/${CALL.slug}?notice=created`);
    await expect(page.locator(".notice--success").textContent()).resolves.toContain(
      "The call was created as a draft",
    );
    await expect(page.locator("h1").textContent()).resolves.toBe(CALL.titleEn);
    await expect(page.locator(".summary-list .tag").first().textContent()).resolves.toBe("draft");
    // Entered in Pakistan time, stored in UTC (five hours earlier), shown back as entered.
    await expect(page.locator('[name="opensAt"]').inputValue()).resolves.toBe(CALL.opensAt);
    await expect(page.locator('[name="closesAt"]').inputValue()).resolves.toBe(CALL.closesAt);
    await expect(
      page
        .locator(".summary-list__row", { hasText: "Opens" })
        .locator("time")
        .getAttribute("datetime"),
    ).resolves.toBe(pktToUtc(CALL.opensAt));
    await expect(page.locator('[name="minReviews"]').inputValue()).resolves.toBe("2");
    await expect(page.locator('[name="tieBreak"]').inputValue()).resolves.toBe(CALL.tieBreak);
    await expectAccessible(page);

    // A draft is not public yet.
    const visitor = await fetch(`${baseUrl()}/calls/${CALL.slug}`);
    expect(visitor.status).toBe(404);
    await context.close();
  });

  it("refuses weights that do not add up to 100, then saves corrected weights, a descriptor and a gate, and publishes", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, OFFICIAL);
    await page.goto(`/admin/calls/${CALL.slug}`);
    await page.getByRole("link", { name: "Criteria editor" }).first().click();
    await page.waitForURL(`**/admin/calls/${CALL.slug}/criteria`);
    await page.getByLabel("Weight of tier4", { exact: true }).waitFor();
    await expect(page.locator("main").textContent()).resolves.toContain(
      "Version 1 (not published)",
    );
    await expectAccessible(page);

    // 25 + the other defaults = 105: the live total says so, the server refuses it.
    await setWeight(page, "tier4", "25");
    await page.locator("output.weights-total", { hasText: "5 too many" }).waitFor();
    await page.getByRole("button", { name: "Save weights and minimum levels" }).click();
    await page.locator(".error-summary", { hasText: "There is a problem" }).waitFor();
    await expect(page.locator(".error-summary").textContent()).resolves.toContain(
      `${SUM_MESSAGE} 105`,
    );
    await expect(page.locator("tfoot .error-message").textContent()).resolves.toContain(
      `${SUM_MESSAGE} 105`,
    );
    await page.waitForFunction(() => document.activeElement?.classList.contains("error-summary"));
    // What was typed stays; nothing was saved.
    await expect(page.getByLabel("Weight of tier4", { exact: true }).inputValue()).resolves.toBe(
      "25",
    );
    await expect(
      page.locator("p", { hasText: "Saved weights now add up to" }).textContent(),
    ).resolves.toContain("add up to 100");
    expect(storedWeight(CALL.slug, "tier4")).toBe(20);
    expect(new URL(page.url()).searchParams.get("notice")).toBeNull();
    await expectAccessible(page);

    // 25 + 5 + the rest = 100.
    await setWeight(page, "energy", "5");
    await page.locator("output.weights-total", { hasText: "100 (correct)" }).waitFor();
    await clickAndWaitForNotice(page, "Save weights and minimum levels", "weights");
    await expect(page.locator(".notice--success").textContent()).resolves.toContain(
      "The weights and minimum levels were saved.",
    );
    await expect(page.locator(".error-summary").count()).resolves.toBe(0);
    expect(storedWeight(CALL.slug, "tier4")).toBe(25);
    expect(storedWeight(CALL.slug, "energy")).toBe(5);
    await expect(page.getByLabel("Weight of tier4", { exact: true }).inputValue()).resolves.toBe(
      "25",
    );
    await expectAccessible(page);

    // Edit the top descriptor of tier4.
    await page.getByRole("link", { name: "Edit tier4", exact: true }).click();
    await page.locator("#criterion-form").waitFor();
    await expect(page.locator("#criterion-form h2").textContent()).resolves.toBe(
      "Edit scored criterion tier4",
    );
    await expectAccessible(page);
    await page.getByLabel("Level 5 descriptor (English)", { exact: true }).fill(DESCRIPTOR_5.en);
    await page.getByLabel("Level 5 descriptor (Chinese)", { exact: true }).fill(DESCRIPTOR_5.zh);
    await clickAndWaitForNotice(page, "Save", "saved");
    await expect(page.locator(".notice--success").textContent()).resolves.toContain(
      "The criterion was saved.",
    );
    const tier4Row = page.locator("tr", { has: page.locator("code", { hasText: /^tier4$/ }) });
    await expect(tier4Row.first().textContent()).resolves.toContain(DESCRIPTOR_5.en);

    // Add a gate.
    await page.getByRole("link", { name: "Add a gate" }).click();
    await page.locator("#criterion-form h2", { hasText: "Add a gate" }).waitFor();
    await expectAccessible(page);
    await page.getByLabel("Key", { exact: true }).fill(GATE.key);
    await page.getByLabel("Title (English)", { exact: true }).fill(GATE.titleEn);
    await page.getByLabel("Title (Chinese)", { exact: true }).fill(GATE.titleZh);
    await page.getByLabel("Wording of the gate (English)").fill(GATE.wordingEn);
    await page.getByLabel("Wording of the gate (Chinese)").fill(GATE.wordingZh);
    await clickAndWaitForNotice(page, "Add the gate", "added");
    await expect(
      page
        .locator("table", { hasText: GATE.titleEn })
        .locator("code", { hasText: GATE.key })
        .count(),
    ).resolves.toBe(1);
    await expectAccessible(page);

    // Publish: version 1 is frozen and shown read-only.
    await clickAndWaitForNotice(page, "Publish criteria", "published");
    await expect(page.locator(".notice--success").textContent()).resolves.toContain(
      "The criteria were published.",
    );
    await expect(page.locator(".summary-list").textContent()).resolves.toMatch(
      /Version 1, published/,
    );
    await expect(page.getByLabel("Weight of tier4", { exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Start a new version" }).count()).resolves.toBe(
      1,
    );
    await expectAccessible(page);
    await context.close();
  });

  it("opens the call after confirming", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, OFFICIAL);
    await page.goto(`/admin/calls/${CALL.slug}/criteria`);
    await page.getByRole("link", { name: "Back to the call" }).click();
    await page.waitForURL((url) => url.pathname === `/admin/calls/${CALL.slug}`);
    await page.locator("#lifecycle-title").waitFor();
    await expect(page.locator(".summary-list").textContent()).resolves.toContain(
      "Version 1 published",
    );
    await expectAccessible(page);

    await page.getByRole("link", { name: "Open the call", exact: true }).click();
    await page.getByRole("button", { name: "Yes, open the call" }).waitFor();
    await expect(page.locator("#lifecycle-title ~ form").textContent()).resolves.toContain(
      "Are you sure?",
    );
    // Still a draft until confirmed.
    expect(query<{ status: string }>(`select status from calls where slug = ?`, CALL.slug)).toEqual(
      { status: "draft" },
    );
    await expectAccessible(page);
    await clickAndWaitForNotice(page, "Yes, open the call", "opened");
    await expect(page.locator(".notice--success").textContent()).resolves.toContain(
      "The call is open.",
    );
    await expect(page.locator(".summary-list .tag").first().textContent()).resolves.toBe("open");
    await expect(page.getByRole("link", { name: "Public page" }).count()).resolves.toBe(1);
    await expectAccessible(page);

    await page.goto("/admin/calls");
    const row = page.locator("tr", { hasText: CALL.titleEn });
    await expect(row.locator(".tag").textContent()).resolves.toBe("open");
    await expect(row.textContent()).resolves.toContain("Version 1, published");
    await expectAccessible(page);
    await context.close();
  });

  it("visitors see the open call and its version 1 criteria with the weights, in English and Chinese", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`/calls/${CALL.slug}`);
    await expect(page.locator("h1").textContent()).resolves.toBe(CALL.titleEn);
    await expect(page.locator("main").textContent()).resolves.toContain(CALL.descriptionEn);
    await expect(page.locator(".summary-list .tag").first().textContent()).resolves.toBe("Open");
    await expect(page.locator("main").textContent()).resolves.toContain(CALL.contactEmail);
    await expect(page.getByRole("link", { name: "Start a proposal" }).count()).resolves.toBe(1);
    await expectAccessible(page);

    await page.goto(`/calls/${CALL.slug}/criteria`);
    await expect(page.locator("p.lead").textContent()).resolves.toMatch(/^Version 1, published /);
    const weightOf = (title: string) =>
      page.locator("table tbody tr", { hasText: title }).locator("td").first().textContent();
    await expect(weightOf("Tier IV technical credibility")).resolves.toBe("25%");
    await expect(weightOf("Energy and sustainability")).resolves.toBe("5%");
    await expect(weightOf("Data security and sovereignty")).resolves.toBe("15%");
    await expect(page.locator("table tfoot td").first().textContent()).resolves.toBe("100%");
    await expect(page.locator("#criterion-tier4").textContent()).resolves.toContain(
      DESCRIPTOR_5.en,
    );
    const gate = page.locator(".summary-list__row", { hasText: GATE.titleEn });
    await expect(gate.locator("dt").textContent()).resolves.toContain("G4");
    await expect(gate.locator("dd").textContent()).resolves.toContain(GATE.wordingEn);
    // The call's own tie-break order: data, then tier4, then finance.
    await expect(page.locator(".rules-list").textContent()).resolves.toMatch(
      /\(1\) Data security and sovereignty[\s\S]*\(2\) Tier IV technical credibility[\s\S]*\(3\) Investment and financing/,
    );
    await expectAccessible(page);
    await context.close();

    const zh = await newContext(browser, { locale: "zh-CN" });
    const zhPage = await zh.newPage();
    await zhPage.goto(`/calls/${CALL.slug}`);
    await expect(zhPage.locator("h1").textContent()).resolves.toBe(CALL.titleZh);
    await expect(zhPage.locator("main").textContent()).resolves.toContain(CALL.descriptionZh);
    await zhPage.goto(`/calls/${CALL.slug}/criteria`);
    await expect(zhPage.locator("p.lead").textContent()).resolves.toMatch(/^第 1 版，发布于/);
    await expect(zhPage.locator("#criterion-tier4").textContent()).resolves.toContain(
      DESCRIPTOR_5.zh,
    );
    await expect(zhPage.locator("main").textContent()).resolves.toContain(GATE.wordingZh);
    await expectAccessible(zhPage);
    await zh.close();
  });

  it("the audit log lists the call and criteria actions, and no refused save", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, OFFICIAL);
    await page.goto("/admin/audit");
    await page.locator("table.audit-table").waitFor();
    await expectAccessible(page);
    const id = callId(CALL.slug);
    const rowsOf = (action: string) =>
      page
        .locator("table.audit-table tbody tr")
        .filter({ has: page.locator("code", { hasText: new RegExp(`^${action}$`) }) })
        .filter({ hasText: new RegExp(`call #${id}(?!\\d)`) })
        .filter({ hasText: OFFICIAL });
    for (const action of [
      "call.create",
      "criteria.update",
      "criteria.add",
      "criteria.version.publish",
      "call.open",
    ])
      await expect(rowsOf(action).count(), action).resolves.toBe(1);
    // The refused weights changed nothing: one weights entry, the corrected one.
    await expect(rowsOf("criteria.weights").count()).resolves.toBe(1);
    await expect(rowsOf("criteria.weights").textContent()).resolves.toContain('"weight": 25');
    await context.close();
  });
});

describe("the criteria weights without JavaScript", () => {
  const slug = `e2e-nojs-${unique}`;

  it("refuses a wrong sum with the actual total, keeps what was typed, then saves", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, OFFICIAL);
    await page.goto("/admin/calls/new");
    await fillCallForm(page, {
      slug,
      titleEn: `Big data collaboration ${unique}`,
      titleZh: `大数据合作 ${unique}`,
      opensAt: pktLocal(60),
      closesAt: pktLocal(60 * 24 * 60),
    });
    await page.getByRole("button", { name: "Create the call" }).click();
    await page.waitForURL(`**/admin/calls/${slug}?notice=created`);

    await page.goto(`/admin/calls/${slug}/criteria`);
    await expectAccessibleWithoutJs(page);
    await setWeight(page, "energy", "20");
    await page.getByRole("button", { name: "Save weights and minimum levels" }).click();
    await page.locator(".error-summary", { hasText: "There is a problem" }).waitFor();
    await expect(page.locator(".error-summary").textContent()).resolves.toContain(
      `${SUM_MESSAGE} 110`,
    );
    await expect(page.locator("tfoot .error-message").textContent()).resolves.toContain(
      `${SUM_MESSAGE} 110`,
    );
    // The server-rendered total reflects what was typed, and the typed value is kept.
    await expect(page.locator("output.weights-total").textContent()).resolves.toContain(
      "110 (must be exactly 100: 10 too many)",
    );
    await expect(page.getByLabel("Weight of energy", { exact: true }).inputValue()).resolves.toBe(
      "20",
    );
    expect(storedWeight(slug, "energy")).toBe(10);
    await expectAccessibleWithoutJs(page);

    await setWeight(page, "tier4", "10");
    await clickAndWaitForNotice(page, "Save weights and minimum levels", "weights");
    await expect(page.locator(".error-summary").count()).resolves.toBe(0);
    await expect(
      page.locator("p", { hasText: "Saved weights now add up to" }).textContent(),
    ).resolves.toContain("add up to 100");
    expect(storedWeight(slug, "tier4")).toBe(10);
    expect(storedWeight(slug, "energy")).toBe(20);
    await expectAccessibleWithoutJs(page);
    await context.close();
  });
});
