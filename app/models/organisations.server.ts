// The company profile: entered once per applicant (users.organisation_id), pre-filled into each
// new proposal, updated when the applicant completes the organisation step again. A submitted
// proposal keeps its own snapshot (taken by the submission), so later edits never change it.
import { auditActor, ok, refusal, type Actor, type CommandResult } from "~/domain/command";
import { checkUscc, usccClaimState, type UsccClaimState } from "~/domain/uscc";
import { writeAudit } from "~/models/audit.server";
import type { Answers } from "~/schemas";
import type { DB } from "~/services/db.server";
import { nowIso } from "~/services/db.server";

export interface OrganisationProfile {
  id: number;
  answers: Answers;
  usccNeedsCheck: boolean;
}

/** The applicant's company profile, or null before they have completed one. */
export async function getProfileForUser(
  db: DB,
  userId: number,
): Promise<OrganisationProfile | null> {
  const row = await db
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "organisations.id",
      "organisations.profile_json",
      "organisations.uscc_needs_check",
      "organisations.legal_name_en",
      "organisations.legal_name_zh",
      "organisations.country",
      "organisations.uscc",
      "organisations.registration_number",
      "organisations.province",
      "organisations.city",
      "organisations.parent_group",
    ])
    .where("users.id", "=", userId)
    .executeTakeFirst();
  if (!row) return null;
  let answers: Answers = {};
  try {
    answers = JSON.parse(row.profile_json) as Answers;
  } catch {
    answers = {};
  }
  // An organisation made elsewhere (the demo seed, an import) may have columns but no answers.
  const fromColumns: Answers = Object.fromEntries(
    Object.entries({
      legalNameEn: row.legal_name_en,
      legalNameZh: row.legal_name_zh,
      country: row.country,
      uscc: row.uscc,
      registrationNumber: row.registration_number,
      province: row.province,
      city: row.city,
      parentGroup: row.parent_group,
    }).filter(([, v]) => typeof v === "string" && v !== ""),
  );
  return {
    id: row.id,
    answers: { ...fromColumns, ...answers },
    usccNeedsCheck: row.uscc_needs_check === 1,
  };
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/** The organisation columns derived from valid organisation-step answers. */
export function organisationColumns(answers: Answers) {
  const country = str(answers.country) ?? "CN";
  const uscc = country === "CN" ? (str(answers.uscc)?.toUpperCase() ?? null) : null;
  return {
    legal_name_en: str(answers.legalNameEn) ?? "",
    legal_name_zh: str(answers.legalNameZh),
    country,
    uscc,
    uscc_needs_check: uscc && checkUscc(uscc) === "checkFailed" ? 1 : 0,
    registration_number: country === "CN" ? null : str(answers.registrationNumber),
    province: str(answers.province),
    city: str(answers.city),
    parent_group: str(answers.parentGroup),
    profile_json: JSON.stringify(answers),
  };
}

/**
 * Creates or updates the applicant's company profile from valid organisation answers; call it
 * inside the transaction that saves the step. A code another company already claims is saved all
 * the same, and nothing tells the applicant so (issue 12, item 8): the clash is shown to
 * officials (usccClaim) and an administrator resolves it (resolveUsccClaim). Returns the
 * organisation id and whether the code needs a manual check.
 */
export async function saveProfile(
  trx: DB,
  userId: number,
  answers: Answers,
): Promise<{ organisationId: number; usccNeedsCheck: boolean; created: boolean }> {
  const cols = organisationColumns(answers);
  const user = await trx
    .selectFrom("users")
    .select("organisation_id")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  if (user.organisation_id) {
    await trx
      .updateTable("organisations")
      .set({ ...cols, updated_at: nowIso() })
      .where("id", "=", user.organisation_id)
      .execute();
    return {
      organisationId: user.organisation_id,
      usccNeedsCheck: cols.uscc_needs_check === 1,
      created: false,
    };
  }
  const org = await trx
    .insertInto("organisations")
    .values(cols)
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("users")
    .set({ organisation_id: org.id, updated_at: nowIso() })
    .where("id", "=", userId)
    .execute();
  return { organisationId: org.id, usccNeedsCheck: cols.uscc_needs_check === 1, created: true };
}

