// npm run db:backup [-- <target dir>]   online backup while the portal runs
// npm run db:restore -- <backup dir>    restore (stop the portal first)
import path from "node:path";
import { createBackup, restoreBackup } from "~/services/backup.server";
import { closeDb, getSqlite } from "~/services/db.server";
import { getEnv } from "~/services/env.server";

const [command, arg] = process.argv.slice(2);
const env = getEnv();

if (command === "backup") {
  const target = arg ?? path.join("backups", new Date().toISOString().replace(/[:.]/g, "-"));
  const manifest = await createBackup(getSqlite(), env.UPLOAD_DIR, target);
  console.log(
    `Backup written to ${target}: database ${manifest.database.bytes} bytes, ${manifest.uploads.length} uploaded files.`,
  );
  await closeDb();
} else if (command === "restore") {
  if (!arg) {
    console.error("Usage: npm run db:restore -- <backup directory>");
    process.exit(2);
  }
  const { keptAside } = restoreBackup(arg, env.DATABASE_PATH, env.UPLOAD_DIR);
  console.log(
    `Restored ${arg} into ${env.DATABASE_PATH} and ${env.UPLOAD_DIR}. The previous files were moved to ${keptAside}.`,
  );
} else {
  console.error("Usage: tsx scripts/backup.ts backup [dir] | restore <dir>");
  process.exit(2);
}
