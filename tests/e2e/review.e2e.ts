// The review journey in Chromium: an official auto-assigns the demo call and assigns by hand, a
// reviewer attests and scores (once with JavaScript, once without), an official returns a review
// for rework and the reviewer resubmits. axe runs on every page of the journey.
import SQLite from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible, launch, newContext, signIn as signInForm } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Read-only look at the server's database: which proposal a reviewer can be given next. */
function pickProposalFor(email: string, exclude: number[] = []): { id: number; reference: string } {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        `select p.id, p.reference from proposals p
         where p.status = 'under_review'
           and p.id not in (select proposal_id from reviewer_assignments a join users u on u.id = a.reviewer_id
                            where u.email = ? and a.unassigned_at is null)
           and p.id not in (select proposal_id from reviews r join users u on u.id = r.reviewer_id where u.email = ?)
           and not exists (select 1 from conflicts c join users u on u.id = c.reviewer_id
                           where u.email = ? and (c.proposal_id = p.id or c.organisation_id = p.organisation_id))
           ${exclude.length ? `and p.id not in (${exclude.map(Number).join(",")})` : ""}
         order by p.id limit 1`,
      )
      .get(email, email, email) as { id: number; reference: string } | undefined;
    if (!row) throw new Error(`no proposal left to assign to ${email}`);
    return row;
  } finally {
    db.close();
  }
}

function displayName(email: string): string {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`select display_name from users where email = ?`).get(email) as
      { display_name: string } | undefined;
    if (!row) throw new Error(`no user ${email}`);
    return row.display_name;
  } finally {
    db.close();
  }
}

function demoCallSlug(): string {
  const db = new SQLite(inject("databasePath"), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(`select slug from calls where status = 'open' order by id limit 1`)
      .get() as { slug: string } | undefined;
    if (!row) throw new Error("the seed has no open call");
    return row.slug;
  } finally {
    db.close();
  }
}

