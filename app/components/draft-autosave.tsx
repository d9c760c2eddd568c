// Nothing typed is lost while JavaScript runs: a step's answers are saved to the draft a moment
// after the applicant stops typing (a post to /proposals/:id/:step/autosave, answered in JSON:
// a plain fetch, not a Remix fetcher, so that a failed save never replaces the page with an error
// page), with a visible "Saved at hh:mm" status; leaving the page with answers not yet saved asks
// first (beforeunload for the browser's own navigation, Remix's useBlocker for a link or Back
// within the portal; never for a form's submission). Each save carries the step's revision the
// page holds (and each save that lands hands the page the new one): when another tab has saved
// the step meanwhile the server refuses, and this page says so and stops saving on its own (it
// never writes over the other tab's answers silently).
import { useBlocker, useLocation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { useLocale, useT } from "~/utils/use-t";

export const AUTOSAVE_DELAY_MS = 1500;
const WAIT_FOR_SAVE_MS = 15_000;

type Result = { autosave: "saved"; revision: string } | { autosave: "conflict" | "refused" };
type Status =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: Date }
  | { kind: "failed" }
  | { kind: "conflict" };

/** What the form would post, without the bookkeeping fields: compared to see unsaved changes. */
function snapshot(form: HTMLFormElement | null): string {
  if (!form) return "";
  const parts: string[] = [];
  for (const [key, value] of new FormData(form).entries()) {
    if (key === "revision" || key === "intent" || typeof value !== "string") continue;
    parts.push(`${key}=${value}`);
  }
  return parts.join("\n");
}

export interface DraftAutosave {
  /** Call on every change in the form. */
  changed: () => void;
  /**
   * Call when a button submits the form. Returns false when the submission must wait for a save
   * in flight (it is then sent by the autosave, with the revision that save returned).
   */
  submitting: (send: () => void) => boolean;
  status: JSX.Element | null;
  /**
   * The step's revision the page now holds: the one it was shown, or the one its last autosave
   * returned. Render it as the form's `revision` field's value (a controlled value: an
   * uncontrolled `defaultValue` would be put back to the page's first revision by React on the
   * next render, and the following save would be refused as coming from a page that is behind).
   */
  revision: string;
}

