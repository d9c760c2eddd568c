// Upload building blocks. The form is an ordinary multipart form post that works without
// JavaScript; once JavaScript runs, a post that carries files is sent with XMLHttpRequest instead
// so that its progress can be shown (fetch cannot report upload progress), and the page is then
// reloaded through the router to show the result.
import { Form, useNavigate, useNavigation } from "@remix-run/react";
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type FormEvent,
  type ReactNode,
} from "react";
import type { Locale } from "~/i18n/locales";
import { ErrorPrefix, fieldId, useErrorText } from "~/components/form";
import { useLocale, useT } from "~/utils/use-t";

/** A byte count for people: "850 KB", "12.4 MB", in the page language. */
export function formatBytes(bytes: number, locale: Locale): string {
  const intl = locale === "zh-Hans" ? "zh-Hans-CN" : "en-GB";
  if (bytes < 1024 * 1024) {
    return new Intl.NumberFormat(intl, {
      style: "unit",
      unit: "kilobyte",
      maximumFractionDigits: 0,
    }).format(bytes > 0 ? Math.max(1, Math.round(bytes / 1024)) : 0);
  }
  return new Intl.NumberFormat(intl, {
    style: "unit",
    unit: "megabyte",
    maximumFractionDigits: 1,
  }).format(bytes / (1024 * 1024));
}

export function FileSize({ bytes }: { bytes: number }) {
  return <>{formatBytes(bytes, useLocale())}</>;
}

/** Where an upload started from JavaScript stands, and which file inputs it carries. */
type Progress =
  | { state: "idle" }
  | { state: "sending"; names: string[]; files: string[]; percent: number | null }
  | { state: "done"; names: string[]; files: string[] }
  | { state: "failed"; names: string[]; files: string[]; reason: "network" | "refused" };

interface UploadState {
  progress: Progress;
  busy: boolean;
  retry: () => void;
}

const UploadContext = createContext<UploadState | null>(null);

/**
 * Whether the surrounding UploadForm is sending files: its buttons are disabled meanwhile (a
 * second press would send the files twice). False outside an UploadForm.
 */
export function useUploadBusy(): boolean {
  return useContext(UploadContext)?.busy ?? false;
}

/** A submit button of an UploadForm: disabled while the form's files are being sent. */
export function UploadButton(props: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type">) {
  const busy = useUploadBusy();
  return <button {...props} type="submit" disabled={busy || props.disabled} />;
}

/**
 * A multipart form whose file uploads show their progress when JavaScript runs. Without files
 * selected, or without JavaScript, it is a plain Remix form post (the server answers with a
 * redirect to the page, which shows what was stored and what was refused).
 *
 * With files selected, the post goes by XMLHttpRequest: each file input that carries files shows
 * the progress beside itself (UploadStatus, inside FileInput), the form's buttons are disabled and
 * the form is aria-busy until it ends. When the network fails or the server refuses the request
 * (a status of 400 or more), the chosen files stay in their inputs and a "Try again" button beside
 * them sends the same request again.
 */
