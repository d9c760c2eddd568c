// Where the portal sends a browser after sign-in or a language switch: only to its own pages.
// Browsers drop tabs and line breaks from URLs, so "/\t/evil.example" in a Location header
// becomes "//evil.example" — another site. Line breaks must not reach a header either (a
// TypeError there is a 500). And the check must hold for the NORMALISED address: issue 12 item 4,
// "/.//evil.example/phish" normalised to "//evil.example/phish" after the check had passed it.
// The fast-check part fuzzes return addresses built from hostile pieces.
import fc from "fast-check";
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
  "/.//evil.example/phish",
  "/./\\evil.example",
  "/..//evil.example",
  "/a/..//evil.example",
  "/%2e//evil.example",
  "/%2e%2e//evil.example",
  "/./%2F/evil.example",
  "/%2F/evil.example",
  "/%2f%2fevil.example",
  "/%5C/evil.example",
  "/%252F%252Fevil.example",
  "/.%2F/evil.example",
  "/./\t/evil.example",
  "/.\n//evil.example",
  "/ //evil.example",
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

/** Pieces a hostile return address is made of: dot segments, slashes plain and encoded, etc. */
const PIECES = [
  "/",
  "//",
  ".",
  "..",
  "./",
  "../",
  "%2e",
  "%2E",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "%252f",
  "\\",
  "\t",
  "\n",
  "\r",
  "%09",
  " ",
  "\u3000",
  "evil.example",
  "@evil.example",
  ":",
  "https:",
  "?",
  "#",
  "proposals",
  "\u0000",
];
const hostileReturnTo = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 })
  .map((parts) => `/${parts.join("")}`);

describe("return addresses after normalisation (fuzzed)", () => {
  it("whatever sanitizeReturnTo returns stays on the portal and normalises to itself", () => {
    fc.assert(
      fc.property(fc.oneof(hostileReturnTo, fc.string(), fc.webPath()), (value) => {
        const safe = sanitizeReturnTo(value);
        if (safe === null) return;
        expect(browserTarget(safe)).toBe("portal.example");
        expect(safe.startsWith("/") && !safe.startsWith("//")).toBe(true);
        expect(sanitizeReturnTo(safe)).toBe(safe);
        const url = new URL(safe, "https://portal.example/");
        expect(url.pathname + url.search + url.hash).toBe(safe);
      }),
      { numRuns: 5000 },
    );
  });

  it("the language switch and /login never leave the portal (fuzzed)", async () => {
    const { cookie } = await signedIn("applicant");
    await fc.assert(
      fc.asyncProperty(hostileReturnTo, async (value) => {
        const lang = await callLoader(
          languageLoader,
          `/language?lang=en&returnTo=${encodeURIComponent(value)}`,
        );
        expect(lang.status).toBe(302);
        expect(browserTarget(lang.location!)).toBe("portal.example");
        const login = await callLoader(
          loginLoader,
          `/login?returnTo=${encodeURIComponent(value)}`,
          { cookie },
        );
        expect(login.status).toBe(302);
        expect(browserTarget(login.location!)).toBe("portal.example");
      }),
      { numRuns: 300 },
    );
  });

  it("ordinary portal paths are kept", () => {
    for (const path of ["/proposals", "/proposals/12/project?returnTo=check", "/board/x#top"])
      expect(sanitizeReturnTo(path)).toBe(path);
    expect(sanitizeReturnTo("/a/../proposals")).toBe("/proposals");
  });
});
