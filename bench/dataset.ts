// Benchmark dataset: one open call under rolling review with 10,000 submitted proposals (200 with
// --quick), 50 reviewers, 3 submitted reviews per proposal over the call's 8 criteria and its gates,
// decisions on some, a supply of complete drafts for the submit scenario, and for the "reviews under
// load" scenario a fourth, attested but unreviewed assignment on some proposals (reviews to submit),
// submitted reviews an official can return and a few more officials — written into a fresh
// SQLite file migrated with the app's own migrations, then scored once (rebuildCallScores) so the
// board's read model is current, as it is in production after the last review.
//
//   tsx bench/dataset.ts --db /tmp/bench.db [--quick] [--proposals N] [--drafts N] [--json out.json]
//
// Rows go in through better-sqlite3 prepared statements inside one big transaction (a few seconds
// for ~600,000 rows); the answers, review rationales and company names come from the demo seed's
// generators so their text sizes are realistic (a few KB of answers per proposal).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { centsToNumber, toUsdCents } from "~/domain/money";
import { documentProblems } from "~/domain/documents";
import { tracksOf, validateAllSteps } from "~/domain/proposal-steps";
import { countByKind, listDocuments } from "~/models/attachments.server";
import { loadAnswers } from "~/models/proposals.server";
import { callRanking, rebuildCallScores } from "~/models/score-read-model.server";
import { migrateToLatest, openDatabase } from "~/services/db.server";
import { hashPassword } from "~/services/password.server";
import { buildAnswers, stepsFor, type Facts } from "~db/seed/answers";
import type { Company, Money, ProposalPlan, TrackCode } from "~db/seed/companies";
import { DEFAULT_TIE_BREAK, defaultCriteriaRows } from "~db/seed/default-criteria";
import { mulberry32, type Random } from "~db/seed/random";
import { gateRationale, overallComment, scoredRationale } from "~db/seed/reviews";
import { makeUscc } from "~db/seed/uscc";

export const BENCH_PASSWORD = "bench-password-2026";
export const BENCH_CALL_SLUG = "bench-tier4-bigdata";
export const OFFICIAL_EMAIL = "official@bench.test";
export const APPLICANT_EMAIL = "applicant@bench.test";

export interface DatasetSummary {
  database: string;
  callId: number;
  callSlug: string;
  proposals: number;
  reviewers: number;
  reviews: number;
  reviewScores: number;
  decisions: number;
  drafts: number[];
  /** Whether the first draft passes the same readiness check as submission; why not otherwise. */
  draftsReady: boolean;
  draftProblems: string | null;
  official: { email: string; password: string };
  applicant: { email: string; password: string };
  /**
   * For the "reviews under load" scenario (bench/run.mjs): proposals under review, each with an
   * attested assignment whose reviewer has not reviewed it yet (a review to submit); submitted
   * reviews of other proposals under review (to return); officials to return them. Written after
   * everything else, with no random numbers, so that the other scenarios see the same data.
   */
  reviewScenario: {
    submits: { proposalId: number; reviewerEmail: string }[];
    returns: { proposalId: number; reviewId: number }[];
    officials: string[];
    password: string;
  };
  /** A proposal ranked mid-table, for the breakdown scenario. */
  breakdownProposalId: number;
  answersBytesAverage: number;
  generateMs: number;
  recomputeMs: number;
  fileBytes: number;
}

const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

