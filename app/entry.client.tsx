import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { registerDictionary, type Dictionary } from "~/i18n";
import { isLocale } from "~/i18n/locales";

/**
 * The page's words: the server rendered them; the browser fetches the same dictionary (preloaded
 * by a <link> in the head, cached for good under its versioned URL) before hydrating, so that the
 * first client render matches the server's and no page's JavaScript carries every language.
 */
async function loadDictionary(): Promise<void> {
  const href = document.getElementById("dictionary")?.getAttribute("href");
  const lang = document.documentElement.lang;
  if (!href || !isLocale(lang)) return;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const response = await fetch(href, { credentials: "same-origin" });
      if (response.ok) {
        registerDictionary(lang, (await response.json()) as Dictionary);
        return;
      }
    } catch {
      // try once more, then hydrate anyway: the page works without JavaScript's words
    }
  }
}

loadDictionary().finally(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
