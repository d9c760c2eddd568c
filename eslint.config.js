import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Module boundaries (docs/decisions/0006-module-boundaries.md): data flows one way, route →
// (schema, domain, models, services) → db. Each folder lists what it must not import; a pattern
// matches the `~/` alias and a relative path alike ("~/models/x", "../models/x").
const folder = (name) => `^(~/|(\\.\\./)+)${name}(/|$)`;
const forbid = (regex, message, extra = {}) => ({ regex, message, ...extra });
const NO_MODELS = forbid(
  folder("models"),
  "No data access here: a query is a model function (app/models) that the caller passes in or calls.",
);
const NO_SERVICES = forbid(folder("services"), "app/domain is plain rules: no infrastructure.");
const NO_ROUTES = forbid(folder("routes"), "Nothing imports a route: routes are the top layer.");
const NO_COMPONENTS = forbid(
  folder("components"),
  "No UI here: shared words and formats live in app/utils or app/i18n.",
);
const BOUNDARIES = {
  "app/domain/**": [
    NO_MODELS,
    NO_SERVICES,
    NO_ROUTES,
    NO_COMPONENTS,
    forbid(
      "^(@remix-run/|react$|react-dom)",
      "app/domain is plain TypeScript: no Remix, no React.",
    ),
    forbid("^(kysely|better-sqlite3)($|/)", "app/domain never touches the database."),
    // The stored vocabularies (ProposalStatus, CallStatus, Role) may be named, never queried.
    forbid("^(~db/|(\\.\\./)+db/)", "app/domain never touches the database (types only).", {
      allowTypeImports: true,
    }),
  ],
  "app/services/**": [NO_MODELS, NO_COMPONENTS, NO_ROUTES],
  "app/models/**": [NO_ROUTES, NO_COMPONENTS],
  "app/routes/**": [
    forbid(
      "^(~db/|(\\.\\./)+db/)seed(/|$)",
      "Routes import no demo data: defaults the product needs live in app/domain.",
    ),
  ],
};

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "data/**", "coverage/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "no-console": "off",
    },
  },
  ...Object.entries(BOUNDARIES).map(([glob, patterns]) => ({
    files: [glob],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
  })),
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: {
      // Node's globals used by the plain-JavaScript scripts (server.mjs, bench, scripts).
      globals: Object.fromEntries(
        [
          "process",
          "console",
          "URL",
          "URLSearchParams",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "clearInterval",
          "Headers",
          "Request",
          "Response",
          "AbortController",
          "fetch",
          "Buffer",
          "performance",
          "FormData",
          "Blob",
          "TextEncoder",
          "TextDecoder",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
);
