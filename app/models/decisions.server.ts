// Publishing the officials' decisions when a call is marked decided (issue 5). Inside the call's
// transition transaction every proposal still in review takes its decision's status
// (shortlisted / reserve / rejected), one audit row each; a call with a proposal still undecided
// is refused. After the commit each applicant is e-mailed the outcome in their own language.
// Decision reasons stay internal to the CDA: they are never copied into a status, page or e-mail.
import type { DecisionOutcome, Locale } from "~db/schema";
import { getTranslator } from "~/i18n";
import type { Actor } from "~/models/call-admin.server";
import { IN_REVIEW_STATUSES } from "~/domain/proposal-lifecycle";
import { publishDecisions as publishDecisionMoves } from "~/models/proposal-lifecycle.server";
import { publishResults, type PublishedResults, type Release } from "~/models/open-data.server";
import type { DB } from "~/services/db.server";
import { publicUrl } from "~/services/env.server";
import { getLogger } from "~/services/logger.server";
import { sendMail } from "~/services/mail.server";
import { msg } from "~/utils/form";

/** How many references an "undecided" message names. */
export const UNDECIDED_SHOWN = 10;

export interface Undecided {
  count: number;
  /** The first UNDECIDED_SHOWN references, in reference order. */
  references: string[];
}

/** Proposals of the call still in review that have no recorded decision. */
export async function findUndecided(db: DB, callId: number): Promise<Undecided> {
  const rows = await db
    .selectFrom("proposals")
    .leftJoin("decisions", "decisions.proposal_id", "proposals.id")
    .select(["proposals.id", "proposals.reference"])
    .where("proposals.call_id", "=", callId)
    .where("proposals.status", "in", [...IN_REVIEW_STATUSES])
    .where("decisions.proposal_id", "is", null)
    .orderBy("proposals.reference")
    .orderBy("proposals.id")
    .execute();
  return {
    count: rows.length,
    references: rows.slice(0, UNDECIDED_SHOWN).map((r) => r.reference ?? `#${r.id}`),
  };
}

/** The encoded message (msg) that refuses "mark decided" while proposals are undecided. */
export function undecidedMessage(u: Undecided): string {
  const references = u.references.join(", ");
  return u.count > u.references.length
    ? msg("decision.undecidedMany", { count: u.count, shown: u.references.length, references })
    : msg("decision.undecided", { count: u.count, references });
}

/** What the applicant is told once the transaction has committed. */
export interface DecisionMail {
  proposalId: number;
  outcome: DecisionOutcome;
  to: string;
  name: string;
  locale: Locale;
  reference: string;
  title: string;
  callTitleEn: string;
  callTitleZh: string;
  contact: string;
}

export type PublishResult =
  | { ok: true; mails: DecisionMail[]; results: PublishedResults; release: Release }
  | { ok: false; undecided: Undecided };

/**
 * Gives every proposal of the call still in review the status of its decision, with an audit row
 * per proposal. Run it inside the transaction that marks the call decided. When any proposal in
 * review has no decision nothing is written and the undecided ones are returned instead.
 * Drafts, withdrawn and already decided proposals are left as they are. The public results and
 * the call's OCDS award release are published in the same transaction (models/open-data.server.ts):
 * this is the one function that publishes a call's outcome.
 */
export async function publishDecisions(
  trx: DB,
  callId: number,
  actor: Actor,
  at: string,
): Promise<PublishResult> {
  const undecided = await findUndecided(trx, callId);
  if (undecided.count > 0) return { ok: false, undecided };
  const rows = await trx
    .selectFrom("proposals")
    .innerJoin("decisions", "decisions.proposal_id", "proposals.id")
    .innerJoin("users", "users.id", "proposals.owner_id")
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .select([
      "proposals.id",
      "proposals.status",
      "proposals.reference",
      "proposals.title",
      "decisions.outcome",
      "users.email",
      "users.display_name",
      "users.locale",
      "calls.title_en",
      "calls.title_zh",
      "calls.contact_email",
    ])
    .where("proposals.call_id", "=", callId)
    .where("proposals.status", "in", [...IN_REVIEW_STATUSES])
    .orderBy("proposals.reference")
    .orderBy("proposals.id")
    .execute();
  const call = await trx
    .selectFrom("calls")
    .select(["id", "status", "opens_at", "closes_at"])
    .where("id", "=", callId)
    .executeTakeFirstOrThrow();
  const moves = await publishDecisionMoves(trx, {
    call,
    decisions: rows.map((r) => ({ proposalId: r.id, from: r.status, outcome: r.outcome })),
    actor: { id: actor.id, email: actor.email, ip: actor.ip, requestId: actor.requestId },
    now: new Date(at),
  });
  const refused = moves.find((m) => !m.ok);
  if (refused && !refused.ok)
    throw new Error(`publishing refused by the lifecycle: ${refused.errors._form}`);
  const { results, release } = await publishResults(trx, callId, at, actor);
  const mails: DecisionMail[] = [];
  for (const r of rows) {
    mails.push({
      proposalId: r.id,
      outcome: r.outcome,
      to: r.email,
      name: r.display_name,
      locale: r.locale,
      reference: r.reference ?? `#${r.id}`,
      title: r.title ?? "",
      callTitleEn: r.title_en,
      callTitleZh: r.title_zh,
      contact: r.contact_email,
    });
  }
  return { ok: true, mails, results, release };
}

/**
 * E-mails each applicant their decision in their own language (one message per proposal). Call
 * it after the transaction has committed; a failure is logged and never undoes the decision.
 */
export async function sendDecisionMails(db: DB, mails: readonly DecisionMail[]): Promise<void> {
  for (const m of mails) {
    const t = getTranslator(m.locale);
    try {
      await sendMail(db, {
        to: m.to,
        template: "decision",
        locale: m.locale,
        vars: {
          name: m.name,
          reference: m.reference,
          title: m.title,
          call: m.locale === "zh-Hans" ? m.callTitleZh : m.callTitleEn,
          outcome: t(`status.${m.outcome}`),
          next: t(`decision.explain.${m.outcome}`),
          link: publicUrl(`/proposals/${m.proposalId}`),
          contact: m.contact,
        },
      });
    } catch (err) {
      getLogger().error({ err, proposalId: m.proposalId }, "decision mail failed");
    }
  }
}
