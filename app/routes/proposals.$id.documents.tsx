import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ErrorSummary, useErrorText } from "~/components/form";
import {
  FileInput,
  FileSize,
  formatBytes,
  UploadButton,
  UploadForm,
} from "~/components/upload-field";
import {
  documentProblems,
  documentRules,
  isDocumentKind,
  ruleFor,
  type DocumentKind,
  type StorageProblem,
} from "~/domain/documents";
import { tracksOf } from "~/domain/proposal-steps";
import { getTranslator, type MessageKey } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import {
  addDocuments,
  countByKind,
  listDocuments,
  organisationStorageLabel,
  removeDocument,
  storedBytes,
} from "~/models/attachments.server";
import { draftEditable, getOwnedProposal, loadAnswers } from "~/models/proposals.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import {
  commitUploadFlash,
  MAX_PROPOSAL_BYTES,
  parseUploadRequest,
  readUploadFlash,
  UploadRequestError,
  type UploadProblem,
} from "~/services/uploads.server";
import { msg } from "~/utils/form";
import { useLocale, useT } from "~/utils/use-t";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.pageTitle ?? "Documents" },
];

async function ownedOr404(request: Request, idParam: string | undefined) {
  const user = await requireRole(request, ["applicant"]);
  const proposal = await getOwnedProposal(getDb(), Number(idParam), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return { user, proposal };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { proposal } = await ownedOr404(request, params.id);
  const db = getDb();
  const answers = await loadAnswers(db, proposal.id);
  const tracks = tracksOf(answers) ?? [];
  const docs = await listDocuments(db, proposal.id);
  // A post sent by the upload script follows its redirect here first: keep the flash for the
  // router's reload that comes next.
  const keepFlash = request.headers.get("X-Upload-Client") === "xhr";
  const { flash, clear } = await readUploadFlash(request, proposal.id);
  const t = getTranslator(localeFromRequest(request));
  const returnTo = new URL(request.url).searchParams.get("returnTo") === "check" ? "check" : null;
  return data(
    {
      pageTitle: `${t("docs.title")}: ${t("site.name")}`,
      proposalId: proposal.id,
      readOnly: draftEditable(proposal) !== null,
      status: proposal.status,
      returnTo,
      rules: documentRules(tracks),
      documents: docs.map((d) => ({
        id: d.id,
        kind: d.kind,
        name: d.original_name,
        size: d.size_bytes,
      })),
      used: await storedBytes(db, proposal.id),
      total: MAX_PROPOSAL_BYTES,
      notices: flash?.notices ?? [],
      errors: flash?.errors ?? {},
    },
    { headers: clear && !keepFlash ? { "Set-Cookie": clear } : undefined },
  );
}

function problemMessage(
  problem: UploadProblem | StorageProblem,
  kind: DocumentKind,
  name: string,
): string {
  const rule = ruleFor(kind);
  switch (problem) {
    case "empty":
      return msg("docs.err.empty", { name });
    case "tooLarge":
      return msg("docs.err.tooLarge", { name });
    case "quota":
      return msg("docs.err.quota", { name });
    case "organisationQuota":
      return msg("docs.err.organisationQuota", { name, max: organisationStorageLabel() });
    case "tooMany":
      return msg("docs.err.tooMany", { max: rule.max });
    case "type":
      return msg(rule.types.length > 1 ? "docs.err.typePdfImage" : "docs.err.typePdf", { name });
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, proposal } = await ownedOr404(request, params.id);
  const db = getDb();
  const base = `/proposals/${proposal.id}`;
  const url = new URL(request.url);
  const here = `${base}/documents${url.searchParams.get("returnTo") === "check" ? "?returnTo=check" : ""}`;
  const audit = { requestId: context?.requestId, ip: context?.ip, actorEmail: user.email };

  const refused = draftEditable(proposal);
  if (refused) {
    // Nothing is read or stored for a proposal that can no longer change.
    const cookie = await commitUploadFlash({
      proposalId: proposal.id,
      notices: [],
      errors: {
        _form: msg(refused === "notEditable" ? "docs.readOnly" : "check.err.deadline"),
      },
    });
    return redirect(here, { headers: { "Set-Cookie": cookie } });
  }

  const answers = await loadAnswers(db, proposal.id);
  const tracks = tracksOf(answers) ?? [];
  const counts = countByKind(await listDocuments(db, proposal.id));
  let parsed;
  try {
    parsed = await parseUploadRequest(request, {
      allowedTypes: (field) => (isDocumentKind(field) ? ruleFor(field, tracks).types : null),
      admit: (field, inRequest) => {
        if (!isDocumentKind(field)) return "type";
        const rule = ruleFor(field, tracks);
        // A one-file kind is replaced by a new upload; others take files up to their maximum.
        if (rule.max === 1) return inRequest >= 1 ? "tooMany" : null;
        return (counts[field] ?? 0) + inRequest >= rule.max ? "tooMany" : null;
      },
      bytesAlreadyStored: await storedBytes(db, proposal.id),
    });
  } catch (error) {
    if (!(error instanceof UploadRequestError)) throw error;
    const cookie = await commitUploadFlash({
      proposalId: proposal.id,
      notices: [],
      errors: { _form: msg("docs.err.request") },
    });
    return redirect(here, { status: 303, headers: { "Set-Cookie": cookie } });
  }

  const notices: string[] = [];
  const errors: Record<string, string> = {};
  const files = parsed.files.filter((f): f is typeof f & { field: DocumentKind } =>
    isDocumentKind(f.field),
  );
  const added = await addDocuments(db, { proposalId: proposal.id, userId: user.id, files, audit });
  if (added?.added.length) {
    notices.push(
      msg("docs.notice.uploaded", { names: added.added.map((a) => a.original_name).join(", ") }),
    );
  }
  for (const r of [...parsed.rejected, ...(added?.refused ?? [])]) {
    if (isDocumentKind(r.field) && !errors[r.field])
      errors[r.field] = problemMessage(r.problem, r.field, r.originalName);
  }

  const intent = parsed.fields.get("intent") ?? "";
  const uploadMatch = /^upload:(\w+)$/.exec(intent);
  if (
    uploadMatch &&
    isDocumentKind(uploadMatch[1]) &&
    !files.some((f) => f.field === uploadMatch[1]) &&
    !errors[uploadMatch[1]] &&
    !files.length
  ) {
    errors[uploadMatch[1]] = msg("docs.err.noFile");
  }
  const removeMatch = /^remove:(\d+)$/.exec(intent);
  if (removeMatch) {
    const attachmentId = Number(removeMatch[1]);
    const docs = await listDocuments(db, proposal.id);
    const target = docs.find((d) => d.id === attachmentId);
    if (
      target &&
      (await removeDocument(db, { proposalId: proposal.id, attachmentId, userId: user.id, audit }))
    ) {
      notices.push(msg("docs.notice.removed", { name: target.original_name }));
    }
  }

  if (!Object.keys(errors).length && (intent === "continue" || intent === "draft")) {
    if (intent === "draft") return redirect(base, { status: 303 });
    const now = countByKind(await listDocuments(db, proposal.id));
    for (const p of documentProblems(now, tracks)) {
      errors[p.kind] = msg(
        p.problem === "missing" ? `docs.err.missing.${p.kind}` : "docs.err.tooManyKind",
      );
    }
    if (!Object.keys(errors).length) return redirect(`${base}/check`, { status: 303 });
  }
  const cookie = await commitUploadFlash({ proposalId: proposal.id, notices, errors });
  return redirect(here, { status: 303, headers: { "Set-Cookie": cookie } });
}

const ACCEPT: Record<string, string> = {
  "application/pdf": ".pdf,application/pdf",
  "image/jpeg": ".jpg,.jpeg,image/jpeg",
  "image/png": ".png,image/png",
};

export default function DocumentsPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const text = useErrorText();
  const base = `/proposals/${d.proposalId}`;
  const formError = d.errors._form;
  const fieldErrors = Object.fromEntries(Object.entries(d.errors).filter(([k]) => k !== "_form"));
  return (
    <>
      <a href={d.returnTo === "check" ? `${base}/check` : base} className="back-link">
        {t("common.back")}
      </a>
      <ErrorSummary errors={Object.keys(fieldErrors).length ? fieldErrors : null} />
      {formError ? (
        <div className="notice notice--warning" role="alert">
          <p>{text(formError)}</p>
        </div>
      ) : null}
      {d.notices.length ? (
        <div className="notice notice--success" role="status">
          {d.notices.map((n) => (
            <p key={n}>{text(n)}</p>
          ))}
        </div>
      ) : null}
      <h1>{t("docs.title")}</h1>
      {d.readOnly ? (
        <p className="inset">{t("docs.readOnly")}</p>
      ) : (
        <p className="lead">{t("docs.intro")}</p>
      )}
      <p className="hint">
        {t("docs.usage", {
          used: formatBytes(d.used, locale),
          total: formatBytes(d.total, locale),
        })}
      </p>
      <UploadForm className="documents-form">
        {d.rules.map((rule) => {
          const files = d.documents.filter((f) => f.kind === rule.kind);
          const kindLabel = t(`docs.kind.${rule.kind}` as MessageKey);
          const canAdd = !d.readOnly && (rule.max === 1 || files.length < rule.max);
          return (
            <section
              key={rule.kind}
              className="document-kind"
              aria-labelledby={`kind-${rule.kind}`}
            >
              <h2 className="h3" id={`kind-${rule.kind}`}>
                {kindLabel}{" "}
                <span className={`tag ${rule.min > 0 ? "" : "tag--grey"}`}>
                  {rule.min > 0 ? t("docs.required") : t("docs.optional")}
                </span>
                {rule.max > 1 ? (
                  <span className="caption"> {t("docs.upTo", { max: rule.max })}</span>
                ) : null}
              </h2>
              {files.length ? (
                <table className="document-list table--stack">
                  <thead>
                    <tr>
                      <th scope="col">{t("docs.fileName")}</th>
                      <th scope="col">{t("docs.fileSize")}</th>
                      {d.readOnly ? null : <th scope="col">{t("docs.fileActions")}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {files.map((f) => (
                      <tr key={f.id}>
                        <td data-label={t("docs.fileName")}>
                          <a href={`/attachments/${f.id}`} download>
                            {f.name}
                          </a>
                        </td>
                        <td data-label={t("docs.fileSize")}>
                          <FileSize bytes={f.size} />
                        </td>
                        {d.readOnly ? null : (
                          <td data-label={t("docs.fileActions")}>
                            <UploadButton
                              name="intent"
                              value={`remove:${f.id}`}
                              className="link-button"
                            >
                              {t("docs.remove")}
                              <span className="visually-hidden"> {f.name}</span>
                            </UploadButton>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="document-none">{t("docs.none")}</p>
              )}
              {canAdd ? (
                <div className="document-upload">
                  <FileInput
                    name={rule.kind}
                    label={t(rule.max > 1 ? "docs.chooseFiles" : "docs.chooseFile", {
                      kind: kindLabel,
                    })}
                    hint={
                      <>
                        {t(`docs.hint.${rule.kind}` as MessageKey)}
                        {rule.max === 1 && files.length ? ` ${t("docs.replaceHint")}` : null}
                      </>
                    }
                    error={fieldErrors[rule.kind]}
                    accept={rule.types.map((m) => ACCEPT[m] ?? m).join(",")}
                    multiple={rule.max > 1}
                  />
                  <UploadButton
                    name="intent"
                    value={`upload:${rule.kind}`}
                    className="button button--secondary"
                  >
                    {t("docs.upload")}
                    <span className="visually-hidden"> {kindLabel}</span>
                  </UploadButton>
                </div>
              ) : fieldErrors[rule.kind] ? (
                <p className="error-message" id={`f-${rule.kind}`}>
                  {text(fieldErrors[rule.kind])}
                </p>
              ) : null}
            </section>
          );
        })}
        {d.readOnly ? null : (
          <div className="button-group">
            <UploadButton name="intent" value="continue" className="button">
              {t("docs.saveContinue")}
            </UploadButton>
            <UploadButton name="intent" value="draft" className="button button--secondary">
              {t("docs.saveDraft")}
            </UploadButton>
          </div>
        )}
      </UploadForm>
    </>
  );
}
