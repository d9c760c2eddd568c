// Issue 14, point 6: the language just chosen wins and becomes the stored preference: on the
// sign-in page (chosen before signing in) and through the switch while signed in.
import { beforeEach, describe, expect, it } from "vitest";
import * as language from "~/routes/language";
import * as login from "~/routes/login";
import * as root from "~/root";
import { getDb } from "~/services/db.server";
import { createUser, signedIn, TEST_PASSWORD } from "../support/factories";
import { callAction, callLoader } from "../support/remix";

const db = () => getDb();

beforeEach(async () => {
  await db().deleteFrom("rate_limit_events").execute();
});

async function storedLocale(id: number) {
  return (await db().selectFrom("users").select("locale").where("id", "=", id).executeTakeFirst())
    ?.locale;
}

/** The Cookie header a browser sends after following these Set-Cookie values. */
function browserCookies(setCookie: string | null, before: Record<string, string> = {}) {
  const jar = { ...before };
  for (const part of (setCookie ?? "").split(/,\s*(?=[A-Za-z_]+=)/)) {
    const [pair, ...attrs] = part.split(";");
    const [name, value = ""] = pair!.trim().split("=");
    if (!name) continue;
    if (attrs.some((a) => /max-age=0\b/i.test(a.trim()))) delete jar[name];
    else jar[name] = value;
  }
  return jar;
}
const header = (jar: Record<string, string>) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

describe("the language just chosen", () => {
  it("chosen on the sign-in page, wins over the stored preference at sign-in and replaces it", async () => {
    const user = await createUser("applicant", { locale: "zh-Hans" });
    // The visitor presses "English" on the sign-in page…
    const chose = await callAction(language.action, "/language", {
      lang: "en",
      returnTo: "/login",
    });
    expect(chose.status).toBe(303);
    expect(chose.location).toBe("/login");
    const jar = browserCookies(chose.setCookie);
    expect(jar).toMatchObject({ lang: "en", lang_chosen: "1" });
    // …then signs in: the page stays English and the account now prefers English.
    const res = await callAction(
      login.action,
      "/login",
      { email: user.email, password: TEST_PASSWORD },
      { cookie: header(jar) },
    );
    expect(res.status).toBe(302);
    const after = browserCookies(res.setCookie, jar);
    expect(after.lang).toBe("en");
    expect(after.lang_chosen).toBeUndefined();
    expect(await storedLocale(user.id)).toBe("en");
    const audit = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "user.language_changed")
      .where("entity_id", "=", String(user.id))
      .execute();
    expect(audit).toHaveLength(1);
    // A reload is still English: the root loader answers with the cookie's language.
    const page = await callLoader(root.loader, "/proposals", {
      cookie: header({ ...after, session: "" }),
    });
    expect((page.data as { locale: string }).locale).toBe("en");
  });

  it("not chosen since the last sign-in: the stored preference becomes the page language", async () => {
    const user = await createUser("applicant", { locale: "zh-Hans" });
    // An old cookie from another account on this browser, not a choice just made.
    const res = await callAction(
      login.action,
      "/login",
      { email: user.email, password: TEST_PASSWORD },
      { cookie: "lang=en" },
    );
    expect(browserCookies(res.setCookie).lang).toBe("zh-Hans");
    expect(await storedLocale(user.id)).toBe("zh-Hans");
  });

  it("chosen while signed in, is stored as the preference at once", async () => {
    const { user, cookie } = await signedIn("applicant", { locale: "en" });
    const res = await callAction(
      language.action,
      "/language",
      { lang: "zh-Hans", returnTo: "/proposals" },
      { cookie },
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe("/proposals");
    expect(browserCookies(res.setCookie).lang).toBe("zh-Hans");
    expect(await storedLocale(user.id)).toBe("zh-Hans");
  });

  it("refuses a language it does not know and a way out of the portal", async () => {
    const { user, cookie } = await signedIn("applicant", { locale: "en" });
    const res = await callAction(
      language.action,
      "/language",
      { lang: "fr", returnTo: "https://evil.example/" },
      { cookie },
    );
    expect(res.location).toBe("/");
    expect(res.setCookie).toBeNull();
    expect(await storedLocale(user.id)).toBe("en");
  });
});
