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
import { ReviewReadOnly, valuesFromScores } from "~/components/scoring-form";
import { ScoringWorkspace } from "~/components/scoring-workspace";
import { fieldNames } from "~/domain/review-validation";
import { isReviewable } from "~/domain/proposal-lifecycle";
import { listDocuments } from "~/models/attachments.server";
import { listClarifications } from "~/models/clarifications.server";
import { attestationView, can } from "~/domain/access";
import {
  getProposalAccess,
  requireProposalAccess,
  requireRole,
  type AccessUser,
} from "~/models/access.server";
import { nextProposalToScore } from "~/models/assignments.server";
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
  type RevisionView,
} from "~/models/reviews.server";
import { getDb } from "~/services/db.server";
import { STAFF_ROLES } from "~/services/session.server";
import { formDataToObject, getAt, type FieldErrors } from "~/utils/form";
import { useLocale, useT } from "~/utils/use-t";
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
    previous: await previousReference(db, user, new URL(request.url).searchParams.get("submitted")),
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

/**
 * "Your review of CDA-2026-0012 has been submitted": the reference of the proposal just submitted
 * (the `submitted` parameter of "Submit and go to the next proposal"), if the reviewer may see it.
 */
async function previousReference(
  db: ReturnType<typeof getDb>,
  user: AccessUser,
  param: string | null,
): Promise<string | null> {
  const id = Number(param);
  if (!param || !Number.isSafeInteger(id) || id <= 0) return null;
  if (!can(await getProposalAccess(db, user, id), "view")) return null;
  return (await getProposalHead(db, id))?.reference ?? null;
}

