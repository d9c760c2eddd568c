// The server, in production (`npm run serve`: the built app) and in development (`npm run dev`:
// the same Express app with Vite in middleware mode, which builds the app on demand and reloads it
// in the browser). It does what remix-serve does (static assets, compression, the request handler)
// plus migrations before the port opens and a graceful shutdown. The request boundary — request id
// and CSP nonce handed to Remix as load context, security headers, the cross-site POST refusal,
// the request log — is typed code in the server build (app/services/request-boundary.server.ts),
// so both modes run the same checks.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import remixNode from "@remix-run/node";
import compression from "compression";
import express from "express";

const production = process.env.NODE_ENV === "production";
const app = express();
const server = http.createServer(app);

/** Development: Vite in middleware mode, its HMR websocket on this server's own port. */
const vite = production
  ? null
  : await import("vite").then(({ createServer }) =>
      createServer({ server: { middlewareMode: true, hmr: { server } }, appType: "custom" }),
    );
const loadBuild = () =>
  vite ? vite.ssrLoadModule("virtual:remix/server-build") : import("./build/server/index.js");
const build = await loadBuild();
const {
  prepare,
  getLogger,
  isProduction,
  requestBoundary,
  loadContextFor,
  limitedBody,
  startBackgroundJobs,
} = build.entry.module;

await prepare();
const log = getLogger();
// The reminder scheduler (issue 15) runs in this process; stopped at shutdown.
const stopBackgroundJobs = startBackgroundJobs();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";

app.disable("x-powered-by");
app.set("trust proxy", "loopback");
app.use(compression());
app.use(requestBoundary(log));

if (vite) {
  // Vite answers its own module and asset URLs (/@vite/…, /app/…, public/ files) and passes the
  // rest on; each request then runs the freshly built app.
  app.use(vite.middlewares);
} else {
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
}

// Remix's express adapter writes a response body without waiting for a slow client (it ignores
// res.write's backpressure), so a large export would pile up in memory; piping the web stream
// through stream.pipeline waits for the client instead.
const { createReadableStreamFromReadable, createRequestHandler } = remixNode;
const handleRequest = createRequestHandler(
  vite ? loadBuild : build,
  isProduction ? "production" : "development",
);

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
    // Cut off at the boundary's body limit as it streams (a chunked body declares no length).
    init.body = createReadableStreamFromReadable(limitedBody(req, res));
    init.duplex = "half";
  }
  return new Request(url.href, init);
}
app.all("*", async (req, res) => {
  const loadContext = loadContextFor(req, res);
  try {
    const response = await handleRequest(toFetchRequest(req, res), loadContext);
    res.statusMessage = response.statusText;
    res.status(response.status);
    for (const [key, value] of response.headers.entries()) res.append(key, value);
    if (response.body) await pipeline(Readable.fromWeb(response.body), res);
    else res.end();
  } catch (err) {
    // The boundary already answered (a body over the limit): the handler's failure is its echo.
    if (res.writableEnded) return;
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

server.listen(port, host, () => {
  const bound = server.address().port;
  log.info(
    { port: bound, host, mode: vite ? "development" : "production" },
    `CDA investment portal listening on http://localhost:${bound}`,
  );
});

function shutdown(signal) {
  log.info({ signal }, "shutting down");
  void stopBackgroundJobs();
  server.close(() => process.exit(0));
  void vite?.close();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
