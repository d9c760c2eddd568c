// Check answers and submit: every answer grouped by step with "Change" links that come back here,
// the documents, the declaration, and the "Submit proposal" button. Submission itself is one
// transaction in models/submission.server.ts; this page only shows and posts.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { Checkbox, ErrorSummary, TextField, useErrorText } from "~/components/form";
import { answersByStep, ProposalSummary } from "~/components/proposal-summary";
import { FileSize } from "~/components/upload-field";
import { callAcceptsSubmissions } from "~/domain/call-lifecycle";
import { documentRules, type DocumentKind } from "~/domain/documents";
import { applicableQuestionSteps, tracksOf } from "~/domain/proposal-steps";
import { getTranslator, type MessageKey } from "~/i18n";
import { isLocale, localeFromRequest } from "~/i18n/locales";
import { listDocuments } from "~/models/attachments.server";
import { getOwnedProposal, loadAnswers } from "~/models/proposals.server";
import {
  checkReadiness,
  newSubmissionKey,
  submitProposal,
  type SubmittedProposal,
} from "~/models/submission.server";
import { getDb } from "~/services/db.server";
import { getLogger } from "~/services/logger.server";
import { absoluteUrl, sendMail, storeMailInTransaction } from "~/services/mail.server";
import { requireRole } from "~/models/access.server";
import { type SessionUser } from "~/services/session.server";
import { formatDateTime } from "~/utils/dates";
import { formDataToObject, msg, type FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.pageTitle ?? "Check your answers" },
];

