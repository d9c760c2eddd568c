// The permission matrix: who may do what on every route, and the data the matrix and the fuzz
// suite run against. The route list comes from the app's route files (import.meta.glob in the
// test), so a route added without an entry here fails the matrix.
import crypto from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import type { Role } from "~db/schema";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { dialectOf, getDb, getSqlite } from "~/services/db.server";
import { createSession } from "~/services/session.server";
import { createCallWithCriteria } from "../integration/review-fixtures";
import { attach, readyDraft } from "../integration/submission-fixtures";
import { tableNames } from "./database";
import { createUser } from "./factories";
import { cookieFrom } from "./remix";

export const ACTORS = [
  "visitor",
  "applicantA",
  "applicantB",
  "reviewerAssigned",
  "reviewerUnassigned",
  "reviewerConflicted",
  "official",
  "admin",
  "officialConflicted",
  "adminConflicted",
] as const;
export type Actor = (typeof ACTORS)[number];

/**
 * ok: 2xx · invalid: 400/422 (allowed, the empty or malformed form is refused with messages) ·
 * login: redirect to /login · forbidden: 403 · notFound: 404 · redirect: another 3xx ·
 * method: 405 (no such method on the route) · conflict: 409 (not in this state) · gone: 410 (a
 * missing or spent token) · unauthorised: 401 (a script's request without a session).
 */
export type Outcome =
  | "ok"
  | "invalid"
  | "login"
  | "forbidden"
  | "notFound"
  | "redirect"
  | "method"
  | "conflict"
  | "gone"
  | "unauthorised";
/** Outcomes that refuse the request: nothing may change in the database. */
export const REFUSALS: readonly Outcome[] = [
  "login",
  "forbidden",
  "notFound",
  "method",
  "conflict",
  "gone",
  "unauthorised",
];

type Row = Record<Actor, Outcome>;
export interface RouteEntry {
  /** Which fixture each :param takes. */
  params?: Record<string, ParamSource>;
  /** A query string to add (without "?"); CALL_SLUG and SUBMITTED_ID are filled in. */
  query?: string;
  loader?: Row;
  action?: Row;
}

export type ParamSource =
  | "callSlug"
  | "submittedId"
  | "draftId"
  | "discussedId"
  | "attachmentId"
  | "draftAttachmentId"
  | "outboxId"
  | "webhookId"
  | "step"
  | "splat"
  | "locale";

const all = (o: Outcome): Row => Object.fromEntries(ACTORS.map((a) => [a, o])) as Row;
const row = (base: Outcome, overrides: Partial<Row>): Row => ({ ...all(base), ...overrides });

/** Applicant-only, owner-only pages: visitor to sign in, staff 403, another applicant 404. */
const ownerOnly = (owner: Outcome): Row =>
  row("forbidden", { visitor: "login", applicantA: owner, applicantB: "notFound" });
/** Officials and admins only (a conflict walls off its proposals, not the page). */
const officials = (allowed: Outcome): Row =>
  row("forbidden", {
    visitor: "login",
    official: allowed,
    admin: allowed,
    officialConflicted: allowed,
    adminConflicted: allowed,
  });
/** Admins only. */
const adminOnly = (allowed: Outcome): Row =>
  row("forbidden", { visitor: "login", admin: allowed, adminConflicted: allowed });
/**
 * The conflict wall: an official or admin whose declared conflict covers the proposal gets 404,
 * exactly the answer for a proposal that is not theirs to see (issue 12, item 9).
 */
const walled = (r: Row): Row => ({
  ...r,
  officialConflicted: "notFound",
  adminConflicted: "notFound",
});
/** Any staff member. */
const staff = (allowed: Outcome): Row =>
  row(allowed, { visitor: "login", applicantA: "forbidden", applicantB: "forbidden" });