export function useDraftAutosave(opts: {
  formRef: RefObject<HTMLFormElement>;
  revisionRef: RefObject<HTMLInputElement>;
  /** The form's identity: a new one starts with its own saved state. */
  formKey: string;
  /** The step's revision the form was shown with (from the loader or the action). */
  revision: string;
  enabled: boolean;
}): DraftAutosave {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const saved = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const sending = useRef<string | null>(null);
  const leaving = useRef(false);
  const waiting = useRef<(() => void) | null>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const stopped = useRef(false);
  // The revision an autosave of this form returned (none yet: the one the form was shown with).
  const [savedRevision, setSavedRevision] = useState<{ key: string; revision: string } | null>(
    null,
  );
  // Read by saves scheduled in an earlier render: always the form (and its address) now shown.
  const formKey = useRef(opts.formKey);
  formKey.current = opts.formKey;
  const pathname = useRef(location.pathname);
  pathname.current = location.pathname;
  const revision = savedRevision?.key === opts.formKey ? savedRevision.revision : opts.revision;

  // A new form (a new step, or the page after a save): what it shows is what is saved.
  useEffect(() => {
    saved.current = snapshot(opts.formRef.current);
    leaving.current = false;
    // The new form carries the stored revision: saving may go on.
    stopped.current = false;
    setStatus({ kind: "idle" });
  }, [opts.formKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const dirty = useCallback(
    () =>
      !leaving.current &&
      saved.current !== null &&
      snapshot(opts.formRef.current) !== saved.current,
    [opts.formRef],
  );

  function finished(sent: string, key: string, result: Result | null) {
    sending.current = null;
    // The answer of a save made for a form that has since been replaced (a new step, or the page
    // after a post) says nothing about the form now shown.
    if (key !== formKey.current) {
      waiting.current = null;
      return;
    }
    if (result?.autosave === "saved") {
      saved.current = sent;
      // At once in the page (a post waiting for this save is sent next, before React renders)
      // and in the state the field is rendered from.
      if (opts.revisionRef.current) opts.revisionRef.current.value = result.revision;
      setSavedRevision({ key, revision: result.revision });
      setStatus({ kind: "saved", at: new Date() });
    } else if (result?.autosave === "conflict") {
      setStatus({ kind: "conflict" });
    } else {
      setStatus({ kind: "failed" });
    }
    const then = waiting.current;
    waiting.current = null;
    if (then) then();
    else if (result?.autosave === "saved" && dirty()) timer.current = setTimeout(save, 0);
  }

  function save() {
    timer.current = null;
    const form = opts.formRef.current;
    if (!form || !opts.enabled || stopped.current || leaving.current) return;
    if (sending.current !== null) {
      timer.current = setTimeout(save, AUTOSAVE_DELAY_MS);
      return;
    }
    const now = snapshot(form);
    if (now === saved.current) return;
    const body = new FormData(form);
    body.delete("intent");
    sending.current = now;
    const key = formKey.current;
    setStatus({ kind: "saving" });
    fetch(`${pathname.current.replace(/\/$/, "")}/autosave`, {
      method: "POST",
      body: new URLSearchParams(body as unknown as Record<string, string>),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(async (res) => {
        const result = (await res.json().catch(() => null)) as Result | null;
        if (result?.autosave === "conflict" && key === formKey.current) stopped.current = true;
        finished(now, key, result);
      })
      .catch(() => finished(now, key, null));
  }

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  // The browser's own navigation (links, reload, closing the tab): ask while answers are unsaved.
  useEffect(() => {
    if (!opts.enabled) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirty()) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [opts.enabled, dirty]);

  // The portal's own navigation (links Remix handles, and Back/Forward within the portal): ask
  // while answers are unsaved. Only a link the applicant clicked or a step through the history is
  // ever held: a navigation that a form's submission started (a button of this page, the session
  // timeout's draft save, the redirect an action answers with) is what the applicant asked for
  // and goes through (the autosave also stands aside for a submission: see `submitting`).
  const clickedLink = useRef<string | null>(null);
  useEffect(() => {
    if (!opts.enabled) return;
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.("a[href]");
      clickedLink.current =
        link instanceof HTMLAnchorElement
          ? new URL(link.href, window.location.href).pathname
          : null;
    };
    document.addEventListener("click", onClick, true);
    return () => document.removeEventListener("click", onClick, true);
  }, [opts.enabled]);
  const blocker = useBlocker(({ currentLocation, nextLocation, historyAction }) => {
    if (!opts.enabled || currentLocation.pathname === nextLocation.pathname) return false;
    const asked = historyAction === "POP" || clickedLink.current === nextLocation.pathname;
    return asked && dirty();
  });
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm(t("proposal.form.leaveUnsaved"))) blocker.proceed();
    else blocker.reset();
  }, [blocker.state]); // eslint-disable-line react-hooks/exhaustive-deps

  const changed = () => {
    if (!opts.enabled || stopped.current) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(save, AUTOSAVE_DELAY_MS);
  };

  const submitting = useCallback((send: () => void) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    leaving.current = true;
    if (sending.current !== null) {
      waiting.current = send;
      // A save that hangs must not hold the button's post: after a while it goes on its own
      // (if that save did land, the server says the page is behind, and nothing is overwritten).
      setTimeout(() => {
        if (waiting.current !== send) return;
        waiting.current = null;
        send();
      }, WAIT_FOR_SAVE_MS);
      return false;
    }
    return true;
  }, []);

  const text =
    status.kind === "saving"
      ? t("proposal.autosave.saving")
      : status.kind === "saved"
        ? t("proposal.autosave.saved", {
            time: new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(
              status.at,
            ),
          })
        : status.kind === "failed"
          ? t("proposal.autosave.failed")
          : status.kind === "conflict"
            ? t("proposal.autosave.conflict")
            : "";
  const element = opts.enabled ? (
    <p
      className={`autosave-status${status.kind === "conflict" || status.kind === "failed" ? " autosave-status--problem" : ""}`}
      role="status"
    >
      {text}
    </p>
  ) : null;
  return { changed, submitting, status: element, revision };
}
