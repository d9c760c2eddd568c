import pino from "pino";
import { getEnv } from "./env.server";

let logger: pino.Logger | undefined;

/** Structured JSON lines on stdout; every request's lines carry its request id. */
export function getLogger(): pino.Logger {
  if (!logger) {
    const env = getEnv();
    logger = pino({
      level: env.NODE_ENV === "test" ? "silent" : env.LOG_LEVEL,
      base: { app: "cda-portal" },
    });
  }
  return logger;
}

/**
 * The level at which Remix's handleError logs what it was handed (issue 12 item 10). A client's
 * mistake is not the service's error: Remix's own 4xx answers (a POST to a route without an
 * action, a data request for no route, a method it refuses) and its "?_data request" warning go
 * to `info`, so that anonymous requests cannot flood the error log; everything else is an error.
 */
export function handledErrorLevel(error: unknown): "error" | "info" {
  if (error && typeof error === "object") {
    const e = error as { status?: unknown; statusText?: unknown; internal?: unknown };
    if (
      typeof e.status === "number" &&
      e.status >= 400 &&
      e.status < 500 &&
      typeof e.statusText === "string"
    )
      return "info";
  }
  if (error instanceof Error && error.message.startsWith("Warning: Single fetch-enabled apps"))
    return "info";
  return "error";
}
