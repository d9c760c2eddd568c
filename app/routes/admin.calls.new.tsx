// /admin/calls/new: create a draft call; its criteria start as the default criteria (version 1,
// unpublished) for the criteria editor.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DEFAULT_CRITERIA, DEFAULT_TIE_BREAK } from "~/domain/default-criteria";
import {
  CallSettingsFields,
  type CallFormValues,
} from "~/components/criteria-editor-call-settings";
import { ErrorSummary } from "~/components/form";
import { NewCallSchema } from "~/domain/call-lifecycle";
import { actorFrom } from "~/domain/command";
import { createCall } from "~/models/call-admin.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";
import { formDataToObject, zodFieldErrors, type FieldErrors } from "~/utils/form";
import { pageTitle } from "~/utils/page-title";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, { text: "Create a call" });

const DEFAULTS: CallFormValues = {
  minReviews: "3",
  qualifyingScore: "65",
  disagreementSpread: "2",
  disagreementSd: "15",
  tieBreak: DEFAULT_TIE_BREAK.join(", "),
  contactEmail: "investment@cda.gov.pk",
};

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, OFFICIAL_ROLES);
  return data({
    defaults: DEFAULTS,
    scoredKeys: DEFAULT_CRITERIA.filter((c) => c.kind === "scored").map((c) => c.key),
  });
}

interface ActionData {
  errors: FieldErrors;
  values: CallFormValues;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const values = formDataToObject(await readForm(request)) as CallFormValues;
  const parsed = NewCallSchema.safeParse(values);
  if (!parsed.success)
    return data<ActionData>({ errors: zodFieldErrors(parsed.error), values }, { status: 400 });
  const created = await createCall(
    getDb(),
    parsed.data,
    DEFAULT_CRITERIA,
    actorFrom(user, context),
  );
  if (!created.ok)
    return data<ActionData>({ errors: created.errors, values }, { status: created.status });
  return redirect(`/admin/calls/${created.call.slug}?notice=created`);
}

export default function NewCall() {
  const { defaults, scoredKeys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const errors = actionData?.errors ?? {};
  return (
    <>
      <p>
        <Link to="/admin/calls">Back to calls</Link>
      </p>
      <ErrorSummary errors={actionData?.errors} />
      <h1>Create a call</h1>
      <p>
        The call starts as a draft with the default criteria as an unpublished version 1. Edit and
        publish the criteria, then open the call.
      </p>
      <Form method="post" noValidate>
        <CallSettingsFields
          values={actionData?.values ?? defaults}
          errors={errors}
          isNew
          scoredKeys={scoredKeys}
          rulesFrozen={false}
        />
        <button type="submit" className="button">
          Create the call
        </button>
      </Form>
    </>
  );
}
