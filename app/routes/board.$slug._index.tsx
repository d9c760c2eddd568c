import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useMemo } from "react";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import {
  DECISION_LABELS,
  flagText,
  overrideText,
  CREDIT_CODE_FLAG,
  STATUS_LABELS,
  TRACK_LABELS,
} from "~/utils/board-labels";
import { BoardDistribution } from "~/components/board-distribution";
import { boardRowsHtml, type BoardRowView } from "~/components/board-rows";
import { BoardDensity } from "~/components/board-density";
import { ExportProgress } from "~/components/export-progress";
import {
  boardSearch,
  defaultDir,
  parseBoardQuery,
  DECISION_FILTERS,
  PAGE_SIZE,
  RANKED_STATUSES,
  TRACKS,
  type BoardQuery,
  type SortColumn,
} from "~/domain/board-query";
import {
  conflictedProposalIds,
  getBoardCall,
  listBoard,
  scoreHistogram,
  type BoardRow,
} from "~/models/board.server";
import { getDb } from "~/services/db.server";
import { requireRole } from "~/models/access.server";
import { OFFICIAL_ROLES } from "~/services/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Ranking board: ${data.call.titleEn}` : "Ranking board" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, OFFICIAL_ROLES);
  const db = getDb();
  const call = await getBoardCall(db, params.slug ?? "");
  if (!call) throw new Response("Not Found", { status: 404 });
  const query = parseBoardQuery(new URL(request.url).searchParams);
  const hidden = await conflictedProposalIds(db, user.id, call.id);
  const page = await listBoard(db, call, user.id, query, PAGE_SIZE, { hidden });
  const histogram = await scoreHistogram(db, call.id, query.score, hidden);
  return data({
    call: {
      slug: call.slug,
      titleEn: call.title_en,
      titleZh: call.title_zh,
      status: call.status,
      // Issue 15 (i15b): drawn on the distribution.
      qualifyingScore: call.qualifying_score,
    },
    query,
    page: { ...page, rows: page.rows.map(toRowView) },
    histogram,
  });
}

/**
 * What the table shows of a row, and nothing more: the page's rows travel twice (as HTML and as
 * the loader data that hydrates it), so unshown fields — the decision's internal reason, resolved
 * flags, timestamps — would cost every request bytes and serialisation (bench/FINDINGS.md §1).
 */
function toRowView(r: BoardRow): BoardRowView {
  return {
    proposalId: r.proposalId,
    rank: r.rank,
    reference: r.reference,
    companyEn: r.companyEn,
    companyZh: r.companyZh,
    title: r.title,
    tracks: r.tracks,
    investmentUsdCents: r.investmentUsdCents,
    reviewsSubmitted: r.reviewsSubmitted,
    reviewsRequired: r.reviewsRequired,
    provisional: r.provisional,
    score: r.score,
    calibratedScore: r.calibratedScore,
    gatesSummary: r.gatesSummary,
    qualifies: r.qualifies,
    /** The unresolved flags, in words (the credit-code check among them until it is recorded). */
    flags: [
      ...r.flags.filter((f) => !f.resolved).map(flagText),
      ...(r.creditCodeCheck ? [CREDIT_CODE_FLAG] : []),
    ],
    decision: r.decision,
    /** What a shortlisting overrode, in words; null when it overrode nothing. */
    override: r.override ? overrideText(r.override) : null,
  };
}

const COLUMNS: { key: SortColumn; label: string; numeric?: boolean }[] = [
  { key: "rank", label: "Rank", numeric: true },
  { key: "reference", label: "Reference" },
  { key: "company", label: "Company" },
  { key: "title", label: "Title" },
  { key: "sector", label: "Sector" },
  { key: "investment", label: "Investment (USD)", numeric: true },
  { key: "reviews", label: "Reviews", numeric: true },
  { key: "score", label: "Score", numeric: true },
  { key: "calibrated", label: "Calibrated", numeric: true },
  { key: "gates", label: "Gates" },
  { key: "flags", label: "Flags" },
  { key: "decision", label: "Decision" },
];

function SortHeader({ column, query }: { column: (typeof COLUMNS)[number]; query: BoardQuery }) {
  const active = query.sort === column.key;
  const nextDir = active ? (query.dir === "asc" ? "desc" : "asc") : defaultDir(column.key);
  const href = boardSearch(query, { sort: column.key, dir: nextDir, page: 1 }) || "?";
  return (
    <th
      scope="col"
      aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}
      className={column.numeric ? "num" : undefined}
    >
      <Link to={href} className="sort-link">
        {column.label}
        {active ? <span aria-hidden="true">{query.dir === "asc" ? " ▲" : " ▼"}</span> : null}
        <span className="visually-hidden">
          {active
            ? `, sorted ${query.dir === "asc" ? "ascending" : "descending"}; select to reverse`
            : ", select to sort"}
        </span>
      </Link>
    </th>
  );
}

