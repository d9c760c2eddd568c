import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { Choices, ErrorSummary, TextArea, TextField } from "~/components/form";
import { declareConflict, listConflicts, searchOrganisations } from "~/models/conflicts.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { STAFF_ROLES } from "~/services/session.server";
import { formDataToObject, msg, type FieldErrors } from "~/utils/form";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction = () => [
  { title: "Conflicts of interest – CDA Investment Proposal Portal" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  const q = new URL(request.url).searchParams.get("q")?.trim() ?? "";
  const [hits, conflicts] = await Promise.all([
    q ? searchOrganisations(db, q) : Promise.resolve([]),
    listConflicts(db, user.id),
  ]);
  return data({ q, hits, conflicts });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  const posted = formDataToObject(await readForm(request));
  const intent = String(posted.intent ?? "");
  const ctx = { requestId: context?.requestId ?? null, ip: context?.ip ?? null };
  // Two forms on the page: each has its own reason field (unique ids for labels and errors).
  const reasonField = intent === "group" ? "groupReason" : "companyReason";
  const reason = String(posted[reasonField] ?? "");
  let result;
  if (intent === "company") {
    const id = Number(posted.organisationId);
    if (!Number.isSafeInteger(id) || id <= 0) {
      const errors: FieldErrors = { organisationId: msg("review.error.organisation") };
      if (!reason.trim()) errors[reasonField] = msg("review.error.conflictReason");
      return data({ intent, errors, values: posted }, { status: 400 });
    }
    result = await declareConflict(
      db,
      user,
      { kind: "organisation", organisationId: id },
      reason,
      ctx,
    );
  } else if (intent === "group") {
    result = await declareConflict(
      db,
      user,
      { kind: "parentGroup", parentGroup: String(posted.parentGroup ?? "") },
      reason,
      ctx,
    );
  } else {
    return data(
      { intent, errors: { _form: msg("review.error.conflictTarget") }, values: posted },
      { status: 400 },
    );
  }
  if (!result.ok) {
    const { reason: reasonError, ...rest } = result.errors;
    const errors: FieldErrors = reasonError ? { ...rest, [reasonField]: reasonError } : rest;
    return data({ intent, errors, values: posted }, { status: 400 });
  }
  return redirect(`/review/conflicts?declared=${result.endedAssignments}`);
}

type ActionData =
  { intent: string; errors: FieldErrors; values: Record<string, unknown> } | undefined;

export default function Conflicts() {
  const { q, hits, conflicts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData;
  const [search] = useSearchParams();
  const declared = search.get("declared");
  const companyErrors = actionData?.intent === "company" ? actionData.errors : undefined;
  const groupErrors = actionData?.intent === "group" ? actionData.errors : undefined;
  const values = actionData?.values ?? {};
  return (
    <>
      <p>
        <a href="/review">Back to your review queue</a>
      </p>
      <h1 className="h1">Conflicts of interest</h1>
      <p>
        Declare every company or parent group you have an interest in: employment, shareholding,
        family ties, or a recent business relationship. You will not be assigned their proposals,
        and you lose access at once to any you were assigned.
      </p>
      {declared !== null && !actionData ? (
        <div className="notice notice--success" role="status">
          Your declaration has been recorded
          {Number(declared) > 0
            ? `; ${declared} assigned proposal(s) were removed from your queue.`
            : "."}
        </div>
      ) : null}
      <ErrorSummary errors={actionData?.errors} />

      <h2 className="h2">A company</h2>
      <Form method="get" className="search-form">
        <TextField
          name="q"
          label="Search companies by name or USCC"
          hint="At least 2 characters of the English or Chinese name or the parent group, or the whole 18-character USCC. Only companies with a proposal under review are listed."
          defaultValue={q}
        />
        <button type="submit" className="button button--secondary">
          Search
        </button>
      </Form>
      {q && hits.length === 0 ? <p>No company matches “{q}”.</p> : null}
      {hits.length > 0 ? (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="company" />
          <Choices
            name="organisationId"
            label="Company"
            error={companyErrors?.organisationId}
            defaultValue={String(values.organisationId ?? "")}
            options={hits.map((h) => ({
              value: String(h.id),
              label: `${h.legalNameEn}${h.legalNameZh ? ` / ${h.legalNameZh}` : ""}`,
              hint: h.parentGroup ? `Group: ${h.parentGroup}` : "",
            }))}
          />
          <TextArea
            name="companyReason"
            label="Describe the conflict"
            error={companyErrors?.companyReason}
            defaultValue={
              actionData?.intent === "company" ? String(values.companyReason ?? "") : ""
            }
            rows={3}
          />
          <button type="submit" className="button">
            Declare a conflict with this company
          </button>
        </Form>
      ) : null}

      <h2 className="h2">A parent group</h2>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value="group" />
        <TextField
          name="parentGroup"
          label="Parent group name"
          hint="Every company whose parent group has this name (ignoring case and spacing) is covered"
          error={groupErrors?.parentGroup}
          defaultValue={actionData?.intent === "group" ? String(values.parentGroup ?? "") : ""}
        />
        <TextArea
          name="groupReason"
          label="Describe the conflict with this group"
          error={groupErrors?.groupReason}
          defaultValue={actionData?.intent === "group" ? String(values.groupReason ?? "") : ""}
          rows={3}
        />
        <button type="submit" className="button">
          Declare a conflict with this group
        </button>
      </Form>

      <h2 className="h2">Your declarations</h2>
      {conflicts.length === 0 ? (
        <p>You have not declared any conflict.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Against</th>
                <th scope="col">Reason</th>
                <th scope="col">Declared</th>
              </tr>
            </thead>
            <tbody>
              {conflicts.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.organisationId
                      ? `Company: ${c.organisationNameEn ?? ""}${c.organisationNameZh ? ` / ${c.organisationNameZh}` : ""}`
                      : c.parentGroup
                        ? `Parent group: ${c.parentGroup}`
                        : `Proposal ${c.proposalReference ?? `#${c.proposalId}`}${c.proposalCompany ? ` (${c.proposalCompany})` : ""}`}
                  </td>
                  <td className="preserve-lines">{c.reason}</td>
                  <td>
                    <DateTime iso={c.declaredAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