/** The draft intents: "draft", or "draft:<criterion id>" from a criterion's own button. */
function draftAnchor(intent: string): string | null | undefined {
  if (intent === "draft") return null;
  const m = /^draft:(\d+)$/.exec(intent);
  return m ? `crit-${m[1]}` : undefined;
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
  const anchor = draftAnchor(intent);
  if (anchor !== undefined || intent === "submit" || intent === "submit-next") {
    const draft = anchor !== undefined;
    const result = await saveReview(db, user, proposalId, posted, draft ? "draft" : "submit", ctx);
    if (!result.ok) return data({ errors: result.errors, values: posted }, { status: 400 });
    // With JavaScript a draft is saved in the background (the page stays where it was); without,
    // the page comes back at the criterion whose button was pressed.
    if (draft && posted.js === "1") return data({ saved: "draft" as const });
    if (draft) return redirect(`/review/${proposalId}?saved=draft${anchor ? `#${anchor}` : ""}`);
    if (intent === "submit-next") {
      const next = await nextProposalToScore(db, user, proposalId);
      if (next !== null) return redirect(`/review/${next}?submitted=${proposalId}`);
      return redirect(`/review/${proposalId}?saved=submitted&next=none`);
    }
    return redirect(`/review/${proposalId}?saved=submitted`);
  }
  return data({ errors: { _form: "review.error.notFound" }, values: posted }, { status: 400 });
}

type ActionData = { errors: FieldErrors; values: Record<string, unknown> } | undefined;

function Documents({ documents }: { documents: { id: number; kind: string; name: string }[] }) {
  const t = useT();
  if (!documents.length) return <p>{t("scoring.noDocuments")}</p>;
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
  const t = useT();
  if (!reviews.length) return <p>{t("scoring.noColleagues")}</p>;
  return (
    <>
      {reviews.map((r) => (
        <section key={r.id} className="card">
          <h3 className="h3">
            {r.reviewerName} ({t("scoring.revision", { revision: r.revision })})
          </h3>
          {r.submittedAt ? (
            <p className="caption">
              {t("scoring.submittedAt")} <DateTime iso={r.submittedAt} />
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
  const t = useT();
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
    <div className="review-head">
      <p className="review-head__back">
        <a href={loaderData.stage === "official" ? `/admin/proposals/${p.id}` : "/review"}>
          {loaderData.stage === "official"
            ? "Manage this proposal (assignments, reviews, questions)"
            : t("scoring.back")}
        </a>
      </p>
      <p className="caption review-head__caption">
        {p.reference} · {p.callTitleEn}
      </p>
      <h1 className="h1 review-head__title">{loaderData.proposal.title ?? "Untitled proposal"}</h1>
      <p className="review-head__company">
        {company}
        {loaderData.stage === "review" && loaderData.dueAt ? (
          <>
            {" "}
            · {t("scoring.dueBy")} <DateTime iso={loaderData.dueAt} />
          </>
        ) : null}
      </p>
    </div>
  );

  const proposalColumn = (
    <>
      <h2 className="h2">{t("scoring.proposal")}</h2>
      <ProposalSummary answers={loaderData.answers as AnswersByStep} headingLevel={3} />
      <h2 className="h2">{t("scoring.documents")}</h2>
      <Documents documents={loaderData.documents} />
      <h2 className="h2">{t("scoring.clarifications")}</h2>
      <ClarificationThread thread={loaderData.thread} emptyText={t("scoring.noClarifications")} />
    </>
  );

  if (loaderData.stage === "official") {
    return (
      <>
        {header}
        <div className="review-layout">
          <div className="review-layout__proposal">{proposalColumn}</div>
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
  const notice = actionData
    ? null
    : loaderData.previous
      ? t("scoring.submittedPrevious", { reference: loaderData.previous })
      : saved === "draft"
        ? t("scoring.saved")
        : null;

  if (editable) {
    return (
      <div className="review-page" key={p.id}>
        {header}
        <ScoringWorkspace
          criteria={loaderData.criteria}
          values={values}
          errors={actionData?.errors}
          locale={locale}
          heading={
            own
              ? `${t("scoring.yourReview")} (${t("scoring.revision", { revision: own.revision })})`
              : t("scoring.yourReview")
          }
          notice={notice}
          before={
            own?.status === "returned" ? (
              <div className="notice notice--warning">
                <h3 className="h3">{t("scoring.returned")}</h3>
                <p className="preserve-lines">{own.returnNote}</p>
                <p>{t("scoring.returnedHint")}</p>
              </div>
            ) : null
          }
          proposal={proposalColumn}
        />
        <Revisions revisions={loaderData.revisions} criteria={loaderData.criteria} />
      </div>
    );
  }

  return (
    <div className="review-page" key={p.id}>
      {header}
      {saved === "submitted" && !actionData ? (
        <div className="notice notice--success" role="status">
          {t("scoring.submitted")}
          {search.get("next") === "none" ? <> {t("scoring.noneLeft")}</> : null}
        </div>
      ) : null}
      <div className="review-layout">
        <div className="review-layout__proposal">{proposalColumn}</div>
        <div className="review-layout__form">
          <ErrorSummary errors={actionData?.errors} />
          {own ? (
            <>
              <h2 className="h2">
                {own.status === "submitted"
                  ? t("scoring.yourSubmitted")
                  : t("scoring.yourUnsubmitted")}{" "}
                ({t("scoring.revision", { revision: own.revision })})
              </h2>
              <ReviewReadOnly
                criteria={loaderData.criteria}
                scores={own.scores}
                overallComment={own.overallComment}
                locale={locale}
              />
            </>
          ) : null}
          {!loaderData.reviewable ? <p>{t("scoring.noLonger")}</p> : null}
          {own?.status === "submitted" ? (
            <>
              <h2 className="h2">{t("scoring.colleagues")}</h2>
              <Colleagues reviews={loaderData.colleagues} criteria={loaderData.criteria} />
            </>
          ) : null}
          <Revisions revisions={loaderData.revisions} criteria={loaderData.criteria} />
          {/* Issue 15 (i15b): the staff discussion, below the reviewer's own submitted review. */}
          {loaderData.discussion ? (
            <DiscussionPanel discussion={loaderData.discussion} returnTo={`/review/${p.id}`} />
          ) : null}
        </div>
      </div>
    </div>
  );
}

function Revisions({
  revisions,
  criteria,
}: {
  revisions: RevisionView[];
  criteria: Parameters<typeof ReviewReadOnly>[0]["criteria"];
}) {
  const t = useT();
  const locale = useLocale();
  if (!revisions.length) return null;
  return (
    <>
      <h2 className="h2">{t("scoring.earlier")}</h2>
      {revisions.map((r) => (
        <details key={r.id} className="details">
          <summary>
            {t("scoring.returnedBy", {
              revision: r.revision,
              name: r.returnedBy ?? t("scoring.anOfficial"),
            })}
          </summary>
          <p className="preserve-lines">{t("scoring.note", { note: r.returnNote ?? "" })}</p>
          <ReviewReadOnly
            criteria={criteria}
            scores={r.snapshot.scores}
            overallComment={r.snapshot.overallComment}
            locale={locale}
          />
        </details>
      ))}
    </>
  );
}
