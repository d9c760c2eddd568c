import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { ErrorSummary, TextArea } from "~/components/form";
import { ProposalSummary, type AnswersByStep } from "~/components/proposal-summary";
import { ReviewReadOnly, ScoringForm, valuesFromScores } from "~/components/scoring-form";
import { fieldNames } from "~/domain/review-validation";
import { isReviewable } from "~/domain/proposal-lifecycle";
import { listDocuments } from "~/models/attachments.server";
import { listClarifications } from "~/models/clarifications.server";
import { attestationView, can } from "~/domain/access";
import { requireProposalAccess } from "~/models/access.server";
import { declareConflict } from "~/models/conflicts.server";
import {
  applicableCriteria,
  attestNoConflict,
  criteriaVersionFor,
  getOwnReview,
  getProposalAnswers,
  getProposalHead,
  listColleagueReviews,
  listCriteria,
  listProposalReviews,
  listRevisions,
  saveReview,
  type ReviewView,
} from "~/models/reviews.server";
import { getDb } from "~/services/db.server";
import { requireRole, STAFF_ROLES } from "~/services/session.server";
import { formDataToObject, getAt, type FieldErrors } from "~/utils/form";
import { useLocale } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";
import { ClarificationThread } from "~/components/clarification-thread";
// Issue 15 (i15b): the staff discussion, shown to whoever holds "discuss".
import { DiscussionPanel } from "~/components/discussion-panel";
import { listDiscussion } from "~/models/discussion.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Review ${data?.proposal.reference ?? ""} – CDA Investment Proposal Portal` },
];

async function accessOrThrow(request: Request, params: LoaderFunctionArgs["params"]) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  const proposalId = Number(params.proposalId);
  const access = await requireProposalAccess(db, user, proposalId, "view");
  const proposal = await getProposalHead(db, proposalId);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return { db, user, proposalId, access, proposal };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, user, proposalId, access, proposal: p } = await accessOrThrow(request, params);
  const head = {
    id: p.id,
    reference: p.reference,
    title: p.title,
    companyEn: p.companyEn,
    companyZh: p.companyZh,
    parentGroup: p.parentGroup,
    status: p.status,
    callTitleEn: p.callTitleEn,
    submittedAt: p.submittedAt,
    tracks: p.tracks,
  };
  // Before the attestation only the company is shown: enough to judge a conflict, nothing more
  // (the access policy's attestationView: not the title, tracks or status).
  if (!can(access, "viewContent")) {
    return data({
      stage: "attest" as const,
      proposal: attestationView(p),
      dueAt: access.assignment?.dueAt ?? null,
    });
  }
  const versionId = await criteriaVersionFor(db, p);
  const criteria = versionId ? applicableCriteria(await listCriteria(db, versionId), p.tracks) : [];
  const [answers, documents, thread] = await Promise.all([
    getProposalAnswers(db, p),
    listDocuments(db, proposalId),
    listClarifications(db, proposalId),
  ]);
  const docs = documents.map((d) => ({
    id: d.id,
    kind: d.kind,
    name: d.original_name,
    size: d.size_bytes,
  }));
  // Issue 15 (i15b): the discussion, for officials and reviewers whose own review is in.
  const discussion = can(access, "discuss")
    ? await listDiscussion(db, proposalId, { forOfficial: can(access, "moderate") })
    : null;
  if (can(access, "viewReviews")) {
    const reviews = (await listProposalReviews(db, proposalId)).filter(
      (r) => r.status === "submitted",
    );
    return data({
      stage: "official" as const,
      proposal: head,
      criteria,
      answers,
      documents: docs,
      thread,
      reviews,
      discussion,
    });
  }
  const own = await getOwnReview(db, proposalId, user.id);
  const colleagues = await listColleagueReviews(db, proposalId, user.id);
  const revisions = own ? await listRevisions(db, own.id) : [];
  return data({
    stage: "review" as const,
    proposal: head,
    dueAt: access.assignment?.dueAt ?? null,
    reviewable: isReviewable(p.status),
    criteria,
    answers,
    documents: docs,
    thread,
    own,
    colleagues,
    revisions,
    discussion,
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, ["reviewer"], db);
  const proposalId = Number(params.proposalId);
  await requireProposalAccess(db, user, proposalId, "view");
  const ctx = { requestId: context?.requestId ?? null, ip: context?.ip ?? null };
  const form = await readForm(request);
  const posted = formDataToObject(form);
  const intent = String(posted.intent ?? "");

  if (intent === "attest") {
    const result = await attestNoConflict(db, user, proposalId, ctx);
    if (!result.ok) return data({ errors: result.errors, values: posted }, { status: 400 });
    return redirect(`/review/${proposalId}`);
  }
  if (intent === "declare") {
    const result = await declareConflict(
      db,
      user,
      { kind: "proposal", proposalId },
      String(posted.reason ?? ""),
      ctx,
    );
    if (!result.ok) return data({ errors: result.errors, values: posted }, { status: 400 });
    return redirect("/review?declared=1");
  }
  if (intent === "draft" || intent === "submit") {
    const result = await saveReview(
      db,
      user,
      proposalId,
      posted,
      intent === "submit" ? "submit" : "draft",
      ctx,
    );
    if (!result.ok) return data({ errors: result.errors, values: posted }, { status: 400 });
    return redirect(`/review/${proposalId}?saved=${intent === "submit" ? "submitted" : "draft"}`);
  }
  return data({ errors: { _form: "review.error.notFound" }, values: posted }, { status: 400 });
}

