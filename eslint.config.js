import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

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
