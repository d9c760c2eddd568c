// The webhook rules on their own (issue 17 item 3): the signature scheme against a vector computed
// with openssl, the backoff and give-up rule, when an endpoint is paused, the secret at rest, and
// which addresses an endpoint may have.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  afterFailure,
  isAcknowledged,
  MAX_RETRY_DELAY_MS,
  PAUSE_AFTER_FAILURES,
  pauseReason,
  retryDelayMs,
  RETRY_WINDOW_MS,
} from "~/domain/webhooks";
import {
  checkEndpointUrl,
  classifyAddress,
  decryptWebhookSecret,
  encryptWebhookSecret,
  newWebhookSecret,
  postWebhook,
  signWebhook,
  verifyWebhookSignature,
} from "~/services/webhook-http.server";

describe("the signature", () => {
  // printf '%s' '1764680000.{"id":"abc","type":"call.opened"}' | openssl dgst -sha256 -hmac whsec_test
  const body = '{"id":"abc","type":"call.opened"}';
  const expected = "sha256=a1706af9292da545b5642849c0063487598988ad2835e6925b25c7e1ab3b60f9";

  it("is HMAC-SHA256 of timestamp.body under the secret, as openssl computes it", () => {
    expect(signWebhook("whsec_test", 1764680000, body)).toBe(expected);
  });

  it("verifies only the same secret, timestamp and body, within the tolerance", () => {
    const ok = { secret: "whsec_test", timestamp: "1764680000", body, signature: expected };
    expect(verifyWebhookSignature({ ...ok, nowSeconds: 1764680100 })).toBe(true);
    expect(verifyWebhookSignature({ ...ok, nowSeconds: 1764680400 })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, secret: "whsec_other", nowSeconds: 1764680000 })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ ...ok, body: `${body} `, nowSeconds: 1764680000 })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, timestamp: "1764680001", nowSeconds: 1764680000 })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ ...ok, signature: null, nowSeconds: 1764680000 })).toBe(false);
  });
});

describe("the backoff", () => {
  it("doubles from the base at every failure, up to an hour", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 30_000))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000,
    ]);
    expect(retryDelayMs(8, 30_000)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(500, 30_000)).toBe(MAX_RETRY_DELAY_MS);
  });

  it("spreads each wait by at most 10 %", () => {
    expect(retryDelayMs(3, 30_000, 0)).toBe(108_000);
    expect(retryDelayMs(3, 30_000, 0.999999)).toBeLessThanOrEqual(132_000);
    expect(retryDelayMs(3, 30_000, 0.999999)).toBeGreaterThan(131_000);
  });

  it("retries within the day and gives up when the next attempt would fall after it", () => {
    const written = new Date("2026-12-02T10:00:00Z");
    const giveUpAt = new Date(written.getTime() + RETRY_WINDOW_MS);
    expect(afterFailure({ attempts: 1, now: written, giveUpAt, baseMs: 30_000 })).toEqual({
      kind: "retry",
      at: new Date("2026-12-02T10:00:30Z"),
    });
    const late = new Date(giveUpAt.getTime() - 30 * 60_000);
    expect(afterFailure({ attempts: 20, now: late, giveUpAt, baseMs: 30_000 })).toEqual({
      kind: "give_up",
    });
  });

  it("a day of retries from a 30 s base is about thirty attempts", () => {
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const next = afterFailure({
        attempts,
        now: new Date(now),
        giveUpAt: new Date(RETRY_WINDOW_MS),
        baseMs: 30_000,
      });
      if (next.kind === "give_up") break;
      now = next.at.getTime();
    }
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(35);
  });

  it("pauses an endpoint after PAUSE_AFTER_FAILURES failures in a row, or a delivery given up", () => {
    expect(pauseReason(PAUSE_AFTER_FAILURES - 1, false)).toBeNull();
    expect(pauseReason(PAUSE_AFTER_FAILURES, false)).toBe("failures");
    expect(pauseReason(1, true)).toBe("expired");
  });

  it("counts only a 2xx as acknowledged", () => {
    expect([200, 204, 299].every(isAcknowledged)).toBe(true);
    expect([null, 199, 301, 302, 400, 500].some(isAcknowledged)).toBe(false);
  });
});

describe("the secret at rest", () => {
  it("is encrypted, opens with the session secret, and still opens after a rotation", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = encryptWebhookSecret(secret, ["old-secret-old-secret-old-secret-00"]);
    expect(stored).not.toContain(secret.slice(6));
    expect(decryptWebhookSecret(stored, ["old-secret-old-secret-old-secret-00"])).toBe(secret);
    expect(
      decryptWebhookSecret(stored, [
        "new-secret-new-secret-new-secret-11",
        "old-secret-old-secret-old-secret-00",
      ]),
    ).toBe(secret);
    expect(decryptWebhookSecret(stored, ["another-secret-another-secret-22"])).toBeNull();
    expect(
      decryptWebhookSecret(`${stored.slice(0, -2)}AA`, ["old-secret-old-secret-old-secret-00"]),
    ).toBeNull();
  });
});

