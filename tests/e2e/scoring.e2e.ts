// The scoring screen at a reviewer's pace (issue 15), in Chromium at 1366×900: five proposals
// scored end to end with the keyboard alone (levels, rationales, moving between criteria, saving a
// draft, submitting and going to the next proposal), counting page loads and checking that
// "Save draft" leaves the panel and the window where they were; the queue's filters; one proposal
// scored without JavaScript, its draft saved back at the criterion. axe on every page.
import SQLite from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  expectAccessible,
  expectAccessibleWithoutJs,
  launch,
  newContext,
  signIn,
} from "./support/browser";

const VIEWPORT = { width: 1366, height: 900 };
const RATIONALE = "Section 4 of the technical annex gives the evidence.";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function readDb<T>(read: (db: SQLite.Database) => T): T {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The reviewer's attested proposals still to score in calls under review, soonest due first. */
function toScore(email: string): number[] {
  return readDb((db) =>
    (
      db
        .prepare(
          `select p.id from reviewer_assignments a
           join users u on u.id = a.reviewer_id
           join proposals p on p.id = a.proposal_id
           join calls c on c.id = p.call_id
           left join reviews r on r.proposal_id = p.id and r.reviewer_id = u.id
           where u.email = ? and a.unassigned_at is null and a.attested_at is not null
             and c.status in ('open', 'closed')
             and p.status in ('submitted', 'under_review', 'clarification_requested')
             and (r.status is null or r.status <> 'submitted')
           order by a.due_at, p.id`,
        )
        .all(email) as { id: number }[]
    ).map((r) => r.id),
  );
}

/** Proposals of the open call the reviewer is not assigned to and no conflict of theirs covers. */
function assignable(email: string, count: number): number[] {
  return readDb((db) =>
    (
      db
        .prepare(
          `select p.id from proposals p join calls c on c.id = p.call_id
           where c.status = 'open' and p.status in ('submitted', 'under_review')
             and p.id not in (select proposal_id from reviewer_assignments a join users u
                              on u.id = a.reviewer_id where u.email = ?)
             and not exists (select 1 from conflicts k join users u on u.id = k.reviewer_id
                             where u.email = ? and (k.proposal_id = p.id
                               or k.organisation_id = p.organisation_id
                               or k.parent_group = p.submitted_parent_group))
           order by p.id limit ?`,
        )
        .all(email, email, count) as { id: number }[]
    ).map((r) => r.id),
  );
}

function reviewStatus(email: string, proposalId: number): string | null {
  return readDb((db) => {
    const row = db
      .prepare(
        `select r.status from reviews r join users u on u.id = r.reviewer_id
         where u.email = ? and r.proposal_id = ?`,
      )
      .get(email, proposalId) as { status: string } | undefined;
    return row?.status ?? null;
  });
}

function weights(ids: number[]): Map<number, number | null> {
  return readDb(
    (db) =>
      new Map(
        (
          db
            .prepare(`select id, weight from criteria where id in (${ids.map(Number).join(",")})`)
            .all() as { id: number; weight: number | null }[]
        ).map((r) => [r.id, r.weight]),
      ),
  );
}

async function signInAs(page: Page, email: string) {
  await signIn(page, email);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * Makes sure the reviewer has at least `count` attested proposals to score: an official assigns
 * more by hand and the reviewer attests them (set-up, with the mouse; the scoring is what counts).
 */
async function ensureToScore(email: string, count: number) {
  const missing = count - toScore(email).length;
  if (missing <= 0) return;
  const ids = assignable(email, missing);
  expect(ids).toHaveLength(missing);
  const official = await newContext(browser);
  const page = await official.newPage();
  await signInAs(page, "official@demo.test");
  for (const id of ids) {
    await page.goto(`/admin/proposals/${id}`);
    const select = page.getByLabel("Assign a reviewer");
    const value = await select.locator("option", { hasText: email }).first().getAttribute("value");
    await select.selectOption(value!);
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page.locator(".notice--success", { hasText: "assigned" }).waitFor();
  }
  await official.close();
  const reviewer = await newContext(browser);
  const rpage = await reviewer.newPage();
  await signInAs(rpage, email);
  for (const id of ids) {
    await rpage.goto(`/review/${id}`);
    await rpage.getByRole("button", { name: /I have no conflict of interest/ }).click();
    await rpage.locator(".workspace").waitFor();
  }
  await reviewer.close();
  expect(toScore(email).length).toBeGreaterThanOrEqual(count);
}

/** The scrolling positions a "Save draft" must leave alone. */
async function scrollPositions(page: Page) {
  return page.evaluate(() => ({
    panel: document.querySelector(".panel__body")!.scrollTop,
    proposal: document.querySelector(".workspace__proposal")!.scrollTop,
    window: window.scrollY,
  }));
}

const LEVELS = [4, 3, 5, 2, 4, 3, 4, 5];

/**
 * Scores every criterion of the open proposal with keys only: k to the first criterion, then for
 * each one its level (a digit, or p for a gate), r, the rationale typed, Esc, j. Returns the
 * expected review total from the criteria's weights.
 */
async function scoreWithKeys(page: Page, opts: { saveDraftAfter?: number } = {}) {
  const sections = await page.locator("[data-criterion]").evaluateAll((els) =>
    els.map((el) => ({
      id: Number((el as HTMLElement).dataset.criterion),
      kind: (el as HTMLElement).dataset.kind,
    })),
  );
  const w = weights(sections.map((s) => s.id));
  for (let i = 0; i < sections.length; i++) await page.keyboard.press("k");
  let num = 0;
  let scoredIndex = 0;
  for (const [i, s] of sections.entries()) {
    await page.locator(`[data-criterion="${s.id}"].crit--current`).waitFor();
    if (s.kind === "scored") {
      const level = LEVELS[scoredIndex++ % LEVELS.length]!;
      num += (w.get(s.id) ?? 0) * level;
      await page.keyboard.press(String(level));
      await page
        .locator(`input[name="c.${s.id}.level"][value="${level}"]:checked`)
        .waitFor({ state: "attached" });
    } else {
      await page.keyboard.press("p");
      await page
        .locator(`input[name="c.${s.id}.gate"][value="pass"]:checked`)
        .waitFor({ state: "attached" });
    }
    await page.keyboard.press("r");
    await page.locator(`textarea[name="c.${s.id}.rationale"]:focus`).waitFor();
    await page.keyboard.type(RATIONALE);
    await page.keyboard.press("Escape");
    await page.locator(`[data-criterion="${s.id}"].crit--done`).waitFor();
    if (opts.saveDraftAfter === i) return { sections, num: null };
    await page.keyboard.press("j");
  }
  return { sections, num };
}

describe("scoring at a reviewer's pace", () => {
  const reviewer = "reviewer4@demo.test";

  it("the queue filters to do, drafts and done, and shows only calls under review by default", async () => {
    const context = await newContext(browser, { viewport: VIEWPORT });
    const page = await context.newPage();
    await signInAs(page, reviewer);
    await page.goto("/review");
    await expectAccessible(page);
    // The seed's decided 2025 call is not mixed in; the tabs count what is shown.
    await expect(
      page.locator('a[href^="/review/"]', { hasText: "CDA-2025-" }).count(),
    ).resolves.toBe(0);
    const tabs = await page.locator(".queue-tabs__link").allTextContents();
    expect(tabs).toHaveLength(3);
    expect(tabs[0]).toMatch(/^To do \(\d+\)$/);
    await page.getByRole("link", { name: /^Done \(\d+\)$/ }).click();
    await page.waitForURL(/show=done/);
    await page.locator(".queue-tabs__link[aria-current]", { hasText: "Done" }).waitFor();
    await expectAccessible(page);
    await page.getByLabel("Call").selectOption("all");
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await page.waitForURL(/call=all/);
    await page.locator('a[href^="/review/"]', { hasText: "CDA-2025-" }).first().waitFor();
    // Sorted by due date, soonest first.
    const due = await page
      .locator("tbody time")
      .evaluateAll((els) => els.map((el) => el.getAttribute("datetime")!));
    expect(due).toEqual([...due].sort());
    await context.close();
  });

  it("scores five proposals with the keyboard alone; Save draft keeps the reviewer where they were", async () => {
    await ensureToScore(reviewer, 5);
    const first = toScore(reviewer)[0]!;
    const context = await newContext(browser, { viewport: VIEWPORT });
    const page = await context.newPage();
    await signInAs(page, reviewer);
    let pageLoads = 0;
    page.on("load", () => pageLoads++);

    await page.goto(`/review/${first}`);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await expectAccessible(page);
    const height = await page
      .locator("[data-criterion]")
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeLessThan(400);

    // Half-way through the first proposal: Save draft (Ctrl+S) with the panel scrolled down.
    await scoreWithKeys(page, { saveDraftAfter: 5 });
    await page.keyboard.press("j");
    const before = await scrollPositions(page);
    expect(before.panel).toBeGreaterThan(0);
    // The criteria list and the running total stay in view while the panel scrolls.
    const bar = await page.locator(".panel__bar").boundingBox();
    expect(bar!.y).toBeGreaterThanOrEqual(0);
    const focused = await page.locator(".crit--current").boundingBox();
    expect(focused!.y).toBeGreaterThan(bar!.y + bar!.height - 1);
    expect(focused!.y).toBeLessThan(VIEWPORT.height);
    await page.keyboard.press("Control+s");
    await page.locator(".panel__status", { hasText: "Your draft has been saved." }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await scrollPositions(page)).toEqual(before);
    expect(reviewStatus(reviewer, first)).toBe("draft");
    expect(pageLoads).toBe(1);

    const scored: number[] = [];
    let current = first;
    for (let n = 0; n < 5; n++) {
      await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      const { num } = await scoreWithKeys(page);
      const total = (num! / 5).toFixed(2);
      await page.locator(".panel__total", { hasText: `Review total: ${total} of 100` }).waitFor();
      if (n === 0) await expectAccessible(page);
      const leaving = current;
      await page.keyboard.press("Control+Enter");
      await page.waitForURL(
        (url) => url.pathname !== `/review/${leaving}` || url.search.includes("saved=submitted"),
      );
      expect(reviewStatus(reviewer, leaving)).toBe("submitted");
      scored.push(leaving);
      current = Number(new URL(page.url()).pathname.split("/").pop());
      if (n < 4) {
        expect(current).not.toBe(leaving);
        await page.locator(".panel__status", { hasText: "has been submitted" }).waitFor();
      }
    }
    expect(new Set(scored).size).toBe(5);
    // Every proposal after the first was opened without loading a page.
    expect(pageLoads).toBe(1);
    await context.close();
  });

  it("without JavaScript, a draft saved at a criterion comes back at that criterion, then submits", async () => {
    const email = "reviewer3@demo.test";
    await ensureToScore(email, 1);
    const id = toScore(email)[0]!;
    const context = await newContext(browser, { javaScriptEnabled: false, viewport: VIEWPORT });
    const page = await context.newPage();
    await signInAs(page, email);
    await page.goto(`/review/${id}`);
    await expectAccessibleWithoutJs(page);
    const sections = await page.locator("[data-criterion]").evaluateAll((els) =>
      els.map((el) => ({
        id: Number((el as HTMLElement).dataset.criterion),
        kind: (el as HTMLElement).dataset.kind,
      })),
    );
    for (const s of sections) {
      const name = s.kind === "scored" ? `c.${s.id}.level` : `c.${s.id}.gate`;
      await page
        .locator(`input[name="${name}"][value="${s.kind === "scored" ? "3" : "pass"}"]`)
        .check();
      await page.locator(`textarea[name="c.${s.id}.rationale"]`).fill(RATIONALE);
    }
    const at = sections[4]!;
    await page.locator(`[data-criterion="${at.id}"] button.crit__save`).click();
    await page.waitForURL((url) => url.hash === `#crit-${at.id}`);
    await page.locator(".panel__status", { hasText: "Your draft has been saved." }).waitFor();
    expect(reviewStatus(email, id)).toBe("draft");
    await expect(page.locator('input[value="3"]:checked').count()).resolves.toBe(
      sections.filter((s) => s.kind === "scored").length,
    );
    await expectAccessibleWithoutJs(page);
    await page.getByRole("button", { name: "Submit and go to the next proposal" }).click();
    await page.waitForLoadState("load");
    expect(reviewStatus(email, id)).toBe("submitted");
    await page.locator("main", { hasText: "has been submitted" }).first().waitFor();
    await expectAccessibleWithoutJs(page);
    await context.close();
  });
});
