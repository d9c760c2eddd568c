import { sql, type Kysely } from "kysely";

// The board's read model carries the proposal fields the board filters, sorts and shows
// (bench/FINDINGS.md §1): a filtered, sorted board page read ~5,000 rows of `proposals` (kilobytes
// each, with overflow pages) to test the track and sort by investment; with the keys in
// proposal_scores and one covering index over them, the page's ids and its counts read that index
// alone, and the page's 50 rows no longer join `proposals`.
//
// Why the copies cannot go stale: writeScores (app/models/scoring.server.ts) writes them from
// `proposals` in the same statement as the scores, and every change to a copied field of a ranked
// proposal marks the call's scores stale (calls.scores_version), so the board rewrites the rows
// before it next reads them. status, reference, tracks and submitted_at were already covered by the
// triggers of migration 0005; the trigger below covers the rest (title, company names, investment),
// which the portal freezes at submission anyway.
//
// Existing rows are filled here from `proposals` (one UPDATE … FROM, ~150 ms at 10,000 rows)
// rather than by marking every call stale: a stale call costs its next board view a full
// recompute (1.2–3 s at 10,000 proposals), and the copy is exact either way (a call whose rows were
// already stale stays stale and is rewritten on its next view).

// RANKED_STATUSES of app/domain/board-query.ts as of this migration (a migration is frozen in time).
const RANKED = `('submitted','under_review','clarification_requested','shortlisted','reserve','rejected')`;

const COLUMNS: [name: string, type: "text" | "integer"][] = [
  ["reference", "text"],
  ["title", "text"],
  ["tracks", "text"],
  ["company_en", "text"],
  ["company_zh", "text"],
  ["investment_usd_cents", "integer"],
  ["submitted_at", "text"],
];

// One covering index for the board's page ids and counts: every key the board filters or sorts
// on, so that those queries read the index alone. It leads with the call and qualification (the
// board's commonest filter, an equality seek) and then investment and the raw rank, so that
// qualifying proposals by investment — the shortlist within a budget — come in index order and a
// page stops reading after its rows (page 20 of tier4DataCentre + qualifies=yes by investment at
// 10,000 proposals: 1.35 ms with the investment after the other filter columns, 0.30 ms here; every
// other board query measured the same with either order).
const INDEX_COLUMNS = [
  "call_id",
  "qualifies",
  "investment_usd_cents",
  "rank_raw",
  "tracks",
  "flagged",
  "status",
  "rank_calibrated",
  "reference",
  "company_en",
  "title",
];

export async function up(db: Kysely<any>): Promise<void> {
  // The proposal's status (always a ranked one: writeScores writes rows for ranked proposals only).
  // SQLite needs a default to add a NOT NULL column; every row is filled below.
  await db.schema
    .alterTable("proposal_scores")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("submitted"))
    .execute();
  for (const [name, type] of COLUMNS)
    await db.schema.alterTable("proposal_scores").addColumn(name, type).execute();
  await sql`update proposal_scores as ps
    set status = p.status, reference = p.reference, title = p.title, tracks = p.tracks,
      company_en = p.company_en, company_zh = p.company_zh,
      investment_usd_cents = p.investment_usd_cents, submitted_at = p.submitted_at
    from proposals as p where p.id = ps.proposal_id`.execute(db);
  await db.schema
    .createIndex("proposal_scores_board_keys")
    .on("proposal_scores")
    .columns(INDEX_COLUMNS)
    .execute();
  await sql
    .raw(
      `create trigger scores_proposal_board_keys_update after update of title, company_en, company_zh, investment_usd_cents on proposals for each row ` +
        `when old.status in ${RANKED} and new.status in ${RANKED} and (old.title is not new.title or old.company_en is not new.company_en or old.company_zh is not new.company_zh or old.investment_usd_cents is not new.investment_usd_cents) ` +
        `begin update calls set scores_version = scores_version + 1 where id = new.call_id; end`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists scores_proposal_board_keys_update`.execute(db);
  await db.schema.dropIndex("proposal_scores_board_keys").ifExists().execute();
  for (const [name] of [...COLUMNS].reverse())
    await db.schema.alterTable("proposal_scores").dropColumn(name).execute();
  await db.schema.alterTable("proposal_scores").dropColumn("status").execute();
}
