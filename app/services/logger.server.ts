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
