// What every command (a model function that changes state) takes and answers
// (docs/decisions/0006-module-boundaries.md):
// - one `Actor`: who acts, in which role, and the request it came in (for the audit row);
// - one result: `{ ok: true, ...value }`, or a refusal `{ ok: false, status, errors }` whose errors
//   map a field name (or `_form`) to a message key encoded by `msg` (app/utils/form.ts), which the
//   page translates — never an English sentence. Nothing was written when a command refuses.
// Plain TypeScript: routes turn a refusal into `data({ errors }, { status })`.
import type { Role } from "~db/schema";
import { msg, type FieldErrors } from "~/utils/form";

/** Who makes a change, and the request it came in (for the audit row). */
export interface Actor {
  id: number;
  email: string;
  role: Role;
  requestId?: string | null;
  ip?: string | null;
}

/** The actor of a route's request: the signed-in user, with the request id and address. */
export function actorFrom(
  user: { id: number; email: string; role: Role },
  context?: { requestId?: string | null; ip?: string | null } | null,
): Actor {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    requestId: context?.requestId ?? null,
    ip: context?.ip ?? null,
  };
}

/** The actor's columns of an audit row (writeAudit's input). */
export function auditActor(actor: Actor) {
  return {
    actorId: actor.id,
    actorEmail: actor.email,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
  };
}

/**
 * Why a command refused, as the HTTP status its route answers with: 400 the input is invalid,
 * 403 the actor may not, 404 no such thing (or not theirs to know of), 409 the state forbids it
 * now (a decided call, a stale form, a duplicate).
 */
export type RefusalStatus = 400 | 403 | 404 | 409;

export interface Refusal {
  ok: false;
  status: RefusalStatus;
  /** Field name (or `_form`) → encoded message key. */
  errors: FieldErrors;
}

export type Ok<T extends object = object> = { ok: true } & T;

export type CommandResult<T extends object = object> = Ok<T> | Refusal;

export function ok(): Ok;
export function ok<T extends object>(value: T): Ok<T>;
export function ok(value: object = {}): Ok {
  return { ...value, ok: true };
}

/**
 * A refusal. `errors` is either field errors (already encoded) or one message key for the whole
 * form, with its placeholder values.
 */
export function refusal(
  status: RefusalStatus,
  errors: FieldErrors | string,
  vars?: Record<string, string | number>,
): Refusal {
  return {
    ok: false,
    status,
    errors: typeof errors === "string" ? { _form: msg(errors, vars) } : errors,
  };
}

/** Thrown inside a command's transaction to roll it back; `runCommand` turns it into its refusal. */
export class Refused extends Error {
  constructor(public readonly refusal: Refusal) {
    super(Object.values(refusal.errors)[0] ?? "refused");
    this.name = "Refused";
  }
}

/** Refuses from anywhere inside `runCommand` (rolling back any transaction it is in). */
export function refuse(
  status: RefusalStatus,
  errors: FieldErrors | string,
  vars?: Record<string, string | number>,
): never {
  throw new Refused(refusal(status, errors, vars));
}

/** Runs a command body: its value becomes `ok(value)`, a `refuse(...)` inside it the refusal. */
export async function runCommand<T extends object>(
  body: () => Promise<T>,
): Promise<CommandResult<T>> {
  try {
    return ok(await body());
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}

export function isRefusal(result: CommandResult<object>): result is Refusal {
  return !result.ok;
}
