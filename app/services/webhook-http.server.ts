// The way out for webhooks (issue 17 item 3, docs/webhooks.md, docs/decisions/0022-webhooks.md):
// the signature scheme, the endpoint's secret at rest, which addresses may be called, and one
// HTTP POST with a timeout, no redirects followed and a cap on what is read of the answer.
import crypto from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { RESPONSE_EXCERPT_CHARS } from "~/domain/webhooks";

// ------------------------------------------------------------------------------- signature

/** The header names of a delivery (documented in docs/webhooks.md). */
export const WEBHOOK_HEADERS = {
  id: "X-CDA-Webhook-Id",
  event: "X-CDA-Webhook-Event",
  timestamp: "X-CDA-Webhook-Timestamp",
  signature: "X-CDA-Webhook-Signature",
} as const;

/**
 * `sha256=` and the hex HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 text), of
 * `timestamp + "." + body`: the timestamp is the header's (Unix seconds), the body the exact bytes
 * sent.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `sha256=${mac}`;
}

/**
 * What a receiver does (and the tests do, as a receiver): recompute the signature, compare in
 * constant time, and refuse a timestamp more than `toleranceSeconds` away from its own clock.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | null;
  body: string;
  signature: string | null;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): boolean {
  const timestamp = Number(input.timestamp);
  if (!input.timestamp || !/^\d+$/.test(input.timestamp) || !input.signature) return false;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

// --------------------------------------------------------------------------- secret at rest

/** A new signing secret: `whsec_` and 32 random bytes, base64url. Shown to the admin once. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString("base64url")}`;
}

function keyFrom(sessionSecret: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", sessionSecret, "cda-webhook-secret", "v1", 32));
}

/**
 * The secret as stored: `v1.` and base64url(iv ‖ tag ‖ ciphertext), AES-256-GCM under a key
 * derived (HKDF-SHA256) from the newest session secret. A copy of the database alone (a backup)
 * cannot sign as the portal; the key lives where the session secret does.
 */
export function encryptWebhookSecret(secret: string, sessionSecrets: readonly string[]): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyFrom(sessionSecrets[0]!), iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url")}`;
}

/**
 * The secret back, trying every configured session secret (newest first, so rotation keeps old
 * endpoints working while the old secret is still listed); null when none opens it.
 */
export function decryptWebhookSecret(
  stored: string,
  sessionSecrets: readonly string[],
): string | null {
  if (!stored.startsWith("v1.")) return null;
  const raw = Buffer.from(stored.slice(3), "base64url");
  if (raw.length < 29) return null;
  for (const sessionSecret of sessionSecrets) {
    try {
      const decipher = crypto.createDecipheriv(
        "aes-256-gcm",
        keyFrom(sessionSecret),
        raw.subarray(0, 12),
      );
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      // not this key
    }
  }
  return null;
}

// ----------------------------------------------------------------------------- address policy

export interface AddressPolicy {
  /** Allow http:// and https:// to loopback addresses (development and tests only). */
  allowLoopback: boolean;
}

