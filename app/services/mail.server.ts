// One way out for e-mail. Every message is rendered from app/services/mail-templates.ts and kept
// in mail_outbox. Without SMTP_URL (the default, and the demo) it is only stored there, with
// status 'stored', and admins read it at /admin/outbox; with SMTP_URL it is also sent with
// nodemailer and recorded as 'sent' or 'failed' (with the error). A failed send never breaks the
// page that triggered it.
//
// Live one-time links never rest usable in the database (issue 12 item 5, docs/decisions/0009):
// the outbox row keeps every `token=` of the text replaced by REDACTED, whatever the status. With
// SMTP the recipient got the live text. Without SMTP the outbox view is the only way a message is
// delivered, so the live text of a message holding a one-time link is kept sealed in
// mail_live_texts (AES-256-GCM under a key derived from the session secret, which is never in the
// database or its backups) until an admin opens the message once, or it expires. Every worker
// process and app server sees it (issue 18, docs/decisions/0017).
import crypto from "node:crypto";
import type { Transporter } from "nodemailer";
import { lazyRequire } from "~/services/lazy-module.server";

/** nodemailer, loaded when the first message is sent over SMTP (lazy-module.server.ts). */
const nodemailer = lazyRequire<typeof import("nodemailer")>("nodemailer");
import type { Locale } from "~/i18n/locales";
import type { DB } from "./db.server";
import { nowIso } from "./db.server";
import { getEnv } from "./env.server";
import { getLogger } from "./logger.server";
import { REDACTED, renderMail, type MailTemplateName, type MailVars } from "./mail-templates";

export interface SendMailInput<N extends MailTemplateName> {
  to: string;
  template: N;
  locale: Locale;
  vars: MailVars<N>;
  /** The user it is written to, when it is one (reviewers read their reminders by it). */
  recipientId?: number | null;
}

export interface SentMail {
  id: number;
  status: "stored" | "sent" | "failed";
  subject: string;
  text: string;
}

export { REDACTED };

/** The text with the secret of every one-time link (`?token=…` / `&token=…`) removed. */
export function redactSecrets(text: string): string {
  return text.replace(/([?&]token=)[^\s&#]+/g, `$1${REDACTED}`);
}

const LIVE_TEXT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** At most this many live texts wait at once; the oldest go first (a lost link is asked for again). */
const LIVE_TEXT_MAX = 1000;

/** The sealing key of each session secret (newest first), derived once per secret. */
const liveTextKeys = new Map<string, Buffer>();
function liveTextKey(secret: string): Buffer {
  let key = liveTextKeys.get(secret);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync("sha256", secret, "cda-portal", "outbox live text v1", 32));
    liveTextKeys.set(secret, key);
  }
  return key;
}

/** Seals a live text to its outbox message (the id is authenticated data: it cannot be moved). */
export function sealLiveText(id: number, text: string, secret: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", liveTextKey(secret), iv);
  cipher.setAAD(Buffer.from(String(id)));
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The text sealed for message `id` under one of `secrets`, or null (wrong message, rotated away). */
export function openLiveText(id: number, sealed: string, secrets: string[]): string | null {
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length < 28) return null;
  for (const secret of secrets) {
    try {
      const decipher = crypto.createDecipheriv(
        "aes-256-gcm",
        liveTextKey(secret),
        raw.subarray(0, 12),
      );
      decipher.setAAD(Buffer.from(String(id)));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      // not this secret
    }
  }
  return null;
}

async function keepLiveText(db: DB, id: number, text: string, now = Date.now()) {
  await db
    .deleteFrom("mail_live_texts")
    .where("expires_at", "<=", new Date(now).toISOString())
    .execute();
  await db
    .insertInto("mail_live_texts")
    .values({
      outbox_id: id,
      sealed: sealLiveText(id, text, getEnv().SESSION_SECRETS[0]!),
      expires_at: new Date(now + LIVE_TEXT_TTL_MS).toISOString(),
    })
    .execute();
  // The oldest first when full: a lost link is asked for again, a leak cannot be undone.
  await db
    .deleteFrom("mail_live_texts")
    .where(
      "outbox_id",
      "not in",
      db
        .selectFrom("mail_live_texts")
        .select("outbox_id")
        .orderBy("outbox_id", "desc")
        .limit(LIVE_TEXT_MAX),
    )
    .execute();
}

