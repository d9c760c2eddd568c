// The board's score distribution (issue 15): at the top of the board, with the call's qualifying
// score drawn on it, in a collapsible block so that the table is one click away on short screens.
import { ScoreHistogram, type HistogramProps } from "~/components/score-histogram";
import { useT } from "~/utils/use-t";

export function BoardDistribution({
  bins,
  unscored,
  scoreLabel,
  qualifyingScore,
}: Pick<HistogramProps, "bins" | "unscored" | "scoreLabel"> & { qualifyingScore: number }) {
  const t = useT();
  return (
    <details className="board-distribution" open>
      <summary className="h3">{t("board.distributionHeading")}</summary>
      <ScoreHistogram
        id="board-histogram"
        bins={bins}
        unscored={unscored}
        scoreLabel={scoreLabel}
        threshold={{
          score: qualifyingScore,
          label: t("board.qualifyingLine", { score: qualifyingScore }),
        }}
      />
    </details>
  );
}
