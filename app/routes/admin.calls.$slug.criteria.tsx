// /admin/calls/:slug/criteria: the criteria editor. The unpublished working version is edited
// criterion by criterion (add, edit, move, remove), weights and minimum levels together (they must
// add up to 100); "Publish criteria" freezes the version for good. After publication a change is a
// new version: free before the call opens, after opening only until the first review is submitted.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Criterion } from "~db/schema";
import {
  CriteriaTable,
  CriterionForm,
  criterionValues,
  PublishProblems,
  WeightsForm,
  type CriterionFormValues,
  type EditorCriterion,
} from "~/components/criteria-editor";
import { DateTime } from "~/components/date-time";
import { ErrorSummary, useErrorText } from "~/components/form";
import { criteriaMayChange, criteriaRefusal } from "~/domain/call-lifecycle";
import { parseCriterionForm, parseWeightsForm, sumWeights } from "~/domain/criteria";
import { actorFrom, type CommandResult } from "~/domain/command";
import { getCallBySlug } from "~/models/call-admin.server";
import {
  addCriterion,
  createNewCriteriaVersion,
  getCriteriaPolicy,
  getLatestPublishedCriteria,
  getWorkingCriteria,
  listCriteriaVersions,
  moveCriterion,
  parseDescriptors,
  publishCriteria,
  removeCriterion,
  saveCriterion,
  saveWeights,
} from "~/models/criteria.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { formDataToObject, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, { text: data ? `Criteria: ${data.call.title_en}` : "Criteria" });

async function loadCall(slug: string | undefined) {
  const call = slug ? await getCallBySlug(getDb(), slug) : undefined;
  if (!call) throw new Response("Not Found", { status: 404 });
  return call;
}

function forEditor(rows: Criterion[]): EditorCriterion[] {
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    title_en: r.title_en,
    title_zh: r.title_zh,
    description_en: r.description_en,
    description_zh: r.description_zh,
    weight: r.weight,
    min_level: r.min_level,
    descriptors: parseDescriptors(r.descriptors_json),
    applies_to_track: r.applies_to_track,
  }));
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, OFFICIAL_ROLES);
  const db = getDb();
  const call = await loadCall(params.slug);
  const [working, published, versions, policy] = await Promise.all([
    getWorkingCriteria(db, call.id),
    getLatestPublishedCriteria(db, call.id),
    listCriteriaVersions(db, call.id),
    getCriteriaPolicy(db, call.id),
  ]);
  const workingCriteria = working ? forEditor(working.criteria) : [];
  return data({
    call: { id: call.id, slug: call.slug, title_en: call.title_en, status: call.status },
    policy,
    working: working
      ? {
          version: working.version,
          criteria: workingCriteria,
          total: sumWeights(workingCriteria.filter((c) => c.kind === "scored")),
        }
      : null,
    published: published
      ? {
          version: published.version,
          publishedAt: published.published_at!,
          criteria: forEditor(published.criteria),
        }
      : null,
    versions,
  });
}

type Intent = "add" | "save" | "remove" | "move" | "weights" | "publish" | "newVersion";

interface ActionData {
  intent: Intent;
  errors: FieldErrors;
  values?: CriterionFormValues;
  weights?: { weight: string; minLevel: string }[];
  kind?: "scored" | "gate";
  criterionId?: number;
}

