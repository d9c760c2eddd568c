// Intl formatters are costly to build (tens of microseconds each, and the server formats
// thousands of dates and amounts a second under load: bench/FINDINGS.md §2), and immutable once
// built, so one is kept per locale and options. The key space is small — two page languages, a
// handful of option sets, the viewers' time zones — and bounded below all the same.

const MAX_FORMATTERS = 500;
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function remember<T>(cache: Map<string, T>, key: string, build: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_FORMATTERS) cache.clear();
    value = build();
    cache.set(key, value);
  }
  return value;
}

export function dateTimeFormat(
  locale: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  return remember(
    dateFormats,
    `${locale}|${JSON.stringify(options)}`,
    () => new Intl.DateTimeFormat(locale, options),
  );
}

export function numberFormat(
  locale: string,
  options?: Intl.NumberFormatOptions,
): Intl.NumberFormat {
  return remember(
    numberFormats,
    `${locale}|${JSON.stringify(options ?? {})}`,
    () => new Intl.NumberFormat(locale, options),
  );
}
