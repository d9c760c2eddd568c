// Upload building blocks. The form is an ordinary multipart form post that works without
// JavaScript; once JavaScript runs, a post that carries files is sent with XMLHttpRequest instead
// so that its progress can be shown (fetch cannot report upload progress), and the page is then
// reloaded through the router to show the result.
import { Form, useNavigate, useNavigation } from "@remix-run/react";
import { useState, type FormEvent, type ReactNode } from "react";
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

type Progress =
  | { state: "idle" }
  | { state: "sending"; percent: number }
  | { state: "done" }
  | { state: "failed" };

/**
 * A multipart form whose file uploads show their progress when JavaScript runs. Without files
 * selected, or without JavaScript, it is a plain Remix form post.
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
  const t = useT();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [progress, setProgress] = useState<Progress>({ state: "idle" });
  const busy = progress.state === "sending" || navigation.state === "submitting";

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    if (busy) {
      event.preventDefault();
      return;
    }
    const inputs = Array.from(form.querySelectorAll<HTMLInputElement>('input[type="file"]'));
    if (!inputs.some((i) => i.files && i.files.length > 0)) return; // Remix posts it
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as
      HTMLButtonElement | HTMLInputElement | null;
    const body = new FormData(form);
    if (submitter?.name) body.append(submitter.name, submitter.value);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Upload-Client", "xhr");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable)
        setProgress({ state: "sending", percent: Math.round((e.loaded / e.total) * 100) });
    };
    xhr.onload = () => {
      setProgress({ state: "done" });
      for (const input of inputs) input.value = "";
      const to = new URL(xhr.responseURL || form.action, window.location.href);
      const here = window.location.pathname + window.location.search;
      navigate(to.pathname + to.search, { replace: to.pathname + to.search === here });
      setProgress({ state: "idle" });
    };
    xhr.onerror = () => setProgress({ state: "failed" });
    xhr.onabort = () => setProgress({ state: "failed" });
    setProgress({ state: "sending", percent: 0 });
    xhr.send(body);
  }

  return (
    <Form
      method="post"
      encType="multipart/form-data"
      noValidate
      className={className}
      action={action}
      onSubmit={onSubmit}
      aria-busy={busy || undefined}
    >
      <div className="upload-progress" aria-live="polite">
        {progress.state === "sending" ? (
          <>
            <progress max={100} value={progress.percent} />{" "}
            <span>{t("docs.progress", { percent: progress.percent })}</span>
          </>
        ) : progress.state === "done" ? (
          <span>{t("docs.progressDone")}</span>
        ) : progress.state === "failed" ? (
          <span className="error-message">{t("docs.progressFailed")}</span>
        ) : null}
      </div>
      {children}
    </Form>
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
    </div>
  );
}
