// /proposals/:id — a draft's task list (each section with its status), or, once submitted, the
// read-only view of what was submitted with its status.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { ProposalSummary, answersByStep, type AnswersByStep } from "~/components/proposal-summary";
import { documentsTaskStatus } from "~/domain/documents";
import { taskStatuses } from "~/domain/proposal-steps";
import { endsApplication, STEPS, tracksOf, type TaskStatus } from "~/domain/step-order";
import { getTranslator } from "~/i18n";
import { countByKind, listDocuments } from "~/models/attachments.server";
import { canWithdraw } from "~/domain/proposal-lifecycle";
import { draftEditable, getOwnedProposal, loadAnswers } from "~/models/proposals.server";
import { isQuestionStep } from "~/schemas";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { useLocale, useT } from "~/utils/use-t";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const db = getDb();
  const proposal = await getOwnedProposal(db, Number(params.id), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  const saved = await loadAnswers(db, proposal.id);
  const call = {
    slug: proposal.call_slug,
    titleEn: proposal.call_title_en,
    titleZh: proposal.call_title_zh,
    closesAt: proposal.call_closes_at,
    contactEmail: proposal.call_contact_email,
  };
  const base = {
    id: proposal.id,
    status: proposal.status,
    reference: proposal.reference,
    title: proposal.title,
    submittedAt: proposal.submitted_at,
    usccNeedsCheck: proposal.uscc_needs_check === 1,
    call,
    canWithdraw: canWithdraw(proposal.status),
  };
  if (proposal.status !== "draft") {
    let answers: AnswersByStep = answersByStep(saved);
    try {
      const snapshot = JSON.parse(proposal.snapshot_json ?? "null") as {
        answers?: AnswersByStep;
      } | null;
      if (snapshot?.answers) answers = snapshot.answers;
    } catch {
      // fall back to the saved answers
    }
    return { ...base, mode: "view" as const, answers, statuses: null, saved: null, blocked: null };
  }
  const docs = await listDocuments(db, proposal.id);
  const statuses = taskStatuses(
    saved,
    documentsTaskStatus(countByKind(docs), tracksOf(saved) ?? []),
  );
  const url = new URL(request.url);
  const savedStep = url.searchParams.get("saved");
  return {
    ...base,
    mode: "tasks" as const,
    answers: null,
    statuses,
    notEligible: endsApplication(saved),
    saved: isQuestionStep(savedStep) ? savedStep : null,
    blocked: draftEditable(proposal),
  };
}

export const meta: MetaFunction<typeof loader> = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as
    { locale?: "en" | "zh-Hans" } | undefined;
  const t = getTranslator(root?.locale ?? "en");
  return [{ title: `${t("proposal.task.title")} – ${t("site.name")}` }];
};

const TAG: Record<TaskStatus, string> = {
  notStarted: "tag tag--grey",
  inProgress: "tag",
  completed: "tag tag--green",
  cannotStart: "tag tag--grey",
  notNeeded: "tag tag--grey",
  problem: "tag tag--red",
};

const STATUS_KEY = {
  notStarted: "proposal.status.notStarted",
  inProgress: "proposal.status.inProgress",
  completed: "proposal.status.completed",
  cannotStart: "proposal.status.cannotStart",
  notNeeded: "proposal.status.notNeeded",
  problem: "proposal.status.problem",
} as const;

export default function ProposalPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const callTitle = locale === "zh-Hans" ? d.call.titleZh : d.call.titleEn;

  if (d.mode === "view") {
    return (
      <>
        <a href="/proposals" className="back-link">
          {t("common.back")}
        </a>
        <span className="caption">{callTitle}</span>
        <h1>
          {d.reference
            ? t("proposal.view.title", { reference: d.reference })
            : (d.title ?? t("proposal.task.title"))}
        </h1>
        <p>
          <strong className="tag">{t(`status.${d.status}`)}</strong>
        </p>
        {d.status === "shortlisted" || d.status === "reserve" || d.status === "rejected" ? (
          <section className="inset" aria-labelledby="decision-title">
            <h2 id="decision-title">{t("decision.heading")}</h2>
            <p>{t(`decision.explain.${d.status}`)}</p>
            <p>{t("decision.contact", { contact: d.call.contactEmail })}</p>
            <p className="hint">{t("decision.confidential")}</p>
          </section>
        ) : null}
        {d.submittedAt ? (
          <p>
            {t("proposal.view.submittedAt")} <DateTime iso={d.submittedAt} />
          </p>
        ) : null}
        <div className="inset">{t("proposal.view.readOnly")}</div>
        {d.reference ? (
          <ul className="link-list">
            <li>
              <a href={`/proposals/${d.id}/receipt`}>{t("proposal.view.receipt")}</a>
            </li>
            <li>
              <a href={`/proposals/${d.id}/messages`}>{t("messages.link")}</a>
            </li>
            {d.canWithdraw && d.status !== "draft" ? (
              <li>
                <a href={`/proposals/${d.id}/withdraw`}>{t("withdraw.link")}</a>
              </li>
            ) : null}
          </ul>
        ) : null}
        <ProposalSummary answers={d.answers ?? {}} />
      </>
    );
  }

  const statuses = d.statuses!;
  // The same sections a step page counts in "Section n of N" (step-order.ts sectionPosition).
  const countable = STEPS.filter((s) => s.id !== "check" && statuses[s.id] !== "notNeeded");
  const done = countable.filter((s) => statuses[s.id] === "completed").length;
  return (
    <>
      <a href="/proposals" className="back-link">
        {t("common.back")}
      </a>
      {d.saved ? (
        <div className="notice notice--success" role="status">
          {t("proposal.form.saved")}
        </div>
      ) : null}
      <span className="caption">{callTitle}</span>
      <h1>{d.title ?? t("proposal.task.title")}</h1>
      {d.blocked === "deadlinePassed" ? (
        <div className="notice notice--warning">{t("proposal.task.deadlinePassed")}</div>
      ) : (
        <p>
          {t("proposal.task.deadline")} <DateTime iso={d.call.closesAt} />
        </p>
      )}
      {d.notEligible ? (
        <div className="notice notice--warning">{t("proposal.task.notEligible")}</div>
      ) : null}
      {d.usccNeedsCheck ? (
        <div className="notice notice--warning">{t("proposal.task.usccWarning")}</div>
      ) : null}
      <p>{t("proposal.task.intro")}</p>
      <p>{t("proposal.task.progress", { done, total: countable.length })}</p>
      <ol className="task-list">
        {STEPS.map((step, i) => {
          const status = statuses[step.id];
          const linked = !d.blocked && status !== "cannotStart" && status !== "notNeeded";
          const title = t(step.titleKey);
          return (
            <li key={step.id} className="task-list__item">
              <span className="task-list__name">
                <span className="task-list__number">{i + 1}. </span>
                {linked ? (
                  <a
                    href={`/proposals/${d.id}/${step.slug}`}
                    aria-describedby={`status-${step.id}`}
                  >
                    {title}
                  </a>
                ) : (
                  title
                )}
              </span>
              <strong id={`status-${step.id}`} className={`task-list__status ${TAG[status]}`}>
                {t(STATUS_KEY[status])}
              </strong>
            </li>
          );
        })}
      </ol>
    </>
  );
}
