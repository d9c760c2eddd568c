import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import {
  DECISION_CHOICES,
  DECISION_LABELS,
  flagText,
  formatUsdCents,
  overrideText,
  STATUS_LABELS,
  TRACK_LABELS,
} from "~/utils/board-labels";
import { DateTime } from "~/components/date-time";
import { ExcludedReviewsNotice } from "~/components/excluded-reviews";
import { Choices, ErrorSummary, TextArea } from "~/components/form";
import { ScoreHistogram } from "~/components/score-histogram";
import { CreditCodeFlag } from "~/components/credit-code-flag";
import { formatScore, type GateStatus, type NotQualifiedReason } from "~/domain/scoring";
import {
  boardSearch,
  parseBoardQuery,
  DECISION_OUTCOMES,
  MAX_DECISION_REASON,
  MAX_MODERATION_NOTE,
} from "~/domain/board-query";
import { getBoardCall } from "~/models/board.server";
import {
  decisionsOpen,
  recordDecision,
  type DecisionResult,
} from "~/models/board-decisions.server";
import { MAX_OVERRIDE_REASON } from "~/domain/decision-override";
import { getBreakdown } from "~/models/breakdown.server";
import { recordModeration } from "~/models/moderation.server";
import { recordCreditCodeCheck } from "~/models/credit-code-check.server";
import {
  excludedReviews,
  requireProposalAccess,
  refuseUnless,
  requireRole,
} from "~/models/access.server";
import { getDb } from "~/services/db.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { formDataToObject, type FieldErrors } from "~/utils/form";
import { readForm } from "~/services/form-body.server";
// Issue 15 (i15b): the staff discussion on the breakdown.
import { DiscussionPanel } from "~/components/discussion-panel";
import { listDiscussion } from "~/models/discussion.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Breakdown ${data.breakdown.proposal.reference ?? ""}: ${data.call.titleEn}`
      : "Breakdown",
  },
];

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const db = getDb();
  const call = await getBoardCall(db, params.slug ?? "");
  const proposalId = Number(params.proposalId);
  if (!call || !Number.isSafeInteger(proposalId) || proposalId < 1)
    throw new Response("Not Found", { status: 404 });
  // The access policy: a conflicted official or admin loses the proposal, its reviews and its row.
  const access = await requireProposalAccess(db, user, proposalId, "viewReviews");
  return { user, db, call, proposalId, access };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, call, proposalId } = await load(request, params);
  const breakdown = await getBreakdown(db, call, proposalId, user.id);
  if (!breakdown) throw new Response("Not Found", { status: 404 });
  const excluded = await excludedReviews(db, proposalId);
  const url = new URL(request.url);
  // Issue 15 (i15b): officials hold "discuss" wherever they hold "viewReviews".
  const discussion = await listDiscussion(db, proposalId, { forOfficial: true });
  const here = new URL(url);
  for (const k of ["saved", "discussion"]) here.searchParams.delete(k);
  return data({
    call: { slug: call.slug, titleEn: call.title_en, status: call.status },
    breakdown,
    excluded,
    discussion,
    discussionPath: `${here.pathname}${here.search}`,
    decisionsOpen: decisionsOpen(call),
    back: `/board/${call.slug}${boardSearch(parseBoardQuery(url.searchParams), { page: 1 })}`,
    saved: url.searchParams.get("saved"),
    params: {
      minReviews: call.min_reviews,
      qualifyingScore: call.qualifying_score,
      spread: call.disagreement_spread,
      sd: call.disagreement_sd,
      calibrationMinReviews: call.calibration_min_reviews,
    },
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, call, proposalId, access } = await load(request, params);
  const values = formDataToObject(await readForm(request));
  const common = {
    call,
    proposalId,
    values,
    actor: { id: user.id, email: user.email },
    requestId: (context?.requestId as string | undefined) ?? null,
    ip: (context?.ip as string | undefined) ?? null,
  };
  const intent =
    values.intent === "gate" || values.intent === "note" || values.intent === "creditCode"
      ? values.intent
      : "decision";
  await refuseUnless(db, user, access, intent === "decision" ? "decide" : "moderate");
  const result =
    intent === "decision"
      ? await recordDecision(db, common)
      : intent === "creditCode"
        ? await recordCreditCodeCheck(db, common)
        : await recordModeration(db, {
            ...common,
            kind: intent === "gate" ? "gate_decision" : "disagreement_note",
          });
  if (!result.ok) {
    // A shortlisting that overrides the rules: the confirmation step, rendered by the server.
    const asked = intent === "decision" ? (result as DecisionResult & { ok: false }).confirm : null;
    const confirm = asked
      ? { text: overrideText(asked.override), fingerprint: asked.fingerprint }
      : null;
    return data({ intent, errors: result.errors, values, confirm }, { status: result.status });
  }
  return redirect(`/board/${call.slug}/${proposalId}?saved=${intent}`);
}

