// Webhooks (issue 17 item 3; docs/decisions/0022-webhooks.md, docs/webhooks.md).
//
// - Endpoints: registered by admins (the URL, the events wanted, the owner told when it is
//   paused); the signing secret is generated here, shown once and kept encrypted. Every change is
//   one transaction with its audit row.
// - The outbox: `enqueueEvent(trx, type, build)` is called by the owner of each change, inside the
//   change's own transaction (a rolled-back change leaves no delivery). It writes one row per
//   endpoint that wants the event, with the exact body every attempt will send.
// - The dispatcher: `runWebhookPass` claims due deliveries in one UPDATE (a lease: owner and
//   expiry), so that several processes (docs/decisions/0017-cluster.md) never send one at the same
//   time; sends them signed; records each attempt; an acknowledged (2xx) delivery is never claimed
//   again. A failure is retried with exponential backoff for a day; an endpoint that keeps failing
//   is paused and its owner e-mailed once per pause (sendMailOnce under the pause's key).
import crypto from "node:crypto";
import os from "node:os";
import { sql } from "kysely";
import type { WebhookDeliveryStatus, WebhookEndpointStatus } from "~db/schema";
import { auditActor, refuse, runCommand, type Actor, type CommandResult } from "~/domain/command";
import {
  afterFailure,
  isAcknowledged,
  isWebhookEvent,
  pauseReason,
  RETRY_WINDOW_MS,
  WEBHOOK_EVENTS,
  type PauseReason,
  type WebhookEvent,
} from "~/domain/webhooks";
import { writeAudit } from "~/models/audit.server";
import type { DB } from "~/services/db.server";
import { getEnv, publicUrl } from "~/services/env.server";
import { sendMailOnce } from "~/services/mail.server";
import { startRepeating } from "~/services/scheduler.server";
import {
  checkEndpointUrl,
  decryptWebhookSecret,
  encryptWebhookSecret,
  newWebhookSecret,
  postWebhook,
  signWebhook,
  WEBHOOK_HEADERS,
  type AddressPolicy,
  type PostResult,
} from "~/services/webhook-http.server";
import { msg, normaliseInput, type FieldErrors } from "~/utils/form";
import { forUpdate, jsonArrayHas } from "~/services/sql-dialect.server";

/** Which endpoint addresses may be registered and called, from the configuration. */
export function webhookPolicy(): AddressPolicy {
  const env = getEnv();
  const allow = env.WEBHOOK_ALLOW_LOOPBACK ?? (env.NODE_ENV === "production" ? "off" : "on");
  return { allowLoopback: allow === "on" };
}

// ------------------------------------------------------------------------------------ outbox

/** The body of every delivery (docs/webhooks.md): the delivery id, the event, when, and data. */
export interface WebhookBody {
  id: string;
  type: WebhookEvent;
  created_at: string;
  data: Record<string, unknown>;
}

/**
 * Writes the event to the outbox for every endpoint (active or paused) that wants it, inside the
 * caller's transaction. `build` gives the event's data (ids and public-safe facts only) and is only
 * called when some endpoint wants the event. Returns how many deliveries were written.
 */
export async function enqueueEvent(
  trx: DB,
  type: WebhookEvent,
  build: () => Record<string, unknown> | Promise<Record<string, unknown>>,
  now: Date = new Date(),
): Promise<number> {
  const endpoints = await trx
    .selectFrom("webhook_endpoints")
    .select("id")
    .where(jsonArrayHas(trx, sql.ref("events_json"), type))
    .orderBy("id")
    .execute();
  if (!endpoints.length) return 0;
  const data = await build();
  const at = now.toISOString();
  const giveUpAt = new Date(now.getTime() + RETRY_WINDOW_MS).toISOString();
  await trx
    .insertInto("webhook_deliveries")
    .values(
      endpoints.map((e) => {
        const uuid = crypto.randomUUID();
        const body: WebhookBody = { id: uuid, type, created_at: at, data };
        return {
          uuid,
          endpoint_id: e.id,
          event_type: type,
          body: JSON.stringify(body),
          next_attempt_at: at,
          give_up_at: giveUpAt,
          created_at: at,
        };
      }),
    )
    .execute();
  return endpoints.length;
}

