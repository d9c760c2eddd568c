// The request boundary (docs/decisions/0007-request-boundary.md): what every request passes before
// Remix sees it, in production (server.mjs, from the server build) and in development (the same
// server.mjs with Vite in middleware mode) alike:
// - a request id (X-Request-Id, the log line, the error page's reference) and a CSP nonce, handed
//   to Remix as load context;
// - the security headers: a Content-Security-Policy whose scripts must carry that nonce, and the
//   rest of docs/security.md's list (HSTS only over https);
// - `Cache-Control: no-store` on every answer to a request that carries a session cookie (pages,
//   data requests, downloads), so that no browser or proxy keeps a signed-in user's data;
// - the refusal of requests for any host but the portal's own (the Host header must be one of
//   env ALLOWED_HOSTS: PUBLIC_URL's host, docs/decisions/0009-public-address.md), so that nothing
//   downstream ever sees a forged host;
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
import { getEnv } from "./env.server";
import { MAX_FORM_BYTES } from "./form-body.server";
import { SESSION_COOKIE_NAMES } from "./session.server";
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
 * Whether a Host header names this portal: one of `allowed` (host[:port], lower case), compared
 * case-insensitively. A missing, empty, repeated or malformed Host never matches.
 */
export function isAllowedHost(
  host: string | null | undefined,
  allowed: readonly string[],
): boolean {
  if (typeof host !== "string" || host === "" || host.length > 300) return false;
  return allowed.includes(host.toLowerCase());
}

const SESSION_COOKIE = new RegExp(`(?:^|;)\\s*(?:${SESSION_COOKIE_NAMES.join("|")})=`);

/** Whether a Cookie header carries a session cookie (signed in, or was). */
export function carriesSession(cookieHeader: string | undefined): boolean {
  return typeof cookieHeader === "string" && SESSION_COOKIE.test(cookieHeader);
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
  // A reader that stops early (a route's own, smaller limit) leaves the rest unread: the answer
  // then closes the connection, rather than Node reading the rest of the body to reuse it.
  counted.once("close", () => {
    if (req.readableEnded) return;
    req.unpipe(counted);
    req.pause();
    if (!res.headersSent) res.setHeader("Connection", "close");
  });
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
 * line; the refusal of another host (421, plain text); the cross-site refusal (403, plain text);
 * the refusal of a declared body over the limit (413), each logged like any other answer.
 * `allowedHosts` defaults to the configuration's.
 */
export function requestBoundary(
  log: BoundaryLog,
  options: { allowedHosts?: readonly string[] } = {},
): RequestHandler[] {
  const allowed = (options.allowedHosts ?? getEnv().ALLOWED_HOSTS).map((h) => h.toLowerCase());
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
  // Set as the headers go out, so that no handler after this one can loosen it; fingerprinted
  // build assets (served "immutable") keep their caching.
  const noStoreWhenSignedIn: RequestHandler = (req, res, next) => {
    if (!carriesSession(req.headers.cookie)) return next();
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!String(this.getHeader("Cache-Control") ?? "").includes("immutable"))
        this.setHeader("Cache-Control", "no-store");
      return (writeHead as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof res.writeHead;
    next();
  };
  const refuseOtherHost: RequestHandler = (req, res, next) => {
    if (isAllowedHost(req.headers.host, allowed)) return next();
    res.status(421).type("text/plain").send("This portal does not answer for that host.");
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
  return [
    identify,
    noStoreWhenSignedIn,
    logLine,
    refuseOtherHost,
    refuseCrossSite,
    refuseLargeBody,
  ];
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