export function UploadForm({
  children,
  className,
  action,
}: {
  children: ReactNode;
  className?: string;
  action?: string;
}) {
  const navigate = useNavigate();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const [progress, setProgress] = useState<Progress>({ state: "idle" });
  const last = useRef<{ url: string; body: FormData; names: string[]; files: string[] } | null>(
    null,
  );
  const busy =
    progress.state === "sending" || progress.state === "done" || navigation.state === "submitting";

  function send(request: { url: string; body: FormData; names: string[]; files: string[] }) {
    last.current = request;
    const { names, files } = request;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", request.url);
    xhr.setRequestHeader("X-Upload-Client", "xhr");
    xhr.upload.onprogress = (e) => {
      setProgress({
        state: "sending",
        names,
        files,
        percent: e.lengthComputable ? Math.round((e.loaded / e.total) * 100) : null,
      });
    };
    xhr.onload = () => {
      if (xhr.status >= 400) {
        setProgress({ state: "failed", names, files, reason: "refused" });
        return;
      }
      setProgress({ state: "done", names, files });
      last.current = null;
      const form = formRef.current;
      if (form)
        for (const input of form.querySelectorAll<HTMLInputElement>('input[type="file"]'))
          input.value = "";
      const to = new URL(xhr.responseURL || request.url, window.location.href);
      const here = window.location.pathname + window.location.search;
      // The page's loader shows what was stored and what was refused (its flash message).
      Promise.resolve(
        navigate(to.pathname + to.search, { replace: to.pathname + to.search === here }),
      ).finally(() => setProgress({ state: "idle" }));
    };
    xhr.onerror = () => setProgress({ state: "failed", names, files, reason: "network" });
    xhr.onabort = () => setProgress({ state: "failed", names, files, reason: "network" });
    setProgress({ state: "sending", names, files, percent: 0 });
    xhr.send(request.body);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    if (busy) {
      event.preventDefault();
      return;
    }
    const inputs = Array.from(form.querySelectorAll<HTMLInputElement>('input[type="file"]'));
    const chosen = inputs.filter((i) => i.files && i.files.length > 0);
    if (!chosen.length) return; // Remix posts it
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as
      HTMLButtonElement | HTMLInputElement | null;
    const body = new FormData(form);
    if (submitter?.name) body.append(submitter.name, submitter.value);
    send({
      url: form.action,
      body,
      names: chosen.map((i) => i.name),
      files: chosen.flatMap((i) => Array.from(i.files ?? [], (f) => f.name)),
    });
  }

  function retry() {
    if (last.current && !busy) send(last.current);
  }

  return (
    <UploadContext.Provider value={{ progress, busy, retry }}>
      <Form
        ref={formRef}
        method="post"
        encType="multipart/form-data"
        noValidate
        className={className}
        action={action}
        onSubmit={onSubmit}
        aria-busy={busy || undefined}
      >
        {children}
      </Form>
    </UploadContext.Provider>
  );
}

/**
 * The progress of the upload that carries file input `name`, beside it: a progress bar and its
 * percentage while sending, and on failure what went wrong with a "Try again" button (focused, so
 * that the keyboard is where the applicant needs it). A polite live region: what it says is read
 * out without taking the applicant away from where they are.
 */
function UploadStatus({ name }: { name: string }) {
  const t = useT();
  const upload = useContext(UploadContext);
  const retryRef = useRef<HTMLButtonElement>(null);
  const progress = upload?.progress;
  const mine = progress && progress.state !== "idle" && progress.names.includes(name);
  const failed = mine && progress.state === "failed";
  useEffect(() => {
    if (failed) retryRef.current?.focus();
  }, [failed]);
  if (!upload) return null;
  const files = mine ? progress.files.join(", ") : "";
  return (
    <div className="upload-status" id={`${fieldId(name)}-upload`}>
      <div aria-live="polite" className="upload-status__text">
        {mine && progress.state === "sending" ? (
          <>
            <progress
              max={100}
              value={progress.percent ?? undefined}
              aria-label={t("docs.progressLabel", { files })}
            />{" "}
            <span>
              {progress.percent === null
                ? t("docs.progressStarted", { files })
                : t("docs.progress", { files, percent: progress.percent })}
            </span>
          </>
        ) : mine && progress.state === "done" ? (
          <span>{t("docs.progressDone", { files })}</span>
        ) : failed ? (
          <span className="error-message">
            <ErrorPrefix />
            {t(progress.reason === "network" ? "docs.progressFailed" : "docs.progressRefused", {
              files,
            })}
          </span>
        ) : null}
      </div>
      {failed ? (
        <button
          type="button"
          ref={retryRef}
          className="button button--secondary upload-status__retry"
          onClick={upload.retry}
        >
          {t("docs.retry")}
          <span className="visually-hidden"> {files}</span>
        </button>
      ) : null}
    </div>
  );
}

/** A labelled file input with its hint and error, GOV.UK style. */
export function FileInput({
  name,
  label,
  hint,
  error,
  accept,
  multiple = false,
}: {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  accept: string;
  multiple?: boolean;
}) {
  const text = useErrorText();
  const id = fieldId(name);
  const describedBy =
    [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") ||
    undefined;
  return (
    <div className={`form-group ${error ? "form-group--error" : ""}`}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <ErrorPrefix />
          {text(error)}
        </p>
      ) : null}
      <input
        className={`file-upload ${error ? "file-upload--error" : ""}`}
        type="file"
        id={id}
        name={name}
        accept={accept}
        multiple={multiple}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
      <UploadStatus name={name} />
    </div>
  );
}