describe("endpoint addresses", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["2606:4700::1111", "public"],
    ["127.0.0.1", "loopback"],
    ["127.9.9.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["10.1.2.3", "refused"],
    ["172.16.0.1", "refused"],
    ["192.168.1.1", "refused"],
    ["169.254.169.254", "refused"],
    ["100.64.0.1", "refused"],
    ["0.0.0.0", "refused"],
    ["224.0.0.1", "refused"],
    ["::", "refused"],
    ["fe80::1", "refused"],
    ["fd00::1", "refused"],
    ["::ffff:10.0.0.1", "refused"],
    ["::ffff:a9fe:a9fe", "refused"],
    ["not an address", "refused"],
  ])("%s is %s", (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });

  const production = { allowLoopback: false };
  const development = { allowLoopback: true };

  it.each([
    ["https://hooks.example.org/cda", production, null],
    ["https://8.8.8.8/x", production, null],
    ["http://hooks.example.org/cda", production, "webhooks.error.httpsRequired"],
    ["https://127.0.0.1/x", production, "webhooks.error.privateAddress"],
    ["https://localhost/x", production, "webhooks.error.privateAddress"],
    ["https://[::1]/x", production, "webhooks.error.privateAddress"],
    ["https://10.0.0.5/x", production, "webhooks.error.privateAddress"],
    ["https://169.254.169.254/latest/meta-data", production, "webhooks.error.privateAddress"],
    ["https://[fe80::1]/x", production, "webhooks.error.privateAddress"],
    ["https://user:pw@hooks.example.org/", production, "webhooks.error.urlCredentials"],
    ["ftp://hooks.example.org/", production, "webhooks.error.url"],
    ["not a url", production, "webhooks.error.url"],
    ["http://127.0.0.1:8080/hook", development, null],
    ["http://localhost:8080/hook", development, null],
    ["http://[::1]:8080/hook", development, null],
    ["http://10.0.0.5/x", development, "webhooks.error.privateAddress"],
    ["http://hooks.example.org/", development, "webhooks.error.httpsRequired"],
  ] as const)("%s (%j): %s", (url, policy, expected) => {
    expect(checkEndpointUrl(url, policy)).toBe(expected);
  });
});

describe("one POST", () => {
  async function server(handler: http.RequestListener) {
    const srv = http.createServer(handler).listen(0, "127.0.0.1");
    await new Promise((resolve) => srv.once("listening", resolve));
    return {
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`,
      close: () => new Promise((resolve) => srv.close(resolve)),
    };
  }
  const base = { body: "{}", headers: {}, timeoutMs: 2000, maxResponseBytes: 1024 };

  it("refuses loopback unless the policy allows it, before connecting", async () => {
    let hits = 0;
    const s = await server((_req, res) => {
      hits++;
      res.end("ok");
    });
    const refused = await postWebhook({ ...base, url: s.url, policy: { allowLoopback: false } });
    expect(refused.status).toBeNull();
    expect(refused.error).toContain("webhooks.error.privateAddress");
    const sent = await postWebhook({ ...base, url: s.url, policy: { allowLoopback: true } });
    expect(sent.status).toBe(200);
    expect(sent.excerpt).toBe("ok");
    expect(hits).toBe(1);
    await s.close();
  });

  it("does not follow a redirect, and reads no more of the answer than the cap", async () => {
    const s = await server((req, res) => {
      if (req.url === "/hook") {
        res.writeHead(302, { Location: "http://127.0.0.1:1/elsewhere" }).end();
        return;
      }
      res.end();
    });
    const redirected = await postWebhook({ ...base, url: s.url, policy: { allowLoopback: true } });
    expect(redirected.status).toBe(302);
    await s.close();

    const big = await server((_req, res) => {
      res.writeHead(200);
      // Far more than the cap, then never ends: only the cap lets the POST finish.
      res.write("x".repeat(64 * 1024));
    });
    const capped = await postWebhook({ ...base, url: big.url, policy: { allowLoopback: true } });
    expect(capped.status).toBe(200);
    expect(capped.error).toBeNull();
    expect(capped.excerpt?.length).toBe(1000);
    await big.close();
  });

  it("gives up after the timeout", async () => {
    const s = await server(() => {
      // never answers
    });
    const slow = await postWebhook({
      ...base,
      url: s.url,
      timeoutMs: 200,
      policy: { allowLoopback: true },
    });
    expect(slow.status).toBeNull();
    expect(slow.error).toMatch(/^timeout/);
    s.close();
  });
});
