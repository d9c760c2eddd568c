// Published results and Open Contracting releases (issue 17, docs/decisions/0020): the one owner
// of result_publications and ocds_releases. Both are written only here, inside the transaction of
// the change they publish (a call opening; its decisions published), and never changed afterwards
// (triggers refuse it). Pages and packages read what was published, never the live tables.
import { resultsSettingsEditable, publicEntries, RESULTS_FORMAT } from "~/domain/results";
import type { ProposalOutcome, PublishedResults } from "~/domain/results";
import {
  awardRelease,
  ocidFor,
  recordPackage,
  releaseIdFor,
  releasePackage,
  tenderRelease,
  type Addresses,
  type Json,
  type Release,
  type TenderFacts,
} from "~/domain/ocds";
import { auditActor, refuse, runCommand, type Actor, type CommandResult } from "~/domain/command";
import { writeAudit } from "~/models/audit.server";
import { getPublishedCriteria, parseTieBreak } from "~/models/calls.server";
import { callRanking } from "~/models/score-read-model.server";
import type { DB } from "~/services/db.server";
import { getEnv, publicUrl } from "~/services/env.server";
import type { Call } from "~db/schema";

export type { PublishedResults } from "~/domain/results";
export type { Release } from "~/domain/ocds";

function addresses(slug: string): Addresses {
  return {
    callPage: publicUrl(`/calls/${slug}`),
    criteriaPage: publicUrl(`/calls/${slug}/criteria`),
    resultsPage: publicUrl(`/calls/${slug}/results`),
  };
}

async function callRow(db: DB, callId: number): Promise<Call> {
  return db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirstOrThrow();
}

async function tenderFacts(db: DB, call: Call): Promise<TenderFacts> {
  const criteria = await getPublishedCriteria(db, call.id);
  const pick = (c: NonNullable<typeof criteria>["scored"][number]) => ({
    key: c.key,
    titleEn: c.titleEn,
    titleZh: c.titleZh,
    weight: c.weight,
    minLevel: c.minLevel,
    appliesToTrack: c.appliesToTrack,
  });
  return {
    call: {
      slug: call.slug,
      titleEn: call.title_en,
      titleZh: call.title_zh,
      descriptionEn: call.description_en,
      descriptionZh: call.description_zh,
      opensAt: call.opens_at,
      closesAt: call.closes_at,
      contactEmail: call.contact_email,
    },
    rules: {
      minReviews: call.min_reviews,
      qualifyingScore: call.qualifying_score,
      disagreementSpread: call.disagreement_spread,
      disagreementSd: call.disagreement_sd,
      calibrationMinReviews: call.calibration_min_reviews,
      tieBreak: parseTieBreak(call),
    },
    criteria: criteria
      ? {
          version: criteria.version,
          publishedAt: criteria.publishedAt,
          scored: criteria.scored.map(pick),
          gates: criteria.gates.map(pick),
        }
      : null,
  };
}

async function storeRelease(trx: DB, callId: number, release: Release): Promise<void> {
  await trx
    .insertInto("ocds_releases")
    .values({
      call_id: callId,
      ocid: String(release.ocid),
      release_id: release.id,
      tag: release.tag[0]!,
      date: release.date,
      release_json: JSON.stringify(release),
    })
    .execute();
}

