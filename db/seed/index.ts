// The demo data: one open call under rolling review with ~30 proposals in every state, an upcoming
// call, a decided past call and a draft call, with the accounts the README lists. Deterministic:
// a fixed-seed PRNG and fixed dates, so two seeds produce the same rows (password hashes aside).
import type { Kysely, Transaction } from "kysely";
import { DEMO_ADMIN_TOTP_SECRET } from "./demo-admin-totp";
import { centsToNumber, toUsdCents } from "~/domain/money";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { publishResults, publishTender } from "~/models/open-data.server";
import type { DB } from "~/services/db.server";
import { hashPassword } from "~/services/password.server";
import type { Currency, Database, ProposalStatus, Role } from "../schema";
import { buildAnswers, companyProfile, stepsFor, type Facts, type Step } from "./answers";
import {
  COMPANIES,
  DEMO_PROPOSALS,
  PAST_PROPOSALS,
  type Company,
  type ProposalPlan,
} from "./companies";
import { DEFAULT_CRITERIA, DEFAULT_TIE_BREAK, defaultCriteriaRows } from "./default-criteria";
import { insertDocuments } from "./documents";
import { mulberry32, type Random } from "./random";
import {
  gateRationale,
  levelPair,
  overallComment,
  pickLevel,
  scoredRationale,
  type Leaning,
} from "./reviews";
import { breakCheck, makeUscc } from "./uscc";

export { DEFAULT_CRITERIA, DEFAULT_TIE_BREAK } from "./default-criteria";

export const DEMO_PASSWORD = "demo-password-2026";
export const DEMO_CALL_SLUG = "tier4-bigdata-2026";
const SEED = 20261001;
const RATE_SOURCE = "State Bank of Pakistan reference rate (demo)";
const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/** Reviews submitted in the demo are no later than this (the day before the demo was prepared). */
const REVIEW_CUTOFF = "2026-11-27T10:00:00.000Z";

type Tx = Transaction<Database>;

/** Seeds the demo when the database has no users; returns whether it seeded. */
export async function seedDemoIfEmpty(db: Kysely<Database>): Promise<boolean> {
  const any = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (any) return false;
  // One hash for every demo account: scrypt is deliberately slow, and they share one password.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    const again = await trx.selectFrom("users").select("id").limit(1).executeTakeFirst();
    if (again) return false;
    await seedDemo(trx, passwordHash);
    // The score read model of every seeded call, from scratch (the seed writes reviews directly).
    for (const call of await trx.selectFrom("calls").select("id").execute())
      await rebuildCallScores(trx as DB, call.id);
    await seedOpenData(trx);
    return true;
  });
}

/**
 * What the portal would have published (issue 17): each call that was opened, its OCDS tender
 * release when it opened; the decided past call, its results and award release when decided.
 */
