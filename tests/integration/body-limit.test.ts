// Issue 12, item 3: every request body is capped before it is read. A 256 MB url-encoded post to
// the documents route was read whole (RSS 952 MB) before any size check. Proved on the request
// boundary in front of a handler that reads its body (as Remix does, through limitedBody), on a
// free port with real sockets, and on the documents action itself with a body that would be
// enormous if read: what matters is how many bytes were taken from the client.
import http from "node:http";
import type { AddressInfo } from "node:net";
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

/**
 * Posts up to `total` bytes in 64 KB chunks, as fast as the server takes them, and stops writing
 * as soon as an answer arrives. Resolves with the status and how many bytes were written.
 */
function postHuge(
  base: string,
  opts: { total: number; declareLength: boolean; type: string },
): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL("/proposals/1/documents", base);
    const headers: Record<string, string | number> = { "Content-Type": opts.type };
    if (opts.declareLength) headers["Content-Length"] = opts.total;
    const req = http.request(url, { method: "POST", headers });
    let written = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, written }));
    });
    // Writing after the server closed the connection fails: expected once it has answered.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && written < opts.total) {
        written += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
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
    app.use(requestBoundary(log));
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
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
