// Issue 12, item 3: every request body is capped before it is read. A 256 MB url-encoded post to
// the documents route was read whole (RSS 952 MB) before any size check. Proved on the request
// boundary in front of a handler that reads its body (as Remix does, through limitedBody), on a
// free port with real sockets, and on the documents action itself with a body that would be
// enormous if read: what matters is how many bytes were taken from the client.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as documentsRoute from "~/routes/proposals.$id.documents";
import { MAX_FORM_BYTES } from "~/services/form-body.server";
import { limitedBody, requestBoundary } from "~/services/request-boundary.server";
import { signedIn } from "../support/factories";
import { BASE, testContext } from "../support/remix";
import { createCall, createDraft } from "./submission-fixtures";

const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "a");

/** A port nobody listens on now (the server's configuration wants a real one, not 0). */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => probe.once("listening", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resident memory of a process, in bytes (Linux ps). */
function rssOf(pid: number): number {
  return (
    Number(
      execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

/**
 * Posts up to `total` bytes in 64 KB chunks, as fast as the server takes them, and stops writing
 * as soon as an answer arrives. Resolves with the status and how many bytes were written.
 */
function postHuge(
  base: string,
  opts: {
    total: number;
    declareLength: boolean;
    type: string;
    path?: string;
    cookie?: string;
    /** Keep sending after the answer, as an attacker would, until the server closes. */
    untilClosed?: boolean;
  },
): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(opts.path ?? "/proposals/1/documents", base);
    const headers: Record<string, string | number> = { "Content-Type": opts.type };
    if (opts.declareLength) headers["Content-Length"] = opts.total;
    if (opts.cookie) headers.Cookie = opts.cookie;
    const req = http.request(url, { method: "POST", headers });
    let written = 0;
    let status = 0;
    let stopped = false;
    const finish = () => resolve({ status, written });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      if (!opts.untilClosed) {
        stopped = true;
        res.on("end", finish);
      }
    });
    // Writing after the server closed the connection fails: expected once it has answered.
    req.on("error", (error) => {
      stopped = true;
      if (status) finish();
      else reject(error);
    });
    const pump = () => {
      while (!stopped && written < opts.total) {
        written += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once("drain", pump);
      }
      if (stopped) return;
      stopped = true;
      req.end();
      req.once("close", finish);
    };
    pump();
  });
}

describe("the request boundary caps bodies before they are read", () => {
  let base = "";
  let server: http.Server;
  /** Bytes of request bodies the handler behind the boundary has read. */
  let consumed = 0;

  beforeAll(async () => {
    const app = express();
    const log = { info: () => undefined, error: () => undefined };
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The one host the boundary answers is known once the port is; Express reads its stack per
    // request.
    app.use(requestBoundary(log, { allowedHosts: [new URL(base).host] }));
    // Reads the whole body, as an action reading a form would.
    app.all("*", (req, res) => {
      const body = limitedBody(req, res);
      let size = 0;
      body.on("data", (chunk: Buffer) => {
        size += chunk.length;
        consumed += chunk.length;
      });
      body.on("error", () => undefined);
      body.on("end", () => res.json({ size }));
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("a declared 256 MB url-encoded post gets 413 at once, and none of it is read", async () => {
    consumed = 0;
    const { status, written } = await postHuge(base, {
      total: 256 * MB,
      declareLength: true,
      type: "application/x-www-form-urlencoded",
    });
    expect(status).toBe(413);
    expect(consumed).toBe(0);
    // What the sockets' buffers held before the answer came back, not the body.
    expect(written).toBeLessThan(32 * MB);
  });

  it("a chunked url-encoded post with no length is cut off at the form limit with 413", async () => {
    consumed = 0;
    const { status, written } = await postHuge(base, {
      total: 256 * MB,
      declareLength: false,
      type: "application/x-www-form-urlencoded",
    });
    expect(status).toBe(413);
    expect(consumed).toBeLessThanOrEqual(MAX_FORM_BYTES);
    expect(written).toBeLessThan(32 * MB);
  });

  it("a chunked multipart body passes while it is under the upload limit", async () => {
    consumed = 0;
    const { status } = await postHuge(base, {
      total: 4 * MB,
      declareLength: false,
      type: "multipart/form-data; boundary=x",
    });
    expect(status).toBe(200);
    expect(consumed).toBe(4 * MB);
  });

  it("an ordinary form passes", async () => {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "a@example.test", password: "x" }),
    });
    expect(res.status).toBe(200);
  });
});

