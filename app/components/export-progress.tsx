// Progress while a board export is prepared (issue 15). Without JavaScript the export links are
// plain downloads. With it, a click on one of them (in the element named by `linksSelector`)
// fetches the file here instead, shows how much has arrived — and, for the CSV, how many of the
// proposals — in a live region, then hands the file to the browser under the server's name.
import { useEffect, useState } from "react";
import { formatNumber } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

type State =
  | { phase: "idle" }
  | { phase: "preparing" | "ready"; format: string; bytes: number; rows: number | null }
  | { phase: "failed"; format: string };

function fileName(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i);
  if (star) return decodeURIComponent(star[1]!);
  const plain = disposition?.match(/filename="?([^";]+)"?/i);
  return plain?.[1] ?? fallback;
}

export function ExportProgress({ count, linksSelector }: { count: number; linksSelector: string }) {
  const t = useT();
  const locale = useLocale();
  const [state, setState] = useState<State>({ phase: "idle" });

  useEffect(() => {
    const container = document.querySelector(linksSelector);
    if (!container) return;
    let busy = false;
    const onClick = async (event: Event) => {
      const e = event as MouseEvent;
      const link = (e.target as Element | null)?.closest?.(
        "a[download]",
      ) as HTMLAnchorElement | null;
      if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey)
        return;
      e.preventDefault();
      if (busy) return;
      busy = true;
      const url = new URL(link.href);
      const ext = url.pathname.split(".").pop() ?? "";
      const format = ext.toUpperCase();
      const csv = ext === "csv";
      setState({ phase: "preparing", format, bytes: 0, rows: csv ? 0 : null });
      try {
        const res = await fetch(url, { credentials: "same-origin" });
        if (!res.ok || !res.body) throw new Error(String(res.status));
        const reader = res.body.getReader();
        const chunks: Uint8Array[] = [];
        let bytes = 0;
        let lines = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          bytes += value.length;
          if (csv) for (const b of value) if (b === 10) lines++;
          // The CSV's first line is its header.
          setState({
            phase: "preparing",
            format,
            bytes,
            rows: csv ? Math.max(0, lines - 1) : null,
          });
        }
        const blob = new Blob(chunks as BlobPart[], {
          type: res.headers.get("Content-Type") ?? "application/octet-stream",
        });
        const href = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = href;
        a.download = fileName(res.headers.get("Content-Disposition"), `export.${ext}`);
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(href), 60_000);
        setState({ phase: "ready", format, bytes, rows: csv ? Math.max(0, lines - 1) : null });
      } catch {
        setState({ phase: "failed", format });
      } finally {
        busy = false;
      }
    };
    container.addEventListener("click", onClick);
    return () => container.removeEventListener("click", onClick);
  }, [linksSelector]);

  const size = (bytes: number) =>
    `${formatNumber(Math.max(1, Math.round(bytes / 1024)), locale)} KB`;
  let message = "";
  if (state.phase === "preparing" || state.phase === "ready") {
    const received =
      state.rows === null
        ? size(state.bytes)
        : `${size(state.bytes)}, ${t("export.rows", { rows: formatNumber(state.rows, locale), count: formatNumber(count, locale) })}`;
    message = t(state.phase === "preparing" ? "export.preparing" : "export.ready", {
      format: state.format,
      count: formatNumber(count, locale),
      received,
    });
  } else if (state.phase === "failed") message = t("export.failed", { format: state.format });
  return (
    <p
      className={`export-progress${state.phase === "idle" ? " export-progress--idle" : ""}`}
      role="status"
      aria-live="polite"
    >
      {state.phase === "preparing" ? (
        <progress
          className="export-progress__bar"
          max={state.rows === null ? undefined : Math.max(1, count)}
          value={state.rows === null ? undefined : Math.min(state.rows, count)}
          aria-hidden="true"
        />
      ) : null}{" "}
      {message}
    </p>
  );
}
