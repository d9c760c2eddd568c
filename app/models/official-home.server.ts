// The officials' home (issue 15): every call that has a board, with its counts from the score
// read model (callBoardCounts: nothing is scored here), leaving out the proposals the official's
// own declared conflicts wall them off from, as the board itself does.
import type { CallStatus } from "~db/schema";
import { walledProposalIds } from "~/models/access.server";
import { callBoardCounts, type CallBoardCounts } from "~/models/score-read-model.server";
import type { DB } from "~/services/db.server";

export interface CallBoardSummary extends CallBoardCounts {
  slug: string;
  titleEn: string;
  titleZh: string;
  status: CallStatus;
}

/** Calls past their draft, newest first, each with its board's counts. */
export async function listCallBoards(db: DB, userId: number): Promise<CallBoardSummary[]> {
  const calls = await db
    .selectFrom("calls")
    .select(["id", "slug", "title_en", "title_zh", "status"])
    .where("status", "!=", "draft")
    .orderBy("opens_at", "desc")
    .orderBy("id", "desc")
    .execute();
  if (!calls.length) return [];
  const hidden = await walledProposalIds(db, userId);
  const counts = await callBoardCounts(
    db,
    calls.map((c) => c.id),
    hidden,
  );
  return calls.map((c) => ({
    ...counts.get(c.id)!,
    slug: c.slug,
    titleEn: c.title_en,
    titleZh: c.title_zh,
    status: c.status,
  }));
}
