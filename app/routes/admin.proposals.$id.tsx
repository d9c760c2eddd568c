import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { ExcludedReviewsNotice } from "~/components/excluded-reviews";
import { Choices, ErrorSummary, Select, TextArea } from "~/components/form";
import { ProposalSummary, type AnswersByStep } from "~/components/proposal-summary";
import { ReviewReadOnly } from "~/components/scoring-form";
import { listDocuments } from "~/models/attachments.server";
import {
  assignReviewer,
  listProposalAssignments,
  listReviewers,
  reassignReviewer,
  unassignReviewer,
} from "~/models/assignments.server";
import { askClarification, listClarifications } from "~/models/clarifications.server";
import { resolveUsccClaim, usccClaim } from "~/models/organisations.server";
import { actorFrom } from "~/domain/command";
import {
  conflictedUsersByProposal,
  excludedReviews,
  requireProposalAccess,
  refuseUnless,
  requireRole,
} from "~/models/access.server";
import {
  applicableCriteria,
  criteriaVersionFor,
  getProposalAnswers,
  getProposalHead,
  listCriteria,
  listProposalReviews,
  listRevisions,
  returnReview,
} from "~/models/reviews.server";
import { getDb } from "~/services/db.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { formDataToObject, msg, type FieldErrors } from "~/utils/form";
import { useLocale, useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";
import { ClarificationThread } from "~/components/clarification-thread";
import { CreditCodeFlag } from "~/components/credit-code-flag";
import { getCreditCodeCheck, recordCreditCodeCheck } from "~/models/credit-code-check.server";
import { postedId } from "~/utils/ids";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Proposal ${data?.proposal.reference ?? ""} – CDA administration` },
];

/** The signed-in official's access to the proposal (the access policy), and the proposal. */
async function proposalFor(request: Request, id: number) {
  const db = getDb();
  const user = await requireRole(request, OFFICIAL_ROLES, db);
  const access = await requireProposalAccess(db, user, id, "viewReviews");
  const proposal = await getProposalHead(db, id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return { db, user, access, proposal };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, user, proposal } = await proposalFor(request, Number(params.id));
  const versionId = await criteriaVersionFor(db, proposal);
  const criteria = versionId
    ? applicableCriteria(await listCriteria(db, versionId), proposal.tracks)
    : [];
  const [answers, documents, assignments, reviewers, reviews, thread, claim] = await Promise.all([
    getProposalAnswers(db, proposal),
    listDocuments(db, proposal.id),
    listProposalAssignments(db, proposal.id),
    listReviewers(db),
    listProposalReviews(db, proposal.id),
    listClarifications(db, proposal.id),
    usccClaim(db, proposal.organisationId),
  ]);
  const conflicted =
    (await conflictedUsersByProposal(db, [proposal.id])).get(proposal.id) ?? new Set<number>();
  const excluded = await excludedReviews(db, proposal.id);
  const revisions = Object.fromEntries(
    await Promise.all(reviews.map(async (r) => [r.id, await listRevisions(db, r.id)] as const)),
  );
  return data({
    proposal: {
      id: proposal.id,
      reference: proposal.reference,
      title: proposal.title,
      status: proposal.status,
      companyEn: proposal.companyEn,
      companyZh: proposal.companyZh,
      parentGroup: proposal.parentGroup,
      callSlug: proposal.callSlug,
      callTitleEn: proposal.callTitleEn,
      submittedAt: proposal.submittedAt,
    },
    criteria,
    answers,
    documents: documents.map((d) => ({ id: d.id, kind: d.kind, name: d.original_name })),
    assignments,
    reviewers: reviewers.map((r) => ({ ...r, conflicted: conflicted.has(r.id) })),
    reviews,
    excluded,
    revisions,
    thread,
    creditCode: await getCreditCodeCheck(db, proposal.id),
    // Another company claims the same credit code (issue 12, item 8): officials see it, an
    // administrator resolves it.
    uscc:
      claim && claim.state !== "sole"
        ? { ...claim, organisationId: proposal.organisationId }
        : null,
    canResolveUscc: user.role === "admin",
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { db, user, access, proposal } = await proposalFor(request, Number(params.id));
  const posted = formDataToObject(await readForm(request));
  const intent = String(posted.intent ?? "");
  const ctx = { requestId: context?.requestId ?? null, ip: context?.ip ?? null };
  const fail = (errors: FieldErrors) =>
    data({ intent, target: String(posted.target ?? ""), errors, values: posted }, { status: 400 });
  const done = (what: string) => redirect(`/admin/proposals/${proposal.id}?done=${what}`);
  await refuseUnless(db, user, access, intent === "return" ? "returnReview" : "manage");

  switch (intent) {
    case "assign": {
      const reviewerId = Number(posted.reviewerId);
      if (!Number.isSafeInteger(reviewerId) || reviewerId <= 0)
        return fail({ reviewerId: msg("review.error.chooseReviewer") });
      const r = await assignReviewer(db, user, proposal.id, reviewerId, ctx);
      return r.ok ? done("assigned") : fail(r.errors);
    }
    case "unassign": {
      const r = await unassignReviewer(db, user, proposal.id, postedId(posted.assignmentId), ctx);
      return r.ok ? done("unassigned") : fail(r.errors);
    }
    case "reassign": {
      const field = `reassignTo${postedId(posted.assignmentId)}`;
      const reviewerId = Number(posted[field]);
      if (!Number.isSafeInteger(reviewerId) || reviewerId <= 0)
        return fail({ [field]: msg("review.error.chooseReviewer") });
      const r = await reassignReviewer(
        db,
        user,
        proposal.id,
        postedId(posted.assignmentId),
        reviewerId,
        ctx,
      );
      if (r.ok) return done("reassigned");
      const { reviewerId: reviewerError, ...rest } = r.errors;
      return fail(reviewerError ? { ...rest, [field]: reviewerError } : rest);
    }
    case "return": {
      // One note field per review on the page: its name carries the review id (unique ids).
      const field = `note${postedId(posted.reviewId)}`;
      const r = await returnReview(
        db,
        user,
        proposal.id,
        postedId(posted.reviewId),
        String(posted[field] ?? ""),
        ctx,
      );
      if (r.ok) return done("returned");
      const { note: noteError, ...rest } = r.errors;
      return fail(noteError ? { ...rest, [field]: noteError } : rest);
    }
    case "resolveUscc": {
      const claim = await usccClaim(db, proposal.organisationId);
      const holderId = Number(posted.holderId);
      if (!claim || !claim.claimants.some((c) => c.id === holderId))
        return fail({ holderId: msg("uscc.error.chooseHolder") });
      const r = await resolveUsccClaim(db, actorFrom(user, context), {
        holderId,
        note: String(posted.usccNote ?? ""),
        proposalId: proposal.id,
      });
      if (r.ok) return done("usccResolved");
      if (r.status === 403) throw new Response("Forbidden", { status: 403 });
      return fail(r.errors);
    }
    case "ask": {
      const r = await askClarification(db, user, proposal.id, String(posted.question ?? ""), ctx);
      return r.ok ? done("asked") : fail(r.errors);
    }
    case "creditCode": {
      const r = await recordCreditCodeCheck(db, {
        proposalId: proposal.id,
        values: posted,
        actor: { id: user.id, email: user.email },
        ...ctx,
      });
      return r.ok ? done("creditCode") : fail(r.errors);
    }
    default:
      return fail({ _form: msg("review.error.notFound") });
  }
}

type ActionData =
  | { intent: string; target: string; errors: FieldErrors; values: Record<string, unknown> }
  | undefined;

const DONE: Record<string, string> = {
  assigned: "The reviewer has been assigned and e-mailed.",
  unassigned: "The assignment has been removed.",
  reassigned: "The proposal has been reassigned and the new reviewer e-mailed.",
  returned: "The review has been returned to its reviewer for rework.",
  asked: "Your question has been sent to the applicant.",
  creditCode: "The credit code check has been recorded.",
  usccResolved: "The credit code dispute has been resolved and recorded in the audit log.",
};

const USCC_STATE: Record<string, string> = {
  disputed:
    "Another company claims the same credit code (USCC). An administrator must decide which company holds it.",
  holder: "This company was confirmed as the holder of its credit code (USCC) in a dispute.",
  rejected:
    "Another company was confirmed as the holder of this credit code (USCC): this company's claim to it was rejected.",
};

export default function AdminProposal() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData;
  const [search] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const p = d.proposal;
  const errorsFor = (intent: string, target = "") =>
    actionData?.intent === intent && actionData.target === target ? actionData.errors : undefined;
  const done = search.get("done");
  const active = d.assignments.filter((a) => !a.unassignedAt);
  const reviewerOptions = [
    { value: "", label: "Select a reviewer" },
    ...d.reviewers.map((r) => ({
      value: String(r.id),
      label: `${r.name} (${r.email})${r.conflicted ? " – conflict declared" : ""}`,
    })),
  ];
  return (
    <>
      <p>
        <a href={`/admin/calls/${p.callSlug}/assignments`}>Assignments for {p.callTitleEn}</a>
      </p>
      <span className="caption">
        {p.reference} · {t(`status.${p.status}` as Parameters<typeof t>[0])}
      </span>
      <h1 className="h1">{p.title ?? "Untitled proposal"}</h1>
      <p className="lead">
        {[p.companyEn, p.companyZh].filter(Boolean).join(" / ")}
        {p.parentGroup ? ` · group: ${p.parentGroup}` : ""}
      </p>
      {done && DONE[done] && !actionData ? (
        <div className="notice notice--success" role="status">
          {DONE[done]}
        </div>
      ) : null}
      <ErrorSummary errors={actionData?.errors} />

      {d.creditCode.needsCheck ? (
        <>
          <h2 className="h2">Flags</h2>
          <CreditCodeFlag
            check={d.creditCode}
            canRecord
            values={actionData?.intent === "creditCode" ? actionData.values : undefined}
            errors={errorsFor("creditCode")}
          />
        </>
      ) : null}
      {d.uscc ? (
        <section className="card" aria-labelledby="uscc-title">
          <h2 className="h2" id="uscc-title">
            Credit code {d.uscc.uscc}
          </h2>
          <div
            className={`notice ${d.uscc.state === "holder" ? "" : "notice--warning"}`}
            role="status"
          >
            {USCC_STATE[d.uscc.state]}
          </div>
          <p>Companies claiming it:</p>
          <ul className="list">
            {d.uscc.claimants.map((c) => (
              <li key={c.id}>
                {[c.legalNameEn, c.legalNameZh].filter(Boolean).join(" / ")}
                {c.id === d.uscc?.organisationId ? " (this proposal's company)" : ""}
                {d.uscc?.resolution?.holderId === c.id ? " – confirmed holder" : ""}
              </li>
            ))}
          </ul>
          {d.uscc.resolution ? (
            <p className="caption preserve-lines">
              Last resolved by {d.uscc.resolution.resolvedBy} on{" "}
              <DateTime iso={d.uscc.resolution.resolvedAt} />: {d.uscc.resolution.note}
            </p>
          ) : null}
          {d.canResolveUscc ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="resolveUscc" />
              <Choices
                name="holderId"
                label="Which company holds this credit code?"
                error={errorsFor("resolveUscc")?.holderId}
                options={d.uscc.claimants.map((c) => ({
                  value: String(c.id),
                  label: [c.legalNameEn, c.legalNameZh].filter(Boolean).join(" / "),
                }))}
              />
              <TextArea
                name="usccNote"
                label="What was checked (kept in the audit log)"
                error={errorsFor("resolveUscc")?.usccNote}
                rows={3}
              />
              <button type="submit" className="button">
                Record the holder
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      <h2 className="h2">Reviewers</h2>
      {active.length === 0 ? <p>No reviewer is assigned.</p> : null}
      {d.assignments.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Reviewer</th>
                <th scope="col">Assigned</th>
                <th scope="col">No conflict attested</th>
                <th scope="col">Review</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {d.assignments.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.reviewerName}
                    {a.unassignedAt ? " (removed)" : ""}
                  </td>
                  <td>
                    <DateTime iso={a.assignedAt} />
                  </td>
                  <td>{a.attestedAt ? "Yes" : "Not yet"}</td>
                  <td>{a.reviewStatus ?? "Not started"}</td>
                  <td>
                    {a.unassignedAt ? null : (
                      <>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="unassign" />
                          <input type="hidden" name="assignmentId" value={a.id} />
                          <button type="submit" className="button button--secondary">
                            Unassign<span className="visually-hidden"> {a.reviewerName}</span>
                          </button>
                        </Form>
                        <Form method="post" noValidate className="reassign-form">
                          <input type="hidden" name="intent" value="reassign" />
                          <input type="hidden" name="target" value={String(a.id)} />
                          <input type="hidden" name="assignmentId" value={a.id} />
                          <Select
                            name={`reassignTo${a.id}`}
                            label={`Reassign ${a.reviewerName} to`}
                            options={reviewerOptions}
                            error={errorsFor("reassign", String(a.id))?.[`reassignTo${a.id}`]}
                          />
                          <button type="submit" className="button button--secondary">
                            Reassign
                          </button>
                        </Form>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="assign" />
        <Select
          name="reviewerId"
          label="Assign a reviewer"
          hint="A reviewer who declared a conflict with this company, its group or this proposal is refused."
          options={reviewerOptions}
          error={errorsFor("assign")?.reviewerId}
          defaultValue={
            actionData?.intent === "assign" ? String(actionData.values.reviewerId ?? "") : ""
          }
        />
        <button type="submit" className="button">
          Assign
        </button>
      </Form>

      <h2 className="h2">Reviews</h2>
      <ExcludedReviewsNotice excluded={d.excluded} />
      {d.reviews.length === 0 ? <p>No reviews yet.</p> : null}
      {d.reviews.map((r) => (
        <section key={r.id} className="card">
          <h3 className="h3">
            {r.reviewerName}: {r.status} (revision {r.revision})
          </h3>
          {r.status === "draft" ? (
            <p>The reviewer is still working on this review.</p>
          ) : (
            <>
              {r.submittedAt ? (
                <p className="caption">
                  Last submitted <DateTime iso={r.submittedAt} />
                </p>
              ) : null}
              {r.status === "returned" ? (
                <p className="preserve-lines">Returned with the note: {r.returnNote}</p>
              ) : null}
              <ReviewReadOnly
                criteria={d.criteria}
                scores={r.scores}
                overallComment={r.overallComment}
                locale={locale}
              />
            </>
          )}
          {r.status === "submitted" ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="return" />
              <input type="hidden" name="target" value={String(r.id)} />
              <input type="hidden" name="reviewId" value={r.id} />
              <TextArea
                name={`note${r.id}`}
                label={`Return ${r.reviewerName}'s review for rework: note to the reviewer`}
                error={errorsFor("return", String(r.id))?.[`note${r.id}`]}
                defaultValue={
                  errorsFor("return", String(r.id))
                    ? String(actionData?.values[`note${r.id}`] ?? "")
                    : ""
                }
                rows={3}
              />
              <button type="submit" className="button button--warning">
                Return for rework
              </button>
            </Form>
          ) : null}
          {(d.revisions[r.id] ?? []).map((rev) => (
            <details key={rev.id} className="details">
              <summary>
                Revision {rev.revision}, returned by {rev.returnedBy ?? "an official"}
              </summary>
              <p className="preserve-lines">Note: {rev.returnNote}</p>
              <ReviewReadOnly
                criteria={d.criteria}
                scores={rev.snapshot.scores}
                overallComment={rev.snapshot.overallComment}
                locale={locale}
              />
            </details>
          ))}
        </section>
      ))}

      <h2 className="h2">Clarifications</h2>
      <ClarificationThread thread={d.thread} showAuthor emptyText="No questions have been asked." />
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="ask" />
        <TextArea
          name="question"
          label="Ask the applicant"
          hint="The applicant is e-mailed in their language and the proposal's status becomes “Clarification requested” until they answer."
          error={errorsFor("ask")?.question}
          defaultValue={
            actionData?.intent === "ask" ? String(actionData.values.question ?? "") : ""
          }
          rows={4}
        />
        <button type="submit" className="button">
          Send the question
        </button>
      </Form>

      <h2 className="h2">The proposal</h2>
      <ProposalSummary answers={d.answers as AnswersByStep} headingLevel={3} />
      <h2 className="h2">Documents</h2>
      {d.documents.length === 0 ? (
        <p>No documents.</p>
      ) : (
        <ul className="list">
          {d.documents.map((doc) => (
            <li key={doc.id}>
              <a href={`/attachments/${doc.id}`} download>
                {doc.name}
              </a>{" "}
              <span className="hint">({doc.kind})</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
