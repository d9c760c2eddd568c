import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./2026-11-28-0001-initial";

// Imported statically so that migrations are bundled into the server build.
const migrations: Record<string, Migration> = {
  "2026-11-28-0001-initial": m0001,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