const CITIES = [
  { en: "Guiyang", zh: "贵阳", province: "Guizhou", division: "520115" },
  { en: "Beijing", zh: "北京", province: "Beijing", division: "110108" },
  { en: "Shenzhen", zh: "深圳", province: "Guangdong", division: "440305" },
  { en: "Hangzhou", zh: "杭州", province: "Zhejiang", division: "330106" },
  { en: "Chengdu", zh: "成都", province: "Sichuan", division: "510107" },
  { en: "Wuhan", zh: "武汉", province: "Hubei", division: "420106" },
  { en: "Xi'an", zh: "西安", province: "Shaanxi", division: "610113" },
  { en: "Nanjing", zh: "南京", province: "Jiangsu", division: "320106" },
  { en: "Zhongwei", zh: "中卫", province: "Ningxia", division: "640502" },
  { en: "Hohhot", zh: "呼和浩特", province: "Inner Mongolia", division: "150105" },
];
const WORDS = [
  { en: "Qianyun", zh: "黔云" },
  { en: "Hengxin", zh: "恒信" },
  { en: "Tianhe", zh: "天河" },
  { en: "Huaxin", zh: "华信" },
  { en: "Zhiyuan", zh: "智源" },
  { en: "Longteng", zh: "龙腾" },
  { en: "Xingyun", zh: "星云" },
  { en: "Jinshan", zh: "金山" },
  { en: "Ruida", zh: "瑞达" },
  { en: "Haiyun", zh: "海云" },
  { en: "Shuguang", zh: "曙光" },
  { en: "Lanjing", zh: "蓝鲸" },
];
const KINDS = [
  { en: "Data Technology", zh: "数据科技" },
  { en: "Cloud Computing", zh: "云计算" },
  { en: "Smart Data", zh: "智能数据" },
  { en: "Digital Infrastructure", zh: "数字基础设施" },
  { en: "Information Technology", zh: "信息技术" },
];
const FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"];
const GIVEN = ["Lei", "Na", "Wei", "Fang", "Jun", "Min", "Jing", "Hao", "Yan", "Tao"];
const TITLE_STEMS = [
  "Tier IV Data Centre",
  "Government Cloud and Data Platform",
  "Smart City Big Data Platform",
  "Fault-Tolerant Data Centre Campus",
  "National Data Exchange",
  "Hyperscale Campus and Data Lake",
];
const SITES = ["I-16", "I-17", "H-16", "Park Enclave", "Margalla", "Kahuta Road", "Sector E-12"];
const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const RATES: Record<Money["currency"], string> = { USD: "1", CNY: "0.139880", PKR: "0.003552" };
const TRACK_SETS: TrackCode[][] = [
  ["tier4DataCentre"],
  ["bigDataPlatform"],
  ["tier4DataCentre", "bigDataPlatform"],
];
const DECISION_REASONS = {
  shortlisted:
    "Qualifies on every criterion and gate; strong Tier IV evidence and committed financing.",
  reserve:
    "Qualifies, but ranks below the shortlist; kept in reserve should a shortlisted proposal fall away.",
  rejected: "Does not reach the qualifying score and fails the minimum level on data security.",
} as const;

function companyFor(i: number, rng: Random): Company {
  const city = CITIES[i % CITIES.length]!;
  const word = WORDS[Math.floor(i / CITIES.length) % WORDS.length]!;
  const kind = KINDS[Math.floor(i / (CITIES.length * WORDS.length)) % KINDS.length]!;
  const n = Math.floor(i / (CITIES.length * WORDS.length * KINDS.length));
  const suffix = n ? ` No. ${n + 1}` : "";
  const family = rng.pick(FAMILY);
  const given = rng.pick(GIVEN);
  return {
    key: `bench-${i}`,
    nameEn: `${city.en} ${word.en} ${kind.en} Co., Ltd.${suffix}`,
    nameZh: `${city.zh}${word.zh}${kind.zh}有限公司${n ? `第${n + 1}分公司` : ""}`,
    province: city.province,
    city: city.en,
    division: city.division,
    domain: `bench-${i}`,
    founded: rng.int(1998, 2020),
    employees: rng.int(80, 9000),
    revenue: { amount: `${rng.int(50, 9000)}000000.00`, currency: "CNY" },
    parentGroup: rng.chance(0.4) ? `${word.en} Holdings Group` : null,
    address: `${city.en} High-Tech Zone, Building ${rng.int(1, 30)}, ${city.province}, China`,
    contact: {
      family,
      given,
      nameZh: `${family}${given}`,
      jobTitle: rng.pick([
        "Director of International Business",
        "Chief Executive",
        "Vice President",
      ]),
      zh: rng.chance(0.5),
    },
    refSite: rng.chance(0.6)
      ? {
          site: `${city.en} Cloud Campus ${String.fromCharCode(65 + rng.int(0, 5))}`,
          itLoadMw: String(rng.pick([8, 12, 16, 24, 32])),
          tierCertificateId: `UTI-TIV-CN-${rng.int(2015, 2024)}-${String(rng.int(1, 999)).padStart(4, "0")}`,
          year: String(rng.int(2015, 2024)),
        }
      : null,
  };
}

