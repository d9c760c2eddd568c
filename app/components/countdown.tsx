import { useEffect, useState } from "react";
import type { MessageKey } from "~/i18n";
import { timeUntil } from "~/utils/dates";
import { useLocale, useT } from "~/utils/use-t";

const intlLocale = (locale: string) => (locale === "zh-Hans" ? "zh-Hans-CN" : "en-GB");

/**
 * Days, hours and minutes until `target` ("3 days, 4 hours, 12 minutes left"). The server renders
 * it from `now` (the loader's clock, so the first client render matches); in the browser it then
 * follows the viewer's clock and refreshes every minute. The deadline itself is enforced by the
 * server, never by this display.
 */
export function Countdown({
  target,
  now,
  kind = "closes",
}: {
  target: string;
  /** The server's time (ms since the epoch) when the page was rendered. */
  now: number;
  kind?: "closes" | "opens";
}) {
  const t = useT();
  const locale = useLocale();
  const [current, setCurrent] = useState(now);
  useEffect(() => {
    setCurrent(Date.now());
    const id = window.setInterval(() => setCurrent(Date.now()), 60_000);
    return () => window.clearInterval(id);
  }, []);

  const left = timeUntil(target, current);
  if (left.passed) {
    return (
      <span className="countdown">
        {t(kind === "opens" ? "public.countdown.opened" : "public.countdown.closed")}
      </span>
    );
  }
  const plural = new Intl.PluralRules(intlLocale(locale));
  const unit = (name: "days" | "hours" | "minutes", n: number) =>
    t(`public.countdown.${name}.${plural.select(n) === "one" ? "one" : "other"}` as MessageKey, {
      n,
    });
  const parts = [unit("days", left.days), unit("hours", left.hours), unit("minutes", left.minutes)];
  // "3 days, 4 hours, 12 minutes"; in Chinese the units are simply separated by spaces.
  const time =
    locale === "zh-Hans"
      ? parts.join(" ")
      : new Intl.ListFormat(intlLocale(locale), { style: "long", type: "unit" }).format(parts);
  return (
    <span className="countdown">
      {t(kind === "opens" ? "public.countdown.opensIn" : "public.countdown.left", { time })}
    </span>
  );
}
