// Landed migrations never change: a database migrated yesterday must be the database the code
// of today expects, and Kysely only ever runs a migration once. A change goes in a new migration.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** SHA-256 of every landed migration file. Landing one more is one more line here. */
const LANDED: Record<string, string> = {
  "2026-11-28-0001-initial.ts": "b3c1b8aeb60072c1a5b1cf18113bdf23e793bc76d4da0e978f6ac20c4dab20fa",
  "2026-11-28-0004-board.ts": "870d7a44095746f4171b5e7291c2d2e5e1704928dca0f30e4b6b98f0e936e128",
  "2026-11-28-0005-score-marker.ts":
    "7f97ba6cacc38e203f73fe64d273fb025e54c88e565ad9a6ef4185baa34fcdf5",
  "2026-11-28-0006-board-keys.ts":
    "c6122226f25bd90fb3e98e97b2d2b50189a04f40172776aa4eaf47561458992e",
  "2026-11-28-0007-breakdown-results.ts":
    "0c23a8e3bd338a41691b1cdb99cc5eae33fbc0e9e60ee2fe129fdda1856e2439",
  "2026-12-02-0008-score-read-model.ts":
    "bbd46ec6be0c33b50865cc95b5e7325898fd9ed8d6f25105f4ee267f433d1e97",
  "2026-12-02-0009-drop-dead.ts":
    "05d22c3a717d6940818d975e9979200c27dae2dd37948e529e63c3b658260db2",
  "2026-12-02-0010-conflict-snapshot.ts":
    "26bcb613078ed81406bbdd8b3767ad771c6c1812737c3ad157a3dfe5307a092a",
  "2026-12-02-0011-score-changes.ts":
    "a6d01cf58daab21e75d1500ee9e25c3698cb7b4758fa8b240ad2ea5b226564a0",
  "2026-12-02-0012-uscc-claims.ts":
    "ad3551df2e728985648bc262c883523cbe780289fe6a86f5218b1bb99dedf52b",
  "2026-12-02-0013-staff-security.ts":
    "68b2789da8e4a05167a9d00d32253bc2be092e7974353a12654eb0cec9b4064e",
  "2026-12-02-0016-redact-outbox-links.ts":
    "ee23e9f97bf9929dbaa901eefe7c101bddbf5b2b828faefe39332a9402aa1555",
  "2026-12-02-0014-moderation-basis.ts":
    "878fde824ac5213818eb6a8d2c3c75da6a0f4c4b2a6a9102996ae14d5317e94f",
  "2026-12-02-0015-decision-overrides.ts":
    "c57016ab40bfdcaeb5dcc5b5d441172646c9d41413e5dcea39ddda3d368bacce",
  "2026-12-02-0018-discussion-reminders.ts":
    "bd5b586f88f1a57db9cf296bf565949282ea6d090c0ef01eb723e12d40437315",
  "2026-12-02-0025-shared-process-state.ts":
    "aebfb5856828b489496c32e7f5babba10067ce7ce5608df6e77a4eedb956780f",
  "2026-12-02-0024-webhooks.ts": "677283c60b2b78658f5bd651f72f72f0de40525b114a3d2b99a9fedbebc87998",
  "2026-12-02-0023-api-tokens.ts":
    "c0ad9517c85563c53dc7e88005ea6060b9360c5d1ea7c1058ac33a9c29dd89b7",
};

const DIR = path.resolve(import.meta.dirname, "../../db/migrations");

describe("landed migrations are frozen", () => {
  it.each(Object.entries(LANDED))("%s is unchanged since it landed", (file, expected) => {
    const at = path.join(DIR, file);
    expect(fs.existsSync(at), `db/migrations/${file} was removed or renamed after it landed`).toBe(
      true,
    );
    const actual = createHash("sha256").update(fs.readFileSync(at)).digest("hex");
    expect(
      actual,
      `db/migrations/${file} changed after it landed: undo the change and put it in a new, ` +
        `later-dated migration instead`,
    ).toBe(expected);
  });

  it("every landed migration is still registered in db/migrations/index.ts", () => {
    const index = fs.readFileSync(path.join(DIR, "index.ts"), "utf8");
    for (const file of Object.keys(LANDED)) {
      expect(index, `${file} is no longer registered`).toContain(
        `"./${file.replace(/\.ts$/, "")}"`,
      );
    }
  });
});
