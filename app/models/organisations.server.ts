// The company profile: entered once per applicant (users.organisation_id), pre-filled into each
// new proposal, updated when the applicant completes the organisation step again. A submitted
// proposal keeps its own snapshot (taken by the submission), so later edits never change it.
import { checkUscc } from "~/domain/uscc";
import type { Answers } from "~/schemas";
import type { DB } from "~/services/db.server";
import { nowIso } from "~/services/db.server";

export class UsccTakenError extends Error {
  constructor() {
    super("USCC already registered to another organisation");
    this.name = "UsccTakenError";
  }
}

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
 * inside the transaction that saves the step. Throws UsccTakenError when another organisation
 * already holds the code. Returns the organisation id and whether the code needs a manual check.
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
  if (cols.uscc) {
    const holder = await trx
      .selectFrom("organisations")
      .select("id")
      .where("uscc", "=", cols.uscc)
      .executeTakeFirst();
    if (holder && holder.id !== user.organisation_id) throw new UsccTakenError();
  }
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
