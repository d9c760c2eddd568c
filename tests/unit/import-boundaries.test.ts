// The folder import rules of eslint.config.js (docs/decisions/0006-module-boundaries.md), run
// through ESLint's Node API on small in-memory sources: each rule fires on what it forbids, and
// stays quiet on what the layer may import.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, "eslint.config.js") });

/** The restricted-import messages ESLint reports for `source` as if it were the file `file`. */
async function refusals(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, {
    filePath: path.join(root, file),
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports")
    .map((m) => m.message);
}

const cases: { file: string; source: string; refused: boolean }[] = [
  // app/domain: plain rules.
  { file: "app/domain/x.ts", source: `import { x } from "~/models/users.server";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "../models/users.server";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "~/services/db.server";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "~/routes/board.$slug";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "~/components/form";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "@remix-run/node";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "kysely";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "~db/seed";`, refused: true },
  { file: "app/domain/x.ts", source: `import { x } from "~db/schema";`, refused: true },
  { file: "app/domain/x.ts", source: `import type { x } from "~db/schema";`, refused: false },
  { file: "app/domain/x.ts", source: `import { x } from "./scoring";`, refused: false },
  { file: "app/domain/x.ts", source: `import { x } from "~/utils/form";`, refused: false },
  // app/services: infrastructure, no data access of its own, no UI.
  {
    file: "app/services/x.server.ts",
    source: `import { x } from "~/models/audit.server";`,
    refused: true,
  },
  {
    file: "app/services/exports/x.server.ts",
    source: `import { x } from "../../models/a";`,
    refused: true,
  },
  {
    file: "app/services/x.server.ts",
    source: `import { x } from "~/components/form";`,
    refused: true,
  },
  {
    file: "app/services/x.server.ts",
    source: `import { x } from "~/routes/_index";`,
    refused: true,
  },
  {
    file: "app/services/x.server.ts",
    source: `import { x } from "~/services/db.server";`,
    refused: false,
  },
  {
    file: "app/services/x.server.ts",
    source: `import { x } from "~/domain/scoring";`,
    refused: false,
  },
  // app/models: data access, never a route or a component.
  { file: "app/models/x.server.ts", source: `import { x } from "~/routes/_index";`, refused: true },
  {
    file: "app/models/x.server.ts",
    source: `import { x } from "~/components/form";`,
    refused: true,
  },
  {
    file: "app/models/x.server.ts",
    source: `import { x } from "~/services/db.server";`,
    refused: false,
  },
  {
    file: "app/models/x.server.ts",
    source: `import { x } from "~/models/audit.server";`,
    refused: false,
  },
  // app/routes: no demo data.
  { file: "app/routes/x.tsx", source: `import { x } from "~db/seed";`, refused: true },
  {
    file: "app/routes/x.tsx",
    source: `import { x } from "~db/seed/default-criteria";`,
    refused: true,
  },
  {
    file: "app/routes/x.tsx",
    source: `import { x } from "~/models/users.server";`,
    refused: false,
  },
  {
    file: "app/routes/x.tsx",
    source: `import { x } from "~/domain/default-criteria";`,
    refused: false,
  },
];

describe("folder import rules", () => {
  it.each(cases)("$file: `$source` refused=$refused", async ({ file, source, refused }) => {
    const messages = await refusals(file, source);
    if (refused) expect(messages).toHaveLength(1);
    else expect(messages).toEqual([]);
  });
});