function planFor(company: Company, rng: Random, status: ProposalPlan["status"]): ProposalPlan {
  const tracks = rng.pick(TRACK_SETS);
  const currency = rng.pick(["USD", "USD", "CNY", "PKR"] as const);
  const usd = rng.int(8, 600) * 1_000_000;
  const amount =
    currency === "USD" ? usd : currency === "CNY" ? Math.round(usd / 0.13988) : usd * 280;
  const stem = rng.pick(TITLE_STEMS);
  return {
    company: company.key,
    title: `Islamabad ${rng.pick(SITES)} ${stem}`,
    tracks,
    capex: { amount: `${amount}.00`, currency },
    status,
    quality: rng.pick([1, 2, 3, 3, 3, 4, 4, 5]),
    scenario: "normal",
    consortium: rng.chance(0.15),
  };
}

/** A longer summary than the demo's (applicants write 1,000–3,000 characters). */
function padSummary(answers: Record<string, Record<string, unknown>>, rng: Random) {
  const project = answers.project;
  if (!project || typeof project.summary !== "string") return;
  const extra = [
    "The design follows Uptime Institute Tier IV topology with two independent distribution paths for power and cooling, each able to carry the full critical load, and compartmentalised plant rooms so that a fire or flood in one cannot take down the other.",
    "Operations will be run by a Pakistani operating company with a local board, and restricted data is kept in Pakistan under the Cloud First Policy, with an independent audit every year.",
    "Financing combines sponsor equity with export-credit lending; the lenders' letters of interest are attached, and the sponsor has delivered projects of comparable size in China since 2015.",
    "The training programme brings graduates from Islamabad universities into a two-year rotation covering electrical, mechanical and network operations, with certification paths for each.",
  ];
  let text = project.summary;
  while (text.length < 1400) text += " " + rng.pick(extra);
  project.summary = text.slice(0, 2900);
}

function leveled(quality: number, leaning: number, rng: Random): number {
  const v = quality + leaning + rng.pick([-1, 0, 0, 0, 1]);
  return Math.max(0, Math.min(5, v));
}