export const PERMISSION_TABLE: Record<string, RouteEntry> = {
  "$.tsx": { params: { "*": "splat" }, loader: all("notFound") },
  "_index.tsx": { loader: all("ok") },
  "accept-invite.tsx": { loader: all("gone"), action: all("gone") },
  "account.tsx": {
    loader: row("ok", { visitor: "login" }),
    action: row("invalid", { visitor: "login" }),
  },
  // Signed-in users (applicants see only their sessions); a visitor signs in first.
  "account_.security.tsx": {
    loader: row("ok", { visitor: "login" }),
    action: row("invalid", { visitor: "login" }),
  },
  // An applicant's personal API tokens (issue 17).
  "account_.api-tokens.tsx": {
    loader: row("forbidden", { visitor: "login", applicantA: "ok", applicantB: "ok" }),
    action: row("forbidden", { visitor: "login", applicantA: "invalid", applicantB: "invalid" }),
  },
  "admin._index.tsx": { loader: officials("ok") },
  "admin.api-tokens.tsx": { loader: adminOnly("ok"), action: adminOnly("invalid") },
  "admin.audit.tsx": { loader: officials("ok") },
  "admin.audit[.csv].ts": { loader: officials("ok") },
  "admin.calls.$slug._index.tsx": {
    params: { slug: "callSlug" },
    loader: officials("ok"),
    action: officials("invalid"),
  },
  "admin.calls.$slug.assignments.tsx": {
    params: { slug: "callSlug" },
    loader: officials("ok"),
    action: officials("ok"),
  },
  "admin.calls.$slug.criteria.tsx": {
    params: { slug: "callSlug" },
    loader: officials("ok"),
    action: officials("invalid"),
  },
  "admin.calls._index.tsx": { loader: officials("ok") },
  "admin.calls.new.tsx": { loader: officials("ok"), action: officials("invalid") },
  "admin.exchange-rates.tsx": { loader: officials("ok"), action: officials("invalid") },
  "admin.outbox.$id.tsx": { params: { id: "outboxId" }, loader: adminOnly("ok") },
  "admin.outbox._index.tsx": { loader: adminOnly("ok") },
  "admin.proposals.$id.tsx": {
    params: { id: "submittedId" },
    loader: walled(officials("ok")),
    action: walled(officials("invalid")),
  },
  "admin.users.tsx": { loader: adminOnly("ok"), action: adminOnly("invalid") },
  "admin.webhooks.$id.tsx": {
    params: { id: "webhookId" },
    loader: adminOnly("ok"),
    action: adminOnly("invalid"),
  },
  "admin.webhooks._index.tsx": { loader: adminOnly("ok"), action: adminOnly("invalid") },
  // The read-only API (issue 17): bearer tokens only, a session cookie is never accepted (no
  // CSRF); tests/integration/api.test.ts runs these routes against every kind of token.
  "api._index.tsx": { loader: all("ok") },
  "api.openapi[.json].ts": { loader: all("ok") },
  "api.v1.$.ts": { params: { "*": "splat" }, loader: all("notFound") },
  "api.v1.calls._index.ts": { loader: all("unauthorised") },
  "api.v1.calls.$slug._index.ts": { params: { slug: "callSlug" }, loader: all("unauthorised") },
  "api.v1.calls.$slug.criteria.ts": { params: { slug: "callSlug" }, loader: all("unauthorised") },
  "api.v1.calls.$slug.ranking.ts": { params: { slug: "callSlug" }, loader: all("unauthorised") },
  "api.v1.proposals.$id.ts": { params: { id: "submittedId" }, loader: all("unauthorised") },
  "api.v1.me.proposals.ts": { loader: all("unauthorised") },
  "attachments.$id.ts": {
    params: { id: "attachmentId" },
    // Owner, the attested reviewer and officials may download; everyone else (a conflicted
    // official or admin too) gets the same 404.
    loader: row("notFound", {
      visitor: "login",
      applicantA: "ok",
      reviewerAssigned: "ok",
      official: "ok",
      admin: "ok",
    }),
  },
  "board.$slug.$proposalId.tsx": {
    params: { slug: "callSlug", proposalId: "submittedId" },
    loader: walled(officials("ok")),
    action: walled(officials("invalid")),
  },
  "board.$slug._index.tsx": { params: { slug: "callSlug" }, loader: officials("ok") },
  "board.$slug.export[.csv].ts": { params: { slug: "callSlug" }, loader: officials("ok") },
  "board.$slug.export[.pdf].ts": { params: { slug: "callSlug" }, loader: officials("ok") },
  "board.$slug.export[.xlsx].ts": { params: { slug: "callSlug" }, loader: officials("ok") },
  "calls.$slug._index.tsx": { params: { slug: "callSlug" }, loader: all("ok") },
  "calls.$slug.criteria.tsx": { params: { slug: "callSlug" }, loader: all("ok") },
  // Public open data (issue 17): the same answer for everyone; the matrix's call has published
  // nothing (it was not opened through the portal), so 404 (tests/integration/open-data.test.ts).
  "calls.$slug.results.tsx": { params: { slug: "callSlug" }, loader: all("notFound") },
  "calls.$slug.ocds[.json].ts": { params: { slug: "callSlug" }, loader: all("notFound") },
  "calls.$slug.ocds-record[.json].ts": { params: { slug: "callSlug" }, loader: all("notFound") },
  // The staff discussion (issue 15): officials, and reviewers whose own review is submitted (the
  // assigned reviewer's is a draft here; see the variant below). Never applicants; the conflict
  // wall holds for every staff role.
  "discussion.$proposalId.tsx": {
    params: { proposalId: "submittedId" },
    loader: walled(
      row("forbidden", {
        visitor: "login",
        reviewerUnassigned: "notFound",
        reviewerConflicted: "notFound",
        official: "ok",
        admin: "ok",
      }),
    ),
    action: walled(
      row("forbidden", {
        visitor: "login",
        reviewerUnassigned: "notFound",
        reviewerConflicted: "notFound",
        official: "invalid",
        admin: "invalid",
      }),
    ),
  },
  "forgot-password.tsx": { action: all("invalid") },
  "healthz.ts": { loader: all("ok") },
  "i18n.$locale[.json].ts": { params: { locale: "locale" }, loader: all("ok") },
  "language.ts": { loader: all("redirect"), action: all("redirect") },
  "login.tsx": {
    loader: row("redirect", { visitor: "ok" }),
    action: all("invalid"),
  },
  // The second step opens only on a staged session (a correct password first): nobody here has one.
  "login_.code.tsx": { loader: all("login"), action: all("login") },
  "logout.tsx": { loader: all("redirect"), action: all("redirect") },
  "proposals.$id.$step.tsx": {
    params: { id: "draftId", step: "step" },
    loader: ownerOnly("ok"),
    action: ownerOnly("invalid"),
  },
  "proposals.$id.$step.autosave.ts": {
    params: { id: "draftId", step: "step" },
    // Whatever the page holds is kept as the step's draft (an empty form too).
    action: ownerOnly("ok"),
  },
  "proposals.$id._index.tsx": { params: { id: "draftId" }, loader: ownerOnly("ok") },
  "proposals.$id.check.tsx": {
    params: { id: "draftId" },
    loader: ownerOnly("ok"),
    // Without the page's one-time submission key the post goes back to the task list.
    action: ownerOnly("redirect"),
  },
  "proposals.$id.confirmation.tsx": { params: { id: "submittedId" }, loader: ownerOnly("ok") },
  "proposals.$id.documents.tsx": {
    params: { id: "draftId" },
    loader: ownerOnly("ok"),
    action: ownerOnly("redirect"),
  },
  "proposals.$id.messages.tsx": {
    params: { id: "submittedId" },
    loader: ownerOnly("ok"),
    // No clarification has been requested on a merely submitted proposal.
    action: ownerOnly("conflict"),
  },
  "proposals.$id.not-eligible.tsx": { params: { id: "draftId" }, loader: ownerOnly("ok") },
  "proposals.$id.receipt.tsx": { params: { id: "submittedId" }, loader: ownerOnly("ok") },
  "proposals.$id.receipt[.pdf].ts": { params: { id: "submittedId" }, loader: ownerOnly("ok") },
  "proposals.$id.withdraw.tsx": {
    params: { id: "submittedId" },
    loader: ownerOnly("ok"),
    // Without the confirmation the page is shown again (post/redirect/get).
    action: ownerOnly("redirect"),
  },
  "proposals._index.tsx": {
    loader: row("forbidden", { visitor: "login", applicantA: "ok", applicantB: "ok" }),
  },
  "proposals.new.tsx": {
    query: "call=CALL_SLUG",
    loader: row("forbidden", { visitor: "login", applicantA: "ok", applicantB: "ok" }),
    action: row("forbidden", { visitor: "login", applicantA: "redirect", applicantB: "redirect" }),
  },
  "register.tsx": {
    loader: row("redirect", { visitor: "ok" }),
    action: all("invalid"),
  },
  "reset-password.tsx": { loader: all("gone"), action: all("gone") },
  "review.$proposalId.tsx": {
    params: { proposalId: "submittedId" },
    // A conflict is answered as "not yours" (404), for reviewers and officials alike.
    loader: row("forbidden", {
      visitor: "login",
      reviewerAssigned: "ok",
      reviewerUnassigned: "notFound",
      reviewerConflicted: "notFound",
      official: "ok",
      admin: "ok",
      officialConflicted: "notFound",
      adminConflicted: "notFound",
    }),
    action: row("forbidden", {
      visitor: "login",
      reviewerAssigned: "invalid",
      reviewerUnassigned: "notFound",
      reviewerConflicted: "notFound",
    }),
  },
  "review._index.tsx": { loader: staff("ok") },
  "review.conflicts.tsx": { loader: staff("ok"), action: staff("invalid") },
  // The reminders sent to the signed-in staff member (issue 15).
  "review.reminders.tsx": { loader: staff("ok") },
  "session.keep-alive.ts": { action: row("ok", { visitor: "unauthorised" }) },
  "verify-email._index.tsx": { loader: all("gone"), action: all("gone") },
  "verify-email.resend.tsx": { action: all("invalid") },
};