/**
 * The live text of a stored message, handed out once (the outbox view, without SMTP), or null when
 * there is none (sent by SMTP, already shown, expired, or sealed under a secret since retired).
 * Taking it deletes it in the same statement, so two admins (or two workers) can never both be
 * shown it. Checked against the stored copy, so a live text can never be shown with another message.
 */
export async function takeLiveText(
  db: DB,
  message: { id: number; text_body: string },
  now = Date.now(),
): Promise<string | null> {
  const row = await db
    .deleteFrom("mail_live_texts")
    .where("outbox_id", "=", message.id)
    .returning(["sealed", "expires_at"])
    .executeTakeFirst();
  if (!row || Date.parse(row.expires_at) <= now) return null;
  const text = openLiveText(message.id, row.sealed, getEnv().SESSION_SECRETS);
  if (text === null || redactSecrets(text) !== message.text_body) return null;
  return text;
}

/**
 * Whether `address` belongs to an account that confirmed it (issue 12 item 7): only then may a
 * message carry the name that account chose. Read here, at the one way out, so that no caller can
 * forget it.
 */
async function isVerifiedAddress(db: DB, address: string): Promise<boolean> {
  const row = await db
    .selectFrom("users")
    .select("email_verified_at")
    .where("email", "=", address.trim().toLowerCase())
    .where("email_verified_at", "is not", null)
    .executeTakeFirst();
  return row !== undefined;
}

let transport: { url: string; transporter: Transporter } | undefined;

