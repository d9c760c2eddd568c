// Calls administration: create, edit and move a call through its lifecycle. Every change runs in
// one transaction with its audit row (actor, before, after, request id).
import type { Call, CallStatus, Currency } from "~db/schema";
import {
  callDetailsEditable,
  checkReopen,
  checkTransition,
  criteriaMayChange,
  criteriaPolicy,
  type CallSettings,
  type NewCall,
} from "~/domain/call-lifecycle";
import { validateTieBreak, type CriterionDraft } from "~/domain/criteria";
import { decimalToScaled, RATE_PATTERN } from "~/domain/money";
import { utcIsoToPktLocal } from "~/domain/pakistan-time";
import { writeAudit } from "~/models/audit.server";
import { enqueueEvent } from "~/models/webhooks.server";
import { CALL_SNAPSHOT, rebuildCallScores } from "~/models/score-read-model.server";
import {
  publishDecisions,
  sendDecisionMails,
  undecidedMessage,
  type DecisionMail,
} from "~/models/decisions.server";
import { nowIso, withRetry, type DB } from "~/services/db.server";
import { forUpdate } from "~/services/sql-dialect.server";
import { msg, normaliseInput } from "~/utils/form";
import {
  auditActor,
  refusal,
  refuse,
  runCommand,
  type Actor,
  type CommandResult,
} from "~/domain/command";
import { reopenDecisions } from "~/models/proposal-lifecycle.server";
import { publishTender } from "~/models/open-data.server";

// Commands answer with the one result shape (app/domain/command.ts); the Actor is the one Actor.
export type { Actor } from "~/domain/command";

export interface CallListRow {
  id: number;
  slug: string;
  title_en: string;
  title_zh: string;
  status: CallStatus;
  opens_at: string;
  closes_at: string;
  proposals_submitted: number;
  latest_version: number | null;
  latest_published_at: string | null;
}

export async function listCallsForAdmin(db: DB): Promise<CallListRow[]> {
  const calls = await db
    .selectFrom("calls")
    .select(["id", "slug", "title_en", "title_zh", "status", "opens_at", "closes_at"])
    .select((eb) => [
      eb
        .selectFrom("proposals")
        .whereRef("proposals.call_id", "=", "calls.id")
        .where("proposals.submitted_at", "is not", null)
        .select((e) => e.fn.countAll<number>().as("n"))
        .as("proposals_submitted"),
    ])
    .orderBy("closes_at", "desc")
    .orderBy("id", "desc")
    .execute();
  const versions = await db
    .selectFrom("criteria_versions")
    .select(["call_id", "version", "published_at"])
    .orderBy("version", "desc")
    .execute();
  return calls.map((c) => {
    const latest = versions.find((v) => v.call_id === c.id);
    return {
      ...c,
      proposals_submitted: Number(c.proposals_submitted ?? 0),
      latest_version: latest?.version ?? null,
      latest_published_at: latest?.published_at ?? null,
    };
  });
}

export async function getCallBySlug(db: DB, slug: string): Promise<Call | undefined> {
  return db.selectFrom("calls").selectAll().where("slug", "=", slug).executeTakeFirst();
}

/**
 * Whether any review of a proposal of this call has been submitted (freezes the criteria). A review
 * returned for rework was submitted before, so it counts too.
 */
export async function hasSubmittedReview(db: DB, callId: number): Promise<boolean> {
  const row = await db
    .selectFrom("reviews")
    .innerJoin("proposals", "proposals.id", "reviews.proposal_id")
    .select("reviews.id")
    .where("proposals.call_id", "=", callId)
    .where("reviews.status", "in", ["submitted", "returned"])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The scored keys the tie-break order may name: the version being edited, else the latest. */
async function scoredKeysOf(db: DB, callId: number): Promise<string[]> {
  const version = await db
    .selectFrom("criteria_versions")
    .select("id")
    .where("call_id", "=", callId)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!version) return [];
  const rows = await db
    .selectFrom("criteria")
    .select("key")
    .where("criteria_version_id", "=", version.id)
    .where("kind", "=", "scored")
    .orderBy("position")
    .execute();
  return rows.map((r) => r.key);
}

