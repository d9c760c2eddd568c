// Test data made through the real code paths: users with hashed passwords, signed-in sessions.
import crypto from "node:crypto";
import type { Insertable } from "kysely";
import type { CallStatus, Criterion, ReviewScoresTable, Role, User } from "~db/schema";
import { DEFAULT_CRITERIA } from "~db/seed/default-criteria";
import { getDb } from "~/services/db.server";
import { hashPassword } from "~/services/password.server";
import { createSession } from "~/services/session.server";
import { validAnswers } from "./proposal-answers";
import { cookieFrom } from "./remix";

let counter = 0;

export const TEST_PASSWORD = "correct horse battery staple";

export async function createUser(
  role: Role = "applicant",
  overrides: Partial<{
    email: string;
    displayName: string;
    verified: boolean;
    disabled: boolean;
    locale: "en" | "zh-Hans";
    password: string;
  }> = {},
) {
  counter += 1;
  const email = overrides.email ?? `${role}${counter}-${Date.now()}@example.test`;
  const now = new Date().toISOString();
  const user = await getDb()
    .insertInto("users")
    .values({
      email,
      password_hash: await hashPassword(overrides.password ?? TEST_PASSWORD),
      role,
      display_name: overrides.displayName ?? `${role} ${counter}`,
      locale: overrides.locale ?? "en",
      email_verified_at: overrides.verified === false ? null : now,
      disabled_at: overrides.disabled ? now : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return user;
}

/** A user with a live session; `cookie` is the Cookie header to send. */
export async function signedIn(
  role: Role = "applicant",
  overrides: Parameters<typeof createUser>[1] = {},
) {
  const user = await createUser(role, overrides);
  const setCookie = await createSession(getDb(), user.id);
  return { user, cookie: cookieFrom(setCookie) };
}

// Calls, proposals and reviews, inserted as the application would have left them. Reviews are
// written straight to their tables (not through the review command), so a test that reads scores
// goes through the score read model's own refresh, as the board does.

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A call with the default criteria published as version 1. */
export async function createCall(
  opts: Partial<{
    status: CallStatus;
    opensAt: string;
    closesAt: string;
    minReviews: number;
  }> = {},
) {
  counter += 1;
  const db = getDb();
  const call = await db
    .insertInto("calls")
    .values({
      slug: `test-call-${counter}-${crypto.randomUUID().slice(0, 8)}`,
      title_en: `Test call ${counter}`,
      title_zh: `测试征集 ${counter}`,
      status: opts.status ?? "open",
      opens_at: opts.opensAt ?? inDays(-10),
      closes_at: opts.closesAt ?? inDays(30),
      min_reviews: opts.minReviews ?? 3,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto("criteria_versions")
    .values({ call_id: call.id, version: 1, published_at: inDays(-11) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("criteria")
    .values(
      DEFAULT_CRITERIA.map((c, i) => ({
        criteria_version_id: version.id,
        key: c.key,
        kind: c.kind,
        position: i + 1,
        title_en: c.titleEn,
        title_zh: c.titleZh,
        description_en: c.descriptionEn,
        description_zh: c.descriptionZh,
        weight: c.weight,
        min_level: c.minLevel,
        descriptors_json: JSON.stringify(c.descriptors),
        applies_to_track: c.appliesToTrack,
      })),
    )
    .execute();
  const criteria = await db
    .selectFrom("criteria")
    .selectAll()
    .where("criteria_version_id", "=", version.id)
    .orderBy("position")
    .execute();
  return { call, versionId: version.id, criteria };
}

export async function createOrganisation(name: string, parentGroup: string | null = null) {
  counter += 1;
  return getDb()
    .insertInto("organisations")
    .values({
      legal_name_en: name,
      legal_name_zh: `${name}有限公司`,
      uscc: `91110000TEST${String(counter).padStart(6, "0")}`,
      parent_group: parentGroup,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A submitted proposal with its answers (every step, saved and snapshotted), a reference, an
 * organisation and an owner, both made unless given.
 */
export async function createSubmittedProposal(
  callId: number,
  opts: {
    owner?: User;
    organisationId?: number;
    tracks?: string;
    status?: "submitted" | "under_review" | "withdrawn";
    ownerLocale?: "en" | "zh-Hans";
    investmentUsd?: number;
    submittedAt?: string;
  } = {},
) {
  const db = getDb();
  counter += 1;
  const n = counter;
  const owner = opts.owner ?? (await createUser("applicant", { locale: opts.ownerLocale ?? "en" }));
  const organisation = opts.organisationId
    ? await db
        .selectFrom("organisations")
        .selectAll()
        .where("id", "=", opts.organisationId)
        .executeTakeFirstOrThrow()
    : await createOrganisation(`Company ${n}`);
  const tracks = opts.tracks ?? "tier4DataCentre,bigDataPlatform";
  const title = `Tier IV campus ${n}`;
  const answers = validAnswers({
    tracks: tracks.split(","),
    companyEn: organisation.legal_name_en,
    companyZh: organisation.legal_name_zh ?? undefined,
  });
  Object.assign(answers.project!, { title, summary: "A campus." });
  const version = await db
    .selectFrom("criteria_versions")
    .select("id")
    .where("call_id", "=", callId)
    .where("published_at", "is not", null)
    .orderBy("version", "desc")
    .executeTakeFirst();
  const reference = `CDA-2026-${String(1000 + n).padStart(4, "0")}`;
  const submittedAt = opts.submittedAt ?? new Date().toISOString();
  const usd = opts.investmentUsd;
  const proposal = await db
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: owner.id,
      organisation_id: organisation.id,
      status: opts.status ?? "submitted",
      reference,
      title,
      tracks,
      company_en: organisation.legal_name_en,
      company_zh: organisation.legal_name_zh,
      submitted_parent_group: organisation.parent_group,
      // The investment columns only when asked for: the answers' capex is not ranked unless so.
      investment_amount: usd === undefined ? null : String(usd),
      investment_currency: usd === undefined ? null : "USD",
      investment_usd_cents: usd === undefined ? null : usd * 100,
      criteria_version_id: version?.id ?? null,
      snapshot_json: JSON.stringify({ version: 1, reference, submittedAt, answers }),
      submitted_at: submittedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto("proposal_answers")
    .values(
      Object.entries(answers).map(([step, data]) => ({
        proposal_id: proposal.id,
        step,
        data_json: JSON.stringify(data),
        complete: 1,
      })),
    )
    .execute();
  return { proposal, owner, organisation };
}

type CriterionRow = Pick<
  Criterion,
  "id" | "key" | "kind" | "applies_to_track" | "criteria_version_id"
>;

/**
 * A review of every criterion that applies to the proposal's tracks, by an assigned reviewer who
 * attested no conflict: `level` for every scored criterion unless `levels` (by key) says otherwise
 * (null leaves it unscored), every gate passed unless `gates` (by key) says otherwise.
 */
export async function createReview(
  proposalId: number,
  reviewerId: number,
  criteria: CriterionRow[],
  opts: {
    level?: number;
    levels?: Record<string, number | null>;
    gates?: Record<string, boolean>;
    status?: "submitted" | "draft";
  } = {},
) {
  const db = getDb();
  const status = opts.status ?? "submitted";
  const now = new Date().toISOString();
  const proposal = await db
    .selectFrom("proposals")
    .select("tracks")
    .where("id", "=", proposalId)
    .executeTakeFirstOrThrow();
  const tracks = (proposal.tracks ?? "").split(",");
  await db
    .insertInto("reviewer_assignments")
    .values({ proposal_id: proposalId, reviewer_id: reviewerId, attested_at: now })
    .execute();
  const review = await db
    .insertInto("reviews")
    .values({
      proposal_id: proposalId,
      reviewer_id: reviewerId,
      criteria_version_id: criteria[0]!.criteria_version_id,
      status,
      overall_comment: `Review by ${reviewerId}`,
      submitted_at: status === "submitted" ? now : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const scores = criteria.flatMap((c): Insertable<ReviewScoresTable>[] => {
    if (c.applies_to_track && !tracks.includes(c.applies_to_track)) return [];
    if (c.kind === "scored") {
      const level = opts.levels && c.key in opts.levels ? opts.levels[c.key]! : (opts.level ?? 4);
      return level === null
        ? []
        : [{ review_id: review.id, criterion_id: c.id, level, rationale: `Level for ${c.key}` }];
    }
    const pass = opts.gates?.[c.key] ?? true;
    return [
      { review_id: review.id, criterion_id: c.id, gate_pass: pass ? 1 : 0, rationale: "Gate" },
    ];
  });
  if (scores.length) await db.insertInto("review_scores").values(scores).execute();
  return review;
}