// --------------------------------------------------------------------------------- endpoints

export interface EndpointRow {
  id: number;
  url: string;
  description: string;
  events: WebhookEvent[];
  owner_id: number;
  owner_email: string;
  status: WebhookEndpointStatus;
  paused_at: string | null;
  paused_reason: string | null;
  consecutive_failures: number;
  created_at: string;
  pending: number;
  failed: number;
  delivered: number;
}

function parseEvents(json: string): WebhookEvent[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter(isWebhookEvent) : [];
  } catch {
    return [];
  }
}

function endpointQuery(db: DB) {
  return db
    .selectFrom("webhook_endpoints as e")
    .innerJoin("users as u", "u.id", "e.owner_id")
    .select((eb) => [
      "e.id",
      "e.url",
      "e.description",
      "e.events_json",
      "e.owner_id",
      "u.email as owner_email",
      "e.status",
      "e.paused_at",
      "e.paused_reason",
      "e.consecutive_failures",
      "e.created_at",
      ...(["pending", "failed", "delivered"] as const).map((status) =>
        eb
          .selectFrom("webhook_deliveries as d")
          .select((x) => x.fn.countAll<number>().as("n"))
          .whereRef("d.endpoint_id", "=", "e.id")
          .where("d.status", "=", status)
          .as(status),
      ),
    ]);
}

function toEndpoint(r: Awaited<ReturnType<ReturnType<typeof endpointQuery>["execute"]>>[number]) {
  const { events_json, ...rest } = r;
  return {
    ...rest,
    events: parseEvents(events_json),
    pending: Number(r.pending ?? 0),
    failed: Number(r.failed ?? 0),
    delivered: Number(r.delivered ?? 0),
  } satisfies EndpointRow;
}

export async function listEndpoints(db: DB): Promise<EndpointRow[]> {
  return (await endpointQuery(db).orderBy("e.id").execute()).map(toEndpoint);
}

export async function getEndpoint(db: DB, id: number): Promise<EndpointRow | undefined> {
  const row = await endpointQuery(db).where("e.id", "=", id).executeTakeFirst();
  return row ? toEndpoint(row) : undefined;
}

/** Staff who may own an endpoint (they are told when it is paused). */
export async function listPossibleOwners(db: DB) {
  return db
    .selectFrom("users")
    .select(["id", "email", "display_name"])
    .where("role", "in", ["admin", "official"])
    .where("disabled_at", "is", null)
    .orderBy("email")
    .execute();
}

export interface EndpointInput {
  url: string;
  description: string;
  events: string[];
  ownerId: number | null;
}

const MAX_URL = 2000;
const MAX_DESCRIPTION = 200;

async function validateEndpoint(
  db: DB,
  input: EndpointInput,
): Promise<{ errors: FieldErrors; url: string; description: string; events: WebhookEvent[] }> {
  const errors: FieldErrors = {};
  const url = input.url.trim();
  const description = normaliseInput(input.description);
  if (!url) errors.url = msg("validation.required");
  else if (url.length > MAX_URL) errors.url = msg("validation.tooLong", { max: MAX_URL });
  else {
    const problem = checkEndpointUrl(url, webhookPolicy());
    if (problem) errors.url = msg(problem);
  }
  if (description.length > MAX_DESCRIPTION)
    errors.description = msg("validation.tooLong", { max: MAX_DESCRIPTION });
  const events = WEBHOOK_EVENTS.filter((e) => input.events.includes(e));
  if (!events.length || events.length !== new Set(input.events).size)
    errors.events = msg("webhooks.error.events");
  const owner =
    input.ownerId === null
      ? undefined
      : await db
          .selectFrom("users")
          .select("id")
          .where("id", "=", input.ownerId)
          .where("role", "in", ["admin", "official"])
          .where("disabled_at", "is", null)
          .executeTakeFirst();
  if (!owner) errors.ownerId = msg("webhooks.error.owner");
  return { errors, url, description, events };
}

/**
 * Registers an endpoint (admins). Answers with the new signing secret, which is shown once and
 * never again (stored encrypted; the audit row does not hold it).
 */
