// Starts the built server (node server.mjs) on a free port with a fresh, seeded database in a temp
// directory, waits for /healthz, and kills it by its own PID when the run ends. The server runs as
// it ships: a cluster of one worker per core (WEB_CONCURRENCY unset), so consecutive requests of a
// journey may reach different processes.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

let server: ChildProcess | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install Debian's Chromium with: apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
  if (!fs.existsSync("build/server/index.js")) {
    throw new Error("No server build found: run `npm run build` first (npm run test:e2e does).");
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cda-e2e-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, "server.log");
  const out = fs.openSync(logFile, "a");
  server = spawn(process.execPath, ["server.mjs"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: path.join(dir, "portal.db"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SMTP_URL: "",
      LOG_LEVEL: "warn",
      PUBLIC_URL: baseUrl,
    },
    stdio: ["ignore", out, out],
  });
  // The primary migrates and seeds in a worker of its own before the workers start; on a busy
  // machine that takes a while, so the bound is generous (it only ends a run that is stuck).
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.exitCode !== null) {
      throw new Error(
        `The server exited (${server.exitCode}):\n${fs.readFileSync(logFile, "utf8")}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`The server did not answer in 180 s:\n${fs.readFileSync(logFile, "utf8")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  project.provide("baseUrl", baseUrl);
  project.provide("databasePath", path.join(dir, "portal.db"));

  return async () => {
    if (server?.pid && server.exitCode === null) {
      // The primary stops its workers; SIGKILL only if it has not exited after their grace.
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      const grace = new Promise((r) => setTimeout(r, 40_000).unref());
      await Promise.race([exited, grace]);
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
    if (process.env.KEEP_E2E_DIR) console.log(`e2e files kept in ${dir}`);
    else if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databasePath: string;
  }
}
