// After submission: the reference number in a panel, what happens next, a contact, the receipt.
import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getTranslator } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getReceipt } from "~/models/submission.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { useT } from "~/utils/use-t";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.pageTitle ?? "Proposal submitted" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not found", { status: 404 });
  const receipt = await getReceipt(getDb(), id, user.id);
  if (!receipt) {
    const owns = await getDb()
      .selectFrom("proposals")
      .select("id")
      .where("id", "=", id)
      .where("owner_id", "=", user.id)
      .executeTakeFirst();
    if (!owns) throw new Response("Not found", { status: 404 });
    throw redirect(`/proposals/${id}`);
  }
  const t = getTranslator(localeFromRequest(request));
  return {
    pageTitle: `${t("confirm.title")}: ${receipt.reference}: ${t("site.name")}`,
    proposalId: receipt.proposalId,
    reference: receipt.reference,
    email: user.email,
    contact: receipt.contactEmail,
  };
}

export default function ConfirmationPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const base = `/proposals/${d.proposalId}`;
  return (
    <>
      <div className="panel panel--confirmation">
        <h1>{t("confirm.title")}</h1>
        <p className="panel__body">
          {t("confirm.reference")}
          <br />
          <strong className="reference">{d.reference}</strong>
        </p>
      </div>
      <p>{t("confirm.emailSent", { email: d.email })}</p>
      <ul className="link-list">
        <li>
          <a href={`${base}/receipt`}>{t("confirm.receipt")}</a>
        </li>
        <li>
          <a href={`${base}/receipt.pdf`} download>
            {t("confirm.receiptPdf")}
          </a>
        </li>
      </ul>
      <h2>{t("confirm.next.heading")}</h2>
      <ol className="steps-list">
        <li>{t("confirm.next.review")}</li>
        <li>{t("confirm.next.clarify")}</li>
        <li>{t("confirm.next.decision")}</li>
      </ol>
      <p>{t("confirm.contact", { email: d.contact })}</p>
      <p>
        <a href="/proposals">{t("confirm.proposals")}</a>
      </p>
    </>
  );
}