function settingsRow(s: CallSettings) {
  return {
    title_en: s.titleEn,
    title_zh: s.titleZh,
    description_en: s.descriptionEn,
    description_zh: s.descriptionZh,
    opens_at: s.opensAt,
    closes_at: s.closesAt,
    min_reviews: s.minReviews,
    qualifying_score: s.qualifyingScore,
    disagreement_spread: s.disagreementSpread,
    disagreement_sd: s.disagreementSd,
    tie_break_json: JSON.stringify(s.tieBreak),
    contact_email: s.contactEmail,
  };
}

/** Inserts criteria into a version, positions firstPosition.. in the given order. */
export async function insertCriteria(
  db: DB,
  versionId: number,
  criteria: readonly CriterionDraft[],
  firstPosition = 1,
): Promise<void> {
  if (!criteria.length) return;
  await db
    .insertInto("criteria")
    .values(
      criteria.map((c, i) => ({
        criteria_version_id: versionId,
        key: c.key,
        kind: c.kind,
        position: firstPosition + i,
        title_en: c.titleEn,
        title_zh: c.titleZh,
        description_en: c.descriptionEn,
        description_zh: c.descriptionZh,
        weight: c.kind === "scored" ? (c.weight ?? 0) : null,
        min_level: c.kind === "scored" ? (c.minLevel ?? 0) : null,
        descriptors_json: JSON.stringify(c.kind === "scored" ? c.descriptors : []),
        applies_to_track: c.kind === "gate" ? c.appliesToTrack : null,
      })),
    )
    .execute();
}

/**
 * Creates a draft call with an unpublished criteria version 1 holding `initialCriteria` (the
 * default criteria), ready to edit. The tie-break keys must be scored keys of those criteria.
 */
export async function createCall(
  db: DB,
  input: NewCall,
  initialCriteria: readonly CriterionDraft[],
  actor: Actor,
): Promise<CommandResult<{ call: Call }>> {
  return runCommand(() =>
    db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom("calls")
        .select("id")
        .where("slug", "=", input.slug)
        .executeTakeFirst();
      if (taken) refuse(400, { slug: msg("callAdmin.slugTaken") });
      const tieBreakError = validateTieBreak(
        input.tieBreak,
        initialCriteria.filter((c) => c.kind === "scored").map((c) => c.key),
      );
      if (tieBreakError) refuse(400, { tieBreak: tieBreakError });
      const now = nowIso();
      const call = await trx
        .insertInto("calls")
        .values({
          slug: input.slug,
          ...settingsRow(input),
          status: "draft",
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const version = await trx
        .insertInto("criteria_versions")
        .values({
          call_id: call.id,
          version: 1,
          published_at: null,
          created_by: actor.id,
          created_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await insertCriteria(trx, version.id, initialCriteria);
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "call.create",
        entityType: "call",
        entityId: call.id,
        callId: call.id,
        after: { call, criteriaVersion: 1, criteria: initialCriteria.map((c) => c.key) },
      });
      return { call };
    }),
  );
}

const RULE_FIELDS = [
  "min_reviews",
  "qualifying_score",
  "disagreement_spread",
  "disagreement_sd",
  "tie_break_json",
] as const;

const RULE_FIELD_NAMES: Record<(typeof RULE_FIELDS)[number], string> = {
  min_reviews: "minReviews",
  qualifying_score: "qualifyingScore",
  disagreement_spread: "disagreementSpread",
  disagreement_sd: "disagreementSd",
  tie_break_json: "tieBreak",
};

/**
 * Edits a call's settings. Titles, descriptions, dates and contact change until the call is
 * archived; an open call's closing time stays in the future. The scoring rules (minimum reviews,
 * qualifying score, disagreement thresholds, tie-break order) are published with the criteria and
 * change only while the criteria may (before any review of the call is submitted).
 */
