// A call's criteria versions: the unpublished working version is edited criterion by criterion;
// publishing freezes it for good; a change after opening is a new version, allowed only until the
// first review of the call is submitted. Every change is one transaction with its audit row.
import type { Criterion } from "~db/schema";
import {
  criteriaMayChange,
  criteriaPolicy,
  criteriaRefusal,
  type CriteriaPolicy,
} from "~/domain/call-lifecycle";
import {
  validateCriteriaSet,
  validateCriterion,
  validateWeights,
  type CriterionDraft,
  type Descriptor,
} from "~/domain/criteria";
import { writeAudit } from "~/models/audit.server";
import { auditActor, refuse, runCommand, type Actor, type CommandResult } from "~/domain/command";
import { hasSubmittedReview, insertCriteria } from "~/models/call-admin.server";
import { CALL_SNAPSHOT, rebuildCallScores } from "~/models/score-read-model.server";
import { nowIso, withRetry, type DB } from "~/services/db.server";
import { msg } from "~/utils/form";

export interface CriteriaVersion {
  id: number;
  call_id: number;
  version: number;
  published_at: string | null;
  created_at: string;
}

export interface VersionWithCriteria extends CriteriaVersion {
  criteria: Criterion[];
}

export function parseDescriptors(json: string): Descriptor[] {
  try {
    const value = JSON.parse(json) as unknown;
    if (!Array.isArray(value)) return [];
    return value.map((d) => ({
      en: typeof d?.en === "string" ? d.en : "",
      zh: typeof d?.zh === "string" ? d.zh : "",
    }));
  } catch {
    return [];
  }
}

export function criterionToDraft(c: Criterion): CriterionDraft {
  return {
    key: c.key,
    kind: c.kind,
    titleEn: c.title_en,
    titleZh: c.title_zh,
    descriptionEn: c.description_en,
    descriptionZh: c.description_zh,
    weight: c.weight,
    minLevel: c.min_level,
    descriptors: parseDescriptors(c.descriptors_json),
    appliesToTrack: c.applies_to_track,
  };
}

async function criteriaOf(db: DB, versionId: number): Promise<Criterion[]> {
  return db
    .selectFrom("criteria")
    .selectAll()
    .where("criteria_version_id", "=", versionId)
    .orderBy("position")
    .orderBy("id")
    .execute();
}

/** Every version of the call's criteria, newest first. */
export async function listCriteriaVersions(db: DB, callId: number): Promise<CriteriaVersion[]> {
  return db
    .selectFrom("criteria_versions")
    .select(["id", "call_id", "version", "published_at", "created_at"])
    .where("call_id", "=", callId)
    .orderBy("version", "desc")
    .execute();
}

/** The unpublished version being edited, with its criteria in order; null when there is none. */
export async function getWorkingCriteria(
  db: DB,
  callId: number,
): Promise<VersionWithCriteria | null> {
  const version = await db
    .selectFrom("criteria_versions")
    .select(["id", "call_id", "version", "published_at", "created_at"])
    .where("call_id", "=", callId)
    .where("published_at", "is", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!version) return null;
  return { ...version, criteria: await criteriaOf(db, version.id) };
}

/** The newest published version with its criteria; null before the first publication. */
export async function getLatestPublishedCriteria(
  db: DB,
  callId: number,
): Promise<VersionWithCriteria | null> {
  const version = await db
    .selectFrom("criteria_versions")
    .select(["id", "call_id", "version", "published_at", "created_at"])
    .where("call_id", "=", callId)
    .where("published_at", "is not", null)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!version) return null;
  return { ...version, criteria: await criteriaOf(db, version.id) };
}

/** How the call's criteria may change now (see domain/call-lifecycle.ts). */
export async function getCriteriaPolicy(db: DB, callId: number): Promise<CriteriaPolicy> {
  const call = await db
    .selectFrom("calls")
    .select("status")
    .where("id", "=", callId)
    .executeTakeFirstOrThrow();
  return criteriaPolicy(call.status, await hasSubmittedReview(db, callId));
}

/** Inside a transaction: refuses unless the criteria may change and a working version exists. */
async function loadWorking(trx: DB, callId: number): Promise<VersionWithCriteria> {
  const refusal = criteriaRefusal(await getCriteriaPolicy(trx, callId));
  if (refusal) refuse(400, { _form: refusal });
  const working = await getWorkingCriteria(trx, callId);
  if (!working) refuse(400, "criteria.noWorking");
  return working;
}

function snapshot(c: Criterion) {
  return { id: c.id, position: c.position, ...criterionToDraft(c) };
}

async function audit(
  trx: DB,
  actor: Actor,
  callId: number,
  action: string,
  entityId: number,
  before: unknown,
  after: unknown,
) {
  await writeAudit(trx, {
    ...auditActor(actor),
    action,
    entityType: action.startsWith("criteria.version") ? "criteria_version" : "criterion",
    entityId,
    callId,
    before,
    after,
  });
}

