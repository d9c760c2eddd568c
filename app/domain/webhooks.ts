// Webhooks (issue 17 item 3, docs/decisions/0022-webhooks.md): the events an integration may
// subscribe to, and the delivery rules — how long to wait before the next attempt, when to give a
// delivery up, when an endpoint that keeps failing is paused. Plain rules, no clock of their own:
// every function takes the instant it decides at.

/** Every event a webhook endpoint can subscribe to, in the order the admin page lists them. */
export const WEBHOOK_EVENTS = [
  "proposal.submitted",
  "proposal.withdrawn",
  "review.submitted",
  "decision.recorded",
  "decisions.published",
  "call.opened",
  "call.closed",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(value: unknown): value is WebhookEvent {
  return typeof value === "string" && (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** A delivery is retried for this long after it was written, then given up. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
/** An endpoint is paused after this many failed attempts in a row (over all its deliveries). */
export const PAUSE_AFTER_FAILURES = 15;
/** What an admin sees of a receiver's answer, at most (characters). */
export const RESPONSE_EXCERPT_CHARS = 1000;

/**
 * The wait before the attempt after the `attempts`-th failed one: base × 2^(attempts − 1), at most
 * MAX_RETRY_DELAY_MS, spread by ±10 % (`jitter` in [0, 1), 0.5 = none) so that the deliveries of an
 * endpoint that came back do not all arrive in the same second.
 */
export function retryDelayMs(attempts: number, baseMs: number, jitter = 0.5): number {
  const exponent = Math.max(0, attempts - 1);
  const plain = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(plain * (0.9 + 0.2 * Math.min(Math.max(jitter, 0), 1)));
}

export type AfterFailure = { kind: "retry"; at: Date } | { kind: "give_up" };

/**
 * After a failed attempt (the `attempts`-th) at `now`: retry after the backoff, or give the
 * delivery up when the next attempt would fall after its window (`giveUpAt`).
 */
export function afterFailure(input: {
  attempts: number;
  now: Date;
  giveUpAt: Date;
  baseMs: number;
  jitter?: number;
}): AfterFailure {
  const at = new Date(
    input.now.getTime() + retryDelayMs(input.attempts, input.baseMs, input.jitter),
  );
  return at.getTime() > input.giveUpAt.getTime() ? { kind: "give_up" } : { kind: "retry", at };
}

export type PauseReason = "failures" | "expired";

/** Whether an endpoint is paused after a failure: too many in a row, or a delivery given up. */
export function pauseReason(consecutiveFailures: number, gaveUp: boolean): PauseReason | null {
  if (gaveUp) return "expired";
  return consecutiveFailures >= PAUSE_AFTER_FAILURES ? "failures" : null;
}

/** Whether an HTTP status acknowledges a delivery (any 2xx; a redirect is not followed). */
export function isAcknowledged(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}
