// Test data made through the real code paths: users with hashed passwords, signed-in sessions.
import type { Role } from "~db/schema";
import { getDb } from "~/services/db.server";
import { hashPassword } from "~/services/password.server";
import { createSession } from "~/services/session.server";
import { cookieFrom } from "./remix";

let counter = 0;

export const TEST_PASSWORD = "correct horse battery staple";

export async function createUser(
  role: Role = "applicant",
  overrides: Partial<{
    email: string;
    displayName: string;
    verified: boolean;
    disabled: boolean;
    locale: "en" | "zh-Hans";
    password: string;
  }> = {},
) {
  counter += 1;
  const email = overrides.email ?? `${role}${counter}-${Date.now()}@example.test`;
  const now = new Date().toISOString();
  const user = await getDb()
    .insertInto("users")
    .values({
      email,
      password_hash: await hashPassword(overrides.password ?? TEST_PASSWORD),
      role,
      display_name: overrides.displayName ?? `${role} ${counter}`,
      locale: overrides.locale ?? "en",
      email_verified_at: overrides.verified === false ? null : now,
      disabled_at: overrides.disabled ? now : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return user;
}

/** A user with a live session; `cookie` is the Cookie header to send. */
export async function signedIn(
  role: Role = "applicant",
  overrides: Parameters<typeof createUser>[1] = {},
) {
  const user = await createUser(role, overrides);
  const setCookie = await createSession(getDb(), user.id);
  return { user, cookie: cookieFrom(setCookie) };
}