export async function updateCall(
  db: DB,
  callId: number,
  input: CallSettings,
  actor: Actor,
  now: Date = new Date(),
): Promise<CommandResult<{ call: Call }>> {
  return runCommand(() =>
    withRetry(
      db,
      async (trx) => {
        const before = await trx
          .selectFrom("calls")
          .selectAll()
          .where("id", "=", callId)
          .executeTakeFirstOrThrow();
        if (!callDetailsEditable(before.status)) refuse(400, "callAdmin.archived");
        const next = settingsRow(input);
        const errors: Record<string, string> = {};
        const changedRules = RULE_FIELDS.filter((f) => String(before[f]) !== String(next[f]));
        if (changedRules.length) {
          const policy = criteriaPolicy(before.status, await hasSubmittedReview(trx, callId));
          if (!criteriaMayChange(policy))
            for (const f of changedRules)
              errors[RULE_FIELD_NAMES[f]] = msg("callAdmin.rulesFrozen");
        }
        if (!errors.tieBreak && changedRules.includes("tie_break_json")) {
          const tieBreakError = validateTieBreak(input.tieBreak, await scoredKeysOf(trx, callId));
          if (tieBreakError) errors.tieBreak = tieBreakError;
        }
        if (before.status === "open" && Date.parse(input.closesAt) <= now.getTime())
          errors.closesAt = msg("callAdmin.closesFuture");
        if (Object.keys(errors).length) refuse(400, errors);
        const after = await trx
          .updateTable("calls")
          .set({ ...next, updated_at: now.toISOString() })
          .where("id", "=", callId)
          .returningAll()
          .executeTakeFirstOrThrow();
        // The scoring rules moved every proposal's result: the whole call, once, in this transaction.
        if (changedRules.length) await rebuildCallScores(trx, callId);
        await writeAudit(trx, {
          ...auditActor(actor),
          action: "call.update",
          entityType: "call",
          entityId: callId,
          callId,
          before,
          after,
        });
        return { call: after };
      },
      CALL_SNAPSHOT,
    ),
  );
}

/**
 * The call, read for a move and locked until it commits: two officials moving it at once take
 * turns (the second then reads the first's status and is refused, instead of failing its guarded
 * write with a 500), and a decision being recorded (which holds the call for share) finishes
 * before the call is marked decided, or waits and is then refused. A move that writes the call's
 * proposals (publishing, reopening) locks them first, in id order, as every proposal's own move
 * does before its call (proposals, then their call: the one lock order, so no deadlock).
 */
async function lockCallForMove(trx: DB, callId: number, proposalsToo: boolean): Promise<Call> {
  if (proposalsToo)
    await trx
      .selectFrom("proposals")
      .select("id")
      .where("call_id", "=", callId)
      .where("status", "!=", "draft")
      .orderBy("id")
      .$call(forUpdate(trx, "proposals"))
      .execute();
  return trx
    .selectFrom("calls")
    .selectAll()
    .where("id", "=", callId)
    .$call(forUpdate(trx, "calls"))
    .executeTakeFirstOrThrow();
}

/**
 * Moves a call one step along draft → open → closed → decided → archived. Opening needs published
 * criteria and a closing time in the future (an opening time still ahead makes the call public as
 * "upcoming" until then). Closing early brings the closing time forward to now (unless the call
 * had not reached its opening time); marking decided records when and publishes every decision
 * to its applicant (models/decisions.server.ts), refused while a proposal in review has none.
 */