async function seedOpenData(trx: Tx) {
  for (const c of Object.values(CALLS)) {
    if (c.status === "draft" || !c.published_at) continue;
    const row = await trx
      .selectFrom("calls")
      .select("id")
      .where("slug", "=", c.slug)
      .executeTakeFirstOrThrow();
    await publishTender(trx as DB, row.id, c.published_at);
    if (c.decided_at) await publishResults(trx as DB, row.id, c.decided_at, null);
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const utc = (y: number, m: number, d: number, h = 0, min = 0) =>
  new Date(Date.UTC(y, m - 1, d, h, min)).toISOString();
const addHours = (iso: string, hours: number) =>
  new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
const addMinutes = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const addDays = (iso: string, days: number) => addHours(iso, days * 24);
const minIso = (a: string, b: string) => (a < b ? a : b);
const clamp = (n: number) => Math.max(0, Math.min(5, n));

async function audit(
  trx: Tx,
  row: {
    at: string;
    actor: { id: number; email: string } | null;
    action: string;
    entityType: string;
    entityId: number | string;
    callId?: number | null;
    proposalId?: number | null;
    before?: unknown;
    after?: unknown;
  },
) {
  await trx
    .insertInto("audit_log")
    .values({
      at: row.at,
      actor_id: row.actor?.id ?? null,
      actor_email: row.actor?.email ?? null,
      action: row.action,
      entity_type: row.entityType,
      entity_id: String(row.entityId),
      call_id: row.callId ?? null,
      proposal_id: row.proposalId ?? null,
      before_json: row.before === undefined ? null : JSON.stringify(row.before),
      after_json: row.after === undefined ? null : JSON.stringify(row.after),
      ip: null,
      request_id: "demo-seed",
    })
    .execute();
}

interface SeedUser {
  id: number;
  email: string;
}

async function insertUser(
  trx: Tx,
  passwordHash: string,
  u: {
    email: string;
    role: Role;
    name: string;
    locale?: "en" | "zh-Hans";
    organisationId?: number | null;
    at: string;
  },
): Promise<SeedUser> {
  const row = await trx
    .insertInto("users")
    .values({
      email: u.email,
      password_hash: passwordHash,
      role: u.role,
      display_name: u.name,
      locale: u.locale ?? "en",
      organisation_id: u.organisationId ?? null,
      email_verified_at: addHours(u.at, 1),
      disabled_at: null,
      password_changed_at: u.at,
      created_at: u.at,
      updated_at: u.at,
    })
    .returning(["id", "email"])
    .executeTakeFirstOrThrow();
  return row;
}

// ---------------------------------------------------------------------------------------------
// Calls and criteria
// ---------------------------------------------------------------------------------------------

const CALLS = {
  demo: {
    slug: DEMO_CALL_SLUG,
    title_en: "Islamabad Tier IV Data Centre and Big Data Collaboration 2026",
    title_zh: "伊斯兰堡 Tier IV 数据中心与大数据合作项目 2026",
    description_en: [
      "The Capital Development Authority invites proposals to build and operate a Tier IV data centre in Islamabad, to provide big data platforms that improve the city's services, or both.",
      "Each proposal is scored against the published criteria by at least three CDA reviewers. Review is rolling: proposals are reviewed as they arrive, and the ranking is decided after the call closes.",
      "Restricted and sensitive data must stay in Pakistan, in line with the Pakistan Cloud First Policy. Applicants may propose a CDA site or their own land.",
    ].join("\n\n"),
    description_zh: [
      "首都发展局诚邀企业提交提案：在伊斯兰堡建设并运营 Tier IV 数据中心，或提供改善城市服务的大数据平台，或两者兼有。",
      "每份提案由至少三名首都发展局评审员依据已公布的评审标准评分。评审滚动进行：提案收到后即开始评审，征集截止后确定排名。",
      "依照《巴基斯坦云优先政策》，受限级和敏感数据必须留存在巴基斯坦境内。申请方可提议使用首都发展局提供的地块或自有土地。",
    ].join("\n\n"),
    status: "open" as const,
    opens_at: utc(2026, 10, 1, 4), // 09:00 Pakistan time
    closes_at: utc(2027, 3, 31, 12), // 17:00 Pakistan time
    created_at: utc(2026, 9, 10, 6),
    published_at: utc(2026, 9, 20, 6),
    decided_at: null,
  },
  upcoming: {
    slug: "smart-city-data-2027",
    title_en: "Islamabad Smart City Data Platforms 2027",
    title_zh: "伊斯兰堡智慧城市数据平台 2027",
    description_en: [
      "A second round focused on big data platforms for city services: mobility, water, waste and citizen services.",
      "Data-centre capacity may be offered as part of a proposal. The same published criteria and scoring rules apply.",
    ].join("\n\n"),
    description_zh: [
      "第二轮征集，重点是面向城市服务的大数据平台：交通出行、供水、垃圾处理和市民服务。",
      "提案中可包含数据中心容量。适用相同的已公布评审标准和评分规则。",
    ].join("\n\n"),
    status: "open" as const,
    opens_at: utc(2027, 5, 3, 4),
    closes_at: utc(2027, 8, 31, 12),
    created_at: utc(2026, 11, 10, 6),
    published_at: utc(2026, 11, 20, 6),
    decided_at: null,
  },
  past: {
    slug: "gov-cloud-pilot-2025",
    title_en: "Islamabad Government Cloud Pilot 2025",
    title_zh: "伊斯兰堡政务云试点 2025",
    description_en:
      "A pilot round for government cloud hosting in Islamabad. The call is closed and its decisions have been made.",
    description_zh: "伊斯兰堡政务云托管试点征集。本轮征集已截止，并已作出决定。",
    status: "decided" as const,
    opens_at: utc(2025, 3, 3, 4),
    closes_at: utc(2025, 6, 30, 12),
    created_at: utc(2025, 2, 10, 6),
    published_at: utc(2025, 2, 20, 6),
    decided_at: utc(2025, 9, 15, 7),
  },
  draft: {
    slug: "edge-sites-2027",
    title_en: "Islamabad Edge Computing Sites 2027",
    title_zh: "伊斯兰堡边缘计算站点 2027",
    description_en:
      "In preparation: small edge data centres beside CDA's water and traffic facilities.",
    description_zh: "筹备中：在首都发展局供水和交通设施旁建设小型边缘数据中心。",
    status: "draft" as const,
    opens_at: utc(2027, 9, 1, 4),
    closes_at: utc(2027, 12, 15, 12),
    created_at: utc(2026, 11, 25, 6),
    published_at: null,
    decided_at: null,
  },
};

interface SeededCall {
  id: number;
  versionId: number;
  criteria: {
    id: number;
    key: string;
    kind: "scored" | "gate";
    weight: number | null;
    track: string | null;
  }[];
}

async function insertCall(
  trx: Tx,
  c: (typeof CALLS)[keyof typeof CALLS],
  official: SeedUser,
): Promise<SeededCall> {
  const call = await trx
    .insertInto("calls")
    .values({
      slug: c.slug,
      title_en: c.title_en,
      title_zh: c.title_zh,
      description_en: c.description_en,
      description_zh: c.description_zh,
      status: c.status,
      opens_at: c.opens_at,
      closes_at: c.closes_at,
      tie_break_json: JSON.stringify(DEFAULT_TIE_BREAK),
      decided_at: c.decided_at,
      created_by: official.id,
      created_at: c.created_at,
      updated_at: c.decided_at ?? c.published_at ?? c.created_at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await audit(trx, {
    at: c.created_at,
    actor: official,
    action: "call.create",
    entityType: "call",
    entityId: call.id,
    callId: call.id,
    after: { slug: c.slug, title_en: c.title_en, status: "draft" },
  });
  const version = await trx
    .insertInto("criteria_versions")
    .values({
      call_id: call.id,
      version: 1,
      published_at: c.published_at,
      created_by: official.id,
      created_at: addDays(c.created_at, 1),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.insertInto("criteria").values(defaultCriteriaRows(version.id)).execute();
  const criteria = await trx
    .selectFrom("criteria")
    .select(["id", "key", "kind", "weight", "applies_to_track as track"])
    .where("criteria_version_id", "=", version.id)
    .orderBy("position")
    .execute();
  if (c.published_at) {
    await audit(trx, {
      at: c.published_at,
      actor: official,
      action: "criteria.publish",
      entityType: "criteria_version",
      entityId: version.id,
      callId: call.id,
      after: { version: 1, criteria: DEFAULT_CRITERIA.map((k) => k.key) },
    });
  }
  return { id: call.id, versionId: version.id, criteria };
}

// ---------------------------------------------------------------------------------------------
// Exchange rates
// ---------------------------------------------------------------------------------------------

const RATES: { currency: Currency; usd_per_unit: string; rate_date: string }[] = [
  { currency: "USD", usd_per_unit: "1", rate_date: "2025-01-01" },
  { currency: "CNY", usd_per_unit: "0.137900", rate_date: "2025-02-28" },
  { currency: "PKR", usd_per_unit: "0.003580", rate_date: "2025-02-28" },
  { currency: "CNY", usd_per_unit: "0.140250", rate_date: "2026-09-30" },
  { currency: "PKR", usd_per_unit: "0.003560", rate_date: "2026-09-30" },
  { currency: "CNY", usd_per_unit: "0.139880", rate_date: "2026-10-31" },
  { currency: "PKR", usd_per_unit: "0.003552", rate_date: "2026-10-31" },
];

/** The latest rate dated on or before `iso` (the day of submission, or of the last save). */
function rateFor(currency: Currency, iso: string) {
  const day = iso.slice(0, 10);
  const candidates = RATES.filter((r) => r.currency === currency && r.rate_date <= day);
  const rate = candidates[candidates.length - 1];
  if (!rate) throw new Error(`no ${currency} rate on ${day}`);
  return rate;
}

// ---------------------------------------------------------------------------------------------
// Proposals, reviews, clarifications, decisions
// ---------------------------------------------------------------------------------------------

interface Ctx {
  trx: Tx;
  rng: Random;
  official: SeedUser;
  reviewers: { user: SeedUser; leaning: Leaning }[];
  /** reviewer index → parent groups they declared a conflict with */
  conflictGroups: Map<number, string[]>;
  orgs: Map<string, { id: number; uscc: string; needsCheck: boolean }>;
  owners: Map<string, SeedUser>;
  rotation: number;
}

interface Scheduled {
  plan: ProposalPlan;
  createdAt: string;
  submittedAt: string | null;
  reference: string | null;
}

/** Submission times and references (sequential by submission time within the year). */
function schedule(
  plans: ProposalPlan[],
  rng: Random,
  year: number,
  window: { start: string; lateStart: string },
): Scheduled[] {
  let early = 0;
  let late = 0;
  const rows: Scheduled[] = plans.map((plan) => {
    if (plan.status === "draft") {
      const createdAt = addHours(window.lateStart, rng.int(0, 200));
      return { plan, createdAt, submittedAt: null, reference: null };
    }
    // Proposals not yet assigned arrived most recently; the rest over the earlier weeks.
    const base =
      plan.status === "submitted"
        ? addDays(window.lateStart, 1 + 4 * late++)
        : addDays(window.start, Math.floor(1.8 * early++));
    const submittedAt = addMinutes(base, 60 * rng.int(3, 12) + rng.int(0, 59));
    return { plan, createdAt: addDays(submittedAt, -rng.int(6, 14)), submittedAt, reference: null };
  });
  const submitted = rows
    .filter((r) => r.submittedAt)
    .sort((a, b) => (a.submittedAt! < b.submittedAt! ? -1 : 1));
  submitted.forEach((r, i) => {
    r.reference = `CDA-${year}-${String(i + 1).padStart(4, "0")}`;
  });
  return rows;
}

async function insertProposal(
  ctx: Ctx,
  call: SeededCall,
  s: Scheduled,
  year: number,
): Promise<{ id: number; facts: Facts; at: string }> {
  const { trx, rng } = ctx;
  const { plan } = s;
  const company = COMPANIES.find((c) => c.key === plan.company)!;
  const org = ctx.orgs.get(company.key)!;
  const owner = ctx.owners.get(company.key)!;
  const built = buildAnswers(company, plan, org.uscc, rng, year);
  const allSteps = stepsFor(plan);
  const saved: Step[] = plan.status === "draft" ? allSteps.slice(0, plan.stepsDone ?? 0) : allSteps;
  const has = (step: Step) => saved.includes(step);
  const lastSaved = s.submittedAt ?? addHours(s.createdAt, 2 * saved.length);
  const capex = has("investment") ? plan.capex : null;
  const rate = capex ? rateFor(capex.currency, lastSaved) : null;
  const status: ProposalStatus = plan.status;
  const withdrawnAt = status === "withdrawn" ? addDays(s.submittedAt!, 9) : null;
  const answers = Object.fromEntries(saved.map((step) => [step, built.steps[step] ?? {}]));

  const row = await trx
    .insertInto("proposals")
    .values({
      call_id: call.id,
      owner_id: owner.id,
      organisation_id: org.id,
      status,
      reference: s.reference,
      title: has("project") ? plan.title : null,
      tracks: has("project") ? plan.tracks.join(",") : null,
      company_en: has("organisation") ? company.nameEn : null,
      company_zh: has("organisation") ? company.nameZh : null,
      investment_amount: capex?.amount ?? null,
      investment_currency: capex?.currency ?? null,
      investment_usd_cents:
        capex && rate ? centsToNumber(toUsdCents(capex.amount, rate.usd_per_unit)) : null,
      uscc_needs_check: org.needsCheck ? 1 : 0,
      last_step: s.submittedAt ? "documents" : (saved[saved.length - 1] ?? null),
      snapshot_json: null,
      criteria_version_id: s.submittedAt ? call.versionId : null,
      submission_key: s.reference ? `demo-${s.reference}` : null,
      submitted_at: s.submittedAt,
      created_at: s.createdAt,
      updated_at: withdrawnAt ?? lastSaved,
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  if (!s.submittedAt && plan.documentsDone) {
    await insertDocuments(trx, {
      proposalId: row.id,
      ownerId: owner.id,
      company,
      plan,
      year,
      at: lastSaved,
      rng,
      limit: plan.documentsDone,
    });
  }
  if (s.submittedAt) {
    // What the submission module snapshots: answers, company profile, documents, declaration.
    const documents = await insertDocuments(trx, {
      proposalId: row.id,
      ownerId: owner.id,
      company,
      plan,
      year,
      at: addHours(s.submittedAt, -3),
      rng,
    });
    const snapshot = {
      version: 1,
      reference: s.reference,
      submittedAt: s.submittedAt,
      answers,
      organisation: {
        id: org.id,
        legalNameEn: company.nameEn,
        legalNameZh: company.nameZh,
        country: "CN",
        uscc: org.uscc,
        usccNeedsCheck: org.needsCheck,
        registrationNumber: null,
        province: company.province,
        city: company.city,
        parentGroup: company.parentGroup,
        profile: built.profile,
      },
      documents,
      declaration: {
        signatoryName: `${company.contact.given} ${company.contact.family}`,
        signatoryTitle: company.contact.jobTitle,
        confirm: "yes",
        confirmedAt: s.submittedAt,
      },
      criteriaVersionId: call.versionId,
    };
    await trx
      .updateTable("proposals")
      .set({
        snapshot_json: JSON.stringify(snapshot),
        submitted_parent_group: company.parentGroup,
      })
      .where("id", "=", row.id)
      .execute();
  }

  for (const [i, step] of saved.entries()) {
    // A draft's last saved step is still in progress; everything else is complete.
    const inProgress = status === "draft" && i === saved.length - 1 && saved.length > 1;
    await trx
      .insertInto("proposal_answers")
      .values({
        proposal_id: row.id,
        step,
        data_json: JSON.stringify(built.steps[step] ?? {}),
        complete: inProgress ? 0 : 1,
        updated_at: addHours(s.createdAt, 2 * (i + 1)),
      })
      .execute();
  }

  if (s.submittedAt) {
    await audit(trx, {
      at: s.submittedAt,
      actor: owner,
      action: "proposal.submit",
      entityType: "proposal",
      entityId: row.id,
      callId: call.id,
      proposalId: row.id,
      before: { status: "draft" },
      after: { status: "submitted", reference: s.reference },
    });
  }
  if (withdrawnAt) {
    await audit(trx, {
      at: withdrawnAt,
      actor: owner,
      action: "proposal.withdraw",
      entityType: "proposal",
      entityId: row.id,
      callId: call.id,
      proposalId: row.id,
      before: { status: "submitted" },
      after: { status: "withdrawn" },
    });
  }
  return { id: row.id, facts: built.facts, at: s.submittedAt ?? lastSaved };
}

/** Picks the next reviewers in rotation, skipping any with a declared conflict. */
function nextReviewers(ctx: Ctx, company: Company, count: number): number[] {
  const chosen: number[] = [];
  for (let tries = 0; chosen.length < count && tries < 20; tries++) {
    const index = ctx.rotation % ctx.reviewers.length;
    ctx.rotation++;
    const conflicted =
      company.parentGroup !== null &&
      (ctx.conflictGroups.get(index) ?? []).includes(company.parentGroup);
    if (!conflicted && !chosen.includes(index)) chosen.push(index);
  }
  return chosen;
}

type ReviewKind = "submitted" | "draft" | "unattested";

function reviewKinds(plan: ProposalPlan): ReviewKind[] {
  switch (plan.scenario) {
    case "gateSplit":
      return ["submitted", "submitted", "submitted", "submitted"];
    case "short":
      return ["submitted", "submitted", "draft"];
    case "fresh":
      return ["submitted", "draft", "unattested"];
    default:
      return ["submitted", "submitted", "submitted"];
  }
}

async function insertReviews(
  ctx: Ctx,
  call: SeededCall,
  proposal: { id: number; facts: Facts; at: string },
  plan: ProposalPlan,
  cutoff: string,
): Promise<string> {
  const { trx, rng } = ctx;
  const company = COMPANIES.find((c) => c.key === plan.company)!;
  const kinds = reviewKinds(plan);
  const chosen = nextReviewers(ctx, company, kinds.length);
  const bigDataOnly = !plan.tracks.includes("tier4DataCentre");
  const scored = call.criteria.filter((c) => c.kind === "scored");
  const gates = call.criteria.filter(
    (c) => c.kind === "gate" && (c.track === null || plan.tracks.includes(c.track as never)),
  );
  // The proposal's "true" level per criterion, and the two adjacent levels reviewers choose from.
  const pairs = new Map<string, [number, number]>();
  for (const c of scored) {
    let t = clamp(plan.quality + rng.pick([-1, 0, 0, 1]));
    if (bigDataOnly && (c.key === "tier4" || c.key === "energy")) t = clamp(plan.quality - 1);
    if (!company.refSite && c.key === "track") t = Math.min(t, 2);
    pairs.set(c.key, levelPair(t, rng));
  }

  const assignedAt = addDays(proposal.at, 2);
  let lastReviewAt = assignedAt;
  await trx
    .updateTable("proposals")
    .set({ updated_at: assignedAt })
    .where("id", "=", proposal.id)
    .execute();
  await audit(trx, {
    at: assignedAt,
    actor: ctx.official,
    action: "proposal.under_review",
    entityType: "proposal",
    entityId: proposal.id,
    callId: call.id,
    proposalId: proposal.id,
    before: { status: "submitted" },
    after: { status: "under_review" },
  });

  for (const [slot, reviewerIndex] of chosen.entries()) {
    const kind = kinds[slot]!;
    const reviewer = ctx.reviewers[reviewerIndex]!;
    const attestedAt = kind === "unattested" ? null : addHours(assignedAt, 20 + slot * 5);
    const assignment = await trx
      .insertInto("reviewer_assignments")
      .values({
        proposal_id: proposal.id,
        reviewer_id: reviewer.user.id,
        assigned_by: ctx.official.id,
        assigned_at: assignedAt,
        due_at: addDays(assignedAt, 21),
        attested_at: attestedAt,
        unassigned_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await audit(trx, {
      at: assignedAt,
      actor: ctx.official,
      action: "assignment.add",
      entityType: "assignment",
      entityId: assignment.id,
      callId: call.id,
      proposalId: proposal.id,
      after: { reviewerId: reviewer.user.id },
    });
    if (!attestedAt) continue;

    const levels = new Map<string, number>();
    for (const c of scored) levels.set(c.key, pickLevel(pairs.get(c.key)!, reviewer.leaning, rng));
    if (plan.scenario === "disagreement" && slot < 2) {
      // One reviewer found no evidence of the lenders' letters, another accepted them.
      levels.set("finance", slot === 0 ? 1 : 4);
    }
    const gatePass = new Map<string, boolean>();
    for (const g of gates) {
      let pass = true;
      if (plan.scenario === "gateFail" && g.key === "g3") pass = slot === 2;
      if (plan.scenario === "gateSplit" && g.key === "g2") pass = slot % 2 === 1;
      gatePass.set(g.key, pass);
    }
    const total = scored.reduce((sum, c) => sum + (c.weight ?? 0) * levels.get(c.key)!, 0) / 5;
    const submittedAt =
      kind === "submitted"
        ? minIso(addHours(attestedAt, 24 * rng.int(2, 9) + rng.int(1, 8)), cutoff)
        : null;
    if (submittedAt && submittedAt > lastReviewAt) lastReviewAt = submittedAt;
    const review = await trx
      .insertInto("reviews")
      .values({
        proposal_id: proposal.id,
        reviewer_id: reviewer.user.id,
        criteria_version_id: call.versionId,
        status: kind === "submitted" ? "submitted" : "draft",
        overall_comment: kind === "submitted" ? overallComment(total) : "",
        revision: 1,
        return_note: null,
        submitted_at: submittedAt,
        created_at: addHours(attestedAt, 2),
        updated_at: submittedAt ?? addHours(attestedAt, 26),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // A draft review has the first few criteria filled in.
    const scoredRows = kind === "submitted" ? scored : scored.slice(0, 3);
    for (const c of scoredRows) {
      await trx
        .insertInto("review_scores")
        .values({
          review_id: review.id,
          criterion_id: c.id,
          level: levels.get(c.key)!,
          gate_pass: null,
          rationale: scoredRationale(c.key, levels.get(c.key)!, proposal.facts, rng),
        })
        .execute();
    }
    if (kind === "submitted") {
      for (const g of gates) {
        await trx
          .insertInto("review_scores")
          .values({
            review_id: review.id,
            criterion_id: g.id,
            level: null,
            gate_pass: gatePass.get(g.key) ? 1 : 0,
            rationale: gateRationale(
              g.key,
              gatePass.get(g.key)!,
              proposal.facts,
              rng,
              ctx.orgs.get(company.key)!.needsCheck,
            ),
          })
          .execute();
      }
      await audit(trx, {
        at: submittedAt!,
        actor: reviewer.user,
        action: "review.submit",
        entityType: "review",
        entityId: review.id,
        callId: call.id,
        proposalId: proposal.id,
        after: { status: "submitted", revision: 1 },
      });
    }
  }
  return lastReviewAt;
}

const CLARIFICATIONS: Record<string, { question: string; answer?: string }> = {
  lvneng: {
    question:
      "Please provide the signed term sheet for the solar power purchase agreement described in the project step, and confirm the grid connection capacity agreed with IESCO.",
  },
  xiyun: {
    question:
      "Your capital cost is given in Pakistani rupees. Please state the exchange rate you assumed and confirm the equity commitment of your parent company.",
    answer:
      "The rupee figure assumes PKR 280 per US dollar (State Bank of Pakistan reference rate, 30 September 2026). Our board approved an equity commitment of 35% on 12 November 2026; the signed letter is held by our local representative and can be presented at the CDA's request.",
  },
};

async function insertClarification(
  ctx: Ctx,
  callId: number,
  proposalId: number,
  plan: ProposalPlan,
  after: string,
) {
  const text = CLARIFICATIONS[plan.company];
  if (!text) return;
  const owner = ctx.owners.get(plan.company)!;
  const askedAt = minIso(addDays(after, 1), "2026-11-27T11:00:00.000Z");
  const q = await ctx.trx
    .insertInto("clarification_messages")
    .values({
      proposal_id: proposalId,
      author_id: ctx.official.id,
      kind: "question",
      body: text.question,
      created_at: askedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await audit(ctx.trx, {
    at: askedAt,
    actor: ctx.official,
    action: "clarification.request",
    entityType: "clarification_message",
    entityId: q.id,
    callId,
    proposalId,
    before: { status: "under_review" },
    after: { status: "clarification_requested" },
  });
  let updated = askedAt;
  if (plan.clarification === "answered" && text.answer) {
    const answeredAt = addHours(askedAt, 20);
    const a = await ctx.trx
      .insertInto("clarification_messages")
      .values({
        proposal_id: proposalId,
        author_id: owner.id,
        kind: "answer",
        body: text.answer,
        created_at: answeredAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await audit(ctx.trx, {
      at: answeredAt,
      actor: owner,
      action: "clarification.answer",
      entityType: "clarification_message",
      entityId: a.id,
      callId,
      proposalId,
    });
    updated = answeredAt;
  }
  await ctx.trx
    .updateTable("proposals")
    .set({ updated_at: updated })
    .where("id", "=", proposalId)
    .execute();
}

const DECISION_REASONS: Record<string, string> = {
  shortlisted: "Qualifies with a high score; all gates passed and financing is committed.",
  reserve: "Qualifies, but ranks below the shortlisted proposals; kept in reserve.",
  rejected:
    "Does not qualify: below the qualifying score and the minimum level for Tier IV credibility.",
};

// ---------------------------------------------------------------------------------------------
// The whole demo
// ---------------------------------------------------------------------------------------------

async function seedDemo(trx: Tx, passwordHash: string) {
  const rng = mulberry32(SEED);
  const staffAt = utc(2026, 9, 1, 5);

  const admin = await insertUser(trx, passwordHash, {
    email: "admin@demo.test",
    role: "admin",
    name: "Ayesha Siddiqui",
    at: staffAt,
  });
  // The demo admin's second factor (admins must use one): a fixed, published TOTP secret, so the
  // demo signs in with `npm run totp` or any authenticator app (README, "Demo accounts").
  await trx
    .updateTable("users")
    .set({ totp_secret: DEMO_ADMIN_TOTP_SECRET, totp_enabled_at: staffAt })
    .where("id", "=", admin.id)
    .execute();
  const official = await insertUser(trx, passwordHash, {
    email: "official@demo.test",
    role: "official",
    name: "Imran Qureshi",
    at: staffAt,
  });
  const reviewerNames = ["Sana Malik", "Bilal Ahmed", "Fatima Raza", "Usman Tariq", "Hira Javed"];
  // Reviewer 2 marks low and reviewer 4 marks high, so calibration has something to correct.
  const leanings: Leaning[] = ["neutral", "harsh", "neutral", "lenient", "neutral"];
  const reviewers: Ctx["reviewers"] = [];
  for (const [i, name] of reviewerNames.entries()) {
    const user = await insertUser(trx, passwordHash, {
      email: `reviewer${i + 1}@demo.test`,
      role: "reviewer",
      name,
      at: addHours(staffAt, i + 1),
    });
    reviewers.push({ user, leaning: leanings[i]! });
  }
  for (const [i, u] of [admin, official, ...reviewers.map((r) => r.user)].entries()) {
    await audit(trx, {
      at: addHours(staffAt, i),
      actor: null,
      action: "user.create",
      entityType: "user",
      entityId: u.id,
      after: { email: u.email, source: "demo seed" },
    });
  }

  for (const r of RATES) {
    await trx
      .insertInto("exchange_rates")
      .values({
        ...r,
        source: RATE_SOURCE,
        created_by: official.id,
        created_at: `${r.rate_date}T10:00:00.000Z`,
      })
      .execute();
  }

  // Companies: organisation rows and their owners' accounts.
  const orgs: Ctx["orgs"] = new Map();
  const owners: Ctx["owners"] = new Map();
  for (const [i, company] of COMPANIES.entries()) {
    const body = Array.from({ length: 9 }, () => rng.pick(USCC_ALPHABET.split(""))).join("");
    const good = makeUscc(company.division, body);
    const needsCheck = company.key === "haiyun";
    const uscc = needsCheck ? breakCheck(good) : good;
    const at = addHours(utc(2026, 9, 15, 3), 7 * i);
    const org = await trx
      .insertInto("organisations")
      .values({
        legal_name_en: company.nameEn,
        legal_name_zh: company.nameZh,
        country: "CN",
        uscc,
        uscc_needs_check: needsCheck ? 1 : 0,
        registration_number: null,
        province: company.province,
        city: company.city,
        parent_group: company.parentGroup,
        profile_json: JSON.stringify(companyProfile(company, uscc)),
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    orgs.set(company.key, { id: org.id, uscc, needsCheck });
    const owner = await insertUser(trx, passwordHash, {
      email:
        company.key === "qianyun" ? "applicant@demo.test" : `contact@${company.domain}.demo.test`,
      role: "applicant",
      name: `${company.contact.given} ${company.contact.family} ${company.contact.nameZh}`,
      locale: company.contact.zh ? "zh-Hans" : "en",
      organisationId: org.id,
      at: addHours(at, -1),
    });
    owners.set(company.key, owner);
  }
  await insertUser(trx, passwordHash, {
    email: "applicant2@demo.test",
    role: "applicant",
    name: "Li Na 李娜",
    locale: "zh-Hans",
    at: utc(2026, 11, 20, 2),
  });

  // Reviewer 5 once worked for a Greater Bay Digital company: a declared conflict.
  const conflictGroups = new Map<number, string[]>([[4, ["Greater Bay Digital Holdings"]]]);
  await trx
    .insertInto("conflicts")
    .values({
      reviewer_id: reviewers[4]!.user.id,
      organisation_id: null,
      parent_group: "Greater Bay Digital Holdings",
      proposal_id: null,
      reason: "Employed by Shenzhen Pengcheng Smart Data Co., Ltd. until 2023.",
      declared_at: utc(2026, 9, 25, 6),
    })
    .execute();

  const ctx: Ctx = { trx, rng, official, reviewers, conflictGroups, orgs, owners, rotation: 0 };

  // The past call, decided in 2025: every decision outcome.
  const past = await insertCall(trx, CALLS.past, official);
  const pastRows = schedule(PAST_PROPOSALS, rng, 2025, {
    start: utc(2025, 3, 10),
    lateStart: utc(2025, 6, 1),
  });
  for (const s of pastRows) {
    const p = await insertProposal(ctx, past, s, 2025);
    await insertReviews(ctx, past, p, s.plan, utc(2025, 7, 31, 10));
    const outcome = s.plan.decision!;
    const decidedAt = CALLS.past.decided_at!;
    await trx
      .insertInto("decisions")
      .values({
        proposal_id: p.id,
        outcome,
        reason: DECISION_REASONS[outcome]!,
        decided_by: official.id,
        decided_at: decidedAt,
      })
      .execute();
    await trx
      .updateTable("proposals")
      .set({ updated_at: decidedAt })
      .where("id", "=", p.id)
      .execute();
    await audit(trx, {
      at: decidedAt,
      actor: official,
      action: "decision.record",
      entityType: "proposal",
      entityId: p.id,
      callId: past.id,
      proposalId: p.id,
      before: { status: "under_review" },
      after: { status: outcome, reason: DECISION_REASONS[outcome] },
    });
  }
  await trx
    .insertInto("reference_counters")
    .values({ year: 2025, last_value: pastRows.filter((r) => r.reference).length })
    .execute();

  // The open demo call under rolling review.
  const demo = await insertCall(trx, CALLS.demo, official);
  ctx.rotation = 0;
  const demoRows = schedule(DEMO_PROPOSALS, rng, 2026, {
    start: utc(2026, 10, 2),
    lateStart: utc(2026, 11, 14),
  });
  for (const s of demoRows) {
    const p = await insertProposal(ctx, demo, s, 2026);
    const reviewed =
      s.plan.status === "under_review" || s.plan.status === "clarification_requested";
    if (!reviewed) continue;
    const lastReview = await insertReviews(ctx, demo, p, s.plan, REVIEW_CUTOFF);
    if (s.plan.status === "clarification_requested") {
      await insertClarification(ctx, demo.id, p.id, s.plan, lastReview);
    }
  }
  await trx
    .insertInto("reference_counters")
    .values({ year: 2026, last_value: demoRows.filter((r) => r.reference).length })
    .execute();

  await insertCall(trx, CALLS.upcoming, official);
  await insertCall(trx, CALLS.draft, official);
}
