// Warns a signed-in user before the idle timeout ends their session (WCAG 2.2.1 Timing Adjustable):
// an accessible modal dialog 5 minutes before, with "Stay signed in" (a POST to the keep-alive
// resource route). If nobody answers and the page holds a form with a "save as draft" button
// that has been typed into, that form is submitted as a draft shortly before the session would
// end, so a long answer is not lost. No inline script: timers live in effects.
import { useFetchers, useLocation, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useT } from "~/utils/use-t";

export const WARN_BEFORE_MS = 5 * 60 * 1000;
/** The draft is saved this long before the session would end. */
export const SAVE_BEFORE_MS = 45 * 1000;
/**
 * The server refreshes a session's last-seen time at most once a minute, so its clock may run
 * up to this much ahead of the last request the page made.
 */
export const SERVER_SLACK_MS = 60 * 1000;
const TICK_MS = 5 * 1000;

export type TimeoutPhase = "active" | "warning" | "save" | "ended";

/** What the page should be doing, given how long ago the last request reached the server. */
export function timeoutPhase(
  sinceLastRequestMs: number,
  idleTimeoutMs: number,
  warnBeforeMs = WARN_BEFORE_MS,
): TimeoutPhase {
  const remaining = idleTimeoutMs - SERVER_SLACK_MS - sinceLastRequestMs;
  if (remaining <= 0) return "ended";
  if (remaining <= SAVE_BEFORE_MS) return "save";
  if (remaining <= warnBeforeMs) return "warning";
  return "active";
}

/** Milliseconds left before the server ends the session (on the safe side). */
export function remainingMs(sinceLastRequestMs: number, idleTimeoutMs: number): number {
  return Math.max(0, idleTimeoutMs - SERVER_SLACK_MS - sinceLastRequestMs);
}

/** The submit button that saves the current page's form as a draft, if there is one. */
function draftButton(): HTMLButtonElement | null {
  return document.querySelector<HTMLButtonElement>(
    'main form button[name="intent"][value="draft"], main form button[name="intent"][value="save"]',
  );
}

export function SessionTimeout({ idleTimeoutMs }: { idleTimeoutMs: number }) {
  const t = useT();
  const location = useLocation();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  const lastRequest = useRef(Date.now());
  const dirty = useRef(false);
  const saved = useRef(false);
  const [phase, setPhase] = useState<TimeoutPhase>("active");
  const [left, setLeft] = useState(idleTimeoutMs);
  const [failed, setFailed] = useState(false);
  const [hasDraft, setHasDraft] = useState(false);

  // Every navigation, form post and fetcher reaches the server and so keeps the session alive.
  const busy = navigation.state !== "idle" || fetchers.some((f) => f.state !== "idle");
  useEffect(() => {
    lastRequest.current = Date.now();
    setPhase("active");
    setFailed(false);
  }, [location.key, busy]);

  useEffect(() => {
    dirty.current = false;
    saved.current = false;
    const mark = (event: Event) => {
      if ((event.target as Element | null)?.closest?.("main form")) dirty.current = true;
    };
    document.addEventListener("input", mark, true);
    document.addEventListener("change", mark, true);
    return () => {
      document.removeEventListener("input", mark, true);
      document.removeEventListener("change", mark, true);
    };
  }, [location.key]);

  useEffect(() => {
    const tick = () => {
      const since = Date.now() - lastRequest.current;
      setLeft(remainingMs(since, idleTimeoutMs));
      setPhase(timeoutPhase(since, idleTimeoutMs));
      setHasDraft(draftButton() !== null);
    };
    tick();
    const timer = window.setInterval(tick, TICK_MS);
    return () => window.clearInterval(timer);
  }, [idleTimeoutMs]);

  // Open or close the modal dialog as the phase changes.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const open = phase === "warning" || phase === "save" || phase === "ended";
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      stayRef.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [phase]);

  // Shortly before the end, save what was typed (once).
  useEffect(() => {
    if (phase !== "save" || saved.current || !dirty.current) return;
    const button = draftButton();
    if (!button?.form) return;
    saved.current = true;
    button.form.requestSubmit(button);
  }, [phase]);

  const stay = useCallback(async () => {
    try {
      const response = await fetch("/session/keep-alive", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "",
      });
      if (response.status === 401) {
        setPhase("ended");
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      lastRequest.current = Date.now();
      setFailed(false);
      setLeft(remainingMs(0, idleTimeoutMs));
      setPhase("active");
    } catch {
      setFailed(true);
    }
  }, [idleTimeoutMs]);

  const minutes = Math.ceil(left / 60_000);
  const when =
    left < 60_000
      ? t("session.warning.lessThanMinute")
      : minutes === 1
        ? t("session.warning.oneMinute")
        : t("session.warning.minutes", { n: minutes });
  const returnTo = encodeURIComponent(location.pathname + location.search);
  const ended = phase === "ended";

  return (
    <dialog
      ref={dialogRef}
      className="session-dialog"
      aria-labelledby="session-dialog-title"
      aria-describedby="session-dialog-body"
      onCancel={(event) => {
        // Escape means "I am still here" while there is time left.
        event.preventDefault();
        if (!ended) void stay();
      }}
    >
      <h2 id="session-dialog-title" className="session-dialog__title">
        {ended ? t("session.ended.title") : t("session.warning.title")}
      </h2>
      <div id="session-dialog-body" aria-live="polite">
        {ended ? (
          <p>{t("session.ended.body", { minutes: Math.round(idleTimeoutMs / 60_000) })}</p>
        ) : (
          <>
            <p>{t("session.warning.body", { minutes: when })}</p>
            {hasDraft ? <p>{t("session.warning.draft")}</p> : null}
            {saved.current ? <p role="status">{t("session.saving")}</p> : null}
            {failed ? (
              <p className="error-message" role="alert">
                {t("session.warning.failed")}
              </p>
            ) : null}
          </>
        )}
      </div>
      <div className="button-group">
        {ended ? (
          <a className="button" href={`/login?returnTo=${returnTo}`}>
            {t("session.ended.signIn")}
          </a>
        ) : (
          <>
            <button ref={stayRef} type="button" className="button" onClick={() => void stay()}>
              {t("session.warning.stay")}
            </button>
            <form method="post" action="/logout" className="inline-form">
              <button type="submit" className="button button--secondary">
                {t("session.warning.signOut")}
              </button>
            </form>
          </>
        )}
      </div>
    </dialog>
  );
}
