// /admin/calls/:slug: edit a call's settings and move it through its lifecycle
// (open, close, mark decided, archive: each asks for confirmation first, without JavaScript too),
// and reopen a decided call (back to closed, with a reason kept in the audit log).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { CallStatus } from "~db/schema";
import {
  CallSettingsFields,
  type CallFormValues,
} from "~/components/criteria-editor-call-settings";
import { DateTime } from "~/components/date-time";
import { Checkbox, ErrorSummary, TextArea, useErrorText } from "~/components/form";
import {
  CallSettingsSchema,
  CALL_STATUSES,
  criteriaMayChange,
  MIN_REOPEN_REASON,
  NEXT_STATUS,
} from "~/domain/call-lifecycle";
import { utcIsoToPktLocal } from "~/domain/pakistan-time";
import { actorFrom } from "~/domain/command";
import { getCallBySlug, reopenCall, transitionCall, updateCall } from "~/models/call-admin.server";
import { hasPublishedResults, setPublishRejectedNames } from "~/models/open-data.server";
import { resultsSettingsEditable } from "~/domain/results";
import { findUndecided, undecidedMessage } from "~/models/decisions.server";
import {
  getCriteriaPolicy,
  getLatestPublishedCriteria,
  getWorkingCriteria,
} from "~/models/criteria.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { formDataToObject, zodFieldErrors, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, { text: data ? `Call: ${data.call.title_en}` : "Call" });

async function loadCall(slug: string | undefined) {
  const call = slug ? await getCallBySlug(getDb(), slug) : undefined;
  if (!call) throw new Response("Not Found", { status: 404 });
  return call;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, OFFICIAL_ROLES);
  const db = getDb();
  const call = await loadCall(params.slug);
  const [working, published, policy, resultsPublished] = await Promise.all([
    getWorkingCriteria(db, call.id),
    getLatestPublishedCriteria(db, call.id),
    getCriteriaPolicy(db, call.id),
    hasPublishedResults(db, call.id),
  ]);
  // Before "mark decided" is offered: proposals in review that still have no decision.
  const pending = NEXT_STATUS[call.status] === "decided" ? await findUndecided(db, call.id) : null;
  const tieBreak = JSON.parse(call.tie_break_json) as string[];
  const values: CallFormValues = {
    titleEn: call.title_en,
    titleZh: call.title_zh,
    descriptionEn: call.description_en,
    descriptionZh: call.description_zh,
    opensAt: utcIsoToPktLocal(call.opens_at),
    closesAt: utcIsoToPktLocal(call.closes_at),
    minReviews: String(call.min_reviews),
    qualifyingScore: String(call.qualifying_score),
    disagreementSpread: String(call.disagreement_spread),
    disagreementSd: String(call.disagreement_sd),
    tieBreak: tieBreak.join(", "),
    contactEmail: call.contact_email,
  };
  const scoredKeys = (working ?? published)?.criteria
    .filter((c) => c.kind === "scored")
    .map((c) => c.key);
  return data({
    call: {
      id: call.id,
      slug: call.slug,
      title_en: call.title_en,
      title_zh: call.title_zh,
      status: call.status,
      opens_at: call.opens_at,
      closes_at: call.closes_at,
      decided_at: call.decided_at,
      publishRejectedNames: call.publish_rejected_names === 1,
    },
    resultsEditable: resultsSettingsEditable(call.status),
    resultsPublished,
    values,
    scoredKeys: scoredKeys ?? [],
    undecided: pending && pending.count > 0 ? undecidedMessage(pending) : null,
    rulesFrozen: !criteriaMayChange(policy),
    policy,
    working: working ? { version: working.version } : null,
    published: published
      ? { version: published.version, publishedAt: published.published_at! }
      : null,
  });
}

interface ActionData {
  errors: FieldErrors;
  values?: CallFormValues;
  /** The reopen form's reason, posted back with its errors. */
  reopenReason?: string;
}

const isStatus = (v: unknown): v is CallStatus =>
  typeof v === "string" && (CALL_STATUSES as readonly string[]).includes(v);

