import type {
  ActionFunctionArgs,
  AppLoadContext,
  EntryContext,
  LoaderFunctionArgs,
} from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import "~/i18n/catalog.server";
import { seedDemoIfEmpty } from "~db/seed";
import { startReminderScheduler } from "~/models/reminders.server";
import { startWebhookDispatcher } from "~/models/webhooks.server";
import { rebuildMarkedCalls } from "~/models/score-read-model.server";
import { getDb, migrateToLatest } from "~/services/db.server";
import { getEnv } from "~/services/env.server";
import { collectHtml } from "~/services/html-sink.server";
import { getLogger, handledErrorLevel } from "~/services/logger.server";
import { RequestIdContext } from "~/utils/request-id";

export { getLogger };
// The request boundary (request id, CSP nonce, security headers, cross-site refusal), taken from
// the server build by server.mjs in production and in development alike.
export { limitedBody, loadContextFor, requestBoundary } from "~/services/request-boundary.server";
export const isProduction = process.env.NODE_ENV === "production";

declare module "@remix-run/node" {
  interface AppLoadContext {
    requestId: string;
    cspNonce: string;
    ip: string | null;
  }
}

/** Called by server.mjs before the port opens: validate configuration, migrate, seed an empty database. */
export async function prepare(): Promise<void> {
  const env = getEnv();
  const log = getLogger();
  const applied = await migrateToLatest(getDb());
  if (applied.length) log.info({ applied }, "migrations applied");
  // Calls whose score read model a migration could not fill (0008) are rebuilt once, here.
  const rebuilt = await rebuildMarkedCalls(getDb());
  if (rebuilt.length) log.info({ calls: rebuilt }, "score read model rebuilt");
  if (process.env.SEED_DEMO !== "off") {
    const seeded = await seedDemoIfEmpty(getDb());
    if (seeded) log.info("empty database: demo data seeded");
  }
  log.info({ database: env.DATABASE_PATH }, "database ready");
}

/**
 * Called by server.mjs once the database is ready: the reminder scheduler (issue 15) and the
 * webhook dispatcher (issue 17), in this process. Returns what stops them at shutdown. Every worker
 * starts both: a reminder pass runs only under the job's lease (services/scheduler.server) and
 * writes each reminder at most once (mail_outbox.idempotency_key); the webhook dispatcher claims
 * each delivery under its own lease in the database, so the workers share the sending.
 */
export function startBackgroundJobs(): () => Promise<void> {
  const stops = [startReminders(), startWebhooks()];
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

function startReminders(): () => Promise<void> {
  const env = getEnv();
  const log = getLogger();
  if (!env.REMINDER_INTERVAL_SECONDS) {
    log.info("reminder scheduler off (REMINDER_INTERVAL_SECONDS=0)");
    return async () => undefined;
  }
  const fixed = env.REMINDER_CLOCK ? new Date(env.REMINDER_CLOCK) : null;
  log.info(
    { intervalSeconds: env.REMINDER_INTERVAL_SECONDS, clock: env.REMINDER_CLOCK ?? "real" },
    "reminder scheduler started",
  );
  return startReminderScheduler({
    db: getDb(),
    now: () => (fixed ? new Date(fixed) : new Date()),
    intervalMs: env.REMINDER_INTERVAL_SECONDS * 1000,
    log,
  });
}

function startWebhooks(): () => Promise<void> {
  const env = getEnv();
  const log = getLogger();
  if (!env.WEBHOOK_INTERVAL_SECONDS) {
    log.info("webhook dispatcher off (WEBHOOK_INTERVAL_SECONDS=0)");
    return async () => undefined;
  }
  log.info({ intervalSeconds: env.WEBHOOK_INTERVAL_SECONDS }, "webhook dispatcher started");
  return startWebhookDispatcher({
    db: getDb(),
    intervalMs: env.WEBHOOK_INTERVAL_SECONDS * 1000,
    log,
  });
}

const ABORT_DELAY = 5_000;

/** Unexpected errors are logged with the request id the error page shows; never sent to the browser. */
export function handleError(
  error: unknown,
  { request, context }: LoaderFunctionArgs | ActionFunctionArgs,
) {
  if (request.signal.aborted) return;
  const ctx = context as Partial<AppLoadContext> | undefined;
  const line = { requestId: ctx?.requestId, url: request.url, method: request.method, err: error };
  // A client's mistake (4xx) is logged below error level: anonymous requests must not flood it.
  if (handledErrorLevel(error) === "info") getLogger().info(line, "request refused");
  else getLogger().error(line, "unhandled error");
}

/**
 * Renders the document completely, then answers with it in one piece, to people and crawlers
 * alike. No page streams deferred data, so streaming the shell first gained nothing, while each of
 * React's small chunks crossed four stream layers and became its own socket write (measured: ~4 %
 * of a board page's CPU). One buffer also lets the response carry a Content-Length.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.cspNonce;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    // Cleared once everything has rendered: a pending timer would keep each finished render
    // (and its loader data) reachable for ABORT_DELAY, which under load is most of the heap.
    let abortTimer: ReturnType<typeof setTimeout> | undefined = undefined;
    const { pipe, abort } = renderToPipeableStream(
      <RequestIdContext.Provider value={loadContext?.requestId ?? null}>
        <RemixServer
          context={remixContext}
          url={request.url}
          abortDelay={ABORT_DELAY}
          nonce={nonce}
        />
      </RequestIdContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          clearTimeout(abortTimer);
          const sink = collectHtml((html) => {
            responseHeaders.set("Content-Type", "text/html; charset=utf-8");
            responseHeaders.set("Content-Length", String(html.length));
            resolve(new Response(html, { headers: responseHeaders, status: responseStatusCode }));
          });
          pipe(sink);
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell reach onShellError and Remix's error handling instead.
          if (shellRendered)
            getLogger().error({ requestId: loadContext?.requestId, err: error }, "render error");
        },
      },
    );
    abortTimer = setTimeout(abort, ABORT_DELAY);
  });
}
