import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DiscussionPanel } from "~/components/discussion-panel";
import { actorFrom } from "~/domain/command";
import { can } from "~/domain/access";
import { refuseUnless, requireProposalAccess, requireRole } from "~/models/access.server";
import { listDiscussion, postComment, settleByComment } from "~/models/discussion.server";
import { getProposalHead } from "~/models/reviews.server";
import { getDb } from "~/services/db.server";
import { readForm } from "~/services/form-body.server";
import { STAFF_ROLES } from "~/services/session.server";
import { ErrorSummary } from "~/components/form";
import { formDataToObject, type FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";

// A proposal's staff discussion on a page of its own (issue 15): where the e-mails link to, and
// where both of the panel's forms post from the review page and the board's breakdown. Who may
// read and post is the access policy's "discuss" capability; settling a flag also needs "moderate".

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Discussion ${data?.proposal.reference ?? ""} – CDA Investment Proposal Portal` },
];

async function load(request: Request, params: LoaderFunctionArgs["params"]) {
  const db = getDb();
  const user = await requireRole(request, STAFF_ROLES, db);
  const proposalId = Number(params.proposalId);
  const access = await requireProposalAccess(db, user, proposalId, "discuss");
  return { db, user, proposalId, access };
}

/** Only the portal's own pages of this proposal are places to return to. */
function safeReturn(value: unknown, proposalId: number): string {
  const s = typeof value === "string" ? value : "";
  const allowed = [
    new RegExp(`^/review/${proposalId}(\\?[^#]*)?$`),
    new RegExp(`^/board/[a-z0-9-]+/${proposalId}(\\?[^#]*)?$`),
    new RegExp(`^/discussion/${proposalId}$`),
  ];
  return allowed.some((r) => r.test(s)) ? s : `/discussion/${proposalId}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, proposalId, access } = await load(request, params);
  const head = await getProposalHead(db, proposalId);
  if (!head) throw new Response("Not found", { status: 404 });
  const canSettle = can(access, "moderate");
  return data({
    proposal: { id: head.id, reference: head.reference, title: head.title },
    discussion: await listDiscussion(db, proposalId, { forOfficial: canSettle }),
    canSettle,
    breakdown: canSettle ? `/board/${head.callSlug}/${proposalId}` : null,
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { db, user, proposalId, access } = await load(request, params);
  const values = formDataToObject(await readForm(request));
  const actor = actorFrom(user, context);
  const returnTo = safeReturn(values.returnTo, proposalId);
  const back = (done: string) =>
    redirect(`${returnTo}${returnTo.includes("?") ? "&" : "?"}discussion=${done}#discussion`);
  if (values.intent === "settle") {
    await refuseUnless(db, user, access, "moderate");
    const result = await settleByComment(db, { proposalId, values, actor });
    if (!result.ok) return data({ errors: result.errors, values }, { status: result.status });
    return back("settled");
  }
  const result = await postComment(db, actor, proposalId, values.body);
  if (!result.ok)
    return data(
      { errors: result.errors, values: { ...values, intent: "comment" } },
      { status: result.status },
    );
  return back("posted");
}

export default function DiscussionPage() {
  const { proposal, discussion, canSettle, breakdown } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as
    { errors: FieldErrors; values: Record<string, unknown> } | undefined;
  const t = useT();
  return (
    <>
      <p>
        <a href={`/review/${proposal.id}`}>{t("discussion.page.openProposal")}</a>
        {breakdown ? (
          <>
            {" · "}
            <a href={breakdown}>{t("discussion.page.openBreakdown")}</a>
          </>
        ) : null}
      </p>
      <span className="caption">{proposal.reference}</span>
      <h1 className="h1">{t("discussion.page.title", { reference: proposal.reference ?? "" })}</h1>
      {proposal.title ? <p className="lead">{proposal.title}</p> : null}
      <ErrorSummary errors={actionData?.errors} />
      <DiscussionPanel
        discussion={discussion}
        returnTo={`/discussion/${proposal.id}`}
        canSettle={canSettle}
        errors={actionData?.errors}
        values={actionData?.values}
      />
    </>
  );
}