type ActionData = { errors: FieldErrors; values: Record<string, unknown> } | undefined;

function Documents({ documents }: { documents: { id: number; kind: string; name: string }[] }) {
  if (!documents.length) return <p>No documents.</p>;
  return (
    <ul className="list">
      {documents.map((d) => (
        <li key={d.id}>
          <a href={`/attachments/${d.id}`} download>
            {d.name}
          </a>{" "}
          <span className="hint">({d.kind})</span>
        </li>
      ))}
    </ul>
  );
}

function Colleagues({
  reviews,
  criteria,
}: {
  reviews: ReviewView[];
  criteria: Parameters<typeof ReviewReadOnly>[0]["criteria"];
}) {
  const locale = useLocale();
  if (!reviews.length) return <p>No other submitted reviews yet.</p>;
  return (
    <>
      {reviews.map((r) => (
        <section key={r.id} className="card">
          <h3 className="h3">
            {r.reviewerName} (revision {r.revision})
          </h3>
          {r.submittedAt ? (
            <p className="caption">
              Submitted <DateTime iso={r.submittedAt} />
            </p>
          ) : null}
          <ReviewReadOnly
            criteria={criteria}
            scores={r.scores}
            overallComment={r.overallComment}
            locale={locale}
          />
        </section>
      ))}
    </>
  );
}