export async function transitionCall(
  db: DB,
  callId: number,
  to: CallStatus,
  actor: Actor,
  now: Date = new Date(),
): Promise<CommandResult<{ call: Call }>> {
  return runCommand(async () => {
    const { after: decided, mails } = await withRetry(db, async (trx) => {
      const before = await lockCallForMove(trx, callId, to === "decided");
      const published = await trx
        .selectFrom("criteria_versions")
        .select("id")
        .where("call_id", "=", callId)
        .where("published_at", "is not", null)
        .limit(1)
        .executeTakeFirst();
      const check = checkTransition(before.status, to, {
        now,
        closesAt: before.closes_at,
        hasPublishedCriteria: published !== undefined,
      });
      if (!check.ok) refuse(400, { _form: check.message });
      const iso = now.toISOString();
      const changes: Partial<Call> = { status: to, updated_at: iso };
      if (
        to === "closed" &&
        Date.parse(before.closes_at) > now.getTime() &&
        Date.parse(before.opens_at) < now.getTime()
      )
        changes.closes_at = iso;
      if (to === "decided") changes.decided_at = iso;
      // Marking decided publishes every decision (refused while a proposal in review has none).
      let mails: DecisionMail[] = [];
      if (to === "decided") {
        const publication = await publishDecisions(trx, callId, actor, iso);
        if (!publication.ok) refuse(400, { _form: undecidedMessage(publication.undecided) });
        mails = publication.mails;
      }
      const after = await trx
        .updateTable("calls")
        .set(changes)
        .where("id", "=", callId)
        .where("status", "=", before.status)
        .returningAll()
        .executeTakeFirstOrThrow();
      // Opening publishes the call's OCDS tender release (docs/decisions/0020).
      if (to === "open") await publishTender(trx, callId, iso);
      await writeAudit(trx, {
        ...auditActor(actor),
        action: `call.${to === "closed" ? "close" : to === "decided" ? "decide" : to === "archived" ? "archive" : "open"}`,
        entityType: "call",
        entityId: callId,
        callId,
        before: {
          status: before.status,
          opens_at: before.opens_at,
          closes_at: before.closes_at,
          decided_at: before.decided_at,
        },
        after: {
          status: after.status,
          opens_at: after.opens_at,
          closes_at: after.closes_at,
          decided_at: after.decided_at,
        },
      });
      await enqueueCallEvent(trx, after, before.status, now);
      return { after, mails };
    });
    // After the commit (sendMail's rule): each applicant learns the decision in their language.
    await sendDecisionMails(db, mails);
    return { call: decided };
  });
}

/**
 * The webhook event of a call's move (docs/webhooks.md), in the move's transaction: opened,
 * closed, or its decisions published (with the shortlisted and reserve proposals, as the results
 * page shows them, and how many were rejected: never the rejected ones' references).
 */
async function enqueueCallEvent(trx: DB, call: Call, from: CallStatus, now: Date): Promise<void> {
  const summary = {
    id: call.id,
    slug: call.slug,
    title_en: call.title_en,
    title_zh: call.title_zh,
    opens_at: call.opens_at,
    closes_at: call.closes_at,
  };
  if (call.status === "open")
    await enqueueEvent(trx, "call.opened", () => ({ call: summary }), now);
  else if (call.status === "closed" && from === "open")
    await enqueueEvent(trx, "call.closed", () => ({ call: summary }), now);
  else if (call.status === "decided")
    await enqueueEvent(
      trx,
      "decisions.published",
      async () => {
        const rows = await trx
          .selectFrom("proposals")
          .select(["id", "reference", "status"])
          .where("call_id", "=", call.id)
          .where("status", "in", ["shortlisted", "reserve", "rejected"])
          .orderBy("reference")
          .orderBy("id")
          .execute();
        return {
          call: { ...summary, decided_at: call.decided_at },
          counts: {
            shortlisted: rows.filter((r) => r.status === "shortlisted").length,
            reserve: rows.filter((r) => r.status === "reserve").length,
            rejected: rows.filter((r) => r.status === "rejected").length,
          },
          proposals: rows
            .filter((r) => r.status !== "rejected")
            .map((r) => ({ id: r.id, reference: r.reference, outcome: r.status })),
        };
      },
      now,
    );
}

/**
 * Reopens a decided call (decided → closed), with a written reason, audited. Its decided
 * proposals go back to under review (models/proposal-lifecycle.server.ts), so its reviews,
 * moderations and decisions can change again; the recorded decisions are kept, and marking the
 * call decided again publishes them anew (and e-mails the applicants again).
 */
