import { useEffect, useState } from "react";
import { formatDateTime } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

/**
 * A UTC instant in Pakistan time; once the page runs in a browser whose zone is not Pakistan's,
 * the viewer's own time is added beside it. Server and first client render agree (no mismatch).
 */
export function DateTime({ iso }: { iso: string }) {
  const locale = useLocale();
  const t = useT();
  const [viewerZone, setViewerZone] = useState<string | null>(null);
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone !== "Asia/Karachi") setViewerZone(zone);
  }, []);
  return (
    <>
      <time dateTime={iso}>{t("time.pkt", { time: formatDateTime(iso, locale) })}</time>
      {viewerZone ? (
        <span className="date-local">
          {" "}
          (
          {t("common.yourTime", {
            time: `${formatDateTime(iso, locale, viewerZone)} ${viewerZone}`,
          })}
          )
        </span>
      ) : null}
    </>
  );
}