export default function ReviewProposal() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData;
  const [search] = useSearchParams();
  const locale = useLocale();
  const p = loaderData.proposal;
  const company = [p.companyEn, p.companyZh].filter(Boolean).join(" / ");

  if (loaderData.stage === "attest") {
    const errors = actionData?.errors;
    return (
      <>
        <p>
          <a href="/review">Back to your review queue</a>
        </p>
        <span className="caption">{p.reference}</span>
        <h1 className="h1">Before you open this proposal</h1>
        <ErrorSummary errors={errors} />
        <dl className="summary-list">
          <div className="summary-list__row">
            <dt>Company</dt>
            <dd>{company}</dd>
          </div>
          <div className="summary-list__row">
            <dt>Parent group</dt>
            <dd>{p.parentGroup ?? "None given"}</dd>
          </div>
          <div className="summary-list__row">
            <dt>Call</dt>
            <dd>{p.callTitleEn}</dd>
          </div>
        </dl>
        <p>
          Confirm that you have no conflict of interest with this company or its parent group: no
          employment, shareholding, family tie, recent business relationship or other interest that
          could affect, or appear to affect, your judgement.
        </p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="attest" />
          <button type="submit" className="button">
            I have no conflict of interest – open the proposal
          </button>
        </Form>
        <h2 className="h2">I have a conflict of interest</h2>
        <p>
          Declaring a conflict removes this proposal from your queue; an official will assign
          another reviewer.
        </p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="declare" />
          <TextArea
            name="reason"
            label="Describe the conflict"
            error={errors?.reason}
            defaultValue={String(actionData?.values?.reason ?? "")}
            rows={3}
          />
          <button type="submit" className="button button--warning">
            Declare a conflict
          </button>
        </Form>
      </>
    );
  }

  const header = (
    <>
      <p>
        <a href={loaderData.stage === "official" ? `/admin/proposals/${p.id}` : "/review"}>
          {loaderData.stage === "official"
            ? "Manage this proposal (assignments, reviews, questions)"
            : "Back to your review queue"}
        </a>
      </p>
      <span className="caption">
        {p.reference} · {p.callTitleEn}
      </span>
      <h1 className="h1">{loaderData.proposal.title ?? "Untitled proposal"}</h1>
      <p className="lead">{company}</p>
    </>
  );

  const proposalColumn = (
    <div className="review-layout__proposal">
      <h2 className="h2">The proposal</h2>
      <ProposalSummary answers={loaderData.answers as AnswersByStep} headingLevel={3} />
      <h2 className="h2">Documents</h2>
      <Documents documents={loaderData.documents} />
      <h2 className="h2">Clarifications</h2>
      <ClarificationThread
        thread={loaderData.thread}
        emptyText="No clarification questions have been asked."
      />
    </div>
  );

  if (loaderData.stage === "official") {
    return (
      <>
        {header}
        <div className="review-layout">
          {proposalColumn}
          <div className="review-layout__form">
            <h2 className="h2">Submitted reviews</h2>
            <Colleagues reviews={loaderData.reviews} criteria={loaderData.criteria} />
            {/* Issue 15 (i15b): the staff discussion. */}
            {loaderData.discussion ? (
              <DiscussionPanel
                discussion={loaderData.discussion}
                returnTo={`/review/${p.id}`}
                canSettle
              />
            ) : null}
          </div>
        </div>
      </>
    );
  }

  const own = loaderData.own;
  const editable = loaderData.reviewable && (!own || own.status !== "submitted");
  const values: Record<string, string> = {};
  if (actionData?.values) {
    for (const c of loaderData.criteria) {
      for (const name of [
        fieldNames.level(c.id),
        fieldNames.gate(c.id),
        fieldNames.rationale(c.id),
      ]) {
        const v = getAt(actionData.values, name);
        if (typeof v === "string") values[name] = v;
      }
    }
    values.overallComment = String(actionData.values.overallComment ?? "");
  } else if (own) Object.assign(values, valuesFromScores(own.scores, own.overallComment));
  const saved = search.get("saved");

  return (
    <>
      {header}
      {saved === "submitted" && !actionData ? (
        <div className="notice notice--success" role="status">
          Your review has been submitted.
        </div>
      ) : null}
      {saved === "draft" && !actionData ? (
        <div className="notice notice--success" role="status">
          Your draft has been saved.
        </div>
      ) : null}
      {loaderData.dueAt ? (
        <p>
          Due by <DateTime iso={loaderData.dueAt} />
        </p>
      ) : null}
      <div className="review-layout">
        {proposalColumn}
        <div className="review-layout__form">
          {own?.status === "returned" ? (
            <div className="notice notice--warning">
              <h2 className="h3">Returned for rework</h2>
              <p className="preserve-lines">{own.returnNote}</p>
              <p>Edit your review and submit it again.</p>
            </div>
          ) : null}
          {editable ? (
            <>
              <h2 className="h2">
                Your review {own ? `(revision ${own.revision}, ${own.status})` : ""}
              </h2>
              <ScoringForm
                criteria={loaderData.criteria}
                values={values}
                errors={actionData?.errors}
                locale={locale}
              />
            </>
          ) : (
            <>
              <ErrorSummary errors={actionData?.errors} />
              {own ? (
                <>
                  <h2 className="h2">
                    Your {own.status === "submitted" ? "submitted" : "unsubmitted"} review (revision{" "}
                    {own.revision})
                  </h2>
                  <ReviewReadOnly
                    criteria={loaderData.criteria}
                    scores={own.scores}
                    overallComment={own.overallComment}
                    locale={locale}
                  />
                </>
              ) : null}
              {!loaderData.reviewable ? (
                <p>This proposal can no longer be reviewed: it has been withdrawn or decided.</p>
              ) : null}
              {own?.status === "submitted" ? (
                <>
                  <h2 className="h2">Colleagues&apos; submitted reviews</h2>
                  <Colleagues reviews={loaderData.colleagues} criteria={loaderData.criteria} />
                </>
              ) : null}
            </>
          )}
          {loaderData.revisions.length ? (
            <>
              <h2 className="h2">Earlier revisions</h2>
              {loaderData.revisions.map((r) => (
                <details key={r.id} className="details">
                  <summary>
                    Revision {r.revision}, returned by {r.returnedBy ?? "an official"}
                  </summary>
                  <p className="preserve-lines">Note: {r.returnNote}</p>
                  <ReviewReadOnly
                    criteria={loaderData.criteria}
                    scores={r.snapshot.scores}
                    overallComment={r.snapshot.overallComment}
                    locale={locale}
                  />
                </details>
              ))}
            </>
          ) : null}
          {/* Issue 15 (i15b): the staff discussion, below the reviewer's own submitted review. */}
          {loaderData.discussion ? (
            <DiscussionPanel discussion={loaderData.discussion} returnTo={`/review/${p.id}`} />
          ) : null}
        </div>
      </div>
    </>
  );
}
