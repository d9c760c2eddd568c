// The credit-code (USCC) manual check. An applicant whose Unified Social Credit Code fails its
// check character is told the CDA will check it by hand (proposals.uscc_needs_check, set by the
// company step); this module is where staff see that flag and where an official records the
// check (issue 13). The flag shows on the board's flags, the breakdown and the official's
// proposal page until the check is recorded; recording it is one audited transaction.
import { RANKED_STATUSES } from "~/domain/board-query";
import { writeAudit } from "~/models/audit.server";
import type { DB } from "~/services/db.server";
import { forUpdate } from "~/services/sql-dialect.server";
import { msg, type FieldErrors } from "~/utils/form";

/** The longest note an official may record with the check. */
export const MAX_CREDIT_CODE_NOTE = 1000;

export interface CreditCodeCheck {
  /** The applicant's code failed its check character: a manual check is needed. */
  needsCheck: boolean;
  /** Whether the flag still shows (a check is needed and none was recorded). */
  pending: boolean;
  uscc: string | null;
  checkedBy: string | null;
  checkedAt: string | null;
  note: string | null;
}

/** Whether a proposal row still carries the flag: the one rule the board and pages share. */
export function creditCodePending(row: {
  uscc_needs_check: number;
  uscc_checked_at: string | null;
}): boolean {
  return row.uscc_needs_check === 1 && row.uscc_checked_at === null;
}

export async function getCreditCodeCheck(db: DB, proposalId: number): Promise<CreditCodeCheck> {
  const row = await db
    .selectFrom("proposals as p")
    .leftJoin("organisations as o", "o.id", "p.organisation_id")
    .leftJoin("users as u", "u.id", "p.uscc_checked_by")
    .select([
      "p.uscc_needs_check",
      "p.uscc_checked_at",
      "p.uscc_check_note",
      "o.uscc",
      "u.display_name",
    ])
    .where("p.id", "=", proposalId)
    .executeTakeFirst();
  if (!row)
    return {
      needsCheck: false,
      pending: false,
      uscc: null,
      checkedBy: null,
      checkedAt: null,
      note: null,
    };
  return {
    needsCheck: row.uscc_needs_check === 1,
    pending: creditCodePending(row),
    uscc: row.uscc ?? null,
    checkedBy: row.display_name ?? null,
    checkedAt: row.uscc_checked_at,
    note: row.uscc_check_note,
  };
}

export type CreditCodeResult =
  { ok: true } | { ok: false; errors: FieldErrors; status: 400 | 404 | 409 };

/**
 * Records that an official checked the proposal's credit code by hand, with what they found; in
 * one transaction with its audit row ("proposal.uscc_check"). Refused when no check is needed or
 * one was already recorded.
 */
export async function recordCreditCodeCheck(
  db: DB,
  input: {
    proposalId: number;
    values: Record<string, unknown>;
    actor: { id: number; email: string };
    requestId?: string | null;
    ip?: string | null;
  },
): Promise<CreditCodeResult> {
  const note =
    typeof input.values.creditCodeNote === "string" ? input.values.creditCodeNote.trim() : "";
  if (!note)
    return { ok: false, errors: { creditCodeNote: msg("validation.required") }, status: 400 };
  if (note.length > MAX_CREDIT_CODE_NOTE)
    return {
      ok: false,
      errors: { creditCodeNote: msg("validation.tooLong", { max: MAX_CREDIT_CODE_NOTE }) },
      status: 400,
    };
  return db.transaction().execute(async (trx): Promise<CreditCodeResult> => {
    const row = await trx
      .selectFrom("proposals")
      .select(["id", "call_id", "uscc_needs_check", "uscc_checked_at"])
      .where("id", "=", input.proposalId)
      .where("status", "in", [...RANKED_STATUSES])
      // Two officials recording the check at once: the second waits, then finds it recorded.
      .$call(forUpdate(trx, "proposals"))
      .executeTakeFirst();
    if (!row) return { ok: false, errors: { _form: msg("lifecycle.error.notFound") }, status: 404 };
    if (!creditCodePending(row))
      return { ok: false, errors: { _form: msg("board.creditCode.notPending") }, status: 409 };
    const checkedAt = new Date().toISOString();
    await trx
      .updateTable("proposals")
      .set({ uscc_checked_by: input.actor.id, uscc_checked_at: checkedAt, uscc_check_note: note })
      .where("id", "=", row.id)
      .execute();
    await writeAudit(trx, {
      actorId: input.actor.id,
      actorEmail: input.actor.email,
      action: "proposal.uscc_check",
      entityType: "proposal",
      entityId: row.id,
      callId: row.call_id,
      proposalId: row.id,
      before: { uscc_checked_at: null },
      after: { uscc_checked_by: input.actor.id, uscc_checked_at: checkedAt, note },
      ip: input.ip ?? null,
      requestId: input.requestId ?? null,
    });
    return { ok: true };
  });
}
