// Test data for the review side: a call with the default criteria published, companies, and
// submitted proposals (inserted directly, as a submission would leave them).
import { DEFAULT_CRITERIA } from "~db/seed/default-criteria";
import { getDb } from "~/services/db.server";
import { createUser } from "../support/factories";

let seq = 0;

export async function createCallWithCriteria(opts: { minReviews?: number } = {}) {
  const db = getDb();
  seq += 1;
  const call = await db
    .insertInto("calls")
    .values({
      slug: `review-call-${seq}-${Date.now()}`,
      title_en: `Review test call ${seq}`,
      title_zh: `评审测试征集 ${seq}`,
      status: "open",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2027-01-01T00:00:00.000Z",
      min_reviews: opts.minReviews ?? 3,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const version = await db
    .insertInto("criteria_versions")
    .values({ call_id: call.id, version: 1, published_at: "2026-01-01T00:00:00.000Z" })
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
  seq += 1;
  return getDb()
    .insertInto("organisations")
    .values({
      legal_name_en: name,
      legal_name_zh: `${name}有限公司`,
      uscc: `91110000TEST${String(seq).padStart(6, "0")}`,
      parent_group: parentGroup,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function createSubmittedProposal(
  callId: number,
  opts: {
    organisationId?: number;
    tracks?: string;
    status?: "submitted" | "under_review" | "withdrawn";
    ownerLocale?: "en" | "zh-Hans";
  } = {},
) {
  const db = getDb();
  seq += 1;
  const owner = await createUser("applicant", { locale: opts.ownerLocale ?? "en" });
  const organisation = opts.organisationId
    ? await db
        .selectFrom("organisations")
        .selectAll()
        .where("id", "=", opts.organisationId)
        .executeTakeFirstOrThrow()
    : await createOrganisation(`Company ${seq}`);
  const org = organisation.id;
  const proposal = await db
    .insertInto("proposals")
    .values({
      call_id: callId,
      owner_id: owner.id,
      organisation_id: org,
      status: opts.status ?? "submitted",
      reference: `CDA-2026-${String(1000 + seq).padStart(4, "0")}`,
      title: `Tier IV campus ${seq}`,
      tracks: opts.tracks ?? "tier4DataCentre,bigDataPlatform",
      company_en: organisation.legal_name_en,
      company_zh: organisation.legal_name_zh,
      submitted_parent_group: organisation.parent_group,
      snapshot_json: JSON.stringify({
        answers: { project: { title: `Tier IV campus ${seq}`, summary: "A campus." } },
      }),
      submitted_at: new Date().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { proposal, owner };
}

/** A complete, valid review for the posted form: every applicable criterion and gate answered. */
export function completeReview(
  criteria: { id: number; kind: string; applies_to_track: string | null }[],
  opts: { level?: number; tracks?: string[]; gate?: "pass" | "fail" } = {},
) {
  const tracks = opts.tracks ?? ["tier4DataCentre", "bigDataPlatform"];
  const fields: Record<string, string> = { overallComment: "A solid proposal overall." };
  for (const c of criteria) {
    if (c.applies_to_track && !tracks.includes(c.applies_to_track)) continue;
    if (c.kind === "scored") fields[`c.${c.id}.level`] = String(opts.level ?? 4);
    else fields[`c.${c.id}.gate`] = opts.gate ?? "pass";
    fields[`c.${c.id}.rationale`] = "The evidence in section 4 supports this level.";
  }
  return fields;
}
