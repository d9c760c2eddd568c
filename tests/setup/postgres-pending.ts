// Integration files that npm run test:pg leaves out because they do not pass on PostgreSQL yet (or
// have not been run there yet), each with the reason (docs/decisions/0019-postgresql.md). Fixing
// one means deleting its line; the rest of tests/integration runs on both databases.
export const POSTGRES_PENDING: { file: string; why: string }[] = [
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
];
