// The ranking board's table rows, as an HTML string (docs/decisions/0027-board-rows-as-html.md).
// The 50 rows are ~80 % of the board's elements, and React spent more on rendering them on the
// server than the rest of the request together; a string built from the same loader data costs a
// small fraction of that, on the server and again when the client hydrates or moves between pages.
// Every value is escaped (escapeHtml); the markup matches what the JSX rendered before.
import { escapeHtml as e } from "~/utils/html";
import { DECISION_LABELS, formatUsdCents, TRACK_LABELS } from "~/utils/board-labels";
import { formatScore } from "~/domain/scoring";

export type GatesSummary = "passed" | "failed" | "split" | "pending";

/** What the table shows of a row, and nothing more (the route's loader builds it). */
export interface BoardRowView {
  proposalId: number;
  rank: number;
  reference: string | null;
  companyEn: string | null;
  companyZh: string | null;
  title: string | null;
  tracks: string[];
  investmentUsdCents: number | null;
  reviewsSubmitted: number;
  reviewsRequired: number;
  provisional: boolean;
  score: number | null;
  calibratedScore: number | null;
  gatesSummary: GatesSummary;
  qualifies: boolean;
  /** The unresolved flags, in words. */
  flags: string[];
  decision: string | null;
  /** What a shortlisting overrode, in words; null when it overrode nothing. */
  override: string | null;
}

const GATE_LABELS: Record<GatesSummary, { text: string; tag: string }> = {
  passed: { text: "Passed", tag: "tag--green" },
  failed: { text: "Failed", tag: "tag--red" },
  split: { text: "Split: needs moderation", tag: "tag--yellow" },
  pending: { text: "Pending", tag: "tag--grey" },
};

const DECISION_TAGS: Record<string, string> = {
  shortlisted: "tag--green",
  rejected: "tag--red",
};

function row(r: BoardRowView, href: string): string {
  const gate = GATE_LABELS[r.gatesSummary];
  const tracks = r.tracks.map((t) => TRACK_LABELS[t] ?? t).join(", ") || "—";
  const flags = r.flags.length
    ? `<ul class="flag-list">${r.flags
        .map((text) => `<li><span class="tag tag--yellow">Flag</span> ${e(text)}</li>`)
        .join("")}</ul>`
    : "None";
  const decision = r.decision
    ? `<span class="tag ${DECISION_TAGS[r.decision] ?? "tag--yellow"}">${e(DECISION_LABELS[r.decision] ?? r.decision)}</span>`
    : "—";
  return (
    `<tr>` +
    `<td class="num">${e(r.rank)}</td>` +
    // data-discover: Remix's route discovery finds the breakdown's route from links so marked.
    `<td><a data-discover="true" href="${e(href)}">${e(r.reference ?? `#${r.proposalId}`)}</a></td>` +
    `<td>${e(r.companyEn ?? "—")}${r.companyZh ? `<br/><span lang="zh-Hans">${e(r.companyZh)}</span>` : ""}</td>` +
    `<td>${e(r.title ?? "—")}</td>` +
    `<td>${e(tracks)}</td>` +
    `<td class="num">${e(formatUsdCents(r.investmentUsdCents))}</td>` +
    `<td class="num">${e(r.reviewsSubmitted)} / ${e(r.reviewsRequired)}${r.provisional ? `<br/><span class="tag tag--yellow">Provisional</span>` : ""}</td>` +
    `<td class="num">${e(formatScore(r.score) || "—")}</td>` +
    `<td class="num">${e(formatScore(r.calibratedScore) || "—")}</td>` +
    `<td><span class="tag ${gate.tag}">${e(gate.text)}</span><br/>${r.qualifies ? `<span class="tag tag--green">Qualifies</span>` : `<span class="tag tag--grey">Does not qualify</span>`}</td>` +
    `<td>${flags}</td>` +
    `<td>${decision}${r.override ? `<br/><span class="tag tag--red">Override</span> <span class="hint">${e(r.override)}</span>` : ""}</td>` +
    `</tr>`
  );
}

/** The rows of one board page, each reference linking to `hrefOf(row)`. */
export function boardRowsHtml(rows: BoardRowView[], hrefOf: (row: BoardRowView) => string): string {
  return rows.map((r) => row(r, hrefOf(r))).join("");
}