export interface UsccClaim {
  uscc: string;
  state: UsccClaimState;
  /** Every company claiming the code (this one included), for the officials who look into it. */
  claimants: { id: number; legalNameEn: string; legalNameZh: string | null }[];
  resolution: { holderId: number; note: string; resolvedAt: string; resolvedBy: string } | null;
}

async function latestResolution(db: DB, uscc: string) {
  return db
    .selectFrom("uscc_resolutions")
    .innerJoin("users", "users.id", "uscc_resolutions.resolved_by")
    .select([
      "uscc_resolutions.holder_organisation_id",
      "uscc_resolutions.decided_json",
      "uscc_resolutions.note",
      "uscc_resolutions.resolved_at",
      "users.display_name",
    ])
    .where("uscc_resolutions.uscc", "=", uscc)
    .orderBy("uscc_resolutions.id", "desc")
    .executeTakeFirst();
}

function decidedIds(json: string): number[] {
  try {
    const ids = JSON.parse(json) as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}

/**
 * Where the company's claim to its USCC stands (null when it has none): for officials only —
 * an applicant is never told that another company claims the same code.
 */
export async function usccClaim(db: DB, organisationId: number | null): Promise<UsccClaim | null> {
  if (!organisationId) return null;
  const org = await db
    .selectFrom("organisations")
    .select("uscc")
    .where("id", "=", organisationId)
    .executeTakeFirst();
  if (!org?.uscc) return null;
  const claimants = await db
    .selectFrom("organisations")
    .select(["id", "legal_name_en", "legal_name_zh"])
    .where("uscc", "=", org.uscc)
    .orderBy("id")
    .execute();
  const latest = await latestResolution(db, org.uscc);
  const resolution = latest
    ? { holderId: latest.holder_organisation_id, decided: decidedIds(latest.decided_json) }
    : null;
  return {
    uscc: org.uscc,
    state: usccClaimState(
      organisationId,
      claimants.map((c) => c.id),
      resolution,
    ),
    claimants: claimants.map((c) => ({
      id: c.id,
      legalNameEn: c.legal_name_en,
      legalNameZh: c.legal_name_zh,
    })),
    resolution: latest
      ? {
          holderId: latest.holder_organisation_id,
          note: latest.note,
          resolvedAt: latest.resolved_at,
          resolvedBy: latest.display_name,
        }
      : null,
  };
}

export const MIN_RESOLUTION_NOTE = 10;
export const MAX_RESOLUTION_NOTE = 2000;

/**
 * An administrator decides a disputed USCC: `holderId` is the company that holds it; every
 * company claiming the code now is decided (one that claims it later opens the dispute again).
 * One transaction with its audit row (uscc.resolve: the code, the holder, the claimants decided
 * and the note).
 */
export async function resolveUsccClaim(
  db: DB,
  actor: Actor,
  input: { holderId: number; note: string; proposalId?: number | null },
): Promise<CommandResult<{ uscc: string }>> {
  if (actor.role !== "admin") return refusal(403, "uscc.error.adminOnly");
  const note = input.note.trim();
  if (note.length < MIN_RESOLUTION_NOTE || note.length > MAX_RESOLUTION_NOTE)
    return refusal(400, { usccNote: "uscc.error.note" });
  return db.transaction().execute(async (trx) => {
    const holder = await trx
      .selectFrom("organisations")
      .select(["id", "uscc"])
      .where("id", "=", input.holderId)
      .executeTakeFirst();
    if (!holder?.uscc) return refusal(404, "uscc.error.notDisputed");
    const claimants = (
      await trx.selectFrom("organisations").select("id").where("uscc", "=", holder.uscc).execute()
    ).map((c) => c.id);
    if (claimants.length < 2) return refusal(409, "uscc.error.notDisputed");
    const row = await trx
      .insertInto("uscc_resolutions")
      .values({
        uscc: holder.uscc,
        holder_organisation_id: holder.id,
        decided_json: JSON.stringify(claimants),
        note,
        resolved_by: actor.id,
        resolved_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      ...auditActor(actor),
      action: "uscc.resolve",
      entityType: "uscc_resolution",
      entityId: row.id,
      proposalId: input.proposalId ?? null,
      after: { uscc: holder.uscc, holderOrganisationId: holder.id, decided: claimants, note },
    });
    return ok({ uscc: holder.uscc });
  });
}