const NOTICE_FOR: Record<Intent, string> = {
  add: "added",
  save: "saved",
  remove: "removed",
  move: "moved",
  weights: "weights",
  publish: "published",
  newVersion: "version",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const call = await loadCall(params.slug);
  const db = getDb();
  const actor = actorFrom(user, context);
  const obj = formDataToObject(await readForm(request));
  const intent = obj.intent as Intent;
  if (!(intent in NOTICE_FOR)) throw new Response("Bad Request", { status: 400 });
  const criterionId = Number(obj.criterionId);
  const kind = obj.kind === "gate" ? "gate" : "scored";
  let result: CommandResult<object> = { ok: true };
  switch (intent) {
    case "add":
      result = await addCriterion(db, call.id, kind, parseCriterionForm(obj), actor);
      break;
    case "save":
      result = await saveCriterion(db, call.id, criterionId, parseCriterionForm(obj), actor);
      break;
    case "remove":
      result = await removeCriterion(db, call.id, criterionId, actor);
      break;
    case "move":
      result = await moveCriterion(
        db,
        call.id,
        criterionId,
        obj.direction === "up" ? "up" : "down",
        actor,
      );
      break;
    case "weights":
      result = await saveWeights(db, call.id, parseWeightsForm(obj), actor);
      break;
    case "publish":
      result = await publishCriteria(db, call.id, actor);
      break;
    case "newVersion":
      result = await createNewCriteriaVersion(db, call.id, actor);
      break;
  }
  if (!result.ok) {
    const body: ActionData = { intent, errors: result.errors, kind };
    if (intent === "add" || intent === "save") {
      body.values = obj as CriterionFormValues;
      if (intent === "save") body.criterionId = criterionId;
    }
    if (intent === "weights")
      body.weights = (Array.isArray(obj.weights) ? obj.weights : []).map((r) => ({
        weight: String((r as Record<string, unknown>)?.weight ?? ""),
        minLevel: String((r as Record<string, unknown>)?.minLevel ?? ""),
      }));
    return data<ActionData>(body, { status: result.status });
  }
  return redirect(`/admin/calls/${call.slug}/criteria?notice=${NOTICE_FOR[intent]}`);
}

const NOTICES: Record<string, string> = {
  added: "The criterion was added.",
  saved: "The criterion was saved.",
  removed: "The criterion was removed.",
  moved: "The order was changed.",
  weights: "The weights and minimum levels were saved.",
  published: "The criteria were published. This version can no longer be edited.",
  version: "A new version was started from the published one. Publish it when it is ready.",
};

