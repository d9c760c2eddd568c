// /proposals/new?call=:slug — a start page (GET) whose button creates the draft (POST), only while
// the call is open by the server's clock.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { getTranslator } from "~/i18n";
import { actorFrom } from "~/domain/command";
import { getCallBySlug, isCallOpen } from "~/models/calls.server";
import { getProfileForUser } from "~/models/organisations.server";
import { createDraft, ProposalError } from "~/models/proposals.server";
import { getDb } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import { requireRole } from "~/services/session.server";
import { useLocale, useT } from "~/utils/use-t";

async function findCall(request: Request) {
  const slug = new URL(request.url).searchParams.get("call") ?? "";
  return slug ? getCallBySlug(getDb(), slug) : undefined;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const call = await findCall(request);
  if (!call) throw new Response("Not found", { status: 404 });
  const profile = await getProfileForUser(getDb(), user.id);
  return data(
    {
      call: {
        slug: call.slug,
        titleEn: call.title_en,
        titleZh: call.title_zh,
        closesAt: call.closes_at,
      },
      open: isCallOpen(call),
      hasProfile: !!profile,
    },
    { status: isCallOpen(call) ? 200 : 403 },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const call = await findCall(request);
  if (!call) throw new Response("Not found", { status: 404 });
  try {
    const proposal = await createDraft(getDb(), {
      callId: call.id,
      ownerId: user.id,
      actor: actorFrom(user, context),
    });
    return redirect(`/proposals/${proposal.id}/eligibility`);
  } catch (error) {
    if (error instanceof ProposalError && error.code === "callNotOpen") {
      return data({ refused: true, tooManyDrafts: null }, { status: 403 });
    }
    if (error instanceof ProposalError && error.code === "tooManyDrafts") {
      return data(
        { refused: true, tooManyDrafts: getEnv().MAX_DRAFTS_PER_ACCOUNT },
        { status: 409 },
      );
    }
    throw error;
  }
}

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as
    { locale?: "en" | "zh-Hans" } | undefined;
  const t = getTranslator(root?.locale ?? "en");
  return [{ title: `${t("proposal.new.title")} – ${t("site.name")}` }];
};

export default function NewProposalPage() {
  const d = useLoaderData<typeof loader>();
  const tooManyDrafts = useActionData<typeof action>()?.tooManyDrafts ?? null;
  const t = useT();
  const locale = useLocale();
  const title = locale === "zh-Hans" ? d.call.titleZh : d.call.titleEn;
  if (!d.open) {
    return (
      <>
        <a href="/proposals" className="back-link">
          {t("common.back")}
        </a>
        <span className="caption">{title}</span>
        <h1>{t("proposal.new.closed")}</h1>
        <p>{t("proposal.new.closedBody")}</p>
        <p>
          <a href="/">{t("error.home")}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <a href="/proposals" className="back-link">
        {t("common.back")}
      </a>
      <span className="caption">{title}</span>
      <h1>{t("proposal.new.title")}</h1>
      <p>{t("proposal.new.intro")}</p>
      <p>
        {t("proposal.new.deadline")} <DateTime iso={d.call.closesAt} />
      </p>
      {d.hasProfile ? <p>{t("proposal.new.profileNote")}</p> : null}
      {tooManyDrafts ? (
        <div className="error-summary" role="alert" aria-labelledby="error-summary-title">
          <h2 id="error-summary-title">{t("common.errorSummaryTitle")}</h2>
          <p>{t("proposal.new.tooManyDrafts", { max: tooManyDrafts })}</p>
          <p>
            <a href="/proposals">{t("proposal.new.yourDrafts")}</a>
          </p>
        </div>
      ) : null}
      <Form method="post">
        <button type="submit" className="button button--start">
          {t("proposal.new.start")}
        </button>
      </Form>
    </>
  );
}