/**
 * The same routes on other data: a draft and its documents are its owner's alone, and a
 * submitted proposal stays its owner's.
 */
export const PERMISSION_VARIANTS: { file: string; label: string; entry: RouteEntry }[] = [
  {
    file: "attachments.$id.ts",
    label: "a document of A's draft",
    entry: {
      params: { id: "draftAttachmentId" },
      loader: row("notFound", { visitor: "login", applicantA: "ok" }),
    },
  },
  {
    file: "review.$proposalId.tsx",
    label: "A's draft",
    entry: {
      params: { proposalId: "draftId" },
      loader: row("notFound", {
        visitor: "login",
        applicantA: "forbidden",
        applicantB: "forbidden",
      }),
      action: row("notFound", {
        visitor: "login",
        applicantA: "forbidden",
        applicantB: "forbidden",
        official: "forbidden",
        admin: "forbidden",
        officialConflicted: "forbidden",
        adminConflicted: "forbidden",
      }),
    },
  },
  {
    file: "discussion.$proposalId.tsx",
    label: "A's proposal the assigned reviewer has submitted a review of",
    entry: {
      params: { proposalId: "discussedId" },
      loader: walled(
        row("forbidden", {
          visitor: "login",
          reviewerAssigned: "ok",
          reviewerUnassigned: "notFound",
          reviewerConflicted: "notFound",
          official: "ok",
          admin: "ok",
        }),
      ),
      action: walled(
        row("forbidden", {
          visitor: "login",
          reviewerAssigned: "invalid",
          reviewerUnassigned: "notFound",
          reviewerConflicted: "notFound",
          official: "invalid",
          admin: "invalid",
        }),
      ),
    },
  },
  {
    file: "admin.audit.tsx",
    label: "filtered to A's submitted proposal",
    // Filtered to a walled proposal, the log answers as for a proposal with no entries.
    entry: { query: "proposal=SUBMITTED_ID", loader: officials("ok") },
  },
  {
    file: "admin.audit[.csv].ts",
    label: "filtered to A's submitted proposal",
    // Filtered to a walled proposal, the log answers as for a proposal with no entries.
    entry: { query: "proposal=SUBMITTED_ID", loader: officials("ok") },
  },
  {
    file: "proposals.$id._index.tsx",
    label: "A's submitted proposal",
    entry: { params: { id: "submittedId" }, loader: ownerOnly("ok") },
  },
  {
    file: "proposals.$id.$step.autosave.ts",
    label: "A's submitted proposal",
    entry: { params: { id: "submittedId", step: "step" }, action: ownerOnly("conflict") },
  },
  {
    file: "proposals.$id.$step.tsx",
    label: "A's submitted proposal",
    entry: {
      params: { id: "submittedId", step: "step" },
      // A submitted proposal is frozen: its steps go back to the task list; a post is refused.
      loader: ownerOnly("redirect"),
      action: ownerOnly("conflict"),
    },
  },
  {
    file: "proposals.$id.documents.tsx",
    label: "A's submitted proposal",
    entry: {
      params: { id: "submittedId" },
      loader: ownerOnly("ok"),
      action: ownerOnly("redirect"),
    },
  },
];

