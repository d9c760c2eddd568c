// The call's score distribution as an SVG bar chart that reads without colour: every bar carries
// its count as text, the highlighted bin is hatched and labelled in words, and the same numbers
// are given as a table for screen readers and text browsers.

export interface HistogramProps {
  bins: { from: number; to: number; count: number }[];
  unscored: number;
  /** The score to mark (a proposal's), if any. */
  highlight?: number | null;
  /** "Raw score" or "Calibrated score". */
  scoreLabel: string;
  /** Unique within the page (used for SVG ids). */
  id: string;
  /** A score to draw a line at (the call's qualifying score), with its words. */
  threshold?: { score: number; label: string } | null;
}

const WIDTH = 560;
const HEIGHT = 240;
const LEFT = 40;
const RIGHT = 10;
const TOP = 30;
const BOTTOM = 50;

export function highlightBin(score: number | null | undefined, binCount: number): number | null {
  if (score === null || score === undefined || !Number.isFinite(score)) return null;
  return Math.min(binCount - 1, Math.max(0, Math.floor(score / (100 / binCount))));
}

export function ScoreHistogram({
  bins,
  unscored,
  highlight,
  scoreLabel,
  id,
  threshold,
}: HistogramProps) {
  const max = Math.max(1, ...bins.map((b) => b.count));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const barW = plotW / bins.length;
  const marked = highlightBin(highlight, bins.length);
  const total = bins.reduce((s, b) => s + b.count, 0);
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const range = (b: { from: number; to: number }, i: number) =>
    i === bins.length - 1 ? `${b.from}–${b.to}` : `${b.from}–<${b.to}`;
  return (
    <figure className="histogram">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        className="histogram__svg"
      >
        <title id={titleId}>{`Distribution of ${scoreLabel.toLowerCase()}s in this call`}</title>
        <desc id={descId}>
          {`${total} scored proposals in ${bins.length} bands of ${100 / bins.length} points` +
            (marked !== null
              ? `; this proposal is in the band ${range(bins[marked]!, marked)}`
              : "") +
            (unscored ? `; ${unscored} not yet scored` : "") +
            (threshold ? `; a line marks the ${threshold.label}` : "")}
        </desc>
        <defs>
          <pattern
            id={`${id}-hatch`}
            patternUnits="userSpaceOnUse"
            width="6"
            height="6"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" className="histogram__hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="6" className="histogram__hatch-line" />
          </pattern>
        </defs>
        <line
          x1={LEFT}
          y1={TOP + plotH}
          x2={WIDTH - RIGHT}
          y2={TOP + plotH}
          className="histogram__axis"
        />
        <line x1={LEFT} y1={TOP} x2={LEFT} y2={TOP + plotH} className="histogram__axis" />
        <text x={LEFT - 6} y={TOP + plotH} className="histogram__tick" textAnchor="end">
          0
        </text>
        <text x={LEFT - 6} y={TOP + 4} className="histogram__tick" textAnchor="end">
          {max}
        </text>
        {bins.map((b, i) => {
          const h = (b.count / max) * plotH;
          const x = LEFT + i * barW + 2;
          const y = TOP + plotH - h;
          const isMarked = i === marked;
          return (
            <g key={b.from}>
              <rect
                x={x}
                y={y}
                width={barW - 4}
                height={h}
                className={isMarked ? "histogram__bar histogram__bar--marked" : "histogram__bar"}
                fill={isMarked ? `url(#${id}-hatch)` : undefined}
              />
              <text
                x={x + (barW - 4) / 2}
                y={y - 4}
                textAnchor="middle"
                className="histogram__count"
              >
                {b.count}
              </text>
              <text
                x={x + (barW - 4) / 2}
                y={TOP + plotH + 14}
                textAnchor="middle"
                className="histogram__tick"
              >
                {`${b.from}–${b.to}`}
              </text>
              {isMarked ? (
                <text
                  x={x + (barW - 4) / 2}
                  y={TOP + plotH + 30}
                  textAnchor="middle"
                  className="histogram__marker"
                >
                  ▲ this proposal
                </text>
              ) : null}
            </g>
          );
        })}
        {threshold && Number.isFinite(threshold.score) ? (
          <g className="histogram__threshold">
            <line
              x1={LEFT + (Math.min(100, Math.max(0, threshold.score)) / 100) * plotW}
              y1={TOP - 14}
              x2={LEFT + (Math.min(100, Math.max(0, threshold.score)) / 100) * plotW}
              y2={TOP + plotH}
              className="histogram__threshold-line"
            />
            <text
              x={LEFT + (Math.min(100, Math.max(0, threshold.score)) / 100) * plotW}
              y={TOP - 18}
              textAnchor={threshold.score > 70 ? "end" : "middle"}
              className="histogram__threshold-label"
            >
              {threshold.label}
            </text>
          </g>
        ) : null}
        <text x={LEFT + plotW / 2} y={HEIGHT - 4} textAnchor="middle" className="histogram__tick">
          {`${scoreLabel} (0–100)`}
        </text>
      </svg>
      <figcaption>
        {`${scoreLabel}: ${total} scored proposals`}
        {unscored ? `, ${unscored} not yet scored` : ""}
        {marked !== null ? `. Hatched bar: this proposal (${highlight!.toFixed(2)}).` : "."}
        {threshold ? ` Dashed line: ${threshold.label}.` : ""}
      </figcaption>
      <details className="histogram__data">
        <summary>Show the numbers as a table</summary>
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">Score band</th>
              <th scope="col">Proposals</th>
            </tr>
          </thead>
          <tbody>
            {bins.map((b, i) => (
              <tr key={b.from}>
                <td>
                  {range(b, i)}
                  {i === marked ? " (this proposal)" : ""}
                </td>
                <td>{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