describe("the documents action reads no more of a url-encoded post than a form needs", () => {
  it("answers a body that would be 256 MB after reading at most 1 MB of it", async () => {
    const applicant = await signedIn("applicant");
    const p = await createDraft(applicant.user.id, (await createCall()).id, null);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 256 * MB) return controller.close();
        pulled += CHUNK.length;
        controller.enqueue(new Uint8Array(CHUNK));
      },
    });
    const request = new Request(`${BASE}/proposals/${p.id}/documents`, {
      method: "POST",
      body,
      headers: { Cookie: applicant.cookie, "Content-Type": "application/x-www-form-urlencoded" },
      duplex: "half",
    } as RequestInit);
    let response: Response;
    try {
      response = (await documentsRoute.action({
        request,
        params: { id: String(p.id) },
        context: testContext,
      })) as Response;
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    // The page says the upload could not be received (post/redirect/get with the message).
    expect(response.status).toBe(303);
    expect(pulled).toBeLessThanOrEqual(1 * MB + 2 * CHUNK.length);
  });
});

describe("the real server (server.mjs, as `npm run dev` runs it)", () => {
  let child: ChildProcess;
  let base = "";
  let output = "";

  beforeAll(async () => {
    child = spawn(process.execPath, ["server.mjs"], {
      cwd: path.resolve(__dirname, "../.."),
      env: {
        ...process.env,
        NODE_ENV: "development",
        PORT: String(await freePort()),
        HOST: "127.0.0.1",
        SEED_DEMO: "off",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr!.on("data", (chunk) => (output += String(chunk)));
    base = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk) => {
        output += String(chunk);
        const port = /"port":(\d+)[^\n]*listening/.exec(output)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
      child.once("exit", (code) => reject(new Error(`server.mjs exited (${code}):\n${output}`)));
    });
    // Build the pages once, so that Vite's own memory is not counted against the bodies.
    expect((await fetch(`${base}/login`)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }, 20_000);

  it("answers an applicant's 256 MB posts to the documents route and stops reading them", async () => {
    // The attack of issue 12: a self-registered applicant posts to their own draft's documents
    // and keeps sending after the answer.
    const applicant = await signedIn("applicant");
    const draft = await createDraft(applicant.user.id, (await createCall()).id, null);
    const before = rssOf(child.pid!);
    for (const declareLength of [true, false]) {
      const { status, written } = await postHuge(base, {
        total: 256 * MB,
        declareLength,
        type: "application/x-www-form-urlencoded",
        path: `/proposals/${draft.id}/documents`,
        cookie: applicant.cookie,
        untilClosed: true,
      });
      // Declared: the boundary's 413 before a byte is read. Chunked: the route's reader stops at
      // 1 MB first and answers as for any unreadable upload (303 back to the page, with its
      // message); the boundary's 413 at 2 MB is behind it. Either way the connection is closed.
      expect(declareLength ? [413] : [413, 303], output).toContain(status);
      expect(written).toBeLessThan(32 * MB);
    }
    // Reading one such body took the server to 952 MB RSS (issue 12).
    expect(rssOf(child.pid!) - before).toBeLessThan(64 * MB);
    // Still serving, and the refusals are no errors in its log.
    expect((await fetch(`${base}/login`)).status).toBe(200);
    expect(output).not.toMatch(/request handler failed/);
  }, 180_000);
});
