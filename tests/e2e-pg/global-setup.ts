// Issue 16's scale-out layout for the browser test beside it (docs/decisions/0025-scale-out-tests.md):
// a fresh database on the local PostgreSQL cluster, two built servers on it (WEB_CONCURRENCY=1
// each: two processes on a 2-core machine, and "which server answered" is then one address), and
// Debian's nginx in front of them, round-robin, adding `X-Upstream: <server address>` to every
// answer. Everything is stopped by its own PID and the database dropped when the run ends.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, freshDatabase, preparePostgres, startNginx } from "../../scripts/scale-out.mjs";
import { CHROMIUM } from "../e2e/support/global-setup";

/** GET /healthz on one server's own port, under the public host (any other host is refused). */
function healthy(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: "127.0.0.1", port, path: "/healthz", headers: { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
  });
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  if (!fs.existsSync("build/server/index.js"))
    throw new Error("No server build found: run `npm run build` first (npm run test:pg:e2e does).");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-scale-out-"));
  const database = await freshDatabase(preparePostgres(), "cda_e2e");
  const publicPort = await freePort();
  const publicUrl = `http://127.0.0.1:${publicPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    SESSION_SECRET: crypto.randomBytes(32).toString("hex"),
    PUBLIC_URL: publicUrl,
    WEB_CONCURRENCY: "1",
    SMTP_URL: "",
    LOG_LEVEL: "warn",
  };
  const servers: { port: number; proc: ChildProcess }[] = [];
  const logFile = path.join(dir, "servers.log");
  const out = fs.openSync(logFile, "a");
  const stopAll = async () => {
    await Promise.all(
      servers.map(
        ({ proc }) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
            proc.once("exit", () => resolve());
            proc.kill("SIGTERM");
            setTimeout(() => proc.kill("SIGKILL"), 40_000).unref();
          }),
      ),
    );
  };
  try {
    // One after the other: the first migrates and seeds the demo data, the second finds it done.
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const proc = spawn(process.execPath, ["server.mjs"], {
        // Each server its own upload directory: the documents live in PostgreSQL (the database
        // store, decision 0024), and the journey downloads one from both servers.
        env: { ...env, PORT: String(port), UPLOAD_DIR: path.join(dir, `uploads-${i + 1}`) },
        stdio: ["ignore", out, out],
      });
      servers.push({ port, proc });
      const deadline = Date.now() + 180_000;
      while (!(await healthy(port, `127.0.0.1:${publicPort}`))) {
        if (proc.exitCode !== null)
          throw new Error(
            `server ${i + 1} exited (${proc.exitCode}):\n${fs.readFileSync(logFile, "utf8")}`,
          );
        if (Date.now() > deadline)
          throw new Error(
            `server ${i + 1} did not answer in 180 s:\n${fs.readFileSync(logFile, "utf8")}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const nginx = await startNginx({
      dir: path.join(dir, "nginx"),
      port: publicPort,
      upstreams: servers.map((s) => `127.0.0.1:${s.port}`),
    });
    project.provide("baseUrl", publicUrl);
    project.provide("databaseUrl", database.url);
    project.provide(
      "upstreams",
      servers.map((s) => `127.0.0.1:${s.port}`),
    );
    return async () => {
      await nginx.stop();
      await stopAll();
      await database.drop();
      if (process.env.KEEP_E2E_DIR) console.log(`e2e files kept in ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    };
  } catch (error) {
    await stopAll();
    await database.drop().catch(() => undefined);
    throw error;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    upstreams: string[];
  }
}