/** Signs in and waits until the session exists (with JavaScript the form posts by fetch). */
async function signIn(page: Page, email: string) {
  await signInForm(page, email);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * Clicks a form's button and waits for its request to be answered and the page to settle: a page
 * load without JavaScript, a fetch and a revalidation with it.
 */
async function click(page: Page, name: string | RegExp, method: "POST" | "GET" = "POST") {
  await submitWith(page, method, () => page.getByRole("button", { name, exact: true }).click());
}

async function submitWith(page: Page, method: "POST" | "GET", act: () => Promise<void>) {
  const request = page.waitForRequest(
    (r) =>
      r.method() === method &&
      ["document", "fetch", "xhr"].includes(r.resourceType()) &&
      !r.url().includes("/__manifest"),
  );
  request.catch(() => undefined); // reported below if the action itself fails
  await act();
  const response = await (await request).response();
  expect(response).not.toBeNull();
  await page.waitForLoadState("networkidle");
}

/** Waits (up to the context's timeout) until an element matching `selector` contains `text`. */
async function expectText(page: Page, selector: string, text: string) {
  await page.locator(selector, { hasText: text }).first().waitFor();
}

async function assignByHand(page: Page, proposalId: number, reviewerEmail: string) {
  await page.goto(`/admin/proposals/${proposalId}`);
  const select = page.getByLabel("Assign a reviewer");
  const value = await select
    .locator("option", { hasText: reviewerEmail })
    .first()
    .getAttribute("value");
  await select.selectOption(value!);
  await click(page, "Assign");
  await expectText(page, ".notice--success", "assigned");
}

async function fillReview(page: Page, level: string) {
  const groups = await page.locator('.scoring input[type="radio"][value="0"]').all();
  for (const first of groups) {
    const name = await first.getAttribute("name");
    await page.locator(`input[name="${name}"][value="${level}"]`).check();
  }
  for (const gate of await page.locator('.scoring input[type="radio"][value="pass"]').all()) {
    await gate.check();
  }
  for (const text of await page.locator('.scoring textarea[name^="c."]').all()) {
    await text.fill("The proposal's evidence in the technical annex supports this.");
  }
}

describe("reviewing in the browser", () => {
  let reference1 = "";
  let proposal1 = 0;

  it("an official auto-assigns the call and assigns two proposals by hand", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, "official@demo.test");
    await page.goto(`/admin/calls/${demoCallSlug()}/assignments`);
    await expectAccessible(page);
    await click(page, "Auto-assign this call");
    await expectText(page, "main", "Auto-assignment done");
    await expectAccessible(page);

    const p1 = pickProposalFor("reviewer1@demo.test");
    proposal1 = p1.id;
    reference1 = p1.reference;
    await assignByHand(page, p1.id, "reviewer1@demo.test");
    await expectAccessible(page);
    const p2 = pickProposalFor("reviewer2@demo.test", [p1.id]);
    await assignByHand(page, p2.id, "reviewer2@demo.test");
    await context.close();
  });

  it("a reviewer with JavaScript attests, is refused an incomplete review, then submits", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, "reviewer1@demo.test");
    await page.goto("/review");
    await expectAccessible(page);
    await page.getByRole("link", { name: reference1 }).click();
    await page.waitForURL(`**/review/${proposal1}`);
    await expectText(page, "h1", "Before you open this proposal");
    await expectAccessible(page);
    await click(page, /I have no conflict of interest/);
    await page.locator(".scoring").waitFor();
    await expectAccessible(page);

    await click(page, "Submit and go to the next proposal");
    await expectText(page, ".error-summary h2", "There is a problem");
    await page.waitForFunction(() => document.activeElement?.classList.contains("error-summary"));
    await expectAccessible(page);

    await fillReview(page, "4");
    await click(page, "Submit and go to the next proposal");
    await expectText(page, "main", "has been submitted");
    await page.goto(`/review/${proposal1}`);
    await expectText(page, "main", "Colleagues");
    await expectAccessible(page);
    await context.close();
  });

  it("a reviewer without JavaScript saves a draft and submits", async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, "reviewer2@demo.test");
    await page.goto("/review");
    const row = page.locator("tr", { hasText: "Not started (conflict check needed)" }).first();
    await row.getByRole("link").click();
    await page.waitForLoadState("load");
    await click(page, /I have no conflict of interest/);
    await fillReview(page, "3");
    await click(page, "Save draft");
    await expectText(page, ".panel__status", "draft has been saved");
    // The draft comes back filled in.
    await expect(
      page.locator('.scoring input[type="radio"][value="3"]:checked').count(),
    ).resolves.toBeGreaterThan(0);
    await click(page, "Submit and go to the next proposal");
    await expectText(page, "main", "has been submitted");
    await context.close();
  });

  it("an official returns a review for rework and the reviewer resubmits", async () => {
    const official = await newContext(browser);
    const page = await official.newPage();
    await signIn(page, "official@demo.test");
    await page.goto(`/admin/proposals/${proposal1}`);
    const card = page
      .locator("section.card", { hasText: displayName("reviewer1@demo.test") })
      .first();
    await card.locator("textarea").fill("Explain the Tier IV level with the certificate numbers.");
    await submitWith(page, "POST", () =>
      card.getByRole("button", { name: "Return for rework" }).click(),
    );
    await expectText(page, ".notice--success", "returned");
    await expectAccessible(page);
    await official.close();

    const context = await newContext(browser);
    const reviewer = await context.newPage();
    await signIn(reviewer, "reviewer1@demo.test");
    await reviewer.goto(`/review/${proposal1}`);
    await expectText(reviewer, ".notice--warning", "certificate numbers");
    await expectAccessible(reviewer);
    await fillReview(reviewer, "5");
    await click(reviewer, "Submit and go to the next proposal");
    await expectText(reviewer, "main", "has been submitted");
    await reviewer.goto(`/review/${proposal1}`);
    await expectText(reviewer, "main", "Earlier revisions");
    await context.close();
  });

  it("a reviewer declares a conflict with a parent group", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, "reviewer3@demo.test");
    await page.goto("/review/conflicts");
    await expectAccessible(page);
    await page.getByLabel("Search companies by name or USCC").fill("Co");
    await click(page, "Search", "GET");
    await expectAccessible(page);
    await page.getByLabel("Parent group name").fill("Example Holdings Group");
    await page.getByLabel("Describe the conflict with this group").fill("I own shares in it.");
    await click(page, "Declare a conflict with this group");
    await expectText(page, "table", "Example Holdings Group");
    await expectAccessible(page);
    await context.close();
  });
});