export async function generateDataset(opts: {
  database: string;
  proposals: number;
  drafts: number;
  reviewers?: number;
  seed?: number;
  /** How many reviews to submit and to return the "reviews under load" scenario may use (each). */
  reviewActions?: number;
}): Promise<DatasetSummary> {
  const started = performance.now();
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(opts.database + suffix, { force: true });
  const { db, sqlite } = openDatabase(opts.database);
  await migrateToLatest(db);
  // Generation only: the server reopens the file with its own settings (synchronous=FULL).
  sqlite.pragma("synchronous = OFF");
  const rng = mulberry32(opts.seed ?? 20261128);
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const reviewerCount = opts.reviewers ?? 50;
  const now = Date.now();
  const opensAt = now - 60 * DAY;
  const year = new Date(now + 5 * 60 * 60 * 1000).getUTCFullYear();

  const insertUser = sqlite.prepare(
    `insert into users (email, password_hash, role, display_name, locale, organisation_id, email_verified_at, password_changed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertOrg = sqlite.prepare(
    `insert into organisations (legal_name_en, legal_name_zh, country, uscc, province, city, parent_group, profile_json, created_at, updated_at)
     values (?, ?, 'CN', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertProposal = sqlite.prepare(
    `insert into proposals (call_id, owner_id, organisation_id, status, reference, title, tracks, company_en, company_zh,
       investment_amount, investment_currency, investment_usd_cents, last_step, snapshot_json, criteria_version_id,
       submission_key, submitted_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAnswer = sqlite.prepare(
    `insert into proposal_answers (proposal_id, step, data_json, complete, updated_at) values (?, ?, ?, 1, ?)`,
  );
  const insertAttachment = sqlite.prepare(
    `insert into attachments (proposal_id, kind, original_name, stored_name, mime_type, size_bytes, sha256, uploaded_by, created_at)
     values (?, ?, ?, ?, 'application/pdf', ?, ?, ?, ?)`,
  );
  const insertAssignment = sqlite.prepare(
    `insert into reviewer_assignments (proposal_id, reviewer_id, assigned_by, assigned_at, due_at, attested_at) values (?, ?, ?, ?, ?, ?)`,
  );
  const insertReview = sqlite.prepare(
    `insert into reviews (proposal_id, reviewer_id, criteria_version_id, status, overall_comment, submitted_at, created_at, updated_at)
     values (?, ?, ?, 'submitted', ?, ?, ?, ?)`,
  );
  const insertScore = sqlite.prepare(
    `insert into review_scores (review_id, criterion_id, level, gate_pass, rationale) values (?, ?, ?, ?, ?)`,
  );
  const insertDecision = sqlite.prepare(
    `insert into decisions (proposal_id, outcome, reason, decided_by, decided_at) values (?, ?, ?, ?, ?)`,
  );
  const insertAudit = sqlite.prepare(
    `insert into audit_log (at, actor_id, actor_email, action, entity_type, entity_id, call_id, proposal_id, after_json)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  let reviewsWritten = 0;
  let scoresWritten = 0;
  let decisionsWritten = 0;
  let answersBytes = 0;
  const draftIds: number[] = [];
  let callId = 0;
  const reviewActions = opts.reviewActions ?? 30;
  // Proposals under review with their three reviewers and reviews, for the review scenario.
  const underReview: { proposalId: number; reviewerIds: number[]; reviewIds: number[] }[] = [];
  const reviewScenario: DatasetSummary["reviewScenario"] = {
    submits: [],
    returns: [],
    officials: [],
    password: BENCH_PASSWORD,
  };

  const orgCount = Math.max(10, Math.ceil(opts.proposals / 5));
  const write = sqlite.transaction(() => {
    const staffAt = iso(opensAt - 30 * DAY);
    const official = Number(
      insertUser.run(
        OFFICIAL_EMAIL,
        passwordHash,
        "official",
        "Bench Official",
        "en",
        null,
        staffAt,
        staffAt,
        staffAt,
        staffAt,
      ).lastInsertRowid,
    );
    const reviewers: { id: number; email: string; leaning: number }[] = [];
    for (let r = 0; r < reviewerCount; r++) {
      const email = `reviewer${r + 1}@bench.test`;
      const id = Number(
        insertUser.run(
          email,
          passwordHash,
          "reviewer",
          `Bench Reviewer ${r + 1}`,
          "en",
          null,
          staffAt,
          staffAt,
          staffAt,
          staffAt,
        ).lastInsertRowid,
      );
      // Some reviewers mark low, some high: calibration has something to correct.
      reviewers.push({ id, email, leaning: r % 5 === 1 ? -1 : r % 5 === 3 ? 1 : 0 });
    }
    for (const [currency, rate] of Object.entries(RATES)) {
      sqlite
        .prepare(
          `insert into exchange_rates (currency, usd_per_unit, rate_date, source, created_by) values (?, ?, ?, 'benchmark', ?)`,
        )
        .run(currency, rate, iso(opensAt - 40 * DAY).slice(0, 10), official);
    }
    callId = Number(
      sqlite
        .prepare(
          `insert into calls (slug, title_en, title_zh, description_en, description_zh, status, opens_at, closes_at, tie_break_json, created_by, created_at, updated_at)
           values (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          BENCH_CALL_SLUG,
          "Benchmark: Islamabad Tier IV Data Centre and Big Data Collaboration",
          "基准测试：伊斯兰堡 Tier IV 数据中心与大数据合作",
          "A call generated by the benchmark harness.",
          "基准测试生成的征集。",
          iso(opensAt),
          iso(now + 60 * DAY),
          JSON.stringify(DEFAULT_TIE_BREAK),
          official,
          iso(opensAt - 10 * DAY),
          iso(opensAt - 5 * DAY),
        ).lastInsertRowid,
    );
    const versionId = Number(
      sqlite
        .prepare(
          `insert into criteria_versions (call_id, version, published_at, created_by, created_at) values (?, 1, ?, ?, ?)`,
        )
        .run(callId, iso(opensAt - 5 * DAY), official, iso(opensAt - 9 * DAY)).lastInsertRowid,
    );
    const insertCriterion = sqlite.prepare(
      `insert into criteria (criteria_version_id, key, kind, position, title_en, title_zh, description_en, description_zh, weight, min_level, descriptors_json, applies_to_track)
       values (@criteria_version_id, @key, @kind, @position, @title_en, @title_zh, @description_en, @description_zh, @weight, @min_level, @descriptors_json, @applies_to_track)`,
    );
    const criteria = defaultCriteriaRows(versionId).map((row) => ({
      id: Number(insertCriterion.run(row).lastInsertRowid),
      key: row.key,
      kind: row.kind,
      weight: row.weight ?? 0,
      track: row.applies_to_track,
    }));
    const scored = criteria.filter((c) => c.kind === "scored");
    const gates = criteria.filter((c) => c.kind === "gate");

    const orgs: { id: number; owner: number; company: Company; uscc: string }[] = [];
    const usccSeen = new Set<string>();
    const makeOrg = (i: number, email: string) => {
      const company = companyFor(i, rng);
      let uscc = "";
      do {
        const body = Array.from({ length: 9 }, () => rng.pick(USCC_ALPHABET.split(""))).join("");
        uscc = makeUscc(company.division, body);
      } while (usccSeen.has(uscc));
      usccSeen.add(uscc);
      const at = iso(opensAt - rng.int(1, 20) * DAY);
      const orgId = Number(
        insertOrg.run(
          company.nameEn,
          company.nameZh,
          uscc,
          company.province,
          company.city,
          company.parentGroup,
          "{}",
          at,
          at,
        ).lastInsertRowid,
      );
      const owner = Number(
        insertUser.run(
          email,
          passwordHash,
          "applicant",
          `${company.contact.given} ${company.contact.family}`,
          company.contact.zh ? "zh-Hans" : "en",
          orgId,
          at,
          at,
          at,
          at,
        ).lastInsertRowid,
      );
      const org = { id: orgId, owner, company, uscc };
      orgs.push(org);
      return org;
    };
    for (let i = 0; i < orgCount; i++) makeOrg(i, `contact${i + 1}@bench.test`);

    const documentsFor = (
      proposalId: number,
      owner: number,
      stem: string,
      tracks: readonly string[],
      at: string,
    ) => {
      const kinds = [
        "businessLicence",
        "companyProfile",
        "auditedFinancials",
        "auditedFinancials",
        "financingEvidence",
      ];
      if (tracks.includes("tier4DataCentre")) kinds.push("technicalConcept");
      const docs = kinds.map((kind, k) => {
        const size = rng.int(200_000, 8_000_000);
        const sha256 = crypto.createHash("sha256").update(`${proposalId}:${k}`).digest("hex");
        const name = `${stem}-${kind}${k === 3 ? "-2" : ""}.pdf`;
        insertAttachment.run(proposalId, kind, name, crypto.randomUUID(), size, sha256, owner, at);
        return { kind, name, mimeType: "application/pdf", size, sha256 };
      });
      return docs;
    };

    const writeAnswers = (
      proposalId: number,
      steps: Record<string, Record<string, unknown>>,
      at: string,
    ) => {
      for (const [step, data] of Object.entries(steps)) {
        const json = JSON.stringify(data);
        answersBytes += json.length;
        insertAnswer.run(proposalId, step, json, at);
      }
    };

    // Submitted proposals, in submission order (references are sequential by submission time).
    const span = now - opensAt - 2 * DAY;
    for (let i = 0; i < opts.proposals; i++) {
      const org = orgs[i % orgs.length]!;
      const r = rng.next();
      const decided: keyof typeof DECISION_REASONS | null =
        r < 0.04 ? "shortlisted" : r < 0.07 ? "reserve" : r < 0.12 ? "rejected" : null;
      const status = decided ?? (r < 0.15 ? "clarification_requested" : "under_review");
      const plan = planFor(org.company, rng, status);
      const built = buildAnswers(org.company, plan, org.uscc, rng, year);
      const steps = Object.fromEntries(
        stepsFor(plan).map((s) => [s, built.steps[s] ?? {}]),
      ) as Record<string, Record<string, unknown>>;
      padSummary(steps, rng);
      const submittedMs = opensAt + Math.floor((span * i) / opts.proposals) + rng.int(0, 3_000_000);
      const submittedAt = iso(submittedMs);
      const createdAt = iso(submittedMs - rng.int(3, 14) * DAY);
      const reference = `CDA-${year}-${String(i + 1).padStart(4, "0")}`;
      const capex = plan.capex!;
      const usdCents = centsToNumber(toUsdCents(capex.amount, RATES[capex.currency]));
      const info = insertProposal.run(
        callId,
        org.owner,
        org.id,
        status,
        reference,
        plan.title,
        plan.tracks.join(","),
        org.company.nameEn,
        org.company.nameZh,
        capex.amount,
        capex.currency,
        usdCents,
        "documents",
        null,
        versionId,
        `bench-${reference}`,
        submittedAt,
        createdAt,
        submittedAt,
      );
      const proposalId = Number(info.lastInsertRowid);
      writeAnswers(proposalId, steps, createdAt);
      const documents = documentsFor(
        proposalId,
        org.owner,
        org.company.domain,
        plan.tracks,
        createdAt,
      );
      const snapshot = {
        version: 1,
        reference,
        submittedAt,
        answers: steps,
        organisation: {
          legalNameEn: org.company.nameEn,
          legalNameZh: org.company.nameZh,
          country: "CN",
          uscc: org.uscc,
          parentGroup: org.company.parentGroup,
        },
        documents,
        declaration: {
          signatoryName: `${org.company.contact.given} ${org.company.contact.family}`,
          signatoryTitle: org.company.contact.jobTitle,
          confirm: "yes",
          confirmedAt: submittedAt,
        },
        criteriaVersionId: versionId,
      };
      sqlite
        .prepare(`update proposals set snapshot_json = ? where id = ?`)
        .run(JSON.stringify(snapshot), proposalId);
      insertAudit.run(
        submittedAt,
        org.owner,
        null,
        "proposal.submit",
        "proposal",
        String(proposalId),
        callId,
        proposalId,
        JSON.stringify({ status: "submitted", reference }),
      );

      // Three submitted reviews by three different reviewers, in rotation.
      const assignedMs = submittedMs + DAY;
      const applicableGates = gates.filter(
        (g) => g.track === null || (plan.tracks as string[]).includes(g.track),
      );
      const disagreement = rng.chance(0.05);
      const gateFail = rng.chance(0.04);
      const kept =
        status === "under_review"
          ? { proposalId, reviewerIds: [] as number[], reviewIds: [] as number[] }
          : null;
      if (kept) underReview.push(kept);
      for (let slot = 0; slot < 3; slot++) {
        const reviewer = reviewers[(i * 3 + slot) % reviewers.length]!;
        const attested = iso(assignedMs + (slot + 1) * 3_600_000);
        insertAssignment.run(
          proposalId,
          reviewer.id,
          official,
          iso(assignedMs),
          iso(assignedMs + 21 * DAY),
          attested,
        );
        const levels = scored.map((c) => {
          let level = leveled(plan.quality, reviewer.leaning, rng);
          if (disagreement && c.key === "finance" && slot < 2) level = slot === 0 ? 1 : 4;
          return level;
        });
        const total = scored.reduce((sum, c, k) => sum + c.weight * levels[k]!, 0) / 5;
        const reviewMs = Math.min(assignedMs + rng.int(1, 9) * DAY, now - 60_000);
        const reviewAt = iso(reviewMs);
        const reviewId = Number(
          insertReview.run(
            proposalId,
            reviewer.id,
            versionId,
            overallComment(total),
            reviewAt,
            attested,
            reviewAt,
          ).lastInsertRowid,
        );
        reviewsWritten++;
        kept?.reviewerIds.push(reviewer.id);
        kept?.reviewIds.push(reviewId);
        scored.forEach((c, k) => {
          insertScore.run(
            reviewId,
            c.id,
            levels[k]!,
            null,
            scoredRationale(c.key, levels[k]!, built.facts as Facts, rng),
          );
          scoresWritten++;
        });
        for (const g of applicableGates) {
          const pass = !(gateFail && g.key === "g3" && slot < 2);
          insertScore.run(
            reviewId,
            g.id,
            null,
            pass ? 1 : 0,
            gateRationale(g.key, pass, built.facts, rng, false),
          );
          scoresWritten++;
        }
        insertAudit.run(
          reviewAt,
          reviewer.id,
          reviewer.email,
          "review.submit",
          "review",
          String(reviewId),
          callId,
          proposalId,
          JSON.stringify({ status: "submitted", revision: 1 }),
        );
      }
      if (decided) {
        insertDecision.run(
          proposalId,
          decided,
          DECISION_REASONS[decided],
          official,
          iso(now - DAY),
        );
        decisionsWritten++;
      }
    }
    sqlite
      .prepare(`insert into reference_counters (year, last_value) values (?, ?)`)
      .run(year, opts.proposals);

    // Complete drafts owned by one applicant, ready for the submit scenario.
    const applicantOrg = makeOrg(orgCount, APPLICANT_EMAIL);
    for (let d = 0; d < opts.drafts; d++) {
      const plan = planFor(applicantOrg.company, rng, "draft");
      const built = buildAnswers(applicantOrg.company, plan, applicantOrg.uscc, rng, year);
      const steps = Object.fromEntries(
        stepsFor(plan).map((s) => [s, built.steps[s] ?? {}]),
      ) as Record<string, Record<string, unknown>>;
      padSummary(steps, rng);
      const createdAt = iso(now - rng.int(1, 10) * DAY);
      const capex = plan.capex!;
      const info = insertProposal.run(
        callId,
        applicantOrg.owner,
        applicantOrg.id,
        "draft",
        null,
        plan.title,
        plan.tracks.join(","),
        applicantOrg.company.nameEn,
        applicantOrg.company.nameZh,
        capex.amount,
        capex.currency,
        centsToNumber(toUsdCents(capex.amount, RATES[capex.currency])),
        "documents",
        null,
        null,
        null,
        null,
        createdAt,
        createdAt,
      );
      const proposalId = Number(info.lastInsertRowid);
      writeAnswers(proposalId, steps, createdAt);
      documentsFor(
        proposalId,
        applicantOrg.owner,
        applicantOrg.company.domain,
        plan.tracks,
        createdAt,
      );
      draftIds.push(proposalId);
    }
    // Organisation profiles (the organisation step's answers) for the companies that have one.
    const setProfile = sqlite.prepare(`update organisations set profile_json = ? where id = ?`);
    for (const org of orgs) {
      setProfile.run(
        JSON.stringify({
          legalNameEn: org.company.nameEn,
          legalNameZh: org.company.nameZh,
          uscc: org.uscc,
        }),
        org.id,
      );
    }

    // The "reviews under load" scenario's supply, last and without random numbers: the rows above
    // (and so every other scenario's figures) are the same as without it. Nothing the board, the
    // exports or the scores read changes: an assignment without a review counts nowhere.
    for (let k = 0; k < 5; k++) {
      const email = `official${k + 2}@bench.test`;
      insertUser.run(
        email,
        passwordHash,
        "official",
        `Bench Official ${k + 2}`,
        "en",
        null,
        staffAt,
        staffAt,
        staffAt,
        staffAt,
      );
      reviewScenario.officials.push(email);
    }
    // Spread over the call: submits from the front half of the proposals under review, returns
    // from the back half, never the same proposal twice.
    const count = Math.min(reviewActions, Math.floor(underReview.length / 2));
    const stride = Math.max(1, Math.floor(underReview.length / 2 / Math.max(1, count)));
    const assignedAt = iso(now - 2 * DAY);
    const attestedAt = iso(now - DAY);
    const usedReviewers = new Set<number>();
    for (let k = 0; k < count; k++) {
      const p = underReview[k * stride]!;
      // A different reviewer for each review to submit (as far as there are reviewers), none of
      // the proposal's own three.
      let r = k % reviewers.length;
      const taken = (x: number) => p.reviewerIds.includes(reviewers[x]!.id);
      for (let n = 0; n < reviewers.length && (taken(r) || usedReviewers.has(r)); n++)
        r = (r + 1) % reviewers.length;
      while (taken(r)) r = (r + 1) % reviewers.length;
      usedReviewers.add(r);
      const reviewer = reviewers[r]!;
      insertAssignment.run(
        p.proposalId,
        reviewer.id,
        official,
        assignedAt,
        iso(now + 19 * DAY),
        attestedAt,
      );
      reviewScenario.submits.push({ proposalId: p.proposalId, reviewerEmail: reviewer.email });
      const q = underReview[underReview.length - 1 - k * stride]!;
      reviewScenario.returns.push({ proposalId: q.proposalId, reviewId: q.reviewIds[k % 3]! });
    }
    return official;
  });
  write();
  const generateMs = performance.now() - started;
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("optimize");

  // The same readiness check submission runs, on the first draft.
  let draftProblems: string | null = null;
  if (draftIds.length) {
    const answers = await loadAnswers(db, draftIds[0]!);
    const docs = await listDocuments(db, draftIds[0]!);
    const stepErrors = validateAllSteps(answers);
    const docProblems = documentProblems(countByKind(docs), tracksOf(answers) ?? []);
    if (Object.keys(stepErrors).length || docProblems.length)
      draftProblems = JSON.stringify({ stepErrors, documents: docProblems });
  }

  const recomputeStarted = performance.now();
  await db.transaction().execute((trx) => rebuildCallScores(trx, callId));
  const recomputeMs = performance.now() - recomputeStarted;

  const ranking = await callRanking(db, callId);
  const midId = ranking?.byRaw[Math.floor(opts.proposals / 3)];
  const mid = midId === undefined ? undefined : { proposal_id: midId };
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await db.destroy();
  return {
    database: path.resolve(opts.database),
    callId,
    callSlug: BENCH_CALL_SLUG,
    proposals: opts.proposals,
    reviewers: reviewerCount,
    reviews: reviewsWritten,
    reviewScores: scoresWritten,
    decisions: decisionsWritten,
    drafts: draftIds,
    draftsReady: draftIds.length > 0 && draftProblems === null,
    draftProblems,
    official: { email: OFFICIAL_EMAIL, password: BENCH_PASSWORD },
    applicant: { email: APPLICANT_EMAIL, password: BENCH_PASSWORD },
    reviewScenario,
    breakdownProposalId: mid?.proposal_id ?? 1,
    answersBytesAverage: Math.round(answersBytes / Math.max(1, opts.proposals + opts.drafts)),
    generateMs: Math.round(generateMs),
    recomputeMs: Math.round(recomputeMs),
    fileBytes: fs.statSync(opts.database).size,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: "string" },
      quick: { type: "boolean", default: false },
      proposals: { type: "string" },
      drafts: { type: "string" },
      json: { type: "string" },
    },
  });
  if (!values.db) throw new Error("usage: tsx bench/dataset.ts --db FILE [--quick] [--json OUT]");
  const proposals = Number(values.proposals ?? (values.quick ? 200 : 10_000));
  const drafts = Number(values.drafts ?? (values.quick ? 1200 : 6000));
  const summary = await generateDataset({ database: values.db, proposals, drafts });
  const text = JSON.stringify(summary);
  if (values.json) fs.writeFileSync(values.json, text);
  else console.log(text);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
