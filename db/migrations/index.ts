import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./2026-11-28-0001-initial";
import * as m0004 from "./2026-11-28-0004-board";
import * as m0005 from "./2026-11-28-0005-score-marker";
import * as m0006 from "./2026-11-28-0006-board-keys";
import * as m0007 from "./2026-11-28-0007-breakdown-results";
import * as m0008 from "./2026-12-02-0008-score-read-model";
import * as m0009 from "./2026-12-02-0009-drop-dead";
import * as m0010 from "./2026-12-02-0010-conflict-snapshot";
import * as m0011 from "./2026-12-02-0011-score-changes";
import * as m0012 from "./2026-12-02-0012-uscc-claims";
import * as m0013 from "./2026-12-02-0013-staff-security";
import * as m0016 from "./2026-12-02-0016-redact-outbox-links";
import * as m0014 from "./2026-12-02-0014-moderation-basis";
import * as m0015 from "./2026-12-02-0015-decision-overrides";
import * as m0018 from "./2026-12-02-0018-discussion-reminders";
import * as m0022 from "./2026-12-02-0022-open-data";
import * as postgresBaseline from "./postgres-baseline";
import * as m0025 from "./2026-12-02-0025-shared-process-state";
import * as m0024 from "./2026-12-02-0024-webhooks";
import * as m0023 from "./2026-12-02-0023-api-tokens";
import * as m0026 from "./2026-12-02-0026-document-store";

// Imported statically so that migrations are bundled into the server build.
const migrations: Record<string, Migration> = {
  "2026-11-28-0001-initial": m0001,
  "2026-11-28-0004-board": m0004,
  "2026-11-28-0005-score-marker": m0005,
  "2026-11-28-0006-board-keys": m0006,
  "2026-11-28-0007-breakdown-results": m0007,
  "2026-12-02-0008-score-read-model": m0008,
  "2026-12-02-0009-drop-dead": m0009,
  "2026-12-02-0010-conflict-snapshot": m0010,
  "2026-12-02-0011-score-changes": m0011,
  "2026-12-02-0012-uscc-claims": m0012,
  "2026-12-02-0013-staff-security": m0013,
  "2026-12-02-0016-redact-outbox-links": m0016,
  "2026-12-02-0014-moderation-basis": m0014,
  "2026-12-02-0015-decision-overrides": m0015,
  "2026-12-02-0018-discussion-reminders": m0018,
  "2026-12-02-0022-open-data": m0022,
  "2026-12-02-0025-shared-process-state": m0025,
  "2026-12-02-0024-webhooks": m0024,
  "2026-12-02-0023-api-tokens": m0023,
  "2026-12-02-0026-document-store": m0026,
};

/** SQLite's chain (the embedded default): every migration in order. */
export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/**
 * PostgreSQL starts from one baseline that creates, in PostgreSQL's own types, the schema the
 * migrations it replaces (POSTGRES_BASELINE_REPLACES) leave on SQLite; every migration added after
 * it runs on both databases (docs/decisions/0019-postgresql.md). Its name sorts before every
 * migration it does not replace, so a later one always runs after it.
 */
export const POSTGRES_BASELINE = "2026-12-02-0000-postgres-baseline";
export const POSTGRES_BASELINE_REPLACES = [
  "2026-11-28-0001-initial",
  "2026-11-28-0004-board",
  "2026-11-28-0005-score-marker",
  "2026-11-28-0006-board-keys",
  "2026-11-28-0007-breakdown-results",
  "2026-12-02-0008-score-read-model",
  "2026-12-02-0009-drop-dead",
  "2026-12-02-0010-conflict-snapshot",
  "2026-12-02-0011-score-changes",
  "2026-12-02-0012-uscc-claims",
  "2026-12-02-0013-staff-security",
  "2026-12-02-0016-redact-outbox-links",
  "2026-12-02-0014-moderation-basis",
  "2026-12-02-0015-decision-overrides",
  "2026-12-02-0018-discussion-reminders",
  "2026-12-02-0023-api-tokens",
  "2026-12-02-0024-webhooks",
  "2026-12-02-0025-shared-process-state",
];

const postgresMigrations: Record<string, Migration> = {
  [POSTGRES_BASELINE]: postgresBaseline,
  ...Object.fromEntries(
    Object.entries(migrations).filter(([name]) => !POSTGRES_BASELINE_REPLACES.includes(name)),
  ),
};

export function migrationProviderFor(dialect: "sqlite" | "postgres"): MigrationProvider {
  if (dialect === "sqlite") return migrationProvider;
  return {
    async getMigrations() {
      return postgresMigrations;
    },
  };
}
