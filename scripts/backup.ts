// npm run db:backup [-- <target dir>]   online backup while the portal runs
// npm run db:restore -- <backup dir>    restore (stop the portal first)
// SQLite (the default): the backup API and the upload directory. PostgreSQL (DATABASE_URL):
// pg_dump / pg_restore from the PostgreSQL client tools, documents in the dump when they are kept
// in the database (docs/decisions/0024-document-store.md).
import path from "node:path";
import {
  createBackup,
  createPostgresBackup,
  restoreBackup,
  restorePostgresBackup,
} from "~/services/backup.server";
import { closeDb, getSqlite } from "~/services/db.server";
import { documentStoreKind } from "~/services/document-store.server";
import { getEnv } from "~/services/env.server";

const [command, arg] = process.argv.slice(2);
const env = getEnv();

if (command === "backup") {
  const target = arg ?? path.join("backups", new Date().toISOString().replace(/[:.]/g, "-"));
  const documentStore = documentStoreKind();
  const manifest = env.DATABASE_URL
    ? await createPostgresBackup(env.DATABASE_URL, target, {
        documentStore,
        uploadDir: env.UPLOAD_DIR,
      })
    : await createBackup(getSqlite(), env.UPLOAD_DIR, target, { documentStore });
  console.log(
    `Backup written to ${target}: database ${manifest.database.bytes} bytes, ` +
      `${Object.keys(manifest.tables).length} tables, ${manifest.documents.length} documents in ` +
      `the database, ${manifest.uploads.length} uploaded files.`,
  );
  await closeDb();
} else if (command === "restore") {
  if (!arg) {
    console.error("Usage: npm run db:restore -- <backup directory>");
    process.exit(2);
  }
  if (env.DATABASE_URL) {
    const { keptAside } = await restorePostgresBackup(arg, env.DATABASE_URL, {
      uploadDir: env.UPLOAD_DIR,
    });
    console.log(
      `Restored ${arg} into the PostgreSQL database and checked it against the manifest.` +
        (keptAside ? ` Its previous contents were dumped to ${keptAside}.` : ""),
    );
  } else {
    const { keptAside } = await restoreBackup(arg, env.DATABASE_PATH, env.UPLOAD_DIR);
    console.log(
      `Restored ${arg} into ${env.DATABASE_PATH} and ${env.UPLOAD_DIR} and checked it against the manifest. The previous files were moved to ${keptAside}.`,
    );
  }
} else {
  console.error("Usage: tsx scripts/backup.ts backup [dir] | restore <dir>");
  process.exit(2);
}