export default function CriteriaEditor() {
  const { call, policy, working, published, versions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const errorText = useErrorText();
  const notice = actionData ? undefined : NOTICES[search.get("notice") ?? ""];
  const callHref = `/admin/calls/${call.slug}`;
  const selfHref = `${callHref}/criteria`;
  const refusal = criteriaRefusal(policy);

  // Which criterion form is shown: the one that failed, else the one asked for in the address.
  const editId = actionData?.criterionId ?? (Number(search.get("edit")) || null);
  const editing = working?.criteria.find((c) => c.id === editId);
  const addKind =
    actionData?.intent === "add"
      ? actionData.kind
      : search.get("add") === "gate"
        ? "gate"
        : search.get("add") === "scored"
          ? "scored"
          : null;
  const formErrors =
    actionData?.intent === "add" || actionData?.intent === "save" ? actionData.errors : {};
  const weightErrors = actionData?.intent === "weights" ? actionData.errors : {};
  // A refusal that is not about a field (frozen criteria, a stale page) is shown on its own.
  const otherError =
    actionData && Object.keys(actionData.errors).length === 1 ? actionData.errors._form : undefined;
  const scored = working?.criteria.filter((c) => c.kind === "scored") ?? [];

  return (
    <>
      <p>
        <Link to={callHref}>Back to the call</Link>
      </p>
      {otherError ? (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>There is a problem</h2>
          <p>{errorText(otherError)}</p>
        </div>
      ) : actionData?.intent === "publish" ? (
        <PublishProblems
          errors={actionData.errors}
          criteria={working?.criteria ?? []}
          callHref={callHref}
        />
      ) : actionData ? (
        <ErrorSummary errors={actionData.errors} />
      ) : null}
      {notice ? (
        <div className="notice notice--success" role="status">
          {notice}
        </div>
      ) : null}
      <span className="caption">Criteria · {call.title_en}</span>
      <h1>Criteria and weights</h1>

      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>Call status</dt>
          <dd>
            <strong className="tag">{call.status}</strong>
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Published</dt>
          <dd>
            {published ? (
              <>
                Version {published.version}, published <DateTime iso={published.publishedAt} />
              </>
            ) : (
              "Nothing published yet"
            )}
          </dd>
        </div>
        <div className="summary-list__row">
          <dt>Being edited</dt>
          <dd>{working ? `Version ${working.version} (not published)` : "No version"}</dd>
        </div>
      </dl>

      {refusal ? (
        <div className="notice notice--warning">
          <strong>{errorText(refusal)}.</strong> Published criteria stay as they are.
        </div>
      ) : null}

      {working && criteriaMayChange(policy) ? (
        <>
          {policy === "new-version" ? (
            <div className="notice">
              The call is {call.status}: this version replaces version {published?.version} when you
              publish it, as long as no review has been submitted by then.
            </div>
          ) : null}
          <h2>Scored criteria</h2>
          <CriteriaTable criteria={working.criteria} kind="scored" editable />
          <p>
            <Link to="?add=scored#criterion-form">Add a scored criterion</Link>
          </p>

          <h2 id="weights-title">Weights and minimum levels</h2>
          <p>
            Weights are whole percentages and must add up to exactly 100. Saved weights now add up
            to <strong>{working.total}</strong>.
          </p>
          {scored.length ? (
            <WeightsForm
              key={JSON.stringify(scored.map((c) => [c.id, c.weight, c.min_level]))}
              scored={scored}
              values={actionData?.weights}
              errors={weightErrors}
            />
          ) : null}

          <h2>Gates (pass or fail)</h2>
          <CriteriaTable criteria={working.criteria} kind="gate" editable />
          <p>
            <Link to="?add=gate#criterion-form">Add a gate</Link>
          </p>

          {editing ? (
            <CriterionForm
              key={`edit-${editing.id}`}
              kind={editing.kind}
              criterionId={editing.id}
              values={actionData?.values ?? criterionValues(editing)}
              errors={formErrors}
              cancelHref={selfHref}
            />
          ) : addKind ? (
            <CriterionForm
              key={`add-${addKind}`}
              kind={addKind}
              values={actionData?.values ?? {}}
              errors={formErrors}
              cancelHref={selfHref}
            />
          ) : null}

          <section aria-labelledby="publish-title" className="inset">
            <h2 id="publish-title">Publish version {working.version}</h2>
            <p>
              Publishing freezes this version: it can never be edited again, and the public criteria
              page shows it with its version number and publication date.
            </p>
            <Form method="post">
              <button type="submit" name="intent" value="publish" className="button">
                Publish criteria
              </button>
            </Form>
          </section>
        </>
      ) : published ? (
        <>
          <h2>Scored criteria (version {published.version})</h2>
          <CriteriaTable criteria={published.criteria} kind="scored" editable={false} />
          <h2>Gates (version {published.version})</h2>
          <CriteriaTable criteria={published.criteria} kind="gate" editable={false} />
          {criteriaMayChange(policy) ? (
            <section aria-labelledby="new-version-title" className="inset">
              <h2 id="new-version-title">Change the criteria</h2>
              <p>
                Version {published.version} is published and frozen. To change the criteria, start
                version {published.version + 1} as a copy of it, edit it and publish it.
                {policy === "new-version"
                  ? " The call is already open: this is allowed only until the first review is submitted."
                  : null}
              </p>
              <Form method="post">
                <button type="submit" name="intent" value="newVersion" className="button">
                  Start a new version
                </button>
              </Form>
            </section>
          ) : null}
        </>
      ) : (
        <p>This call has no criteria.</p>
      )}

      <h2>Versions</h2>
      <ul>
        {versions.map((v) => (
          <li key={v.id}>
            Version {v.version}:{" "}
            {v.published_at ? (
              <>
                published <DateTime iso={v.published_at} />
              </>
            ) : (
              "not published"
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
