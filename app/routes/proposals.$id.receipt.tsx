// The printable receipt of a submitted proposal: reference, call, company in both scripts, the
// submission time in Pakistan time and the SHA-256 of every document received.
import { useHydrated } from "~/components/steps/shared";
import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { DateTime } from "~/components/date-time";
import { FileSize } from "~/components/upload-field";
import { getTranslator, type MessageKey } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getReceipt } from "~/models/submission.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { useLocale, useT } from "~/utils/use-t";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.pageTitle ?? "Receipt" },
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
  return { pageTitle: `${t("receipt.title")}: ${receipt.reference}`, receipt };
}

/** With JavaScript, a button that opens the browser's print dialog (without, the text says how). */
function PrintButton({ label }: { label: string }) {
  const hydrated = useHydrated();
  if (!hydrated) return null;
  return (
    <p className="no-print">
      <button type="button" className="button" onClick={() => window.print()}>
        {label}
      </button>
    </p>
  );
}

export default function ReceiptPage() {
  const { receipt: r } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const rows: [string, ReactNode][] = [
    [t("receipt.reference"), <strong key="ref">{r.reference}</strong>],
    [t("receipt.call"), locale === "zh-Hans" ? r.callTitleZh : r.callTitleEn],
    [t("receipt.proposalTitle"), r.title ?? t("common.notProvided")],
    [t("receipt.companyEn"), r.companyEn ?? t("common.notProvided")],
    [
      t("receipt.companyZh"),
      r.companyZh ? <span lang="zh-Hans">{r.companyZh}</span> : t("common.notProvided"),
    ],
    [t("receipt.submittedAt"), <DateTime key="at" iso={r.submittedAt} />],
    [t("receipt.submittedBy"), r.submittedBy],
    [
      t("receipt.signatory"),
      [r.signatoryName, r.signatoryTitle].filter(Boolean).join(", ") || t("common.notProvided"),
    ],
    [t("receipt.status"), t(`status.${r.status}` as MessageKey)],
  ];
  return (
    <article className="receipt">
      <p className="caption">{t("receipt.issuer")}</p>
      <h1>{t("receipt.heading", { reference: r.reference })}</h1>
      <dl className="summary-list">
        {rows.map(([label, value]) => (
          <div className="summary-list__row" key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h2>{t("receipt.documents")}</h2>
      {r.documents.length ? (
        <div className="table-wrap">
          <table className="receipt-documents table--stack">
            <thead>
              <tr>
                <th scope="col">{t("receipt.docKind")}</th>
                <th scope="col">{t("receipt.docName")}</th>
                <th scope="col">{t("receipt.docSize")}</th>
                <th scope="col">{t("receipt.docSha")}</th>
              </tr>
            </thead>
            <tbody>
              {r.documents.map((doc) => (
                <tr key={`${doc.kind}-${doc.sha256}-${doc.name}`}>
                  <td data-label={t("receipt.docKind")}>
                    {t(`docs.kind.${doc.kind}` as MessageKey)}
                  </td>
                  <td data-label={t("receipt.docName")}>{doc.name}</td>
                  <td data-label={t("receipt.docSize")}>
                    <FileSize bytes={doc.size} />
                  </td>
                  <td data-label={t("receipt.docSha")}>
                    <code className="sha256">{doc.sha256}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("receipt.noDocuments")}</p>
      )}
      <p className="inset">{t("receipt.note")}</p>
      <PrintButton label={t("receipt.printButton")} />
      <p className="no-print">
        {t("receipt.print")}{" "}
        <a href={`/proposals/${r.proposalId}/receipt.pdf`} download>
          {t("receipt.pdf")}
        </a>
      </p>
      <p className="no-print">
        <a href={`/proposals/${r.proposalId}`}>{t("after.back")}</a>
      </p>
    </article>
  );
}