/** The editable part of a criterion (weights and minimum levels are set in the weights form). */
export type CriterionText = Omit<CriterionDraft, "weight" | "minLevel" | "kind">;

/** Adds a criterion or gate at the end of the working version; a new scored criterion weighs 0. */
export async function addCriterion(
  db: DB,
  callId: number,
  kind: "scored" | "gate",
  input: CriterionText,
  actor: Actor,
): Promise<CommandResult<{ criterion: Criterion }>> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const working = await loadWorking(trx, callId);
        const draft: CriterionDraft = { ...input, kind, weight: 0, minLevel: 0 };
        const errors = validateCriterion(
          draft,
          working.criteria.map((c) => c.key),
        );
        if (Object.keys(errors).length) refuse(400, errors);
        const position = Math.max(0, ...working.criteria.map((c) => c.position)) + 1;
        await insertCriteria(trx, working.id, [draft], position);
        const created = await trx
          .selectFrom("criteria")
          .selectAll()
          .where("criteria_version_id", "=", working.id)
          .where("key", "=", draft.key)
          .executeTakeFirstOrThrow();
        await audit(trx, actor, callId, "criteria.add", created.id, undefined, {
          version: working.version,
          ...snapshot(created),
        });
        await rebuildCallScores(trx, callId);
        return { criterion: created };
      },
      CALL_SNAPSHOT,
    ),
  );
}

function findIn(working: VersionWithCriteria, criterionId: number): Criterion {
  const c = working.criteria.find((x) => x.id === criterionId);
  if (!c) refuse(400, "criteria.notFound");
  return c;
}

/** Saves the texts (key, titles, wording, descriptors, track) of one criterion of the working version. */
export async function saveCriterion(
  db: DB,
  callId: number,
  criterionId: number,
  input: CriterionText,
  actor: Actor,
): Promise<CommandResult<{ criterion: Criterion }>> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const working = await loadWorking(trx, callId);
        const before = findIn(working, criterionId);
        const draft: CriterionDraft = {
          ...input,
          kind: before.kind,
          weight: before.weight,
          minLevel: before.min_level,
        };
        const errors = validateCriterion(
          draft,
          working.criteria.filter((c) => c.id !== criterionId).map((c) => c.key),
        );
        if (Object.keys(errors).length) refuse(400, errors);
        const after = await trx
          .updateTable("criteria")
          .set({
            key: draft.key,
            title_en: draft.titleEn,
            title_zh: draft.titleZh,
            description_en: draft.descriptionEn,
            description_zh: draft.descriptionZh,
            descriptors_json: JSON.stringify(before.kind === "scored" ? draft.descriptors : []),
            applies_to_track: before.kind === "gate" ? draft.appliesToTrack : null,
          })
          .where("id", "=", criterionId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(
          trx,
          actor,
          callId,
          "criteria.update",
          criterionId,
          snapshot(before),
          snapshot(after),
        );
        await rebuildCallScores(trx, callId);
        return { criterion: after };
      },
      CALL_SNAPSHOT,
    ),
  );
}

export async function removeCriterion(
  db: DB,
  callId: number,
  criterionId: number,
  actor: Actor,
): Promise<CommandResult> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const working = await loadWorking(trx, callId);
        const before = findIn(working, criterionId);
        await trx.deleteFrom("criteria").where("id", "=", criterionId).execute();
        await audit(
          trx,
          actor,
          callId,
          "criteria.remove",
          criterionId,
          snapshot(before),
          undefined,
        );
        await rebuildCallScores(trx, callId);
        return {};
      },
      CALL_SNAPSHOT,
    ),
  );
}

/** Swaps a criterion with the previous or next one of the same kind (scored or gate). */
export async function moveCriterion(
  db: DB,
  callId: number,
  criterionId: number,
  direction: "up" | "down",
  actor: Actor,
): Promise<CommandResult> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const working = await loadWorking(trx, callId);
        const c = findIn(working, criterionId);
        const sameKind = working.criteria.filter((x) => x.kind === c.kind);
        const i = sameKind.findIndex((x) => x.id === criterionId);
        const other = sameKind[direction === "up" ? i - 1 : i + 1];
        if (!other) return {};
        const order = (list: Criterion[]) => list.map((x) => x.key);
        const beforeOrder = order(sameKind);
        await trx
          .updateTable("criteria")
          .set({ position: other.position })
          .where("id", "=", c.id)
          .execute();
        await trx
          .updateTable("criteria")
          .set({ position: c.position })
          .where("id", "=", other.id)
          .execute();
        const afterOrder = [...beforeOrder];
        afterOrder[i] = other.key;
        afterOrder[direction === "up" ? i - 1 : i + 1] = c.key;
        await audit(
          trx,
          actor,
          callId,
          "criteria.reorder",
          criterionId,
          { order: beforeOrder },
          { order: afterOrder },
        );
        await rebuildCallScores(trx, callId);
        return {};
      },
      CALL_SNAPSHOT,
    ),
  );
}

