// /proposals/:id/not-eligible — the polite end page after "No" to data residency.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getTranslator } from "~/i18n";
import { getOwnedProposal } from "~/models/proposals.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { useT } from "~/utils/use-t";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const proposal = await getOwnedProposal(getDb(), Number(params.id), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return {
    id: proposal.id,
    editable: proposal.status === "draft",
    contact: proposal.call_contact_email,
  };
}

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === "root")?.data as
    { locale?: "en" | "zh-Hans" } | undefined;
  const t = getTranslator(root?.locale ?? "en");
  return [{ title: `${t("proposal.notEligible.title")} – ${t("site.name")}` }];
};

export default function NotEligiblePage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("proposal.notEligible.title")}</h1>
      <p>{t("proposal.notEligible.body1")}</p>
      <p>{t("proposal.notEligible.body2")}</p>
      {d.editable ? (
        <p>
          <a href={`/proposals/${d.id}/eligibility`}>{t("proposal.notEligible.change")}</a>
        </p>
      ) : null}
      <p>{t("proposal.notEligible.contact", { email: d.contact })}</p>
      <p>
        <a href="/proposals">{t("nav.myProposals")}</a>
      </p>
    </>
  );
}