export async function createEndpoint(
  db: DB,
  actor: Actor,
  input: EndpointInput,
): Promise<CommandResult<{ id: number; secret: string }>> {
  return runCommand(async () => {
    if (actor.role !== "admin") refuse(403, "webhooks.error.adminOnly");
    const v = await validateEndpoint(db, input);
    if (Object.keys(v.errors).length) refuse(400, v.errors);
    const secret = newWebhookSecret();
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("webhook_endpoints")
        .values({
          url: v.url,
          description: v.description,
          events_json: JSON.stringify(v.events),
          secret_encrypted: encryptWebhookSecret(secret, getEnv().SESSION_SECRETS),
          owner_id: input.ownerId!,
          created_by: actor.id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "webhook.create",
        entityType: "webhook_endpoint",
        entityId: row.id,
        after: {
          url: v.url,
          description: v.description,
          events: v.events,
          ownerId: input.ownerId,
        },
      });
      return row.id;
    });
    return { id, secret };
  });
}

/** A new signing secret for an endpoint (the old one stops at once). Shown once. */
export async function rotateEndpointSecret(
  db: DB,
  actor: Actor,
  id: number,
): Promise<CommandResult<{ secret: string }>> {
  return runCommand(async () => {
    if (actor.role !== "admin") refuse(403, "webhooks.error.adminOnly");
    const secret = newWebhookSecret();
    await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("webhook_endpoints")
        .set({
          secret_encrypted: encryptWebhookSecret(secret, getEnv().SESSION_SECRETS),
          updated_at: new Date().toISOString(),
        })
        .where("id", "=", id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) refuse(404, "webhooks.error.notFound");
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "webhook.rotate_secret",
        entityType: "webhook_endpoint",
        entityId: id,
      });
    });
    return { secret };
  });
}

/**
 * Resumes a paused endpoint (admins): its failure count starts again, and every delivery still
 * pending is due now with a fresh day of retries.
 */
export async function resumeEndpoint(
  db: DB,
  actor: Actor,
  id: number,
  now: Date = new Date(),
): Promise<CommandResult<{ pending: number }>> {
  return runCommand(async () => {
    if (actor.role !== "admin") refuse(403, "webhooks.error.adminOnly");
    return db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom("webhook_endpoints")
        .select(["status", "paused_at", "paused_reason", "consecutive_failures"])
        .where("id", "=", id)
        // Resumed twice at once (or while the dispatcher pauses it): one after the other.
        .$call(forUpdate(trx, "webhook_endpoints"))
        .executeTakeFirst();
      if (!before) refuse(404, "webhooks.error.notFound");
      if (before.status !== "paused") refuse(409, "webhooks.error.notPaused");
      const at = now.toISOString();
      await trx
        .updateTable("webhook_endpoints")
        .set({
          status: "active",
          paused_at: null,
          paused_reason: null,
          consecutive_failures: 0,
          updated_at: at,
        })
        .where("id", "=", id)
        .where("status", "=", "paused")
        .execute();
      const due = await trx
        .updateTable("webhook_deliveries")
        .set({
          next_attempt_at: at,
          give_up_at: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
        })
        .where("endpoint_id", "=", id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      const pending = Number(due.numUpdatedRows);
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "webhook.resume",
        entityType: "webhook_endpoint",
        entityId: id,
        before,
        after: { status: "active", pending },
      });
      return { pending };
    });
  });
}

/**
 * Sends a delivery that was given up again (admins): pending, due now, with a fresh day. An
 * acknowledged delivery is never sent again (refused), and neither is one still pending.
 */
export async function redeliver(
  db: DB,
  actor: Actor,
  endpointId: number,
  deliveryId: number,
  now: Date = new Date(),
): Promise<CommandResult> {
  return runCommand(async () => {
    if (actor.role !== "admin") refuse(403, "webhooks.error.adminOnly");
    await db.transaction().execute(async (trx) => {
      const at = now.toISOString();
      const updated = await trx
        .updateTable("webhook_deliveries")
        .set({
          status: "pending",
          next_attempt_at: at,
          give_up_at: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
          lease_owner: null,
          lease_until: null,
        })
        .where("id", "=", deliveryId)
        .where("endpoint_id", "=", endpointId)
        .where("status", "=", "failed")
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) refuse(409, "webhooks.error.notRedeliverable");
      await writeAudit(trx, {
        ...auditActor(actor),
        action: "webhook.redeliver",
        entityType: "webhook_delivery",
        entityId: deliveryId,
        before: { status: "failed" },
        after: { status: "pending", endpointId },
      });
    });
    return {};
  });
}

