// The clarification thread of a submitted proposal, as its owner sees it, with a reply form
// (text and up to 5 PDF documents) while a question is open.
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DateTime } from "~/components/date-time";
import { ErrorSummary, TextArea } from "~/components/form";
import { FileInput, FileSize } from "~/components/upload-field";
import { PDF_ONLY } from "~/domain/documents";
import { getTranslator, type MessageKey } from "~/i18n";
import { localeFromRequest } from "~/i18n/locales";
import {
  answerClarification,
  listThreadForOwner,
  MAX_ANSWER_FILES,
} from "~/models/applicant-messages.server";
import { storedBytes } from "~/models/attachments.server";
import { getOwnedProposal } from "~/models/proposals.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import {
  deleteStoredFiles,
  parseUploadRequest,
  UploadRequestError,
  type UploadProblem,
} from "~/services/uploads.server";
import { msg, type FieldErrors } from "~/utils/form";
import { useT } from "~/utils/use-t";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.pageTitle ?? "Messages" },
];

async function owned(request: Request, idParam: string | undefined) {
  const user = await requireRole(request, ["applicant"]);
  const proposal = await getOwnedProposal(getDb(), Number(idParam), user.id);
  if (!proposal) throw new Response("Not found", { status: 404 });
  return { user, proposal };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { proposal } = await owned(request, params.id);
  if (proposal.status === "draft") throw redirect(`/proposals/${proposal.id}`);
  const t = getTranslator(localeFromRequest(request));
  const reference = proposal.reference ?? `#${proposal.id}`;
  return {
    pageTitle: `${t("messages.title", { reference })}: ${t("site.name")}`,
    proposalId: proposal.id,
    reference,
    status: proposal.status,
    canAnswer: proposal.status === "clarification_requested",
    sent: new URL(request.url).searchParams.get("sent") === "1",
    thread: await listThreadForOwner(getDb(), proposal.id),
  };
}

type ActionData = { errors: FieldErrors; values: { body: string } };

const PROBLEM_KEYS: Record<UploadProblem, string> = {
  empty: "docs.err.empty",
  tooLarge: "docs.err.tooLarge",
  quota: "docs.err.quota",
  type: "docs.err.typePdf",
  tooMany: "docs.err.tooMany",
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, proposal } = await owned(request, params.id);
  const db = getDb();
  if (proposal.status !== "clarification_requested") {
    return data<ActionData>(
      { errors: { _form: msg("messages.err.notAwaiting") }, values: { body: "" } },
      { status: 409 },
    );
  }
  let parsed;
  try {
    parsed = await parseUploadRequest(request, {
      allowedTypes: (field) => (field === "files" ? PDF_ONLY : null),
      admit: (_field, inRequest) => (inRequest >= MAX_ANSWER_FILES ? "tooMany" : null),
      bytesAlreadyStored: await storedBytes(db, proposal.id),
    });
  } catch (error) {
    if (!(error instanceof UploadRequestError)) throw error;
    return data<ActionData>(
      { errors: { files: msg("docs.err.request") }, values: { body: "" } },
      { status: error.status },
    );
  }
  const body = parsed.fields.get("body") ?? "";
  const errors: FieldErrors = {};
  const rejected = parsed.rejected[0];
  if (rejected) {
    errors.files = msg(PROBLEM_KEYS[rejected.problem], {
      name: rejected.originalName,
      max: MAX_ANSWER_FILES,
    });
  }
  if (Object.keys(errors).length) {
    // Keep nothing from a post that is answered with an error: the applicant posts again.
    await deleteStoredFiles(parsed.files);
    if (!body.trim()) errors.body = msg("messages.err.body");
    return data<ActionData>({ errors, values: { body } }, { status: 400 });
  }
  const result = await answerClarification(db, {
    proposalId: proposal.id,
    userId: user.id,
    body,
    files: parsed.files,
    audit: { requestId: context?.requestId, ip: context?.ip, actorEmail: user.email },
  });
  if (result.ok) return redirect(`/proposals/${proposal.id}/messages?sent=1`, { status: 303 });
  if (result.status === 404) throw new Response("Not found", { status: 404 });
  return data<ActionData>({ errors: result.errors, values: { body } }, { status: result.status });
}

export default function MessagesPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const t = useT();
  const errors = actionData?.errors ?? {};
  const base = `/proposals/${d.proposalId}`;
  return (
    <>
      <a href={base} className="back-link">
        {t("after.back")}
      </a>
      <ErrorSummary errors={Object.keys(errors).length ? errors : null} />
      {d.sent && !actionData ? (
        <div className="notice notice--success" role="status">
          <p>{t("messages.sent")}</p>
        </div>
      ) : null}
      <h1>{t("messages.title", { reference: d.reference })}</h1>
      <p>
        {t("after.status")}:{" "}
        <strong className="tag">{t(`status.${d.status}` as MessageKey)}</strong>
      </p>
      <p className="lead">{t("messages.intro")}</p>
      {d.thread.length ? (
        <ol className="message-thread">
          {d.thread.map((m) => (
            <li key={m.id} className={`message message--${m.kind}`}>
              <h2 className="h3">
                {m.kind === "question" ? t("messages.fromCda") : t("messages.fromYou")}
              </h2>
              <p className="caption">
                <DateTime iso={m.createdAt} />
              </p>
              <div className="message__body">{m.body}</div>
              {m.attachments.length ? (
                <>
                  <h3 className="h3">{t("messages.attachments")}</h3>
                  <ul>
                    {m.attachments.map((a) => (
                      <li key={a.id}>
                        <a href={`/attachments/${a.id}`}>{a.name}</a> (<FileSize bytes={a.size} />)
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p>{t("messages.none")}</p>
      )}
      {d.canAnswer ? (
        <Form method="post" encType="multipart/form-data" noValidate>
          <h2>{t("messages.reply.heading")}</h2>
          <TextArea
            name="body"
            label={t("messages.reply.body")}
            hint={t("messages.reply.bodyHint")}
            error={errors.body}
            defaultValue={actionData?.values.body}
            rows={8}
          />
          <FileInput
            name="files"
            label={`${t("messages.reply.files")} ${t("common.optional")}`}
            hint={t("messages.reply.filesHint")}
            error={errors.files}
            accept=".pdf,application/pdf"
            multiple
          />
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {t("messages.reply.send")}
          </button>
        </Form>
      ) : d.thread.length ? (
        <p className="inset">{t("messages.noOpenQuestion")}</p>
      ) : null}
    </>
  );
}
