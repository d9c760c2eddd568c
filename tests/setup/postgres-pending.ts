// Integration files that npm run test:pg leaves out because they do not pass on PostgreSQL yet (or
// have not been run there yet), each with the reason (docs/decisions/0019-postgresql.md). Fixing
// one means deleting its line; the rest of tests/integration runs on both databases.
export const POSTGRES_PENDING: { file: string; why: string }[] = [
  {
    file: "hostile-files.test.ts",
    why: "not re-run on PostgreSQL yet: documents on PostgreSQL (a storage interface, chunked rows) are being built alongside; re-check once they land",
  },
  {
    file: "migrations.test.ts",
    why: "migrates SQLite files up and down on purpose (the SQLite chain); one case reads the process database as SQLite",
  },
  {
    file: "schema.test.ts",
    why: "reads sqlite_master: it checks db/schema.ts against the SQLite chain; postgres/schema-parity.test.ts checks PostgreSQL against that",
  },
  {
    file: "statement-cache.test.ts",
    why: "better-sqlite3's prepared-statement cache: SQLite only by nature",
  },
  {
    file: "upload-quota.test.ts",
    why: "not re-run on PostgreSQL yet: documents on PostgreSQL (a storage interface, chunked rows) are being built alongside; re-check once they land",
  },
  {
    file: "uploads.test.ts",
    why: "not re-run on PostgreSQL yet: documents on PostgreSQL (a storage interface, chunked rows) are being built alongside; re-check once they land",
  },
];
