import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_PATH: z.string().min(1).default("data/portal.db"),
  /**
   * `postgres://user:password@host:5432/name`: run on PostgreSQL (a connection pool) instead of
   * the SQLite file at DATABASE_PATH (docs/decisions/0019-postgresql.md). Unset: SQLite.
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^/]/, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Connections the PostgreSQL pool of one process may hold. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  UPLOAD_DIR: z.string().min(1).default("data/uploads"),
  /**
   * Where uploaded documents are kept (app/services/document-store.server.ts): `local` (the
   * directory UPLOAD_DIR) or `database` (chunked rows in the database itself). Unset: `database`
   * when DATABASE_URL is set (every app server sees every document), otherwise `local`.
   */
  DOCUMENT_STORE: z
    .enum(["local", "database"], { error: "DOCUMENT_STORE is local or database" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * Signs sessions (comma-separated, newest first, to rotate). Optional on SQLite (one is made and
   * kept beside the database); required with DATABASE_URL, where several servers must share it.
   */
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default("CDA Investment Portal <no-reply@cda.gov.pk>"),
  PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//i.test(v), "PUBLIC_URL must start with http:// or https://")
    .refine((v) => !/[?#]/.test(v), "PUBLIC_URL must not hold a query or fragment")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  // Storage an applicant can claim (issue 12, item 3): drafts open at once per account, and the
  // documents of all of a company's proposals together.
  MAX_DRAFTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  MAX_ORGANISATION_STORAGE_MB: z.coerce.number().int().min(100).max(1_000_000).default(1024),
  /**
   * Staff roles that must use two-step verification, comma-separated (admin always does):
   * "admin" (default), "admin,official", "admin,official,reviewer".
   */
  MFA_REQUIRED_ROLES: z
    .string()
    .default("admin")
    .transform((v) =>
      v
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.enum(["admin", "official", "reviewer"], {
          error: "MFA_REQUIRED_ROLES lists staff roles: admin, official, reviewer",
        }),
      ),
    ),
  /** Seconds between passes of the reminder scheduler (issue 15); 0 turns it off. */
  REMINDER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /**
   * The instant the reminder scheduler takes as "now" (ISO 8601), for tests and demonstrations;
   * unset: the real clock.
   */
  REMINDER_CLOCK: z.iso.datetime({ offset: true }).optional(),
  /**
   * The OCDS prefix of every ocid the portal publishes (issue 17): `ocds-` and six characters,
   * registered with the Open Contracting Partnership. The default is a placeholder, marked as such.
   */
  OCDS_PREFIX: z
    .string()
    .regex(/^ocds-[a-z0-9]{6}$/, "OCDS_PREFIX is ocds- and six lower-case letters or digits")
    .default("ocds-xxxxxx"),
  /** Seconds between passes of the webhook dispatcher (issue 17); 0 turns it off. */
  WEBHOOK_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  /** The first retry's wait in seconds; each further one doubles it (at most an hour). */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How long one delivery attempt may take, in seconds. */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  /**
   * "on": webhook endpoints on this machine (loopback, http allowed) may be registered and called:
   * development and tests. Default on outside production, off in production.
   */
  WEBHOOK_ALLOW_LOOPBACK: z.enum(["on", "off"]).optional(),
  /**
   * Requests one API token may make per minute (issue 17, docs/decisions/0021), counted in the
   * database so that every worker process shares the count.
   */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  /**
   * Where the board's CSV, XLSX and PDF exports are made (docs/decisions/0028): `child`, a
   * short-lived process of their own per export, whose memory goes back to the system when it
   * ends; `inline`, in the serving process. Unset: `child` in production, `inline` otherwise.
   */
  EXPORT_PROCESS: z
    .enum(["child", "inline"], { error: "EXPORT_PROCESS is child or inline" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type Env = z.infer<typeof EnvSchema> & {
  SESSION_SECRETS: string[];
  /**
   * The portal's public address with a trailing slash: PUBLIC_URL, or (development and tests
   * only) derived from HOST and PORT. Never from a request: every absolute link comes from here.
   */
  PUBLIC_BASE: string;
  /** The Host headers the portal answers (docs/decisions/0009-public-address.md). */
  ALLOWED_HOSTS: string[];
};

let cached: Env | undefined;

/** Parses process.env once; a bad value stops start-up with a message naming the variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === "production" && !env.PUBLIC_URL) {
    throw new Error(
      "Invalid configuration:\n  PUBLIC_URL: required in production — the portal's public address " +
        "(e.g. https://invest.cda.gov.pk); e-mailed links are built from it and requests for any " +
        "other host are refused",
    );
  }
  if (env.DATABASE_URL && !env.SESSION_SECRET) {
    throw new Error(
      "Invalid configuration:\n  SESSION_SECRET: required with DATABASE_URL — several app servers " +
        "share one PostgreSQL database, and a session signed by one must be accepted by every " +
        "other; without SESSION_SECRET each server would invent its own and sign its users out " +
        "of the rest. Set the same secret (at least 32 characters, e.g. `openssl rand -hex 32`) " +
        "on every server",
    );
  }
  const base = publicBase(env);
  cached = {
    ...env,
    SESSION_SECRETS: resolveSessionSecrets(env.SESSION_SECRET, env.DATABASE_PATH),
    PUBLIC_BASE: base,
    ALLOWED_HOSTS: allowedHosts(env, base),
  };
  return cached;
}

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** PUBLIC_URL with a trailing slash, or in development http://HOST:PORT/ (localhost for 0.0.0.0). */
function publicBase(env: z.infer<typeof EnvSchema>): string {
  if (env.PUBLIC_URL) {
    const url = new URL(env.PUBLIC_URL);
    return url.href.endsWith("/") ? url.href : `${url.href}/`;
  }
  const host = WILDCARD_HOSTS.has(env.HOST)
    ? "localhost"
    : env.HOST.includes(":") && !env.HOST.startsWith("[")
      ? `[${env.HOST}]`
      : env.HOST;
  return new URL(`http://${host}:${env.PORT}/`).href;
}

/**
 * The public address's host; without PUBLIC_URL (development), also the loopback names on PORT,
 * so that http://127.0.0.1:PORT and http://localhost:PORT both work on the developer's machine
 * while a DNS-rebinding page or a forged Host still cannot reach the portal.
 */
function allowedHosts(env: z.infer<typeof EnvSchema>, base: string): string[] {
  const hosts = new Set([new URL(base).host.toLowerCase()]);
  if (!env.PUBLIC_URL) for (const name of LOOPBACK_NAMES) hosts.add(`${name}:${env.PORT}`);
  return [...hosts];
}

/**
 * An absolute address on this portal for `path` (e-mailed links, the outbox's own-link check):
 * always from the configured public address, never from the request being answered, so a forged
 * Host header cannot put another site into a message.
 */
export function publicUrl(path: string): string {
  return new URL(path.replace(/^\/+/, ""), getEnv().PUBLIC_BASE).toString();
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}

/**
 * SESSION_SECRET may hold several comma-separated secrets (newest first) so that they can rotate.
 * Without it, a random secret is generated once and kept beside the database, never in the repo.
 */
function resolveSessionSecrets(configured: string | undefined, databasePath: string): string[] {
  if (configured)
    return configured
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const dir = databasePath === ":memory:" ? "data" : path.dirname(databasePath);
  const file = path.join(dir, "session-secret");
  try {
    return [fs.readFileSync(file, "utf8").trim()];
  } catch {
    fs.mkdirSync(dir, { recursive: true });
    const secret = crypto.randomBytes(32).toString("hex");
    // Written whole under a temporary name, then linked into place: a process of the cluster
    // starting at the same moment either wins or reads the winner's complete secret.
    const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
    fs.writeFileSync(temporary, secret, { mode: 0o600, flag: "wx" });
    try {
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return [fs.readFileSync(file, "utf8").trim()];
    } finally {
      fs.unlinkSync(temporary);
    }
    return [secret];
  }
}