/** Addresses no webhook may reach: private, shared, link-local, documentation, multicast, reserved. */
const REFUSED = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  REFUSED.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  ["::", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  REFUSED.addSubnet(prefix, bits, "ipv6");
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4` or `::ffff:102:304`) as IPv4, else null. */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export type AddressVerdict = "public" | "loopback" | "refused";

/** What an IP address is for the policy. */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = net.isIP(bare);
  if (!family) return "refused";
  const v4 = family === 6 ? mappedIpv4(bare) : bare;
  if (v4 && net.isIPv4(v4)) {
    if (LOOPBACK.check(v4, "ipv4")) return "loopback";
    return REFUSED.check(v4, "ipv4") ? "refused" : "public";
  }
  if (/^::ffff:/i.test(bare)) return "refused";
  if (LOOPBACK.check(bare, "ipv6")) return "loopback";
  return REFUSED.check(bare, "ipv6") ? "refused" : "public";
}

function addressAllowed(address: string, policy: AddressPolicy): boolean {
  const verdict = classifyAddress(address);
  return verdict === "public" || (verdict === "loopback" && policy.allowLoopback);
}

/** The message key for an endpoint address that cannot be registered, or null when it can. */
export function checkEndpointUrl(raw: string, policy: AddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return "webhooks.error.url";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "webhooks.error.url";
  if (url.username || url.password) return "webhooks.error.urlCredentials";
  if (url.hash) return "webhooks.error.url";
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const literal = net.isIP(host) !== 0;
  const loopbackName = host === "localhost" || host.endsWith(".localhost");
  const verdict = literal ? classifyAddress(host) : loopbackName ? "loopback" : "public";
  if (verdict === "refused") return "webhooks.error.privateAddress";
  if (verdict === "loopback" && !policy.allowLoopback) return "webhooks.error.privateAddress";
  // Plain http only to this machine, and only where loopback is allowed (development, tests).
  if (url.protocol === "http:" && verdict !== "loopback") return "webhooks.error.httpsRequired";
  return null;
}

// ------------------------------------------------------------------------------------ sending

export interface PostResult {
  status: number | null;
  error: string | null;
  /** The start of the answer's body (text), at most RESPONSE_EXCERPT_CHARS characters. */
  excerpt: string | null;
  durationMs: number;
}

export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  policy: AddressPolicy;
  timeoutMs: number;
  /** How much of the answer is read at most; the connection is closed beyond it. */
  maxResponseBytes: number;
}

class RefusedAddressError extends Error {
  constructor(address: string) {
    super(`address refused: ${address}`);
    this.name = "RefusedAddressError";
  }
}

/**
 * A DNS lookup that only hands the connection addresses the policy allows, so the address that is
 * checked is the address that is connected to (a name that resolves to a private address, or is
 * re-pointed there between the check and the connection, is refused).
 */
function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return ((
    hostname: string,
    options: dns.LookupOptions,
    callback: (...args: unknown[]) => void,
  ) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => !addressAllowed(a.address, policy));
      if (bad || !list.length) return callback(new RefusedAddressError(bad?.address ?? hostname));
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  }) as net.LookupFunction;
}

/** One POST. Never throws: a refusal, a timeout or a network error comes back as `error`. */
export function postWebhook(options: PostOptions): Promise<PostResult> {
  const started = Date.now();
  const done = (status: number | null, error: string | null, excerpt: string | null) => ({
    status,
    error,
    excerpt,
    durationMs: Date.now() - started,
  });
  const problem = checkEndpointUrl(options.url, options.policy);
  if (problem) return Promise.resolve(done(null, `refused: ${problem}`, null));
  const url = new URL(options.url);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      url,
      {
        method: "POST",
        headers: {
          ...options.headers,
          "Content-Type": "application/json",
          "Content-Length": String(Buffer.byteLength(options.body)),
          "User-Agent": "CDA-Portal-Webhooks/1",
        },
        lookup: guardedLookup(options.policy),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const status = res.statusCode ?? null;
        const excerpt = () =>
          Buffer.concat(chunks).toString("utf8").slice(0, RESPONSE_EXCERPT_CHARS) || null;
        res.on("data", (chunk: Buffer) => {
          const room = options.maxResponseBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.length;
          if (size > options.maxResponseBytes) {
            // Enough read: the status is known, the rest is not wanted.
            finish(done(status, null, excerpt()));
            res.destroy();
          }
        });
        res.on("end", () => finish(done(status, null, excerpt())));
        res.on("error", () => finish(done(status, null, excerpt())));
      },
    );
    const timer = setTimeout(() => {
      finish(done(null, `timeout after ${options.timeoutMs} ms`, null));
      req.destroy();
    }, options.timeoutMs);
    req.on("error", (err) => finish(done(null, err.message.slice(0, 300), null)));
    req.end(options.body);
  });
}