const NOTICE_FOR: Record<CallStatus, string> = {
  draft: "saved",
  open: "opened",
  closed: "closed",
  decided: "decided",
  archived: "archived",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const call = await loadCall(params.slug);
  const form = await readForm(request);
  const intent = form.get("intent");
  const actor = actorFrom(user, context);
  if (intent === "transition") {
    const to = form.get("to");
    if (!isStatus(to)) throw new Response("Bad Request", { status: 400 });
    const moved = await transitionCall(getDb(), call.id, to, actor);
    if (!moved.ok) return data<ActionData>({ errors: moved.errors }, { status: moved.status });
    return redirect(`/admin/calls/${call.slug}?notice=${NOTICE_FOR[to]}`);
  }
  if (intent === "reopen") {
    const reason = String(form.get("reason") ?? "");
    const reopened = await reopenCall(getDb(), call.id, reason, actor);
    if (!reopened.ok)
      return data<ActionData>(
        { errors: reopened.errors, reopenReason: reason },
        { status: reopened.errors._form ? 409 : 400 },
      );
    return redirect(`/admin/calls/${call.slug}?notice=reopened`);
  }
  if (intent === "results") {
    const publish = form.get("publishRejectedNames") === "yes";
    const saved = await setPublishRejectedNames(getDb(), call.id, publish, actor);
    if (!saved.ok) return data<ActionData>({ errors: saved.errors }, { status: saved.status });
    return redirect(`/admin/calls/${call.slug}?notice=results`);
  }
  if (intent !== "save") throw new Response("Bad Request", { status: 400 });
  const values = formDataToObject(form) as CallFormValues & { intent?: string };
  delete values.intent;
  const parsed = CallSettingsSchema.safeParse(values);
  if (!parsed.success)
    return data<ActionData>({ errors: zodFieldErrors(parsed.error), values }, { status: 400 });
  const saved = await updateCall(getDb(), call.id, parsed.data, actor);
  if (!saved.ok)
    return data<ActionData>({ errors: saved.errors, values }, { status: saved.status });
  return redirect(`/admin/calls/${call.slug}?notice=saved`);
}

const NOTICES: Record<string, string> = {
  created: "The call was created as a draft. Next: edit and publish its criteria.",
  saved: "The call's settings were saved.",
  opened: "The call is open.",
  closed: "The call is closed: it no longer accepts submissions.",
  decided:
    "The call is marked decided: each applicant now sees their decision and has been e-mailed it.",
  archived: "The call is archived.",
  results: "The results publication setting was saved.",
  reopened:
    "The call is reopened and back in review: its proposals' decisions are no longer published, and its reviews, moderations and decisions can change. Mark it decided again to publish them.",
};

const ACTION_LABEL: Record<CallStatus, { button: string; explain: string }> = {
  draft: { button: "", explain: "" },
  open: {
    button: "Open the call",
    explain:
      "Opening publishes the call: it accepts submissions from its opening time until its closing time. After opening, its criteria change only as a new version, and only until the first review is submitted.",
  },
  closed: {
    button: "Close the call",
    explain:
      "Closing stops submissions now, even if the closing time has not passed. Review continues.",
  },
  decided: {
    button: "Mark the call decided",
    explain:
      "Marking the call decided freezes its criteria, scoring rules and decisions for good. Each proposal in review then takes the status of its decision; its applicant sees it (without the reason, which stays internal) and is e-mailed it in their language.",
  },
  archived: {
    button: "Archive the call",
    explain: "An archived call can no longer be edited.",
  },
};

