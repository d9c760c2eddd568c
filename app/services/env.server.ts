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
  UPLOAD_DIR: z.string().min(1).default("data/uploads"),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default("CDA Investment Portal <no-reply@cda.gov.pk>"),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

export type Env = z.infer<typeof EnvSchema> & { SESSION_SECRETS: string[] };

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
  cached = {
    ...env,
    SESSION_SECRETS: resolveSessionSecrets(env.SESSION_SECRET, env.DATABASE_PATH),
  };
  return cached;
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
