// The request boundary (docs/decisions/0007-request-boundary.md): what every request passes before
// Remix sees it, in production (server.mjs, from the server build) and in development (the same
// server.mjs with Vite in middleware mode) alike:
// - a request id (X-Request-Id, the log line, the error page's reference) and a CSP nonce, handed
//   to Remix as load context;
// - the security headers: a Content-Security-Policy whose scripts must carry that nonce, and the
//   rest of docs/security.md's list (HSTS only over https);
// - the refusal of cross-site mutating requests (CSRF): browsers send Sec-Fetch-Site, and Origin
//   on POSTs;
// - one structured log line per request, with its id, status and time;
// - a cap on every request body before it is read (issue 12, item 3): a declared length over the
//   cap is refused with 413 at once, and a body without one (chunked) is cut off with 413 as soon
//   as it passes the cap (limitedBody, which server.mjs hands to Remix instead of the raw stream).
import crypto from "node:crypto";
import { Transform, type Readable } from "node:stream";
import type { AppLoadContext } from "@remix-run/node";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { MAX_FORM_BYTES } from "./form-body.server";
import { MAX_UPLOAD_REQUEST_BYTES } from "./uploads.server";

/** What the boundary keeps on `res.locals` for the handlers after it. */
export interface BoundaryLocals {
  requestId: string;
  cspNonce: string;
}

export function newRequestId(): string {
  return crypto.randomBytes(8).toString("hex");
}

export function newCspNonce(): string {
  return crypto.randomBytes(16).toString("base64");
}

/** Scripts only with the request's nonce (and what they load); no inline script or style. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
};

export const HSTS = "max-age=63072000; includeSubDomains";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a request that may change state comes from another site: Sec-Fetch-Site says
 * cross-site or same-site (a sibling subdomain is another site here), or Origin names another
 * host, is "null" (sandboxed frames, some redirects) or is unreadable. Safe methods never are.
 */
export function isCrossSiteRequest(request: {
  method: string;
  host: string | null | undefined;
  secFetchSite?: string | null;
  origin?: string | null;
}): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const site = request.secFetchSite;
  if (site === "cross-site" || site === "same-site") return true;
  const origin = request.origin;
  if (origin === undefined || origin === null || origin === "") return false;
  if (origin === "null") return true;
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true;
  }
}

/**
 * The largest body a request may carry: a multipart form may carry a proposal's documents; any
 * other body is a small form (readForm's limit). The routes' own readers hold smaller limits.
 */
export function bodyLimit(contentType: string | undefined): number {
  return /^multipart\/form-data/i.test(contentType ?? "")
    ? MAX_UPLOAD_REQUEST_BYTES
    : MAX_FORM_BYTES;
}

/** 413, and the connection closed after it so that the rest of the body is never read. */
function refuseTooLarge(res: Response): void {
  res.setHeader("Connection", "close");
  res.status(413).type("text/plain").send("The request is too large.");
}

/** Refuses a declared Content-Length over the limit before a byte of the body is read. */
export const refuseLargeBody: RequestHandler = (req, res, next) => {
  const declared = req.get("content-length");
  if (declared !== undefined && Number(declared) > bodyLimit(req.get("content-type")))
    return refuseTooLarge(res);
  next();
};

/**
 * The request's body as the handler reads it, cut off at bodyLimit while it streams (a chunked
 * body declares no length): past the limit the 413 is sent at once, the request stops being read
 * and the stream fails, so the handler never holds more than the limit.
 */
export function limitedBody(req: Request, res: Response): Readable {
  const limit = bodyLimit(req.get("content-type"));
  let seen = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen <= limit) return callback(null, chunk);
      req.unpipe(counted);
      req.pause();
      if (!res.headersSent) refuseTooLarge(res);
      callback(new Error("Request body too large"));
    },
  });
  req.on("error", (error) => counted.destroy(error));
  req.pipe(counted);
  return counted;
}

/** The logger the boundary writes its request lines to (pino's shape). */
export interface BoundaryLog {
  info(line: object, message: string): void;
  error(line: object, message: string): void;
}

/**
 * The boundary as Express middleware, in order: request id, nonce and headers; the request log
 * line; the cross-site refusal (403, plain text, logged like any other answer); the refusal of a
 * declared body over the limit (413).
 */
export function requestBoundary(log: BoundaryLog): RequestHandler[] {
  const identify: RequestHandler = (req, res, next) => {
    const locals: BoundaryLocals = { requestId: newRequestId(), cspNonce: newCspNonce() };
    Object.assign(res.locals, locals);
    res.setHeader("X-Request-Id", locals.requestId);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(locals.cspNonce));
    if (req.secure) res.setHeader("Strict-Transport-Security", HSTS);
    next();
  };
  const logLine: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        requestId: res.locals.requestId as string,
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      };
      if (res.statusCode >= 500) log.error(line, "request failed");
      else log.info(line, "request");
    });
    next();
  };
  const refuseCrossSite: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const crossSite = isCrossSiteRequest({
      method: req.method,
      host: req.get("host"),
      secFetchSite: req.get("sec-fetch-site"),
      origin: req.get("origin"),
    });
    if (!crossSite) return next();
    res.status(403).type("text/plain").send("Cross-site request refused.");
  };
  return [identify, logLine, refuseCrossSite, refuseLargeBody];
}

/** Remix's load context for a request that passed the boundary. */
export function loadContextFor(req: Request, res: Response): AppLoadContext {
  const locals = res.locals as Partial<BoundaryLocals>;
  return {
    requestId: locals.requestId ?? newRequestId(),
    cspNonce: locals.cspNonce ?? "",
    ip: req.ip ?? null,
  };
}
