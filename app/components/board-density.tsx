// The board's row density (issue 15): compact by default — one line per proposal, long text cut
// with an ellipsis, so that 20 or more rows fit on a 900-pixel screen — or comfortable, with every
// cell's full text wrapped. A plain checkbox that CSS reads (.board:has(#board-density:checked)),
// so it works without JavaScript; with it, the choice is remembered in this browser.
import { useEffect, useState } from "react";
import { useT } from "~/utils/use-t";

const KEY = "cda.board.density";

export function BoardDensity() {
  const t = useT();
  const [comfortable, setComfortable] = useState(false);
  useEffect(() => {
    try {
      if (window.localStorage.getItem(KEY) === "comfortable") setComfortable(true);
    } catch {
      // storage refused: the compact default stays
    }
  }, []);
  return (
    <div className="choice board-density">
      <input
        type="checkbox"
        id="board-density"
        checked={comfortable}
        onChange={(e) => {
          setComfortable(e.target.checked);
          try {
            window.localStorage.setItem(KEY, e.target.checked ? "comfortable" : "compact");
          } catch {
            // not remembered
          }
        }}
      />
      <label htmlFor="board-density">{t("board.density.comfortable")}</label>
    </div>
  );
}
