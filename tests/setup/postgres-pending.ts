// Integration files that npm run test:pg leaves out because they do not pass on PostgreSQL yet (or
// have not been run there yet), each with the reason (docs/decisions/0019-postgresql.md). Fixing
// one means deleting its line; the rest of tests/integration runs on both databases.
export const POSTGRES_PENDING: { file: string; why: string }[] = [
  {
    file: "api.test.ts",
    why: "landed on main with its migration after the first PostgreSQL run; not yet run on PostgreSQL",
  },
  {
    file: "scheduler.test.ts",
    why: "landed on main with its migration after the first PostgreSQL run; not yet run on PostgreSQL",
  },
  {
    file: "webhooks.test.ts",
    why: "landed on main with its migration after the first PostgreSQL run; not yet run on PostgreSQL",
  },
  {
    file: "access-policy.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "account-security.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "admin-users.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "audit-viewer.test.ts",
    why: "not yet run on PostgreSQL (the first full run was stopped at its time limit before it)",
  },
  {
    file: "auth.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "board-read-model.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "board.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "breakdown-results.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "call-admin.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "decided-call.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "decision-overrides.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "decisions-publish.test.ts",
    why: "not yet run on PostgreSQL (the first full run was stopped at its time limit before it)",
  },
  {
    file: "discussion.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "export-limit.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "exports.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "fuzz.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "migrations.test.ts",
    why: "migrates SQLite files up and down on purpose (the SQLite chain); one case reads the process database as SQLite",
  },
  {
    file: "outbox-secrets.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "permission-matrix.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "proposal-steps.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "public-pages.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "receipt.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "refusal-audit.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "reminders.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "request-boundary.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "review.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "reviewer-minimal.test.ts",
    why: "not yet run on PostgreSQL (the first full run was stopped at its time limit before it)",
  },
  {
    file: "schema.test.ts",
    why: "reads sqlite_master: it checks db/schema.ts against the SQLite chain; postgres/schema-parity.test.ts checks PostgreSQL against that",
  },
  {
    file: "score-read-model.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "scoring-screen.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "seed.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "sign-in-throttle.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "statement-cache.test.ts",
    why: "better-sqlite3's prepared-statement cache: SQLite only by nature",
  },
  {
    file: "submission-group-commit.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "submission-outbox.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "submission.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "uscc-claims.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "workbook-recompute.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
  {
    file: "xlsx-xml-safe.test.ts",
    why: "failed in the first full PostgreSQL run, before the dialect fixes (upsert's last_value, json_each, group_concat, min/max, collate nocase, instr, LIKE); not yet re-run",
  },
];