export default function AdminCall() {
  const {
    call,
    values,
    scoredKeys,
    undecided,
    rulesFrozen,
    policy,
    working,
    published,
    resultsEditable,
    resultsPublished,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const errorText = useErrorText();
  const notice = NOTICES[search.get("notice") ?? ""];
  const next = NEXT_STATUS[call.status];
  const confirming = next && search.get("confirm") === next ? next : null;
  const formError = actionData?.values ? undefined : actionData?.errors._form;
  const settingsErrors = actionData?.values ? actionData.errors : {};
  return (
    <>
      <p>
        <Link to="/admin/calls">Back to calls</Link>
      </p>
      {actionData?.values ? <ErrorSummary errors={actionData.errors} /> : null}
      {formError ? (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>There is a problem</h2>
          <p>{errorText(formError)}</p>
        </div>
      ) : null}
      {notice && !actionData ? (
        <div className="notice notice--success" role="status">
          {notice}
        </div>
      ) : null}
      <span className="caption">Call · {call.slug}</span>
      <h1>{call.title_en}</h1>
      <p lang="zh-Hans">{call.title_zh}</p>

      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>Status</dt>
          <dd>
            <strong className="tag">{call.status}</strong>
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Opens</dt>
          <dd>
            <DateTime iso={call.opens_at} />
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Closes</dt>
          <dd>
            <DateTime iso={call.closes_at} />
          </dd>
        </div>
        {call.decided_at ? (
          <div className="summary-list__row">
            <dt>Decided</dt>
            <dd>
              <DateTime iso={call.decided_at} />
            </dd>
          </div>
        ) : null}
        <div className="summary-list__row">
          <dt>Criteria</dt>
          <dd>
            {published ? (
              <>
                Version {published.version} published <DateTime iso={published.publishedAt} />.{" "}
              </>
            ) : (
              "Not published yet. "
            )}
            {working ? `Version ${working.version} is being edited (not published). ` : null}
            {policy === "refused-reviews"
              ? "Frozen: a review has been submitted. "
              : policy === "refused-status"
                ? "Frozen: the call is decided or archived. "
                : null}
            <Link to={`/admin/calls/${call.slug}/criteria`}>Criteria editor</Link>
          </dd>
        </div>
      </dl>

      <nav aria-label="Pages of this call">
        <ul className="button-group call-links">
          <li>
            <Link to={`/admin/calls/${call.slug}/criteria`}>Criteria editor</Link>
          </li>
          <li>
            <Link to={`/admin/calls/${call.slug}/assignments`}>Reviewer assignments</Link>
          </li>
          <li>
            <Link to={`/board/${call.slug}`}>Ranking board</Link>
          </li>
          {call.status !== "draft" ? (
            <li>
              <Link to={`/calls/${call.slug}`}>Public page</Link>
            </li>
          ) : null}
        </ul>
      </nav>

      {next ? (
        <section aria-labelledby="lifecycle-title" className="inset">
          <h2 id="lifecycle-title">{ACTION_LABEL[next].button}</h2>
          <p>{ACTION_LABEL[next].explain}</p>
          {next === "decided" && undecided ? (
            <div className="notice notice--warning">
              <p>{errorText(undecided)}</p>
              <p>
                <Link to={`/board/${call.slug}?decision=none`}>Open the ranking board</Link>
              </p>
            </div>
          ) : confirming ? (
            <Form method="post" className="button-group">
              <input type="hidden" name="intent" value="transition" />
              <input type="hidden" name="to" value={next} />
              <p>
                <strong>Are you sure? This cannot be undone.</strong>
              </p>
              <button type="submit" className="button button--warning">
                Yes, {ACTION_LABEL[next].button.toLowerCase()}
              </button>
              <Link to={`/admin/calls/${call.slug}`}>Cancel</Link>
            </Form>
          ) : (
            <p>
              <Link to={`?confirm=${next}`} className="button button--secondary">
                {ACTION_LABEL[next].button}
              </Link>
            </p>
          )}
        </section>
      ) : (
        <p>This call is archived.</p>
      )}

      {call.status === "decided" ? (
        <section aria-labelledby="reopen-title" className="inset">
          <h2 id="reopen-title">Reopen the call</h2>
          <p>
            A decided call&apos;s proposals, reviews, moderations and decisions are final. Reopening
            takes the call back to closed (in review): each decided proposal returns to under review
            and its applicant no longer sees the decision until the call is marked decided again.
            The reason is kept in the audit log.
          </p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="reopen" />
            <TextArea
              name="reason"
              label="Reason for reopening"
              hint={`At least ${MIN_REOPEN_REASON} characters.`}
              error={actionData?.reopenReason !== undefined ? actionData.errors.reason : undefined}
              defaultValue={actionData?.reopenReason}
              rows={3}
            />
            <button type="submit" className="button button--warning">
              Reopen the call
            </button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="results-title" className="inset">
        <h2 id="results-title">Published results</h2>
        <p>
          Marking the call decided publishes its results at{" "}
          <Link to={`/calls/${call.slug}/results`}>/calls/{call.slug}/results</Link> and as Open
          Contracting data (<a href={`/calls/${call.slug}/ocds.json`}>ocds.json</a>): the
          shortlisted and reserve proposals with their companies, titles, tracks, scores and ranks,
          and how many proposals were received and rejected. Commercial figures, reviewers and
          reasons are never published.
          {resultsPublished ? " Results of this call have been published." : ""}
        </p>
        {resultsEditable ? (
          <Form method="post">
            <input type="hidden" name="intent" value="results" />
            <Checkbox
              name="publishRejectedNames"
              label="Also name the companies whose proposals were rejected"
              defaultChecked={call.publishRejectedNames}
            />
            <button type="submit" className="button button--secondary">
              Save the results setting
            </button>
          </Form>
        ) : (
          <p>
            Companies whose proposals were rejected are{" "}
            <strong>{call.publishRejectedNames ? "named" : "not named"}</strong> in the published
            results. This can change only while the call is in review again (reopened).
          </p>
        )}
      </section>

      {call.status !== "archived" ? (
        <section aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="save" />
            <CallSettingsFields
              values={actionData?.values ?? values}
              errors={settingsErrors}
              isNew={false}
              scoredKeys={scoredKeys}
              rulesFrozen={rulesFrozen}
              stored={{ opensAt: call.opens_at, closesAt: call.closes_at }}
            />
            <button type="submit" className="button">
              Save settings
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
