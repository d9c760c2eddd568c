// E-mails of the review side: a reviewer is told of a new assignment; an applicant is asked a
// clarification in their own language. Both go through the portal's outbox (sendMail).
import { formatDateTime } from "~/utils/dates";
import type { DB } from "~/services/db.server";
import { publicUrl } from "~/services/env.server";
import { sendMail } from "~/services/mail.server";

export async function notifyReviewerAssigned(
  db: DB,
  input: { reviewerId: number; proposalId: number; dueAt: string },
): Promise<void> {
  const row = await db
    .selectFrom("users")
    .innerJoin("proposals", (j) => j.on("proposals.id", "=", input.proposalId))
    .innerJoin("calls", "calls.id", "proposals.call_id")
    .select([
      "users.email",
      "users.display_name",
      "users.locale",
      "proposals.reference",
      "proposals.company_en",
      "proposals.company_zh",
      "calls.title_en",
      "calls.title_zh",
    ])
    .where("users.id", "=", input.reviewerId)
    .executeTakeFirstOrThrow();
  const zh = row.locale === "zh-Hans";
  await sendMail(db, {
    to: row.email,
    template: "reviewer_assigned",
    locale: row.locale,
    vars: {
      name: row.display_name,
      reference: row.reference ?? `#${input.proposalId}`,
      company: (zh ? row.company_zh : null) ?? row.company_en ?? "",
      call: zh ? row.title_zh : row.title_en,
      due: formatDateTime(input.dueAt, row.locale),
      link: publicUrl(`/review/${input.proposalId}`),
    },
  });
}

export async function notifyClarificationRequested(
  db: DB,
  input: { proposalId: number; question: string },
): Promise<void> {
  const row = await db
    .selectFrom("proposals")
    .innerJoin("users", "users.id", "proposals.owner_id")
    .select([
      "users.email",
      "users.display_name",
      "users.locale",
      "proposals.reference",
      "proposals.title",
    ])
    .where("proposals.id", "=", input.proposalId)
    .executeTakeFirstOrThrow();
  await sendMail(db, {
    to: row.email,
    template: "clarification_requested",
    locale: row.locale,
    vars: {
      name: row.display_name,
      reference: row.reference ?? `#${input.proposalId}`,
      title: row.title ?? "",
      question: input.question,
      link: publicUrl(`/proposals/${input.proposalId}/messages`),
    },
  });
}
