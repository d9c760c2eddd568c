// GET /proposals/:id/receipt.pdf: the receipt as a PDF (Chinese names rendered with the CJK font).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getTranslator, type MessageKey } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import { getReceipt } from "~/models/submission.server";
import { getDb } from "~/services/db.server";
import { renderReceiptPdf } from "~/services/pdf.server";
import { requireRole } from "~/models/access.server";
import { contentDisposition } from "~/services/uploads.server";
import { formatBytes } from "~/components/upload-field";
import { formatDateTime } from "~/utils/dates";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["applicant"]);
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not found", { status: 404 });
  const receipt = await getReceipt(getDb(), id, user.id);
  if (!receipt) throw new Response("Not found", { status: 404 });
  const locale = localeFromRequest(request);
  const t = getTranslator(locale);
  const pkt = (iso: string) => t("time.pkt", { time: formatDateTime(iso, locale) });
  const pdf = await renderReceiptPdf(
    {
      reference: receipt.reference,
      callTitle: locale === "zh-Hans" ? receipt.callTitleZh : receipt.callTitleEn,
      title: receipt.title,
      companyEn: receipt.companyEn,
      companyZh: receipt.companyZh,
      submittedAt: pkt(receipt.submittedAt),
      submittedBy: receipt.submittedBy,
      signatory: [receipt.signatoryName, receipt.signatoryTitle].filter(Boolean).join(", ") || null,
      status: t(`status.${receipt.status}` as MessageKey),
      documents: receipt.documents.map((d) => ({
        kind: t(`docs.kind.${d.kind}` as MessageKey),
        name: d.name,
        size: formatBytes(d.size, locale),
        sha256: d.sha256,
      })),
    },
    {
      issuer: t("receipt.issuer"),
      heading: t("receipt.heading", { reference: receipt.reference }),
      reference: t("receipt.reference"),
      call: t("receipt.call"),
      proposalTitle: t("receipt.proposalTitle"),
      companyEn: t("receipt.companyEn"),
      companyZh: t("receipt.companyZh"),
      submittedAt: t("receipt.submittedAt"),
      submittedBy: t("receipt.submittedBy"),
      signatory: t("receipt.signatory"),
      status: t("receipt.status"),
      documents: t("receipt.documents"),
      noDocuments: t("receipt.noDocuments"),
      docSha: t("receipt.docSha"),
      note: t("receipt.note"),
      generated: t("receipt.generated", { time: pkt(new Date().toISOString()) }),
      notProvided: t("common.notProvided"),
    },
    locale,
  );
  return new Response(new Uint8Array(pdf), {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.length),
      "Content-Disposition": contentDisposition(`receipt-${receipt.reference}.pdf`),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