export interface DeliveryRow {
  id: number;
  uuid: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  give_up_at: string;
  delivered_at: string | null;
  created_at: string;
  attemptList: AttemptRow[];
}

export interface AttemptRow {
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

/** An endpoint's latest deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  db: DB,
  endpointId: number,
  limit = 50,
): Promise<DeliveryRow[]> {
  const deliveries = await db
    .selectFrom("webhook_deliveries")
    .select([
      "id",
      "uuid",
      "event_type",
      "status",
      "attempts",
      "next_attempt_at",
      "give_up_at",
      "delivered_at",
      "created_at",
    ])
    .where("endpoint_id", "=", endpointId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  if (!deliveries.length) return [];
  const attempts = await db
    .selectFrom("webhook_attempts")
    .select([
      "delivery_id",
      "attempt",
      "started_at",
      "duration_ms",
      "status_code",
      "error",
      "response_excerpt",
    ])
    .where(
      "delivery_id",
      "in",
      deliveries.map((d) => d.id),
    )
    .orderBy("delivery_id")
    .orderBy("attempt")
    .execute();
  return deliveries.map((d) => ({
    ...d,
    attemptList: attempts
      .filter((a) => a.delivery_id === d.id)
      .map(({ delivery_id: _, ...a }) => a),
  }));
}

// -------------------------------------------------------------------------------- dispatcher

export interface PassOptions {
  /** Who holds the leases of this pass (one per dispatcher). */
  owner: string;
  now?: () => Date;
  /** The first retry's wait; each further one doubles (WEBHOOK_RETRY_BASE_SECONDS). */
  retryBaseMs?: number;
  timeoutMs?: number;
  /** How many deliveries one pass claims at most. */
  batch?: number;
  /** The POST (tests may wrap it); the real one by default. */
  post?: typeof postWebhook;
  policy?: AddressPolicy;
  /** In [0, 1): the spread of retry times (tests pass 0.5: none). */
  jitter?: () => number;
}