function FilterSelect({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string | null;
  options: { value: string; label: string }[];
}) {
  const id = `filter-${name}`;
  return (
    <div className="form-group board-filters__field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <select className="select" id={id} name={name} defaultValue={value ?? ""}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function Board() {
  const { call, query, page, histogram } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const rowsHtml = useMemo(() => {
    const search = boardSearch(query);
    return {
      __html: boardRowsHtml(page.rows, (r) => `/board/${call.slug}/${r.proposalId}${search}`),
    };
  }, [page.rows, call.slug, query]);
  /** A plain click on a row's link moves within the app, as a <Link> would. */
  const followRowLink = (event: React.MouseEvent<HTMLElement>) => {
    const link = (event.target as Element).closest("a");
    if (
      !link ||
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(link.getAttribute("href")!);
  };
  const scoreName = query.score === "raw" ? "raw score" : "calibrated score";
  const yesNo = (v: boolean | null) => (v === null ? null : v ? "yes" : "no");
  return (
    <div className="board">
      <span className="caption">Ranking board</span>
      <h1 className="h1">{call.titleEn}</h1>
      <p lang="zh-Hans" className="lead">
        {call.titleZh}
      </p>
      {/* Issue 15 (i15b): the distribution at the top, with the qualifying score drawn on it. */}
      <BoardDistribution
        bins={histogram.bins}
        unscored={histogram.unscored}
        scoreLabel={query.score === "raw" ? "Raw score" : "Calibrated score"}
        qualifyingScore={call.qualifyingScore}
      />
      <p className="notice" id="board-order">
        Ranked by <strong>{scoreName}</strong>
        {query.score === "calibrated"
          ? " (each reviewer's totals standardised over the call)"
          : " (Σ weight × mean level / 5)"}
        ; scores are compared rounded to 6 decimals, and ties are broken by the published tie-break
        criteria, then the earlier submission, then the reference&apos;s sequence number. Ranks are
        positions among all {page.callTotal} ranked proposals of the call
        {page.withheld
          ? ` that you may see: ${page.withheld} ${page.withheld === 1 ? "proposal is" : "proposals are"} withheld from you because of your declared conflicts and left out before ranking`
          : ""}
        . A proposal with fewer counting reviews than required is ranked but provisional.
      </p>

      <form method="get" className="board-filters" aria-labelledby="filters-title">
        <h2 className="h3" id="filters-title">
          Filter and order
        </h2>
        <fieldset className="form-group board-filters__field">
          <legend className="label">Rank by</legend>
          <div className="radios">
            {(["raw", "calibrated"] as const).map((mode) => (
              <div className="choice" key={mode}>
                <input
                  type="radio"
                  id={`score-${mode}`}
                  name="score"
                  value={mode}
                  defaultChecked={query.score === mode}
                />
                <label htmlFor={`score-${mode}`}>
                  {mode === "raw" ? "Raw score" : "Calibrated score"}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <FilterSelect
          name="track"
          label="Sector (track)"
          value={query.track}
          options={TRACKS.map((t) => ({ value: t, label: TRACK_LABELS[t]! }))}
        />
        <FilterSelect
          name="status"
          label="Status"
          value={query.status}
          options={RANKED_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s]! }))}
        />
        <FilterSelect
          name="decision"
          label="Decision"
          value={query.decision}
          options={DECISION_FILTERS.map((d) => ({ value: d, label: DECISION_LABELS[d]! }))}
        />
        <FilterSelect
          name="qualifies"
          label="Qualifies"
          value={yesNo(query.qualifies)}
          options={[
            { value: "yes", label: "Yes" },
            { value: "no", label: "No" },
          ]}
        />
        <FilterSelect
          name="flagged"
          label="Flagged"
          value={yesNo(query.flagged)}
          options={[
            { value: "yes", label: "Has unresolved flags" },
            { value: "no", label: "No unresolved flags" },
          ]}
        />
        {query.sort !== "rank" ? <input type="hidden" name="sort" value={query.sort} /> : null}
        {query.dir !== defaultDir(query.sort) ? (
          <input type="hidden" name="dir" value={query.dir} />
        ) : null}
        <div className="button-group">
          <button type="submit" className="button">
            Apply
          </button>
          <Link to="." className="button button--secondary">
            Clear filters
          </Link>
        </div>
      </form>

      <p role="status">
        {page.total === page.callTotal
          ? `${page.total} proposals`
          : `${page.total} of ${page.callTotal} proposals match the filters`}
        {page.pageCount > 1 ? ` — page ${page.page} of ${page.pageCount}` : ""}.
      </p>
      <p className="board-exports">
        Export {page.total === page.callTotal ? "all" : "the"} {page.total} proposals with these
        filters and this order (every page; each export is recorded in the audit log):{" "}
        <a href={`/board/${call.slug}/export.csv${boardSearch(query, { page: 1 })}`} download>
          CSV
        </a>
        {" · "}
        <a href={`/board/${call.slug}/export.xlsx${boardSearch(query, { page: 1 })}`} download>
          Excel workbook (XLSX)
        </a>
        {" · "}
        <a href={`/board/${call.slug}/export.pdf${boardSearch(query, { page: 1 })}`} download>
          PDF shortlist report
        </a>
      </p>
      {/* Issue 15 (i15b): progress while an export is prepared; the rows' density. */}
      <ExportProgress count={page.total} linksSelector=".board-exports" />
      <BoardDensity />

      <div className="table-wrap board-table-wrap">
        <table className="board-table" aria-describedby="board-order">
          <caption className="visually-hidden">
            Proposals ranked by {scoreName}; select a column heading to sort by it.
          </caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <SortHeader key={c.key} column={c} query={query} />
              ))}
            </tr>
          </thead>
          {/* The rows are an escaped HTML string (docs/decisions/0027-board-rows-as-html.md). */}
          <tbody dangerouslySetInnerHTML={rowsHtml} onClick={followRowLink} />
        </table>
      </div>
      {page.rows.length === 0 ? <p>No proposals match these filters.</p> : null}

      {page.pageCount > 1 ? (
        <nav className="pagination" aria-label="Pages">
          <ul>
            {page.page > 1 ? (
              <li>
                <Link to={boardSearch(query, { page: page.page - 1 }) || "?"} rel="prev">
                  ← Previous page
                </Link>
              </li>
            ) : null}
            <li>
              Page {page.page} of {page.pageCount}
            </li>
            {page.page < page.pageCount ? (
              <li>
                <Link to={boardSearch(query, { page: page.page + 1 })} rel="next">
                  Next page →
                </Link>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