export interface WeightInput {
  id: number;
  weight: number | null;
  minLevel: number | null;
}

/**
 * Saves the weights and minimum levels of every scored criterion of the working version at once:
 * refused (nothing saved) unless each weight is a whole number 1–100, each level 0–5 and the
 * weights sum to exactly 100. `rows` must name each scored criterion once.
 */
export async function saveWeights(
  db: DB,
  callId: number,
  rows: readonly WeightInput[],
  actor: Actor,
): Promise<CommandResult> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const working = await loadWorking(trx, callId);
        const scored = working.criteria.filter((c) => c.kind === "scored");
        const byId = new Map(rows.map((r) => [r.id, r]));
        if (
          byId.size !== rows.length ||
          rows.length !== scored.length ||
          scored.some((c) => !byId.has(c.id))
        )
          refuse(400, "criteria.stale");
        const ordered = scored.map((c) => ({ key: c.key, ...byId.get(c.id)! }));
        const errors = validateWeights(ordered);
        if (Object.keys(errors).length) refuse(400, errors);
        for (const r of ordered)
          await trx
            .updateTable("criteria")
            .set({ weight: r.weight, min_level: r.minLevel })
            .where("id", "=", r.id)
            .execute();
        await audit(
          trx,
          actor,
          callId,
          "criteria.weights",
          working.id,
          scored.map((c) => ({ key: c.key, weight: c.weight, minLevel: c.min_level })),
          ordered.map((r) => ({ key: r.key, weight: r.weight, minLevel: r.minLevel })),
        );
        await rebuildCallScores(trx, callId);
        return {};
      },
      CALL_SNAPSHOT,
    ),
  );
}

/**
 * Publishes the working version: the whole set is validated (weights sum to 100, every criterion
 * complete, tie-break keys scored criteria of the set) and then frozen for good.
 */
export async function publishCriteria(
  db: DB,
  callId: number,
  actor: Actor,
): Promise<CommandResult<{ version: VersionWithCriteria }>> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const working = await loadWorking(trx, callId);
        const call = await trx
          .selectFrom("calls")
          .select("tie_break_json")
          .where("id", "=", callId)
          .executeTakeFirstOrThrow();
        const tieBreak = JSON.parse(call.tie_break_json) as string[];
        const errors = validateCriteriaSet(working.criteria.map(criterionToDraft), tieBreak);
        if (Object.keys(errors).length) refuse(400, errors);
        const publishedAt = nowIso();
        await trx
          .updateTable("criteria_versions")
          .set({ published_at: publishedAt })
          .where("id", "=", working.id)
          .where("published_at", "is", null)
          .execute();
        await writeAudit(trx, {
          ...auditActor(actor),
          action: "criteria.version.publish",
          entityType: "criteria_version",
          entityId: working.id,
          callId,
          before: { version: working.version, published_at: null },
          after: {
            version: working.version,
            published_at: publishedAt,
            tieBreak,
            criteria: working.criteria.map(snapshot),
          },
        });
        await rebuildCallScores(trx, callId);
        return { version: { ...working, published_at: publishedAt } };
      },
      CALL_SNAPSHOT,
    ),
  );
}

/**
 * Starts a new unpublished version copied from the latest published one. Before opening this is
 * free; after opening it is allowed only while no review of the call has been submitted.
 */
export async function createNewCriteriaVersion(
  db: DB,
  callId: number,
  actor: Actor,
): Promise<CommandResult<{ version: VersionWithCriteria }>> {
  return runCommand(() =>
    db.transaction().execute(async (trx) => {
      const policy = await getCriteriaPolicy(trx, callId);
      const refusal = criteriaRefusal(policy);
      if (refusal || !criteriaMayChange(policy))
        refuse(400, { _form: refusal ?? msg("criteria.noWorking") });
      if (await getWorkingCriteria(trx, callId)) refuse(400, "criteria.workingExists");
      const latest = await getLatestPublishedCriteria(trx, callId);
      if (!latest) refuse(400, "criteria.noWorking");
      const created = await trx
        .insertInto("criteria_versions")
        .values({
          call_id: callId,
          version: latest.version + 1,
          published_at: null,
          created_by: actor.id,
          created_at: nowIso(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertCriteria(trx, created.id, latest.criteria.map(criterionToDraft));
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "criteria.version.create",
        entityType: "criteria_version",
        entityId: created.id,
        callId,
        before: { version: latest.version, published_at: latest.published_at },
        after: { version: created.version, published_at: null, copiedFrom: latest.version },
      });
      return { version: { ...created, criteria: await criteriaOf(trx, created.id) } };
    }),
  );
}

/** The brief's name for the same operation. */
export const createNewVersionAfterOpening = createNewCriteriaVersion;