const GATE_TEXT: Record<GateStatus, string> = {
  pass: "Passed (majority pass)",
  fail: "Failed (majority fail)",
  split: "Split evenly: not passed until an official records a moderation decision",
  moderated_pass: "Split evenly; passed by moderation",
  moderated_fail: "Split evenly; failed by moderation",
  not_applicable: "Does not apply to this proposal's track",
  no_reviews: "No submitted review yet",
};

function reasonText(r: NotQualifiedReason): string {
  switch (r.code) {
    case "too_few_reviews":
      return `${r.submitted} of ${r.required} required submitted reviews`;
    case "gate_not_passed":
      return `Gate ${r.gate}: ${GATE_TEXT[r.status].toLowerCase()}`;
    case "below_minimum":
      return `${r.criterion}: mean level ${r.mean === null ? "none" : r.mean.toFixed(2)} is below the minimum ${r.minLevel}`;
    case "below_qualifying_score":
      return `Score ${formatScore(r.score)} is below the qualifying score ${r.qualifyingScore}`;
  }
}

export default function BreakdownPage() {
  const { call, breakdown, excluded, decisionsOpen, back, saved, params } =
    useLoaderData<typeof loader>();
  const { discussion, discussionPath } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as
    | {
        intent: "decision" | "gate" | "note" | "creditCode";
        errors: FieldErrors;
        values: Record<string, unknown>;
        confirm: { text: string; fingerprint: string } | null;
      }
    | undefined;
  const { proposal, result, arithmetic, reviews, criteria } = breakdown;
  const scored = criteria.filter((c) => c.kind === "scored");
  const gates = criteria.filter((c) => c.kind === "gate");
  const title = (key: string) => criteria.find((c) => c.key === key)?.titleEn ?? key;
  const errors = actionData?.errors;
  // What was typed is kept, in the form that was posted only.
  const valuesFor = (intent: "decision" | "gate" | "note" | "creditCode") =>
    actionData?.intent === intent ? actionData.values : undefined;
  const values = valuesFor("decision");
  const gateValues = valuesFor("gate");
  const noteValues = valuesFor("note");
  const creditValues = valuesFor("creditCode");
  const confirm = actionData?.intent === "decision" ? actionData.confirm : null;
  const splitGates = result.gates.filter(
    (g) => g.status === "split" || g.status === "moderated_pass" || g.status === "moderated_fail",
  );
  const SAVED: Record<string, string> = {
    decision: "Decision recorded.",
    gate: "Gate moderation recorded.",
    note: "Moderation note recorded.",
    creditCode: "Credit code check recorded.",
  };
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);

  return (
    <div className="breakdown">
      <p>
        <Link to={back} className="back-link">
          Back to the ranking board
        </Link>
      </p>
      {saved && SAVED[saved] ? (
        <div className="notice notice--success" role="status">
          {SAVED[saved]}
        </div>
      ) : null}
      <ErrorSummary errors={errors} />
      {confirm && values ? (
        <section
          className="notice notice--warning override-confirm"
          aria-labelledby="override-heading"
          id="override"
        >
          <h2 className="h2" id="override-heading">
            Confirm an override
          </h2>
          <p>
            This proposal does not meet the published rules for a shortlist:{" "}
            <strong className="override-what">{confirm.text}</strong>. Shortlisting it overrides
            them; the override and your reason are recorded with the decision, in the audit log, on
            the board and in every export.
          </p>
          <Form method="post" noValidate className="decision-form">
            <input type="hidden" name="intent" value="decision" />
            <input type="hidden" name="outcome" value={text(values.outcome) ?? ""} />
            <input type="hidden" name="reason" value={text(values.reason) ?? ""} />
            <input type="hidden" name="overrideFingerprint" value={confirm.fingerprint} />
            <TextArea
              name="overrideReason"
              label="Reason for the override"
              hint={`Why this proposal is shortlisted although it does not meet the rules. Up to ${MAX_OVERRIDE_REASON} characters.`}
              defaultValue={text(values.overrideReason) ?? ""}
              error={errors?.overrideReason}
              rows={3}
            />
            <button type="submit" className="button button--warning">
              Confirm the override and shortlist
            </button>{" "}
            <Link to={`/board/${call.slug}/${proposal.id}#decision`}>Cancel</Link>
          </Form>
        </section>
      ) : null}
      <span className="caption">
        {call.titleEn} — {proposal.reference}
      </span>
      <h1 className="h1">{proposal.title ?? "Untitled proposal"}</h1>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>Company</dt>
          <dd>
            {proposal.companyEn}
            {proposal.companyZh ? (
              <>
                {" "}
                <span lang="zh-Hans">{proposal.companyZh}</span>
              </>
            ) : null}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Sector</dt>
          <dd>{proposal.tracks.map((t) => TRACK_LABELS[t] ?? t).join(", ") || "—"}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Investment</dt>
          <dd>{formatUsdCents(proposal.investmentUsdCents)}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Status</dt>
          <dd>{STATUS_LABELS[proposal.status] ?? proposal.status}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Submitted</dt>
          <dd>{proposal.submittedAt ? <DateTime iso={proposal.submittedAt} /> : "—"}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Score</dt>
          <dd>
            {formatScore(result.score) || "none yet"} (rank {breakdown.rankRaw} of{" "}
            {breakdown.rankedCount} by raw score
            {breakdown.withheld
              ? `; ${breakdown.withheld} withheld from you by your declared conflicts and left out before ranking`
              : ""}
            )
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Calibrated score</dt>
          <dd>
            {formatScore(result.calibratedScore) || "none yet"} (rank {breakdown.rankCalibrated} of{" "}
            {breakdown.rankedCount} by calibrated score)
            {result.provisional ? (
              <>
                {" "}
                <span className="tag tag--grey">Provisional</span>
              </>
            ) : null}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Reviews</dt>
          <dd>
            {breakdown.provisional ? (
              <>
                <span className="tag tag--yellow">Provisional</span>{" "}
              </>
            ) : null}
            {result.reviewsSubmitted} submitted of {result.reviewsRequired} required
            {breakdown.otherReviews
              ? ` (${breakdown.otherReviews} more in draft or returned for rework: not counted)`
              : ""}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Qualifies</dt>
          <dd>
            {result.qualifies ? (
              <span className="tag tag--green">Qualifies</span>
            ) : (
              <>
                <span className="tag tag--grey">Does not qualify</span>
                <ul>
                  {result.reasons.map((r, i) => (
                    <li key={i}>{reasonText(r)}</li>
                  ))}
                </ul>
              </>
            )}
          </dd>
        </div>
      </dl>

      <p>
        <Link to={`/admin/proposals/${proposal.id}`}>
          Open the full proposal (answers, documents, clarifications, return a review for rework)
        </Link>
      </p>

      <ExcludedReviewsNotice excluded={excluded} />

      <h2 className="h2">Levels by reviewer</h2>
      {reviews.length === 0 ? (
        <p>No submitted review yet.</p>
      ) : (
        <div className="table-wrap board-table-wrap">
          <table className="matrix-table">
            <caption>
              Each criterion&apos;s level (0–5) from each submitted review, with the rationale.
            </caption>
            <thead>
              <tr>
                <th scope="col">Criterion (weight, minimum)</th>
                {reviews.map((r) => (
                  <th scope="col" key={r.reviewId}>
                    {r.reviewerName}
                  </th>
                ))}
                <th scope="col" className="num">
                  Mean
                </th>
              </tr>
            </thead>
            <tbody>
              {scored.map((c) => {
                const res = result.criteria.find((x) => x.key === c.key);
                return (
                  <tr key={c.key}>
                    <th scope="row">
                      {c.titleEn}
                      <br />
                      <span className="hint">
                        {c.key} · weight {c.weight} · minimum {c.minLevel}
                      </span>
                    </th>
                    {reviews.map((r) => {
                      const s = r.scores[c.key];
                      return (
                        <td key={r.reviewId}>
                          <strong>{s?.level ?? "—"}</strong>
                          {s?.rationale ? <p className="rationale">{s.rationale}</p> : null}
                        </td>
                      );
                    })}
                    <td className="num">
                      {res?.mean === null || res === undefined ? "—" : res.mean.toFixed(2)}
                      {res?.meetsMinimum === false ? (
                        <>
                          <br />
                          <span className="tag tag--red">Below minimum</span>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
              <tr>
                <th scope="row">Review total (Σ weight × level / 5)</th>
                {reviews.map((r) => {
                  const t = result.reviewTotals.find((x) => x.reviewerId === r.reviewerId);
                  return (
                    <td key={r.reviewId} className="num">
                      {formatScore(t?.total ?? null) || "—"}
                    </td>
                  );
                })}
                <td className="num">{formatScore(result.score) || "—"}</td>
              </tr>
              {reviews.some((r) => r.overallComment) ? (
                <tr>
                  <th scope="row">Overall comment</th>
                  {reviews.map((r) => (
                    <td key={r.reviewId}>{r.overallComment}</td>
                  ))}
                  <td />
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}

      <h2 className="h2">Gates</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Gate</th>
              {reviews.map((r) => (
                <th scope="col" key={r.reviewId}>
                  {r.reviewerName}
                </th>
              ))}
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {gates.map((g) => {
              const res = result.gates.find((x) => x.key === g.key);
              return (
                <tr key={g.key}>
                  <th scope="row">
                    {g.key} {g.titleEn}
                  </th>
                  {reviews.map((r) => {
                    const v = r.scores[g.key]?.gatePass;
                    return (
                      <td key={r.reviewId}>
                        {v === true ? "Pass" : v === false ? "Fail" : "—"}
                        {r.scores[g.key]?.rationale ? (
                          <p className="rationale">{r.scores[g.key]!.rationale}</p>
                        ) : null}
                      </td>
                    );
                  })}
                  <td>
                    {res ? `${GATE_TEXT[res.status]} (${res.passes} pass, ${res.fails} fail)` : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2 className="h2">How the score is calculated</h2>
      <p>
        Score = Σ weight × (mean level over submitted reviews) / 5. Shown to 2 decimals, computed at
        full precision.
      </p>
      <ol className="arithmetic">
        {arithmetic.terms.map((t) => (
          <li key={t.key}>
            <span className="arithmetic__label">{title(t.key)}:</span> <code>{t.text}</code>
          </li>
        ))}
      </ol>
      <p>
        <strong>Score:</strong> <code>{arithmetic.scoreText}</code>
      </p>
      <h3 className="h3">Calibrated score</h3>
      <p>
        Each reviewer&apos;s totals are standardised over every proposal they scored in the call and
        mapped onto the call&apos;s mean and standard deviation of all review totals. Reviewers with
        fewer than {params.calibrationMinReviews} submitted reviews, or whose totals do not vary,
        count raw.
      </p>
      <ul className="arithmetic">
        {arithmetic.reviews.map((r) => (
          <li key={r.reviewerId}>
            {reviews.find((x) => x.reviewerId === r.reviewerId)?.reviewerName ?? r.reviewerId}:{" "}
            <code>{r.text}</code>
          </li>
        ))}
      </ul>
      <p>
        <strong>Calibrated score:</strong> <code>{arithmetic.calibratedText}</code>
      </p>

      <h2 className="h2">Flags</h2>
      <CreditCodeFlag
        check={breakdown.creditCode}
        canRecord={decisionsOpen}
        values={creditValues}
        errors={actionData?.intent === "creditCode" ? errors : undefined}
      />
      {result.flags.length === 0 ? (
        <p>
          No flags: no criterion&apos;s levels differ by {params.spread} or more, the review
          totals&apos; standard deviation is not above {params.sd}, and no gate is split.
        </p>
      ) : (
        <ul>
          {result.flags.map((f, i) => (
            <li key={i}>
              <span className={`tag ${f.resolved ? "tag--grey" : "tag--yellow"}`}>
                {f.resolved ? "Resolved" : "Unresolved"}
              </span>{" "}
              {flagText(f)}
              {f.kind === "criterion_spread" ? ` — ${title(f.criterion)}` : ""}
            </li>
          ))}
        </ul>
      )}
      {breakdown.moderations.length ? (
        <>
          <h3 className="h3">Moderation notes</h3>
          <ul>
            {breakdown.moderations.map((m) => (
              <li key={m.id}>
                <DateTime iso={m.createdAt} />, {m.officialName}:{" "}
                {m.kind === "gate_decision"
                  ? `gate ${m.criterionKey ?? ""} ${m.gatePass ? "passed" : "failed"} by moderation. `
                  : `disagreement note${m.criterionKey ? ` on ${m.criterionKey}` : ""}. `}
                {m.note}{" "}
                <span className="hint">
                  {m.decidedReviewIds
                    ? `Decided ${m.decidedReviewIds.length} counting review(s). `
                    : ""}
                  {m.lapsedAt ? (
                    <strong>
                      Lapsed <DateTime iso={m.lapsedAt} />: the counting reviews changed, so it no
                      longer applies.
                    </strong>
                  ) : (
                    "Applies while the counting reviews stay the same."
                  )}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {decisionsOpen && splitGates.length ? (
        <Form method="post" noValidate className="moderation-form">
          <input type="hidden" name="intent" value="gate" />
          <h3 className="h3">Moderate a split gate</h3>
          <p className="hint">
            An evenly split gate counts as not passed until an official records a decision here.
          </p>
          <Choices
            name="gate"
            label="Gate"
            options={splitGates.map((g) => ({ value: g.key, label: `${g.key} ${title(g.key)}` }))}
            defaultValue={
              text(gateValues?.gate) ?? (splitGates.length === 1 ? splitGates[0]!.key : null)
            }
            error={errors?.gate}
          />
          <Choices
            name="gatePass"
            label="Moderation decision"
            options={[
              { value: "pass", label: "Passes the gate" },
              { value: "fail", label: "Fails the gate" },
            ]}
            defaultValue={text(gateValues?.gatePass) ?? null}
            error={errors?.gatePass}
          />
          <TextArea
            name="gateNote"
            label="Reason for the moderation decision"
            hint={`Recorded in the audit log. Up to ${MAX_MODERATION_NOTE} characters.`}
            defaultValue={text(gateValues?.gateNote) ?? ""}
            error={errors?.gateNote}
            rows={3}
          />
          <button type="submit" className="button button--secondary">
            Record gate decision
          </button>
        </Form>
      ) : null}
      {decisionsOpen && result.flags.some((f) => f.kind !== "gate_split" && !f.resolved) ? (
        <Form method="post" noValidate className="moderation-form">
          <input type="hidden" name="intent" value="note" />
          <h3 className="h3">Resolve disagreement with a moderation note</h3>
          <p className="hint">
            Or return a review for rework from the proposal&apos;s staff page. A note resolves the
            flags raised by the reviews submitted before it.
          </p>
          <div className={`form-group ${errors?.noteCriterion ? "form-group--error" : ""}`}>
            <label className="label" htmlFor="f-noteCriterion">
              Flag to resolve
            </label>
            <select
              className="select"
              id="f-noteCriterion"
              name="noteCriterion"
              defaultValue={text(noteValues?.noteCriterion) ?? ""}
            >
              <option value="">Every disagreement flag of this proposal</option>
              {result.flags.flatMap((f) =>
                f.kind === "criterion_spread" && !f.resolved
                  ? [
                      <option key={f.criterion} value={f.criterion}>
                        {`${f.criterion}: ${title(f.criterion)}`}
                      </option>,
                    ]
                  : [],
              )}
            </select>
          </div>
          <TextArea
            name="flagNote"
            label="Moderation note"
            hint={`Why the disagreement is acceptable or how it was settled. Up to ${MAX_MODERATION_NOTE} characters.`}
            defaultValue={text(noteValues?.flagNote) ?? ""}
            error={errors?.flagNote}
            rows={3}
          />
          <button type="submit" className="button button--secondary">
            Record moderation note
          </button>
        </Form>
      ) : null}

      {/* Issue 15 (i15b): the staff discussion. */}
      <DiscussionPanel
        discussion={discussion}
        returnTo={discussionPath}
        canSettle={decisionsOpen}
      />

      <h2 className="h2">Score distribution in this call</h2>
      <ScoreHistogram
        id="breakdown-histogram"
        bins={breakdown.histogram.bins}
        unscored={breakdown.histogram.unscored}
        highlight={result.score}
        scoreLabel="Raw score"
      />

      <h2 className="h2" id="decision">
        Decision
      </h2>
      {breakdown.decision ? (
        <p>
          Current decision: <strong>{DECISION_LABELS[breakdown.decision.outcome]}</strong> by{" "}
          {breakdown.decision.decidedBy}, <DateTime iso={breakdown.decision.decidedAt} />. Reason:{" "}
          {breakdown.decision.reason}
          {breakdown.decision.override ? (
            <>
              <br />
              <span className="tag tag--red">Override</span> It overrode:{" "}
              {overrideText(breakdown.decision.override)}. Reason for the override:{" "}
              {breakdown.decision.overrideReason}
            </>
          ) : null}
        </p>
      ) : (
        <p>No decision recorded yet.</p>
      )}
      {decisionsOpen ? (
        <Form method="post" noValidate className="decision-form">
          <input type="hidden" name="intent" value="decision" />
          <Choices
            name="outcome"
            label="Decision"
            options={DECISION_OUTCOMES.map((o) => ({ value: o, label: DECISION_CHOICES[o]! }))}
            defaultValue={text(values?.outcome) ?? breakdown.decision?.outcome ?? null}
            error={errors?.outcome}
          />
          <TextArea
            name="reason"
            label="Reason"
            hint={`Recorded in the audit log and exported with the shortlist. Up to ${MAX_DECISION_REASON} characters.`}
            defaultValue={text(values?.reason) ?? breakdown.decision?.reason ?? ""}
            error={errors?.reason}
          />
          <button type="submit" className="button">
            {breakdown.decision ? "Change decision" : "Record decision"}
          </button>
        </Form>
      ) : (
        <p className="inset">The call has been decided: decisions can no longer be changed.</p>
      )}
    </div>
  );
}