function getTransport(url: string): Transporter {
  if (!transport || transport.url !== url) {
    transport = {
      url,
      transporter: nodemailer().createTransport(url, {
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    };
  }
  return transport.transporter;
}

/**
 * Renders and records one message, and sends it when SMTP is configured. Call it after the
 * transaction that caused it has committed, so that a slow mail server never holds the database.
 */
export async function sendMail<N extends MailTemplateName>(
  db: DB,
  input: SendMailInput<N>,
): Promise<SentMail> {
  const env = getEnv();
  const recipientVerified = await isVerifiedAddress(db, input.to);
  const { subject, text } = renderMail(input.template, input.locale, input.vars, {
    recipientVerified,
  });
  let status: SentMail["status"] = "stored";
  let error: string | null = null;
  let sentAt: string | null = null;
  if (env.SMTP_URL) {
    try {
      await getTransport(env.SMTP_URL).sendMail({
        from: env.MAIL_FROM,
        to: input.to,
        subject,
        text,
      });
      status = "sent";
      sentAt = nowIso();
    } catch (err) {
      status = "failed";
      error = err instanceof Error ? err.message : String(err);
      getLogger().error({ err, template: input.template }, "mail send failed");
    }
  }
  const stored = await insertOutbox(db, input, { subject, text, status, error, sentAt });
  if (status === "stored" && redactSecrets(text) !== text) await keepLiveText(db, stored.id, text);
  return stored;
}

async function insertOutbox(
  db: DB,
  input: Pick<SendMailInput<MailTemplateName>, "to" | "template" | "locale" | "recipientId">,
  m: {
    subject: string;
    text: string;
    status: SentMail["status"];
    error: string | null;
    sentAt: string | null;
  },
): Promise<SentMail> {
  const row = await db
    .insertInto("mail_outbox")
    .values({
      to_address: input.to,
      subject: m.subject,
      text_body: redactSecrets(m.text),
      template: input.template,
      locale: input.locale,
      status: m.status,
      error: m.error,
      sent_at: m.sentAt,
      recipient_id: input.recipientId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, status: m.status, subject: m.subject, text: m.text };
}

/**
 * The transactional-outbox variant of sendMail, for messages without one-time links (their live
 * text would be kept for a transaction that may roll back): when no SMTP_URL is set (messages are
 * only stored), records the message with the caller's transaction, so that it exists exactly when the
 * change that caused it commits and both cost one commit (one fsync) instead of two. Returns null
 * without doing anything when SMTP is configured: sending must not hold the database, so then
 * call sendMail after the commit as before.
 */
export async function storeMailInTransaction<N extends MailTemplateName>(
  trx: DB,
  input: SendMailInput<N>,
): Promise<SentMail | null> {
  if (getEnv().SMTP_URL) return null;
  const recipientVerified = await isVerifiedAddress(trx, input.to);
  const { subject, text } = renderMail(input.template, input.locale, input.vars, {
    recipientVerified,
  });
  return insertOutbox(trx, input, { subject, text, status: "stored", error: null, sentAt: null });
}

/**
 * Writes a message at most once for its idempotency key (a reminder's), whoever calls and however
 * often: the row is claimed first (the key is unique in mail_outbox; a second insert is ignored),
 * then, with SMTP configured, sent and its status updated. Returns null when the key was already
 * taken. A crash between the claim and the send leaves the message stored but unsent: at most
 * once, never twice.
 */
export async function sendMailOnce<N extends MailTemplateName>(
  db: DB,
  key: string,
  input: SendMailInput<N>,
): Promise<SentMail | null> {
  const env = getEnv();
  const { subject, text } = renderMail(input.template, input.locale, input.vars);
  const claimed = await db
    .insertInto("mail_outbox")
    .values({
      to_address: input.to,
      subject,
      text_body: text,
      template: input.template,
      locale: input.locale,
      status: "stored",
      recipient_id: input.recipientId ?? null,
      idempotency_key: key,
    })
    .onConflict((oc) =>
      oc.column("idempotency_key").where("idempotency_key", "is not", null).doNothing(),
    )
    .returning("id")
    .executeTakeFirst();
  if (!claimed) return null;
  let status: SentMail["status"] = "stored";
  if (env.SMTP_URL) {
    let error: string | null = null;
    try {
      await getTransport(env.SMTP_URL).sendMail({
        from: env.MAIL_FROM,
        to: input.to,
        subject,
        text,
      });
      status = "sent";
    } catch (err) {
      status = "failed";
      error = err instanceof Error ? err.message : String(err);
      getLogger().error({ err, template: input.template }, "mail send failed");
    }
    await db
      .updateTable("mail_outbox")
      .set({ status, error, sent_at: status === "sent" ? nowIso() : null })
      .where("id", "=", claimed.id)
      .execute();
  }
  return { id: claimed.id, status, subject, text };
}

/** The messages written to one user (newest first), e.g. a reviewer's reminders. */
export async function listMailTo(
  db: DB,
  recipientId: number,
  templates: readonly string[],
  { limit = 100 } = {},
) {
  if (!templates.length) return [];
  return db
    .selectFrom("mail_outbox")
    .select(["id", "subject", "text_body", "template", "status", "created_at"])
    .where("recipient_id", "=", recipientId)
    .where("template", "in", [...templates])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * An absolute link for an e-mail: PUBLIC_URL when configured (behind a proxy the request's own
 * origin may be internal), otherwise the origin the request came to.
 */
export function absoluteUrl(request: Request, path: string): string {
  const base = getEnv().PUBLIC_URL ?? new URL(request.url).origin;
  return new URL(path.replace(/^\/+/, ""), base.endsWith("/") ? base : `${base}/`).toString();
}

export async function listOutbox(db: DB, { limit = 50, offset = 0 } = {}) {
  return db
    .selectFrom("mail_outbox")
    .select(["id", "to_address", "subject", "template", "locale", "status", "created_at"])
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countOutbox(db: DB): Promise<number> {
  const row = await db
    .selectFrom("mail_outbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function getOutboxMessage(db: DB, id: number) {
  return db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirst();
}
