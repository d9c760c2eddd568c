// The officials' home (issue 15): each call's ranking board with its counts, one row per call.
import type { CallStatus } from "~db/schema";
import { useLocale, useT } from "~/utils/use-t";
import { formatNumber } from "~/utils/dates";

export interface CallBoardRow {
  slug: string;
  titleEn: string;
  titleZh: string;
  status: CallStatus;
  submitted: number;
  fullyReviewed: number;
  flagged: number;
  qualifying: number;
  decided: number;
}

const COUNTS = ["submitted", "fullyReviewed", "flagged", "qualifying", "decided"] as const;

export function CallBoards({ boards }: { boards: CallBoardRow[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="boards-title" className="call-boards" lang={locale}>
      <h2 className="h2" id="boards-title">
        {t("home.boards.heading")}
      </h2>
      <p className="hint">{t("home.boards.intro")}</p>
      {boards.length === 0 ? (
        <p>{t("home.boards.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="call-boards__table">
            <caption className="visually-hidden">{t("home.boards.heading")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("home.col.call")}</th>
                <th scope="col">{t("home.col.status")}</th>
                {COUNTS.map((c) => (
                  <th scope="col" key={c} className="num">
                    {t(`home.col.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {boards.map((b) => {
                const title = locale === "zh-Hans" ? b.titleZh : b.titleEn;
                return (
                  <tr key={b.slug}>
                    <th scope="row">
                      <a href={`/board/${b.slug}`}>{title}</a>
                    </th>
                    <td>
                      <span className="tag tag--grey">
                        {t(`callStatus.${b.status as CallStatus}`)}
                      </span>
                    </td>
                    {COUNTS.map((c) => (
                      <td key={c} className="num">
                        {formatNumber(b[c], locale)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
