// Production server: Express serving the Remix build. It does what remix-serve does (static
// assets, compression, the request handler) plus what remix-serve cannot: a request id and CSP
// nonce per request handed to Remix as load context, security headers, a cross-site POST check,
// migrations before the port opens, and a graceful shutdown.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import remixNode from "@remix-run/node";
import compression from "compression";
import express from "express";

const build = await import("./build/server/index.js");
const { prepare, getLogger, isProduction } = build.entry.module;

await prepare();
const log = getLogger();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", "loopback");
app.use(compression());

app.use((req, res, next) => {
  const requestId = crypto.randomBytes(8).toString("hex");
  const cspNonce = crypto.randomBytes(16).toString("base64");
  res.locals.requestId = requestId;
  res.locals.cspNonce = cspNonce;
  res.setHeader("X-Request-Id", requestId);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'nonce-${cspNonce}' 'strict-dynamic'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const line = {
      requestId,
      method: req.method,
      url: req.originalUrl,
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    };
    if (res.statusCode >= 500) log.error(line, "request failed");
    else log.info(line, "request");
  });
  next();
});

// Refuse cross-site mutating requests (CSRF): browsers send Sec-Fetch-Site, and Origin on POSTs.
app.use((req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  const crossSite = site ? site === "cross-site" || site === "same-site" : false;
  let foreignOrigin = false;
  if (origin && origin !== "null") {
    try {
      foreignOrigin = new URL(origin).host !== req.get("host");
    } catch {
      foreignOrigin = true;
    }
  } else if (origin === "null") foreignOrigin = true;
  if (crossSite || foreignOrigin) {
    res.status(403).type("text/plain").send("Cross-site request refused.");
    return;
  }
  next();
});

app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
// The build's other public files (public/: the favicon) by name: a catch-all static handler would
// look every page's URL up on disk before Remix could answer it.
const publicFiles = new Set(
  fs
    .readdirSync("build/client", { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `/${path.relative("build/client", path.join(entry.parentPath, entry.name))}`)
    .filter((file) => !file.startsWith("/assets/")),
);
const servePublic = express.static("build/client", { maxAge: "1h" });
app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));

// Remix's express adapter writes a response body without waiting for a slow client (it ignores
// res.write's backpressure), so a large export would pile up in memory; piping the web stream
// through stream.pipeline waits for the client instead.
const { createReadableStreamFromReadable, createRequestHandler } = remixNode;
const handleRequest = createRequestHandler(build, isProduction ? "production" : "development");

/** Express request → Fetch Request, as @remix-run/express does (which does not export it). */
function toFetchRequest(req, res) {
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else if (values) headers.set(key, values);
  }
  const url = new URL(
    req.originalUrl,
    `${req.protocol}://${req.get("host") ?? `localhost:${port}`}`,
  );
  // Loaders and actions are aborted when the client goes away before the response is complete.
  const controller = new AbortController();
  let finished = false;
  res.on("finish", () => (finished = true));
  res.on("close", () => finished || controller.abort());
  const init = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}
app.all("*", async (req, res) => {
  const loadContext = {
    requestId: res.locals.requestId,
    cspNonce: res.locals.cspNonce,
    ip: req.ip ?? null,
  };
  try {
    const response = await handleRequest(toFetchRequest(req, res), loadContext);
    res.statusMessage = response.statusText;
    res.status(response.status);
    for (const [key, value] of response.headers.entries()) res.append(key, value);
    if (response.body) await pipeline(Readable.fromWeb(response.body), res);
    else res.end();
  } catch (err) {
    if (res.headersSent) {
      // The client went away mid-stream (or the stream failed after the headers): nothing to send.
      if (!res.destroyed) res.destroy();
      log.warn(
        { requestId: loadContext.requestId, err: String(err) },
        "response stream ended early",
      );
      return;
    }
    log.error({ requestId: loadContext.requestId, err }, "request handler failed");
    res
      .status(500)
      .type("text/plain")
      .send(`Sorry, there is a problem with the service. Reference: ${loadContext.requestId}`);
  }
});

const server = app.listen(port, host, () => {
  log.info({ port, host }, `CDA investment portal listening on http://localhost:${port}`);
});

function shutdown(signal) {
  log.info({ signal }, "shutting down");
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