async function owned(request: Request, idParam: string | undefined) {
  const user = await requireRole(request, ["applicant"]);
  const proposal = await getOwnedProposal(getDb(), Number(idParam), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return { user, proposal };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { proposal } = await owned(request, params.id);
  if (proposal.status !== "draft") {
    throw redirect(
      proposal.reference && proposal.status !== "withdrawn"
        ? `/proposals/${proposal.id}/confirmation`
        : `/proposals/${proposal.id}`,
    );
  }
  const db = getDb();
  const saved = await loadAnswers(db, proposal.id);
  const report = await checkReadiness(db, proposal.id);
  const docs = await listDocuments(db, proposal.id);
  const t = getTranslator(localeFromRequest(request));
  const closed = callAcceptsSubmissions(
    {
      status: proposal.call_status,
      opens_at: proposal.call_opens_at,
      closes_at: proposal.call_closes_at,
    },
    new Date(),
  );
  return {
    pageTitle: `${t("check.title")}: ${t("site.name")}`,
    proposalId: proposal.id,
    answers: answersByStep(saved),
    steps: applicableQuestionSteps(saved),
    stepProblems: Object.entries(report.stepErrors).map(([step, errors]) => ({
      step,
      count: Object.keys(errors ?? {}).length,
    })),
    documentProblems: report.documents,
    rules: documentRules(tracksOf(saved) ?? []),
    documents: docs.map((d) => ({
      id: d.id,
      kind: d.kind,
      name: d.original_name,
      size: d.size_bytes,
    })),
    closesAt: proposal.call_closes_at,
    closed,
    submissionKey: newSubmissionKey(),
  };
}

type ActionData = { errors: FieldErrors; values: Record<string, string> };

/** The confirmation e-mail of a submission, in the contact's preferred language. */
function confirmationMail(request: Request, user: SessionUser, submitted: SubmittedProposal) {
  const locale = isLocale(submitted.preferredLanguage) ? submitted.preferredLanguage : user.locale;
  const company = [submitted.companyEn, submitted.companyZh].filter(Boolean).join(" / ");
  return {
    to: user.email,
    template: "proposal_submitted" as const,
    locale,
    vars: {
      name: user.display_name,
      reference: submitted.reference,
      title: submitted.title ?? "",
      company,
      call: locale === "zh-Hans" ? submitted.callTitleZh : submitted.callTitleEn,
      submittedAt: formatDateTime(submitted.submittedAt, locale),
      link: absoluteUrl(request, `/proposals/${submitted.proposalId}/receipt`),
      contact: submitted.contactEmail,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  // Ownership is checked by submitProposal, inside its transaction (a proposal that is not this
  // applicant's is "notFound" there): no separate read of the proposal here.
  const proposalId = Number(params.id);
  if (!Number.isSafeInteger(proposalId) || proposalId <= 0) {
    throw new Response("Not found", { status: 404 });
  }
  const form = await readForm(request);
  const input = formDataToObject(form);
  const values = {
    signatoryName: typeof input.signatoryName === "string" ? input.signatoryName : "",
    signatoryTitle: typeof input.signatoryTitle === "string" ? input.signatoryTitle : "",
    confirm: input.confirm === "yes" ? "yes" : "",
    submissionKey: typeof input.submissionKey === "string" ? input.submissionKey : "",
  };
  const db = getDb();
  let mailed = false;
  const result = await submitProposal(db, {
    proposalId,
    userId: user.id,
    submissionKey: values.submissionKey,
    declaration: {
      signatoryName: values.signatoryName,
      signatoryTitle: values.signatoryTitle,
      confirm: input.confirm,
    },
    audit: { requestId: context?.requestId, ip: context?.ip, actorEmail: user.email },
    // Without SMTP the e-mail is only stored: it goes into the outbox with the submission's own
    // commit (one fsync per submission instead of two; bench/FINDINGS.md §3). A failure to store
    // it never fails the submission: it is then tried again after the commit.
    afterSubmit: async (trx, submitted) => {
      try {
        mailed =
          (await storeMailInTransaction(trx, confirmationMail(request, user, submitted))) !== null;
      } catch (err) {
        getLogger().error({ err, proposalId: submitted.proposalId }, "submission e-mail failed");
      }
    },
  });
  if (result.ok) {
    if (result.submitted && !mailed) {
      // With SMTP (or when storing failed) the e-mail is sent after the commit, so a slow mail
      // server never holds the database. The proposal is submitted whatever happens to it.
      try {
        await sendMail(db, confirmationMail(request, user, result.submitted));
      } catch (err) {
        getLogger().error({ err, proposalId: result.proposalId }, "submission e-mail failed");
      }
    }
    return redirect(`/proposals/${result.proposalId}/confirmation`, { status: 303 });
  }
  switch (result.reason) {
    case "notFound":
      throw new Response("Not found", { status: 404 });
    case "notDraft":
      return redirect(`/proposals/${proposalId}`, { status: 303 });
    case "deadline":
    case "notOpen":
      return data<ActionData>(
        {
          errors: {
            _form: msg(result.reason === "deadline" ? "check.err.deadline" : "check.err.notOpen"),
          },
          values,
        },
        { status: 400 },
      );
    case "declaration":
      return data<ActionData>({ errors: result.errors, values }, { status: 400 });
    case "incomplete":
      return data<ActionData>(
        { errors: { _form: msg("check.err.incomplete"), ...result.errors }, values },
        { status: 400 },
      );
  }
}

export default function CheckPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const t = useT();
  const text = useErrorText();
  const base = `/proposals/${d.proposalId}`;
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  const { _form: formError, ...fieldErrors } = errors;
  const summaryErrors: FieldErrors = {};
  if (formError) summaryErrors.problems = formError;
  Object.assign(summaryErrors, fieldErrors);
  const hasProblems = d.stepProblems.length > 0 || d.documentProblems.length > 0;
  const submitting = navigation.state === "submitting";
  return (
    <>
      <a href={base} className="back-link">
        {t("common.back")}
      </a>
      <ErrorSummary errors={Object.keys(summaryErrors).length ? summaryErrors : null} />
      <h1>{t("check.title")}</h1>
      <p className="lead">{t("check.intro")}</p>
      <p>
        {d.closed === "deadline" ? (
          <strong className="error-message">{t("check.err.deadline")}</strong>
        ) : (
          <>
            {t("check.deadline")} <DateTime iso={d.closesAt} />
          </>
        )}
      </p>

      {hasProblems ? (
        <div className="notice notice--warning" id="f-problems">
          <h2 className="h3">{t("check.problems.heading")}</h2>
          <p>{t("check.problems.intro")}</p>
          <ul>
            {d.stepProblems.map((p) => (
              <li key={p.step}>
                <a href={`${base}/${p.step}?returnTo=check`}>
                  {t("check.problems.step", {
                    step: t(`proposal.steps.${p.step}` as MessageKey),
                    count: p.count,
                  })}
                </a>
              </li>
            ))}
            {d.documentProblems.map((p) => (
              <li key={p.kind}>
                <a href={`${base}/documents?returnTo=check`}>
                  {t("check.problems.documents", {
                    problem: text(
                      p.problem === "missing"
                        ? msg(`docs.err.missing.${p.kind}`)
                        : msg("docs.err.tooManyKind"),
                    )!,
                  })}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <ProposalSummary answers={d.answers} changeBase={base} steps={d.steps} />

      <section className="proposal-summary__step" aria-labelledby="summary-documents">
        <div className="proposal-summary__header">
          <h2 id="summary-documents" className="proposal-summary__title">
            {t("check.documents")}
          </h2>
          <a href={`${base}/documents?returnTo=check`} className="proposal-summary__change">
            {t("check.change")}
            <span className="visually-hidden"> {t("check.documents")}</span>
          </a>
        </div>
        <dl className="summary-list">
          {d.rules
            .filter((r) => r.min > 0 || d.documents.some((doc) => doc.kind === r.kind))
            .map((r) => {
              const files = d.documents.filter((doc) => doc.kind === r.kind);
              return (
                <div className="summary-list__row" key={r.kind}>
                  <dt>{t(`docs.kind.${r.kind as DocumentKind}` as MessageKey)}</dt>
                  <dd>
                    {files.length ? (
                      <ul className="plain-list">
                        {files.map((f) => (
                          <li key={f.id}>
                            <a href={`/attachments/${f.id}`}>{f.name}</a> (
                            <FileSize bytes={f.size} />)
                          </li>
                        ))}
                      </ul>
                    ) : (
                      t("common.notProvided")
                    )}
                  </dd>
                </div>
              );
            })}
        </dl>
      </section>

      <h2>{t("check.declaration.heading")}</h2>
      <p>{t("check.declaration.text")}</p>
      <Form method="post" noValidate>
        <input
          type="hidden"
          name="submissionKey"
          value={values?.submissionKey || d.submissionKey}
        />
        <TextField
          name="signatoryName"
          label={t("check.signatoryName")}
          error={fieldErrors.signatoryName}
          defaultValue={values?.signatoryName}
          autoComplete="name"
          spellCheck={false}
        />
        <TextField
          name="signatoryTitle"
          label={t("check.signatoryTitle")}
          hint={t("check.signatoryTitleHint")}
          error={fieldErrors.signatoryTitle}
          defaultValue={values?.signatoryTitle}
          autoComplete="organization-title"
        />
        <Checkbox
          name="confirm"
          label={t("check.confirm")}
          error={fieldErrors.confirm}
          defaultChecked={values?.confirm === "yes"}
        />
        <button type="submit" className="button" disabled={submitting} aria-disabled={submitting}>
          {t("check.submit")}
        </button>
      </Form>
    </>
  );
}