export async function reopenCall(
  db: DB,
  callId: number,
  reasonInput: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<CommandResult<{ call: Call }>> {
  const reason = normaliseInput(reasonInput);
  return runCommand(() =>
    withRetry(db, async (trx) => {
      const before = await lockCallForMove(trx, callId, true);
      const check = checkReopen(before.status, reason);
      if (!check.ok) refuse(400, check.errors);
      const iso = now.toISOString();
      const after = await trx
        .updateTable("calls")
        .set({ status: check.to, decided_at: null, updated_at: iso })
        .where("id", "=", callId)
        .where("status", "=", before.status)
        .returningAll()
        .executeTakeFirstOrThrow();
      const reopened = await reopenDecisions(trx, {
        call: after,
        actor: { id: actor.id, email: actor.email, ip: actor.ip, requestId: actor.requestId },
        reason,
        now,
      });
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "call.reopen",
        entityType: "call",
        entityId: callId,
        callId,
        before: { status: before.status, decided_at: before.decided_at },
        after: { status: after.status, decided_at: after.decided_at, reason, proposals: reopened },
      });
      return { call: after };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Exchange rates (recorded by officials on /admin/exchange-rates; read by models/exchange-rates).

export interface ExchangeRateInput {
  currency: string;
  usdPerUnit: string;
  rateDate: string;
  source: string;
}

export interface ExchangeRateRow {
  id: number;
  currency: Currency;
  usd_per_unit: string;
  rate_date: string;
  source: string;
  created_at: string;
  created_by_email: string | null;
}

export async function listExchangeRates(db: DB, limit = 200): Promise<ExchangeRateRow[]> {
  return db
    .selectFrom("exchange_rates")
    .leftJoin("users", "users.id", "exchange_rates.created_by")
    .select([
      "exchange_rates.id",
      "exchange_rates.currency",
      "exchange_rates.usd_per_unit",
      "exchange_rates.rate_date",
      "exchange_rates.source",
      "exchange_rates.created_at",
      "users.email as created_by_email",
    ])
    .orderBy("exchange_rates.rate_date", "desc")
    .orderBy("exchange_rates.id", "desc")
    .limit(limit)
    .execute();
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Field name → encoded message for a rate form; empty when it may be recorded. */
export function validateExchangeRate(input: ExchangeRateInput, now: Date = new Date()) {
  const errors: Record<string, string> = {};
  if (input.currency !== "PKR" && input.currency !== "CNY") errors.currency = msg("rates.currency");
  if (!RATE_PATTERN.test(input.usdPerUnit) || decimalToScaled(input.usdPerUnit, 12) <= 0n)
    errors.usdPerUnit = msg("rates.rate");
  if (!isRealDate(input.rateDate)) errors.rateDate = msg("validation.date");
  else if (input.rateDate > utcIsoToPktLocal(now.toISOString()).slice(0, 10))
    errors.rateDate = msg("rates.dateFuture");
  if (input.source.trim() === "") errors.source = msg("rates.source");
  else if (input.source.length > 200) errors.source = msg("validation.tooLong", { max: 200 });
  return errors;
}

/** Records a dated, sourced rate (one per currency and date), audited. */
export async function recordExchangeRate(
  db: DB,
  input: ExchangeRateInput,
  actor: Actor,
  now: Date = new Date(),
): Promise<CommandResult> {
  const errors = validateExchangeRate(input, now);
  if (Object.keys(errors).length) return refusal(400, errors);
  return runCommand(() =>
    db.transaction().execute(async (trx) => {
      const currency = input.currency as Currency;
      const existing = await trx
        .selectFrom("exchange_rates")
        .select("id")
        .where("currency", "=", currency)
        .where("rate_date", "=", input.rateDate)
        .executeTakeFirst();
      if (existing)
        refuse(400, { rateDate: msg("rates.duplicate", { currency, date: input.rateDate }) });
      const row = await trx
        .insertInto("exchange_rates")
        .values({
          currency,
          usd_per_unit: input.usdPerUnit,
          rate_date: input.rateDate,
          source: input.source.trim(),
          created_by: actor.id,
          created_at: now.toISOString(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "exchange_rate.create",
        entityType: "exchange_rate",
        entityId: row.id,
        after: row,
      });
      return {};
    }),
  );
}
