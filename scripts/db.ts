// npm run db:migrate | db:seed — the same code the server runs at start-up.
import { seedDemoIfEmpty } from "~db/seed";
import { rebuildMarkedCalls } from "~/models/score-read-model.server";
import { closeDb, getDb, migrateToLatest } from "~/services/db.server";
import { getEnv } from "~/services/env.server";

const command = process.argv[2];
const env = getEnv();
const applied = await migrateToLatest(getDb());
console.log(
  applied.length ? `Applied: ${applied.join(", ")}` : "Database already at the latest migration.",
);
const rebuilt = await rebuildMarkedCalls(getDb());
if (rebuilt.length) console.log(`Score read model rebuilt for calls ${rebuilt.join(", ")}.`);
if (command === "seed") {
  const seeded = await seedDemoIfEmpty(getDb());
  console.log(seeded ? "Demo data seeded." : "The database already has data: nothing seeded.");
}
console.log(`Database: ${env.DATABASE_PATH}`);
await closeDb();
