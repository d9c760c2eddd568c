// The Open Contracting Data Standard (OCDS 1.1) view of a call (issue 17, docs/decisions/0020).
// Plain TypeScript: builds the releases the portal publishes and the packages it serves from what
// was published (app/domain/results.ts), never from live tables. Each release, once built, is
// stored and served as it is; a later change is a new release.
//
// Mapping: one call = one contracting process (ocid = OCDS_PREFIX + "-" + the call's slug); the
// CDA is the buyer (and, being both, is not repeated as procuringEntity, as the standard asks);
// companies whose proposals are published are tenderers; a shortlisted proposal is an award to its
// company (supplier); reserve proposals are tenderers without an award.
import type { PublishedCriterion, PublishedResults, ResultEntry } from "./results";

export const OCDS_VERSION = "1.1";

export const CDA_PARTY_ID = "cda";
export const CDA_NAME_EN = "Capital Development Authority (CDA), Islamabad";
export const CDA_NAME_ZH = "伊斯兰堡首都发展局";

/** The call's data as the tender part of a release needs it. */
export interface TenderFacts {
  call: Omit<PublishedResults["call"], "decidedAt">;
  rules: PublishedResults["rules"];
  criteria: PublishedResults["criteria"];
}

/** Absolute addresses of the call's public pages (the caller knows the portal's address). */
export interface Addresses {
  callPage: string;
  criteriaPage: string;
  resultsPage: string;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Release = { [key: string]: Json } & { id: string; date: string; tag: string[] };

export function ocidFor(prefix: string, slug: string): string {
  return `${prefix}-${slug}`;
}

export function releaseIdFor(ocid: string, tag: string, sequence: number): string {
  return `${ocid}-${sequence}-${tag}`;
}

function weightsText(scored: readonly PublishedCriterion[], zh: boolean): string {
  return scored
    .map((c) => `${zh && c.titleZh ? c.titleZh : c.titleEn} ${c.weight ?? 0}%`)
    .join(zh ? "；" : "; ");
}

function gatesText(gates: readonly PublishedCriterion[], zh: boolean): string {
  return gates.map((c) => (zh && c.titleZh ? c.titleZh : c.titleEn)).join(zh ? "；" : "; ");
}

/** awardCriteriaDetails in English and Chinese: the published criteria, weights and rules. */
export function awardCriteriaDetails(facts: TenderFacts): { en: string; zh: string } {
  const { rules, criteria } = facts;
  const scored = criteria?.scored ?? [];
  const gates = criteria?.gates ?? [];
  const en = [
    `Proposals are scored 0–100 against the published criteria (version ${criteria?.version ?? "–"}), each weighted: ${weightsText(scored, false)}.`,
    `A proposal's score is the sum of each weight times the mean level (0–5) given by its reviewers, divided by 5.`,
    gates.length
      ? `Pass/fail gates (a majority of reviews decides): ${gatesText(gates, false)}.`
      : "",
    `A proposal qualifies with at least ${rules.minReviews} reviews, every gate passed, every criterion at or above its minimum level, and a score of at least ${rules.qualifyingScore}.`,
    `Ties are broken by the criteria ${rules.tieBreak.join(", ")} (higher mean first), then by the earlier submission.`,
    `The CDA shortlists proposals from the ranking; the full rules are published at the criteria page.`,
  ]
    .filter(Boolean)
    .join(" ");
  const zh = [
    `提案依据已公布的评审标准（第 ${criteria?.version ?? "–"} 版）按 0–100 分评分，各项权重：${weightsText(scored, true)}。`,
    `提案得分为各项权重乘以评审员所给等级（0–5）的平均值之和除以 5。`,
    gates.length ? `通过/不通过门槛（以多数评审意见为准）：${gatesText(gates, true)}。` : "",
    `提案须至少有 ${rules.minReviews} 份评审、通过全部门槛、每项标准达到最低等级且得分不低于 ${rules.qualifyingScore} 方为合格。`,
    `同分时依次比较标准 ${rules.tieBreak.join("、")} 的平均等级（高者在前），再比较提交时间（早者在前）。`,
    `首都发展局根据排名确定入围名单；完整规则见评审标准页面。`,
  ]
    .filter(Boolean)
    .join("");
  return { en, zh };
}

function cdaParty(contactEmail: string): { [key: string]: Json } {
  return {
    id: CDA_PARTY_ID,
    name: CDA_NAME_EN,
    "name_zh-Hans": CDA_NAME_ZH,
    address: { locality: "Islamabad", countryName: "Pakistan" },
    contactPoint: { name: "CDA Investment Proposal Portal", email: contactEmail },
    roles: ["buyer"],
  };
}

const buyerRef = { id: CDA_PARTY_ID, name: CDA_NAME_EN };

function tenderBlock(facts: TenderFacts, urls: Addresses, status: "active" | "complete") {
  const details = awardCriteriaDetails(facts);
  const { call } = facts;
  const tender: { [key: string]: Json } = {
    id: call.slug,
    title: call.titleEn,
    "title_zh-Hans": call.titleZh,
    description: call.descriptionEn,
    "description_zh-Hans": call.descriptionZh,
    status,
    procurementMethod: "open",
    procurementMethodDetails: "Open call for investment proposals",
    awardCriteria: "ratedCriteria",
    awardCriteriaDetails: details.en,
    "awardCriteriaDetails_zh-Hans": details.zh,
    submissionMethod: ["electronicSubmission"],
    submissionMethodDetails: urls.callPage,
    tenderPeriod: { startDate: call.opensAt, endDate: call.closesAt },
    documents: [
      {
        id: "criteria",
        documentType: "evaluationCriteria",
        title: "Published criteria and scoring rules",
        "title_zh-Hans": "已公布的评审标准和评分规则",
        url: urls.criteriaPage,
        format: "text/html",
        language: "en",
        ...(facts.criteria ? { datePublished: facts.criteria.publishedAt } : {}),
      },
    ],
  };
  return tender;
}

/** The release published when a call opens: the tender, active. */
export function tenderRelease(args: {
  ocid: string;
  id: string;
  date: string;
  facts: TenderFacts;
  urls: Addresses;
}): Release {
  return {
    ocid: args.ocid,
    id: args.id,
    date: args.date,
    tag: ["tender"],
    initiationType: "tender",
    language: "en",
    parties: [cdaParty(args.facts.call.contactEmail)],
    buyer: buyerRef,
    tender: tenderBlock(args.facts, args.urls, "active"),
  };
}

function partyOf(e: ResultEntry, roles: string[]): { [key: string]: Json } {
  return {
    id: e.partyKey,
    name: e.companyEn,
    ...(e.companyZh ? { "name_zh-Hans": e.companyZh } : {}),
    roles,
  };
}

const refOf = (e: ResultEntry) => ({ id: e.partyKey, name: e.companyEn });

function awardOf(e: ResultEntry, results: PublishedResults): { [key: string]: Json } {
  return {
    id: e.reference,
    title: e.title,
    description: `Shortlisted: proposal ${e.reference}, rank ${e.rank ?? "–"}, score ${e.score ?? "–"}.`,
    "description_zh-Hans": `入围：提案 ${e.reference}，排名 ${e.rank ?? "–"}，得分 ${e.score ?? "–"}。`,
    status: "active",
    date: results.call.decidedAt,
    datePublished: results.publishedAt,
    suppliers: [refOf(e)],
  };
}

/**
 * The release published with a call's decisions: the tender, complete, its tenderers, and one
 * award per shortlisted proposal. With the call's previous award release (decisions published
 * again after a reopening) it is an "awardUpdate": an award no longer shortlisted is kept,
 * cancelled, and every award added or cancelled carries an amendment naming both releases.
 */
export function awardRelease(args: {
  ocid: string;
  id: string;
  results: PublishedResults;
  urls: Addresses;
  previous?: Release;
}): Release {
  const { results, previous } = args;
  const date = results.publishedAt;
  const shown = results.entries;
  // One party per company: a company with several published proposals is one tenderer.
  const parties = new Map<string, { [key: string]: Json }>();
  const roles = new Map<string, Set<string>>();
  for (const e of shown) {
    if (!parties.has(e.partyKey)) parties.set(e.partyKey, partyOf(e, []));
    const set = roles.get(e.partyKey) ?? new Set<string>();
    set.add("tenderer");
    if (e.outcome === "shortlisted") set.add("supplier");
    roles.set(e.partyKey, set);
  }
  for (const [key, party] of parties)
    party.roles = ["tenderer", "supplier"].filter((r) => roles.get(key)!.has(r));

  const amendment = (awardId: string, en: string, zh: string) => ({
    id: `${args.id}-${awardId}`,
    date,
    rationale: "The call was reopened for review and its decisions were published again.",
    "rationale_zh-Hans": "本轮征集经重新评审后再次公布了决定。",
    description: en,
    "description_zh-Hans": zh,
    amendsReleaseID: previous!.id,
    releaseID: args.id,
  });
  const awards: { [key: string]: Json }[] = [];
  const before = new Map<string, { [key: string]: Json }>();
  if (previous && Array.isArray(previous.awards))
    for (const a of previous.awards as { [key: string]: Json }[]) before.set(String(a.id), a);
  for (const e of shown.filter((x) => x.outcome === "shortlisted")) {
    const award = awardOf(e, results);
    const prior = before.get(e.reference);
    if (previous && (!prior || prior.status === "cancelled"))
      award.amendments = [
        amendment(e.reference, "Shortlisted in this publication.", "本次公布中入围。"),
      ];
    awards.push(award);
  }
  for (const [id, prior] of before) {
    if (awards.some((a) => a.id === id)) continue;
    const alreadyCancelled = prior.status === "cancelled";
    awards.push({
      ...prior,
      status: "cancelled",
      ...(alreadyCancelled
        ? {}
        : {
            amendments: [
              amendment(id, "No longer shortlisted in this publication.", "本次公布中不再入围。"),
            ],
          }),
    });
  }

  const facts: TenderFacts = {
    call: results.call,
    rules: results.rules,
    criteria: results.criteria,
  };
  const tender = tenderBlock(facts, args.urls, "complete");
  tender.awardPeriod = { startDate: results.call.closesAt, endDate: results.call.decidedAt };
  tender.numberOfTenderers = results.counts.decided;
  tender.tenderers = [...parties.values()].map((p) => ({ id: p.id ?? null, name: p.name ?? null }));
  (tender.documents as Json[]).push({
    id: "results",
    documentType: "awardNotice",
    title: "Published results",
    "title_zh-Hans": "公布的结果",
    url: args.urls.resultsPage,
    format: "text/html",
    language: "en",
    datePublished: date,
  });
  return {
    ocid: args.ocid,
    id: args.id,
    date,
    tag: [previous ? "awardUpdate" : "award"],
    initiationType: "tender",
    language: "en",
    parties: [cdaParty(results.call.contactEmail), ...parties.values()],
    buyer: buyerRef,
    tender,
    awards,
  };
}

/** The release package: every release published for the call, oldest first. */
export function releasePackage(args: { uri: string; releases: Release[]; publisherUri: string }): {
  [key: string]: Json;
} {
  const dates = args.releases.map((r) => r.date).sort();
  return {
    uri: args.uri,
    version: OCDS_VERSION,
    publishedDate: dates[dates.length - 1] ?? null,
    publisher: { name: CDA_NAME_EN, uri: args.publisherUri },
    releases: args.releases,
  };
}

// ------------------------------------------------------------------ record package

const OMIT_WHEN_MERGED = new Set(["id", "date", "tag", "publisher", "links"]);

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mergeValue(base: Json | undefined, next: Json): Json {
  if (isObject(next)) {
    const out: { [key: string]: Json } = isObject(base) ? { ...base } : {};
    for (const [k, v] of Object.entries(next)) out[k] = mergeValue(out[k], v);
    return out;
  }
  if (Array.isArray(next) && next.every((x) => isObject(x) && "id" in x)) {
    // Arrays of objects with ids merge item by item (OCDS merging); others are replaced whole.
    const out: Json[] = Array.isArray(base) ? [...base] : [];
    for (const item of next as { [key: string]: Json }[]) {
      const at = out.findIndex((x) => isObject(x) && x.id === item.id);
      if (at === -1) out.push(mergeValue(undefined, item));
      else out[at] = mergeValue(out[at], item);
    }
    return out;
  }
  return next;
}

/**
 * The compiled release: the releases merged oldest first by the standard's merge rules (objects
 * field by field, arrays of objects with an id item by item, other values replaced), tagged
 * "compiled".
 */
export function compileReleases(ocid: string, releases: readonly Release[]): Release {
  let merged: { [key: string]: Json } = {};
  const sorted = [...releases].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const r of sorted) {
    const body: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(r)) if (!OMIT_WHEN_MERGED.has(k)) body[k] = v;
    merged = mergeValue(merged, body) as { [key: string]: Json };
  }
  const date = sorted[sorted.length - 1]?.date ?? "";
  return { ...merged, ocid, id: `${ocid}-${date}`, date, tag: ["compiled"] };
}

/** The record package: one record for the call with every release and the compiled release. */
export function recordPackage(args: {
  uri: string;
  ocid: string;
  releases: Release[];
  publisherUri: string;
}): { [key: string]: Json } {
  const dates = args.releases.map((r) => r.date).sort();
  return {
    uri: args.uri,
    version: OCDS_VERSION,
    publishedDate: dates[dates.length - 1] ?? null,
    publisher: { name: CDA_NAME_EN, uri: args.publisherUri },
    records: [
      {
        ocid: args.ocid,
        releases: args.releases,
        compiledRelease: compileReleases(args.ocid, args.releases),
      },
    ],
  };
}