export interface PassResult {
  claimed: number;
  delivered: number;
  failed: number;
  paused: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

function settings(options: PassOptions) {
  const env = getEnv();
  const timeoutMs = options.timeoutMs ?? env.WEBHOOK_TIMEOUT_SECONDS * 1000;
  return {
    now: options.now ?? (() => new Date()),
    retryBaseMs: options.retryBaseMs ?? env.WEBHOOK_RETRY_BASE_SECONDS * 1000,
    timeoutMs,
    // A lease outlives the attempt it covers; a dispatcher that died frees it when it runs out.
    leaseMs: timeoutMs + 20_000,
    batch: options.batch ?? 20,
    post: options.post ?? postWebhook,
    policy: options.policy ?? webhookPolicy(),
    jitter: options.jitter ?? Math.random,
  };
}

/**
 * Claims up to `batch` due deliveries of active endpoints in one statement: pending, due, and not
 * leased by anyone (or their lease ran out). Two dispatchers never get the same row.
 */
export async function claimDueDeliveries(
  db: DB,
  owner: string,
  now: Date,
  leaseMs: number,
  batch: number,
): Promise<number[]> {
  const at = now.toISOString();
  const rows = await db
    .updateTable("webhook_deliveries")
    .set({ lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs).toISOString() })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("webhook_deliveries as d")
        .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
        .select("d.id")
        .where("d.status", "=", "pending")
        .where("e.status", "=", "active")
        .where("d.next_attempt_at", "<=", at)
        .where((w) => w.or([w("d.lease_until", "is", null), w("d.lease_until", "<=", at)]))
        .orderBy("d.next_attempt_at")
        .orderBy("d.id")
        .limit(batch),
    )
    // Checked again on the row itself: on PostgreSQL a second dispatcher (another server) whose
    // subquery chose the same rows waits for the first's lease to commit and then re-reads only
    // these conditions; without the lease here it claimed them too, and both sent them.
    .where("status", "=", "pending")
    .where((w) => w.or([w("lease_until", "is", null), w("lease_until", "<=", at)]))
    .returning("id")
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Sends one claimed delivery and records the attempt. Returns what became of it. */
async function attempt(
  db: DB,
  id: number,
  owner: string,
  s: ReturnType<typeof settings>,
): Promise<"delivered" | "failed" | "paused" | "lost"> {
  const d = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select([
      "d.uuid",
      "d.endpoint_id",
      "d.event_type",
      "d.body",
      "d.attempts",
      "d.give_up_at",
      "e.url",
      "e.secret_encrypted",
    ])
    .where("d.id", "=", id)
    .where("d.lease_owner", "=", owner)
    .executeTakeFirst();
  if (!d) return "lost";
  const started = s.now();
  const secret = decryptWebhookSecret(d.secret_encrypted, getEnv().SESSION_SECRETS);
  let result: PostResult;
  if (secret === null) {
    result = {
      status: null,
      error: "the signing secret cannot be read",
      excerpt: null,
      durationMs: 0,
    };
  } else {
    const timestamp = Math.floor(started.getTime() / 1000);
    result = await s.post({
      url: d.url,
      body: d.body,
      headers: {
        [WEBHOOK_HEADERS.id]: d.uuid,
        [WEBHOOK_HEADERS.event]: d.event_type,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, d.body),
      },
      policy: s.policy,
      timeoutMs: s.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
  }
  const finished = s.now();
  return db.transaction().execute(async (trx) => {
    const number = d.attempts + 1;
    await trx
      .insertInto("webhook_attempts")
      .values({
        delivery_id: id,
        attempt: number,
        started_at: started.toISOString(),
        duration_ms: result.durationMs,
        status_code: result.status,
        error: result.error,
        response_excerpt: result.excerpt,
      })
      .execute();
    const at = finished.toISOString();
    if (isAcknowledged(result.status)) {
      const done = await trx
        .updateTable("webhook_deliveries")
        .set({
          status: "delivered",
          attempts: number,
          delivered_at: at,
          lease_owner: null,
          lease_until: null,
        })
        .where("id", "=", id)
        .where("lease_owner", "=", owner)
        .where("status", "=", "pending")
        .executeTakeFirst();
      await trx
        .updateTable("webhook_endpoints")
        .set({ consecutive_failures: 0 })
        .where("id", "=", d.endpoint_id)
        .execute();
      return Number(done.numUpdatedRows) === 1 ? "delivered" : "lost";
    }
    const next = afterFailure({
      attempts: number,
      now: finished,
      giveUpAt: new Date(d.give_up_at),
      baseMs: s.retryBaseMs,
      jitter: s.jitter(),
    });
    const moved = await trx
      .updateTable("webhook_deliveries")
      .set({
        attempts: number,
        lease_owner: null,
        lease_until: null,
        ...(next.kind === "retry"
          ? { next_attempt_at: next.at.toISOString() }
          : { status: "failed" }),
      })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return "lost";
    const endpoint = await trx
      .updateTable("webhook_endpoints")
      .set((eb) => ({ consecutive_failures: eb("consecutive_failures", "+", 1) }))
      .where("id", "=", d.endpoint_id)
      .returning(["status", "consecutive_failures"])
      .executeTakeFirstOrThrow();
    const reason = pauseReason(endpoint.consecutive_failures, next.kind === "give_up");
    if (reason && endpoint.status === "active") {
      await pause(trx, d.endpoint_id, reason, endpoint.consecutive_failures, at);
      return "paused";
    }
    return "failed";
  });
}

async function pause(
  trx: DB,
  endpointId: number,
  reason: PauseReason,
  failures: number,
  at: string,
): Promise<void> {
  await trx
    .updateTable("webhook_endpoints")
    .set({ status: "paused", paused_at: at, paused_reason: reason, updated_at: at })
    .where("id", "=", endpointId)
    .where("status", "=", "active")
    .execute();
  await writeAudit(trx, {
    actorId: null,
    action: "webhook.paused",
    entityType: "webhook_endpoint",
    entityId: endpointId,
    before: { status: "active" },
    after: { status: "paused", reason, consecutiveFailures: failures },
  });
}

/**
 * Tells the owner of every paused endpoint, once per pause: the message is written under the key
 * of the pause (endpoint and instant), so a pass run again, after a crash or by another process,
 * never writes it twice. Returns how many were written.
 */
export async function notifyPausedOwners(db: DB): Promise<number> {
  const paused = await db
    .selectFrom("webhook_endpoints as e")
    .innerJoin("users as u", "u.id", "e.owner_id")
    .select([
      "e.id",
      "e.url",
      "e.paused_at",
      "e.paused_reason",
      "e.consecutive_failures",
      "u.id as owner_id",
      "u.email",
      "u.display_name",
      "u.locale",
    ])
    .where("e.status", "=", "paused")
    .where("e.paused_at", "is not", null)
    .execute();
  let written = 0;
  for (const e of paused) {
    const key = `webhook-paused:${e.id}:${e.paused_at}`;
    const used = await db
      .selectFrom("mail_outbox")
      .select("id")
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
    if (used) continue;
    const zh = e.locale === "zh-Hans";
    const reason =
      e.paused_reason === "expired"
        ? zh
          ? "一次投递在一天内未能送达"
          : "a delivery could not be made within a day"
        : zh
          ? "连续失败次数过多"
          : "too many failures in a row";
    const sent = await sendMailOnce(db, key, {
      to: e.email,
      template: "webhook_paused",
      locale: e.locale,
      recipientId: e.owner_id,
      vars: {
        name: e.display_name,
        url: e.url,
        reason,
        failures: String(e.consecutive_failures),
        link: publicUrl(`/admin/webhooks/${e.id}`),
      },
    });
    if (sent) written++;
  }
  return written;
}

/** A dispatcher's lease name: this machine, this process, and a random part per dispatcher. */
export function dispatcherName(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
}

/**
 * One pass: claims what is due, sends it (a few at a time), records each attempt, then tells the
 * owners of endpoints paused meanwhile.
 */
export async function runWebhookPass(db: DB, options: PassOptions): Promise<PassResult> {
  const s = settings(options);
  const result: PassResult = { claimed: 0, delivered: 0, failed: 0, paused: 0 };
  // A read first (the partial index of pending rows): a pass with nothing due takes no write lock.
  const due = await db
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", s.now().toISOString())
    .limit(1)
    .executeTakeFirst();
  if (!due) {
    await notifyPausedOwners(db);
    return result;
  }
  const ids = await db
    .transaction()
    .execute((trx) => claimDueDeliveries(trx, options.owner, s.now(), s.leaseMs, s.batch));
  result.claimed = ids.length;
  const CONCURRENCY = 5;
  for (let i = 0; i < ids.length; i += CONCURRENCY) {
    const outcomes = await Promise.all(
      ids.slice(i, i + CONCURRENCY).map((id) => attempt(db, id, options.owner, s)),
    );
    for (const o of outcomes) {
      if (o === "delivered") result.delivered++;
      else if (o === "failed") result.failed++;
      else if (o === "paused") {
        result.failed++;
        result.paused++;
      }
    }
  }
  await notifyPausedOwners(db);
  return result;
}

export interface DispatcherOptions extends Omit<PassOptions, "owner"> {
  db: DB;
  intervalMs: number;
  log: {
    info: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  };
}

/**
 * Runs a pass now and then every `intervalMs` (passes never overlap; a failed pass is logged and
 * the next one runs as planned). Returns a function that stops it and waits for a pass in flight.
 */
export function startWebhookDispatcher(options: DispatcherOptions): () => Promise<void> {
  const owner = dispatcherName();
  return startRepeating(options.intervalMs, async () => {
    try {
      const run = await runWebhookPass(options.db, { ...options, owner });
      if (run.claimed) options.log.info({ owner, ...run }, "webhooks pass");
    } catch (err) {
      options.log.error({ err, owner }, "webhooks pass failed");
    }
  });
}
