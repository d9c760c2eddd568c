// The server, in production (`npm run serve`: the built app) and in development (`npm run dev`:
// the same Express app with Vite in middleware mode, which builds the app on demand and reloads it
// in the browser). It does what remix-serve does (static assets, compression, the request handler)
// plus migrations before the port opens and a graceful shutdown. The request boundary — request id
// and CSP nonce handed to Remix as load context, security headers, the cross-site POST refusal,
// the request log — is typed code in the server build (app/services/request-boundary.server.ts),
// so both modes run the same checks.
//
// Process model (docs/decisions/0017-cluster.md): in production the server is a cluster of
// WEB_CONCURRENCY workers ("auto", the default: one per core; 1: a single process) sharing the
// port. The primary process only supervises: its first worker migrates and seeds the database and
// then serves; the others start once it listens. It restarts a worker that dies (with a growing
// back-off, logged), and on SIGTERM/SIGINT lets every worker finish the requests it holds before
// it exits. WEB_CONCURRENCY=1 and development (Vite's hot reload needs one process) run a single
// process that does everything itself.
import cluster from "node:cluster";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pino from "pino";

const production = process.env.NODE_ENV === "production";
/** How long a stopping worker may take to finish the requests it holds (an XLSX export: ~10 s). */
const SHUTDOWN_GRACE_MS = 30_000;

const workers = workerCount();
if (cluster.isPrimary && workers > 1) supervise(workers);
else await serve(cluster.isWorker ? process.env.CDA_ROLE : "single");

function workerCount() {
  if (!production) return 1;
  // One worker per core unless told otherwise: nothing correct depends on one process's memory
  // (docs/decisions/0017-cluster.md).
  const raw = process.env.WEB_CONCURRENCY || "auto";
  if (raw === "auto") return os.availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    console.error(`WEB_CONCURRENCY must be "auto" or a whole number from 1 to 64 (got "${raw}")`);
    process.exit(1);
  }
  return n;
}

/** The primary of the cluster: prepares the database once, then starts and watches the workers. */
function supervise(count) {
  const log = pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { app: "cda-portal", role: "primary" },
  });
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: workers finish their requests");
    const alive = Object.values(cluster.workers ?? {});
    if (!alive.length) process.exit(0);
    for (const worker of alive) worker.process.kill("SIGTERM");
    setTimeout(() => {
      log.error("workers did not stop in time; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + 5_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  // Migrations and the demo seed run once, in the first worker, before it serves; the others start
  // when it listens (a prepared database), so the first answer waits for one worker's start-up,
  // not two in a row.
  const startedAt = new Map();
  let failures = 0;
  const fork = (role) => {
    if (stopping) return;
    const worker = cluster.fork({ CDA_ROLE: role });
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  const first = fork("first");
  let prepared = false;
  first.once("listening", () => {
    prepared = true;
    for (let i = 1; i < count; i++) fork("serve");
    log.info({ workers: count, pid: process.pid }, "cluster started");
  });
  // Until every worker listens, the primary hands each new connection to those that do: a client
  // that opens its keep-alive connections then (the benchmark did) stays on one worker. Operators
  // and the benchmark wait for this line.
  let listening = 0;
  const onListening = () => {
    if (++listening < count) return;
    cluster.off("listening", onListening);
    log.info({ workers: count }, "every worker listening");
  };
  cluster.on("listening", onListening);
  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) {
        log.info("every worker stopped");
        process.exit(0);
      }
      return;
    }
    if (!prepared) {
      log.fatal({ code, signal }, "preparing the database failed; not starting");
      process.exit(code || 1);
    }
    // A worker that ran for a minute starts the back-off again; one that keeps dying waits
    // longer each time (0.5 s, 1 s, 2 s … 30 s), so a crash loop cannot spin the machine.
    failures = lived > 60_000 ? 1 : failures + 1;
    const delay = Math.min(30_000, 500 * 2 ** (failures - 1));
    log.error(
      { pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay },
      "worker died; starting another",
    );
    setTimeout(() => fork("serve"), delay);
  });
}

/**
 * One serving process: role "single" (no cluster: prepares, then serves), "first" (a cluster's
 * first worker: prepares, then serves) or "serve" (a cluster's other workers, started once the
 * database is prepared).
 */
async function serve(role) {
  // Loaded here, not at the top: the cluster's primary only supervises and never needs them.
  const [{ default: remixNode }, { default: compression }, { default: express }] =
    await Promise.all([import("@remix-run/node"), import("compression"), import("express")]);
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

  if (role !== "serve") await prepare();
  const log = getLogger();
  // The reminder scheduler (issue 15) runs in every serving process: each reminder is claimed
  // under a unique outbox key, so several workers never send one twice. Stopped at shutdown.
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
        .map(
          (entry) => `/${path.relative("build/client", path.join(entry.parentPath, entry.name))}`,
        )
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
    let request = null;
    try {
      request = toFetchRequest(req, res);
      const response = await handleRequest(request, loadContext);
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      if (response.body) await pipeline(Readable.fromWeb(response.body), res);
      else res.end();
    } catch (err) {
      // The boundary already answered (a body over the limit): the handler's failure is its echo.
      if (res.writableEnded) return;
      // The client closed the connection before the answer was complete (a closed tab, a load
      // test stopping): nothing can be sent, and it is no fault of the service.
      if (request?.signal.aborted) {
        log.info(
          { requestId: loadContext.requestId, url: req.originalUrl, err: String(err) },
          "client went away before the answer",
        );
        return;
      }
      if (res.headersSent) {
        // The answer's stream failed after its headers went out (a client that left is handled
        // above): the status cannot change, so the connection is cut and the failure logged.
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

  // Stop taking connections, let the requests in progress finish (every acknowledged submission
  // is committed before its answer is sent), then exit; idle kept-alive connections are closed.
  let stopping = false;
  function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    void stopBackgroundJobs();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    void vite?.close();
    setTimeout(() => {
      log.error(
        { graceMs: SHUTDOWN_GRACE_MS },
        "requests still running at the end of the grace period",
      );
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
  }
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