// ---------------------------------------------------------------------------------------------

export interface People {
  applicantA: { id: number; email: string };
  applicantB: { id: number; email: string };
  reviewerAssigned: { id: number; email: string };
  reviewerUnassigned: { id: number; email: string };
  reviewerConflicted: { id: number; email: string };
  official: { id: number; email: string };
  admin: { id: number; email: string };
  officialConflicted: { id: number; email: string };
  adminConflicted: { id: number; email: string };
  organisationId: number;
}

/**
 * The ten actors (nine accounts); A's company (or its parent group) is the one the conflicted
 * reviewer, official and admin declared.
 */
export async function createPeople(): Promise<People> {
  const db = getDb();
  const org = await db
    .insertInto("organisations")
    .values({
      legal_name_en: "Matrix Cloud Co., Ltd.",
      legal_name_zh: "矩阵云有限公司",
      uscc: "91110000600037341L",
      parent_group: "Matrix Group",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const people = {} as People;
  const roles: [Exclude<keyof People, "organisationId">, Role][] = [
    ["applicantA", "applicant"],
    ["applicantB", "applicant"],
    ["reviewerAssigned", "reviewer"],
    ["reviewerUnassigned", "reviewer"],
    ["reviewerConflicted", "reviewer"],
    ["official", "official"],
    ["admin", "admin"],
    ["officialConflicted", "official"],
    ["adminConflicted", "admin"],
  ];
  for (const [name, role] of roles) {
    const u = await createUser(role);
    people[name] = { id: u.id, email: u.email };
  }
  await db
    .updateTable("users")
    .set({ organisation_id: org.id })
    .where("id", "=", people.applicantA.id)
    .execute();
  await db
    .insertInto("conflicts")
    .values([
      {
        reviewer_id: people.reviewerConflicted.id,
        organisation_id: org.id,
        reason: "Former employee of this company.",
      },
      // The wall holds for officials and admins too, by company or by parent group.
      {
        reviewer_id: people.officialConflicted.id,
        organisation_id: null,
        parent_group: "matrix  GROUP",
        reason: "Holds shares in the group.",
      },
      {
        reviewer_id: people.adminConflicted.id,
        organisation_id: org.id,
        reason: "Spouse works there.",
      },
    ])
    .execute();
  people.organisationId = org.id;
  return people;
}

export interface World {
  callSlug: string;
  callId: number;
  submittedId: number;
  draftId: number;
  attachmentId: number;
  draftAttachmentId: number;
  outboxId: number;
  webhookId: number;
  reviewId: number;
  /** A's second submitted proposal: the assigned reviewer's review of it is in, and discussed. */
  discussedId: number;
  /** The submitted proposal's reference: never shown to someone walled off from it. */
  submittedReference: string;
}

let worldSeq = 0;

/** A comment of the staff discussion: text no applicant may ever be shown (issue 15). */
export const DISCUSSION_COMMENT = "Discussion-only: the grid figures disagree with annex B.";

/** The assigned reviewer's comment: text no applicant may ever be shown. */
export const REVIEW_COMMENT = "Reviewer-only note: the financing evidence looks thin.";

/**
 * One self-contained set of data: an open call with published criteria; A's submitted proposal
 * (assigned to the attested reviewer and, before the conflict surfaced, to the conflicted one),
 * with a document, a draft review and a clarification question; A's complete draft in the same
 * call with its documents; a stored e-mail.
 */
export async function createWorld(people: People): Promise<World> {
  const db = getDb();
  worldSeq += 1;
  const { call, versionId } = await createCallWithCriteria();
  const submittedReference = `CDA-2026-${String(9000 + worldSeq).padStart(4, "0")}`;
  const submitted = await db
    .insertInto("proposals")
    .values({
      call_id: call.id,
      owner_id: people.applicantA.id,
      organisation_id: people.organisationId,
      status: "submitted",
      reference: submittedReference,
      title: "Matrix Tier IV campus",
      tracks: "tier4DataCentre,bigDataPlatform",
      company_en: "Matrix Cloud Co., Ltd.",
      company_zh: "矩阵云有限公司",
      investment_amount: "250000000",
      investment_currency: "USD",
      investment_usd_cents: 25_000_000_000,
      criteria_version_id: versionId,
      submitted_parent_group: "Matrix Group",
      snapshot_json: JSON.stringify({
        answers: { project: { title: "Matrix Tier IV campus", summary: "A campus." } },
        organisation: { id: people.organisationId, parentGroup: "Matrix Group" },
      }),
      submitted_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("reviewer_assignments")
    .values([
      {
        proposal_id: submitted.id,
        reviewer_id: people.reviewerAssigned.id,
        assigned_by: people.official.id,
        attested_at: new Date().toISOString(),
      },
      {
        proposal_id: submitted.id,
        reviewer_id: people.reviewerConflicted.id,
        assigned_by: people.official.id,
      },
    ])
    .execute();
  const review = await db
    .insertInto("reviews")
    .values({
      proposal_id: submitted.id,
      reviewer_id: people.reviewerAssigned.id,
      criteria_version_id: versionId,
      overall_comment: REVIEW_COMMENT,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const attachment = await attach(submitted.id, people.applicantA.id, "businessLicence");
  await db
    .insertInto("clarification_messages")
    .values({
      proposal_id: submitted.id,
      author_id: people.official.id,
      kind: "question",
      body: "Please confirm the grid connection capacity.",
    })
    .execute();
  // A's second submitted proposal, reviewed by the assigned reviewer and discussed (issue 15).
  const discussed = await db
    .insertInto("proposals")
    .values({
      call_id: call.id,
      owner_id: people.applicantA.id,
      organisation_id: people.organisationId,
      status: "submitted",
      reference: `CDA-2026-${String(5000 + worldSeq).padStart(4, "0")}`,
      title: "Matrix big data platform",
      tracks: "bigDataPlatform",
      company_en: "Matrix Cloud Co., Ltd.",
      company_zh: "矩阵云有限公司",
      criteria_version_id: versionId,
      submitted_parent_group: "Matrix Group",
      snapshot_json: JSON.stringify({
        answers: { project: { title: "Matrix big data platform", summary: "A platform." } },
        organisation: { id: people.organisationId, parentGroup: "Matrix Group" },
      }),
      submitted_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("reviewer_assignments")
    .values([
      {
        proposal_id: discussed.id,
        reviewer_id: people.reviewerAssigned.id,
        assigned_by: people.official.id,
        attested_at: new Date().toISOString(),
      },
      {
        proposal_id: discussed.id,
        reviewer_id: people.reviewerConflicted.id,
        assigned_by: people.official.id,
        attested_at: new Date().toISOString(),
      },
    ])
    .execute();
  await db
    .insertInto("reviews")
    .values([
      {
        proposal_id: discussed.id,
        reviewer_id: people.reviewerAssigned.id,
        criteria_version_id: versionId,
        status: "submitted",
        submitted_at: new Date().toISOString(),
        overall_comment: REVIEW_COMMENT,
      },
      // Submitted before the conflict surfaced: the wall still closes the discussion to them.
      {
        proposal_id: discussed.id,
        reviewer_id: people.reviewerConflicted.id,
        criteria_version_id: versionId,
        status: "submitted",
        submitted_at: new Date().toISOString(),
        overall_comment: REVIEW_COMMENT,
      },
    ])
    .execute();
  await db
    .insertInto("discussion_comments")
    .values([
      { proposal_id: discussed.id, author_id: people.official.id, body: DISCUSSION_COMMENT },
      { proposal_id: submitted.id, author_id: people.official.id, body: DISCUSSION_COMMENT },
    ])
    .execute();
  const draft = await readyDraft(people.applicantA.id, call.id);
  const outbox = await db
    .insertInto("mail_outbox")
    .values({
      to_address: people.applicantA.email,
      subject: "Test message",
      text_body: "Hello",
      template: "test",
      locale: "en",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const webhook = await db
    .insertInto("webhook_endpoints")
    .values({
      url: "https://hooks.example.org/cda",
      events_json: JSON.stringify(["call.opened"]),
      secret_encrypted: "v1.not-a-real-secret",
      owner_id: people.admin.id,
      created_by: people.admin.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // Written directly above: the score read model of the call, as the model functions keep it.
  await db.transaction().execute((trx) => rebuildCallScores(trx, call.id));
  return {
    callSlug: call.slug,
    callId: call.id,
    submittedId: submitted.id,
    draftId: draft.id,
    attachmentId: attachment.id,
    draftAttachmentId: (
      await db
        .selectFrom("attachments")
        .select("id")
        .where("proposal_id", "=", draft.id)
        .orderBy("id")
        .executeTakeFirstOrThrow()
    ).id,
    outboxId: outbox.id,
    webhookId: webhook.id,
    reviewId: review.id,
    discussedId: discussed.id,
    submittedReference,
  };
}

/** A fresh session cookie for an actor (null for the visitor): no call can end another's session. */
export async function cookieFor(people: People, actor: Actor): Promise<string | null> {
  if (actor === "visitor") return null;
  return cookieFrom(await createSession(getDb(), people[actor].id));
}

export function paramValue(source: ParamSource, world: World): string {
  switch (source) {
    case "callSlug":
      return world.callSlug;
    case "submittedId":
      return String(world.submittedId);
    case "draftId":
      return String(world.draftId);
    case "discussedId":
      return String(world.discussedId);
    case "attachmentId":
      return String(world.attachmentId);
    case "draftAttachmentId":
      return String(world.draftAttachmentId);
    case "outboxId":
      return String(world.outboxId);
    case "webhookId":
      return String(world.webhookId);
    case "step":
      return "project";
    case "splat":
      return "no/such/page";
    case "locale":
      return "zh-Hans";
  }
}

/** The URL path of a flat-routes file, with its params filled in. */
export function routePath(file: string, params: Record<string, string>, forAction = false): string {
  const base = file.replace(/\.(tsx|ts)$/, "");
  const escaped = base.replace(/\[\.([^\]]+)\]/g, "~dot~$1");
  const segments = escaped.split(".").flatMap((seg) => {
    const s = seg.replace(/~dot~/g, ".");
    if (s === "_index") return [];
    if (s === "$") return [params["*"] ?? ""];
    if (s.startsWith("$")) {
      const name = s.slice(1).replace(/\..*$/, "");
      const suffix = s.slice(1 + name.length);
      return [encodeURIComponent(params[name] ?? "") + suffix];
    }
    return [s];
  });
  const isIndex = base === "_index" || base.endsWith("._index");
  return "/" + segments.join("/") + (forAction && isIndex ? "?index" : "");
}

export function classify(status: number, location: string | null): Outcome {
  if (status >= 200 && status < 300) return "ok";
  if (status === 400 || status === 422) return "invalid";
  if (status === 403) return "forbidden";
  if (status === 404) return "notFound";
  if (status === 405) return "method";
  if (status === 401) return "unauthorised";
  if (status === 409) return "conflict";
  if (status === 410) return "gone";
  if (status >= 300 && status < 400) {
    return location && /^\/login(\?|$)/.test(location) ? "login" : "redirect";
  }
  return `status ${status}` as Outcome;
}

/**
 * Tables whose rows a refused request may change: sessions' last-seen times move, and a refusal
 * is audited ("access.refused" rows and their throttle; tests/integration/refusal-audit.test.ts).
 */
const CHECKED_TABLES_EXCLUDE = new Set([
  "sessions",
  "kysely_migration",
  "kysely_migration_lock",
  "audit_throttle",
]);
/** Rows a refusal writes, left out of the audit log's checksum. */
const REFUSAL_AUDIT = "access.refused";

/**
 * SHA-256 over every row of every domain table. SQLite: read through its synchronous connection,
 * in rowid order. PostgreSQL: every table as one JSON array (rows in the order of their text) in
 * one statement, since the matrix asks before and after every refusal and one round trip per
 * table made the matrix four minutes long there.
 */
export async function databaseChecksum(): Promise<string> {
  const db = getDb();
  const tables = (await tableNames(db)).filter((name) => !CHECKED_TABLES_EXCLUDE.has(name));
  const hash = crypto.createHash("sha256");
  if (dialectOf(db) === "postgres") {
    const rowsOf = (name: string) =>
      name === "audit_log"
        ? sql`(select json_agg(t order by t::text) from audit_log t where action != ${REFUSAL_AUDIT})`
        : sql`(select json_agg(t order by t::text) from ${sql.table(name)} t)`;
    const result = await sql<{ tables: unknown[] }>`select json_build_array(${sql.join(
      tables.map(rowsOf),
    )}) as tables`.execute(db);
    const contents = result.rows[0]!.tables;
    tables.forEach((name, i) => hash.update(`#${name}\n${JSON.stringify(contents[i])}\n`));
    return hash.digest("hex");
  }
  const sqlite = getSqlite();
  for (const name of tables) {
    hash.update(`#${name}\n`);
    const rows =
      name === "audit_log"
        ? sqlite.prepare(`select * from audit_log where action != ? order by id`).all(REFUSAL_AUDIT)
        : sqlite.prepare(`select * from "${name}"`).all();
    for (const r of rows) hash.update(JSON.stringify(r) + "\n");
  }
  return hash.digest("hex");
}

/**
 * SQLite's integrity_check of the whole file. PostgreSQL has no such check of its own (amcheck is
 * an extension): what a test can ask there is that every table still reads whole, which it does.
 */
export async function integrityCheck(): Promise<string> {
  const db = getDb();
  if (dialectOf(db) === "postgres") {
    for (const name of await tableNames(db))
      await sql`select * from ${sql.table(name)}`.execute(db);
    return "ok";
  }
  const result = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
  return result.rows.map((r) => r.integrity_check).join(",");
}

export const matrixContext: AppLoadContext = {
  requestId: "matrix-request",
  cspNonce: "matrix-nonce",
  ip: "127.0.0.2",
};
