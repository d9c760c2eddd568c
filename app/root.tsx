import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  data,
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { getTranslator } from "~/i18n";
import { dictionaryHref } from "~/i18n/catalog.server";
import { DEFAULT_LOCALE, localeFromRequest, type Locale } from "~/i18n/locales";
import { SessionTimeout } from "~/components/session-timeout";
import { getUser, homePathFor, idleTimeoutFor, type SessionUser } from "~/services/session.server";
import stylesHref from "~/styles/app.css?url";
import { useRequestId } from "~/utils/request-id";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const locale = localeFromRequest(request);
  return data({
    locale,
    // The browser fetches the page language's words before hydrating (app/entry.client.tsx).
    dictionaryHref: dictionaryHref(locale),
    requestId: context?.requestId ?? null,
    cspNonce: context?.cspNonce,
    user: user ? { name: user.display_name, role: user.role, home: homePathFor(user.role) } : null,
    idleTimeoutMs: user ? idleTimeoutFor(user.role) : null,
  });
}

type RootData = {
  locale: Locale;
  dictionaryHref: string;
  requestId: string | null;
  cspNonce?: string;
  user: { name: string; role: SessionUser["role"]; home: string } | null;
  idleTimeoutMs?: number | null;
};

/**
 * The language switch: a form (works without JavaScript) posting to /language, which remembers
 * the choice and, for a signed-in person, stores it as the account's preference (issue 14,
 * point 6). A plain form, not Remix's: the whole page comes back in the new language.
 */
function LanguageSwitch({ locale }: { locale: Locale }) {
  const location = useLocation();
  const returnTo = location.pathname + location.search;
  const t = getTranslator(locale);
  const choices = [
    { value: "en", label: "English" },
    { value: "zh-Hans", label: "简体中文" },
  ] as const;
  return (
    <nav className="lang-switch" aria-label={t("site.language")}>
      <form method="post" action="/language">
        <input type="hidden" name="returnTo" value={returnTo} />
        <ul>
          {choices.map((c) => (
            <li key={c.value}>
              {locale === c.value ? (
                <span aria-current="true">{c.label}</span>
              ) : (
                <button
                  type="submit"
                  name="lang"
                  value={c.value}
                  lang={c.value}
                  className="lang-switch__button"
                >
                  {c.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      </form>
    </nav>
  );
}

function Header({ data }: { data: RootData | undefined }) {
  const locale = data?.locale ?? DEFAULT_LOCALE;
  const t = getTranslator(locale);
  const user = data?.user;
  return (
    <header className="site-header">
      <div className="width-container site-header__inner">
        <a href="/" className="site-header__brand">
          <span className="site-header__mark" aria-hidden="true">
            CDA
          </span>
          <span>
            <span className="site-header__name">{t("site.name")}</span>
            <span className="site-header__authority">{t("site.authority")}</span>
          </span>
        </a>
        <LanguageSwitch locale={locale} />
      </div>
      <nav className="site-nav" aria-label={t("nav.main")}>
        <ul className="width-container site-nav__list">
          <li>
            <a href="/">{t("nav.calls")}</a>
          </li>
          {user?.role === "applicant" ? (
            <li>
              <a href="/proposals">{t("nav.myProposals")}</a>
            </li>
          ) : null}
          {user && user.role !== "applicant" ? (
            <li>
              <a href="/review">{t("nav.review")}</a>
            </li>
          ) : null}
          {user && (user.role === "official" || user.role === "admin") ? (
            <li>
              <a href="/admin">{t("nav.admin")}</a>
            </li>
          ) : null}
          <li className="site-nav__spacer" />
          {user ? (
            <>
              <li>
                <a href="/account">{t("nav.account")}</a>
              </li>
              <li>
                <form method="post" action="/logout" className="inline-form">
                  <button type="submit" className="link-button">
                    {t("nav.signOut")}
                  </button>
                </form>
              </li>
            </>
          ) : (
            <>
              <li>
                <a href="/login">{t("nav.signIn")}</a>
              </li>
              <li>
                <a href="/register">{t("nav.register")}</a>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData("root") as RootData | undefined;
  const locale = data?.locale ?? DEFAULT_LOCALE;
  const t = getTranslator(locale);
  const nonce = data?.cspNonce;
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {data?.dictionaryHref ? (
          <link
            rel="preload"
            id="dictionary"
            href={data.dictionaryHref}
            as="fetch"
            crossOrigin="anonymous"
          />
        ) : null}
      </head>
      <body>
        <a href="#main-content" className="skip-link">
          {t("site.skip")}
        </a>
        <Header data={data} />
        <div className="width-container">
          <main id="main-content" className="main" tabIndex={-1}>
            {children}
          </main>
        </div>
        <footer className="site-footer">
          <div className="width-container">
            <p>{t("site.footer.purpose")}</p>
            <p>{t("site.footer.contact", { email: "investment@cda.gov.pk" })}</p>
            <p>{t("site.footer.times")}</p>
          </div>
        </footer>
        {data?.user && data.idleTimeoutMs ? (
          <SessionTimeout idleTimeoutMs={data.idleTimeoutMs} />
        ) : null}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  // Marks the document once React has hydrated it: browser tests wait on this condition instead
  // of sleeping until the page's scripts have probably run.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData("root") as RootData | undefined;
  const requestId = useRequestId(data?.requestId);
  const t = getTranslator(data?.locale ?? DEFAULT_LOCALE);
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <>
        <title>{t("error.notFound.title")}</title>
        <h1>{t("error.notFound.title")}</h1>
        <p>{t("error.notFound.body")}</p>
        <p>
          <a href="/">{t("error.home")}</a>
        </p>
      </>
    );
  }
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <>
        <title>{t("error.forbidden.title")}</title>
        <h1>{t("error.forbidden.title")}</h1>
        <p>{t("error.forbidden.body")}</p>
        <p>
          <a href="/">{t("error.home")}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <title>{t("error.title")}</title>
      <h1>{t("error.title")}</h1>
      <p>{t("error.body")}</p>
      {requestId ? (
        <p data-request-id={requestId}>
          <strong>{t("error.reference", { id: requestId })}</strong>
        </p>
      ) : null}
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </>
  );
}
