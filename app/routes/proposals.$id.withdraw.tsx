// Withdraw a proposal before a decision: a confirmation page; the POST withdraws (audited).
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, TextArea } from "~/components/form";
import { getTranslator } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getOwnedProposal } from "~/models/proposals.server";
import { canWithdraw } from "~/domain/proposal-lifecycle";
import { withdrawProposal } from "~/models/submission.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { msg, type FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";
import { readForm } from "~/services/form-body.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.pageTitle ?? "Withdraw proposal" },
];

async function owned(request: Request, idParam: string | undefined) {
  const user = await requireRole(request, ["applicant"]);
  const proposal = await getOwnedProposal(getDb(), Number(idParam), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return { user, proposal };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { proposal } = await owned(request, params.id);
  const t = getTranslator(localeFromRequest(request));
  const reference = proposal.reference ?? proposal.title ?? `#${proposal.id}`;
  return {
    pageTitle: `${t("withdraw.title", { reference })}: ${t("site.name")}`,
    proposalId: proposal.id,
    reference,
    withdrawn: proposal.status === "withdrawn",
    allowed: canWithdraw(proposal.status),
  };
}

type ActionData = { errors: FieldErrors; values: { reason: string } };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, proposal } = await owned(request, params.id);
  const form = await readForm(request);
  const reason = String(form.get("reason") ?? "");
  const result = await withdrawProposal(getDb(), {
    proposalId: proposal.id,
    userId: user.id,
    reason,
    audit: { requestId: context?.requestId, ip: context?.ip, actorEmail: user.email },
  });
  if (result.ok) return redirect(`/proposals/${proposal.id}/withdraw`, { status: 303 });
  if (result.reason === "notFound") throw new Response("Not found", { status: 404 });
  if (result.reason === "invalid")
    return data<ActionData>({ errors: result.errors, values: { reason } }, { status: 400 });
  return data<ActionData>(
    { errors: { _form: msg("withdraw.err.notAllowed") }, values: { reason } },
    { status: 409 },
  );
}

export default function WithdrawPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const t = useT();
  const base = `/proposals/${d.proposalId}`;
  if (d.withdrawn) {
    return (
      <>
        <div className="panel">
          <h1>{t("withdraw.done", { reference: d.reference })}</h1>
        </div>
        <p>
          <a href="/proposals">{t("confirm.proposals")}</a>
        </p>
      </>
    );
  }
  if (!d.allowed) {
    return (
      <>
        <a href={base} className="back-link">
          {t("common.back")}
        </a>
        <h1>{t("withdraw.title", { reference: d.reference })}</h1>
        <p>{t("withdraw.err.notAllowed")}</p>
      </>
    );
  }
  const errors = actionData?.errors ?? {};
  return (
    <>
      <a href={base} className="back-link">
        {t("common.back")}
      </a>
      <ErrorSummary errors={Object.keys(errors).length ? errors : null} />
      <span className="caption">{t("withdraw.title", { reference: d.reference })}</span>
      <h1>{t("withdraw.question")}</h1>
      <p className="notice notice--warning">{t("withdraw.body")}</p>
      <Form method="post" noValidate>
        <TextArea
          name="reason"
          label={t("withdraw.reason")}
          hint={t("withdraw.reasonHint")}
          optional
          error={errors.reason}
          defaultValue={actionData?.values.reason}
          rows={4}
        />
        <div className="button-group">
          <button type="submit" className="button button--warning">
            {t("withdraw.confirm")}
          </button>
          <a href={base}>{t("withdraw.cancel")}</a>
        </div>
      </Form>
    </>
  );
}