async function releaseCount(trx: DB, callId: number): Promise<number> {
  const row = await trx
    .selectFrom("ocds_releases")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("call_id", "=", callId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The ocid of a call: its first release's (so that a later OCDS_PREFIX never renames it). */
async function ocidOf(trx: DB, call: Call): Promise<string> {
  const first = await trx
    .selectFrom("ocds_releases")
    .select("ocid")
    .where("call_id", "=", call.id)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return first?.ocid ?? ocidFor(getEnv().OCDS_PREFIX, call.slug);
}

/**
 * Publishes the call's tender release (tag "tender", status active). Run it inside the
 * transaction that opens the call; `at` is the moment it opens.
 */
export async function publishTender(trx: DB, callId: number, at: string): Promise<Release> {
  const call = await callRow(trx, callId);
  const ocid = await ocidOf(trx, call);
  const release = tenderRelease({
    ocid,
    id: releaseIdFor(ocid, "tender", (await releaseCount(trx, callId)) + 1),
    date: at,
    facts: await tenderFacts(trx, call),
    urls: addresses(call.slug),
  });
  await storeRelease(trx, callId, release);
  return release;
}

/**
 * Publishes a call's results: the public results (result_publications) and the award release
 * built from them ("award", or "awardUpdate" with amendments when the call's decisions were
 * published before). Run it inside the transaction that publishes the decisions, after every
 * proposal has taken its decision's status (models/decisions.server.ts, publishDecisions).
 */
export async function publishResults(
  trx: DB,
  callId: number,
  at: string,
  actor: Actor | null,
): Promise<{ results: PublishedResults; release: Release }> {
  const call = await callRow(trx, callId);
  const facts = await tenderFacts(trx, call);
  const rows = await trx
    .selectFrom("proposals")
    .leftJoin("decisions", "decisions.proposal_id", "proposals.id")
    .leftJoin("proposal_scores", "proposal_scores.proposal_id", "proposals.id")
    .select([
      "proposals.id",
      "proposals.reference",
      "proposals.status",
      "proposals.organisation_id",
      "proposals.company_en",
      "proposals.company_zh",
      "proposals.title",
      "proposals.tracks",
      "decisions.outcome",
      "proposal_scores.score",
    ])
    .where("proposals.call_id", "=", callId)
    .where("proposals.reference", "is not", null)
    .execute();
  const ranking = await callRanking(trx, callId);
  const outcomes: ProposalOutcome[] = rows.map((r) => ({
    reference: r.reference,
    status: r.status,
    outcome: r.outcome ?? null,
    organisationId: r.organisation_id,
    companyEn: r.company_en,
    companyZh: r.company_zh,
    title: r.title,
    tracks: r.tracks,
    score: r.score ?? null,
    rank: ranking?.byId.get(r.id)?.rankRaw ?? null,
  }));
  const publishNames = call.publish_rejected_names === 1;
  const { entries, counts } = publicEntries(outcomes, publishNames);
  const results: PublishedResults = {
    format: RESULTS_FORMAT,
    publishedAt: at,
    call: { ...facts.call, decidedAt: at },
    rules: facts.rules,
    criteria: facts.criteria,
    counts,
    rejectedNamesPublished: publishNames,
    entries,
  };
  const publication = await trx
    .insertInto("result_publications")
    .values({ call_id: callId, published_at: at, results_json: JSON.stringify(results) })
    .returning("id")
    .executeTakeFirstOrThrow();

  const ocid = await ocidOf(trx, call);
  const previousRow = await trx
    .selectFrom("ocds_releases")
    .select("release_json")
    .where("call_id", "=", callId)
    .where("tag", "in", ["award", "awardUpdate"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const previous = previousRow ? (JSON.parse(previousRow.release_json) as Release) : undefined;
  const tag = previous ? "awardUpdate" : "award";
  const release = awardRelease({
    ocid,
    id: releaseIdFor(ocid, tag, (await releaseCount(trx, callId)) + 1),
    results,
    urls: addresses(call.slug),
    previous,
  });
  await storeRelease(trx, callId, release);
  // The publication's own audit row (the demo seed, with no actor, writes its history itself).
  if (actor)
    await writeAudit(trx, {
      ...auditActor(actor),
      action: "call.results_publish",
      entityType: "call",
      entityId: callId,
      callId,
      after: {
        publication: publication.id,
        release: release.id,
        tag,
        counts,
        rejectedNamesPublished: publishNames,
      },
    });
  return { results, release };
}

// ---------------------------------------------------------------- public reads

export interface CallPublication {
  call: Pick<Call, "id" | "slug" | "status" | "title_en" | "title_zh">;
  results: PublishedResults;
  /** False when the call was reopened after this publication (back in review). */
  current: boolean;
}

/** The latest published results of a (non-draft) call, or undefined when none were published. */
export async function getLatestResults(db: DB, slug: string): Promise<CallPublication | undefined> {
  const call = await db
    .selectFrom("calls")
    .select(["id", "slug", "status", "title_en", "title_zh"])
    .where("slug", "=", slug)
    .where("status", "!=", "draft")
    .executeTakeFirst();
  if (!call) return undefined;
  const row = await db
    .selectFrom("result_publications")
    .select("results_json")
    .where("call_id", "=", call.id)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    call,
    results: JSON.parse(row.results_json) as PublishedResults,
    current: call.status === "decided" || call.status === "archived",
  };
}

/** Whether the call has published results (for the link on its public page). */
export async function hasPublishedResults(db: DB, callId: number): Promise<boolean> {
  const row = await db
    .selectFrom("result_publications")
    .select("id")
    .where("call_id", "=", callId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface CallReleases {
  ocid: string;
  releases: Release[];
}

/** Every release published for a (non-draft) call, oldest first; undefined when there is none. */
export async function getCallReleases(db: DB, slug: string): Promise<CallReleases | undefined> {
  const rows = await db
    .selectFrom("ocds_releases")
    .innerJoin("calls", "calls.id", "ocds_releases.call_id")
    .select(["ocds_releases.ocid", "ocds_releases.release_json"])
    .where("calls.slug", "=", slug)
    .where("calls.status", "!=", "draft")
    .orderBy("ocds_releases.date")
    .orderBy("ocds_releases.id")
    .execute();
  if (!rows.length) return undefined;
  return {
    ocid: rows[0]!.ocid,
    releases: rows.map((r) => JSON.parse(r.release_json) as Release),
  };
}

/** The release package of a call (OCDS 1.1), or undefined when nothing was published. */
export async function callReleasePackage(
  db: DB,
  slug: string,
): Promise<{ [key: string]: Json } | undefined> {
  const found = await getCallReleases(db, slug);
  if (!found) return undefined;
  return releasePackage({
    uri: publicUrl(`/calls/${slug}/ocds.json`),
    releases: found.releases,
    publisherUri: publicUrl("/"),
  });
}

/** The record package of a call (OCDS 1.1), or undefined when nothing was published. */
export async function callRecordPackage(
  db: DB,
  slug: string,
): Promise<{ [key: string]: Json } | undefined> {
  const found = await getCallReleases(db, slug);
  if (!found) return undefined;
  return recordPackage({
    uri: publicUrl(`/calls/${slug}/ocds-record.json`),
    ocid: found.ocid,
    releases: found.releases,
    publisherUri: publicUrl("/"),
  });
}

// ---------------------------------------------------------------- the call's results settings

/**
 * Whether the call's results may name the companies whose proposals were rejected. Officials and
 * admins change it until the call's decisions are published (resultsSettingsEditable), audited.
 */
export async function setPublishRejectedNames(
  db: DB,
  callId: number,
  publish: boolean,
  actor: Actor,
  now: Date = new Date(),
): Promise<CommandResult> {
  return runCommand(() =>
    db.transaction().execute(async (trx) => {
      const before = await callRow(trx, callId);
      if (!resultsSettingsEditable(before.status)) refuse(409, "results.settingsFrozen");
      const value = publish ? 1 : 0;
      if (before.publish_rejected_names === value) return {};
      const updated = await trx
        .updateTable("calls")
        .set({ publish_rejected_names: value, updated_at: now.toISOString() })
        .where("id", "=", callId)
        .where("status", "=", before.status)
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) refuse(409, "results.settingsFrozen");
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "call.results_settings",
        entityType: "call",
        entityId: callId,
        callId,
        before: { publish_rejected_names: before.publish_rejected_names === 1 },
        after: { publish_rejected_names: publish },
      });
      return {};
    }),
  );
}
