// Helper of scripts/crash-test.mjs: migrates the (temporary) database named by DATABASE_PATH and
// fills it with an open call and N applicants, each with a complete draft (valid answers for
// every step, the required documents on disk) and a live session. Writes [{proposalId, cookie}]
// as JSON to the file given as the first argument.
import fs from "node:fs";
import { closeDb, getDb, migrateToLatest } from "~/services/db.server";
import { createSession } from "~/services/session.server";
import { createCall, readyDraft } from "../tests/integration/submission-fixtures";

const [outFile, countArg] = process.argv.slice(2);
if (!outFile) {
  console.error("Usage: tsx scripts/crash-test-prepare.ts <out.json> [count]");
  process.exit(2);
}
const count = Number(countArg ?? 200);

const db = getDb();
await migrateToLatest(db);
const call = await createCall();
const out: { proposalId: number; cookie: string; email: string }[] = [];
for (let i = 1; i <= count; i++) {
  const email = `crash-applicant-${i}@example.test`;
  const user = await db
    .insertInto("users")
    .values({
      email,
      password_hash: null,
      role: "applicant",
      display_name: `Crash applicant ${i}`,
      email_verified_at: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const proposal = await readyDraft(user.id, call.id);
  const setCookie = await createSession(db, user.id);
  out.push({ proposalId: proposal.id, cookie: setCookie.split(";")[0]!, email });
}
fs.writeFileSync(outFile, JSON.stringify(out));
await closeDb();
console.log(`prepared ${count} complete drafts in call ${call.slug}`);
