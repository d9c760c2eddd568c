// Where the portal sends a browser after sign-in or a language switch: only to its own pages.
// Browsers drop tabs and line breaks from URLs, so "/\t/evil.example" in a Location header
// becomes "//evil.example" — another site. Line breaks must not reach a header either (a
// TypeError there is a 500).
import { describe, expect, it } from "vitest";
import { loader as languageLoader } from "~/routes/language";
import { loader as loginLoader } from "~/routes/login";
import { sanitizeReturnTo } from "~/services/session.server";
import { signedIn } from "../support/factories";
import { callLoader } from "../support/remix";

const HOSTILE = [
  "//evil.example",
  "/\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "\t//evil.example",
  "https://evil.example",
  "javascript:alert(1)",
  "/%09/evil.example",
];

/** Where a browser would go from a Location header on this portal. */
function browserTarget(location: string): string {
  return new URL(location, "https://portal.example/").host;
}

describe("redirect targets", () => {
  for (const value of HOSTILE) {
    it(`sanitizeReturnTo keeps ${JSON.stringify(value)} on the portal`, () => {
      const safe = sanitizeReturnTo(value);
      if (safe !== null) expect(browserTarget(safe)).toBe("portal.example");
    });

    it(`the language switch never leaves the portal for ${JSON.stringify(value)}`, async () => {
      const res = await callLoader(
        languageLoader,
        `/language?lang=en&returnTo=${encodeURIComponent(value)}`,
      );
      expect(res.status).toBe(302);
      expect(browserTarget(res.location!)).toBe("portal.example");
    });
  }

  it("a signed-in visitor to /login?returnTo= stays on the portal", async () => {
    const { cookie } = await signedIn("applicant");
    for (const value of HOSTILE) {
      const res = await callLoader(loginLoader, `/login?returnTo=${encodeURIComponent(value)}`, {
        cookie,
      });
      expect(res.status, value).toBe(302);
      expect(browserTarget(res.location!), value).toBe("portal.example");
    }
  });
});
