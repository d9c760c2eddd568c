// proposals.status has one writer, models/proposal-lifecycle.server.ts (architecture.md, "Owners
// of state"). This scans the application and the seed for any other write: an update of the
// proposals table whose set() names the status, or sets a value the scan cannot see into (unless
// it is typed ProposalColumns, which leaves the status out and so is checked by the compiler), raw
// SQL updating it, or a proposal created in any status but draft.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const OWNER = "app/models/proposal-lifecycle.server.ts";
/**
 * The seed inserts its demo proposals directly in the state their back-dated history left them
 * (with the audit rows that narrate that history): it builds a past, it does not replay one, and
 * the lifecycle's checks (an open call, a deadline ahead of the clock) would refuse the replay.
 */
const INSERT_EXEMPT = new Set(["db/seed/index.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** The text of the balanced (…) group opening at `open`. */
function group(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** Problems with one file's writes to proposals (empty when it writes no status). */
export function statusWrites(path: string, text: string): string[] {
  const problems: string[] = [];
  const line = (i: number) => text.slice(0, i).split("\n").length;
  for (const m of text.matchAll(/updateTable\(\s*["'`]proposals(?:\s+as\s+\w+)?["'`]\s*\)/g)) {
    const chain = text.slice(m.index, text.indexOf(";", m.index) + 1 || undefined);
    const setAt = chain.indexOf(".set(");
    if (setAt === -1) continue;
    const arg = group(chain, setAt + 4).trim();
    const where = `${path}:${line(m.index)}`;
    if (/^\{/.test(arg) || /^\(\w*\)\s*=>/.test(arg)) {
      if (/\bstatus\b\s*[:,}]|["']status["']\s*:/.test(arg)) problems.push(`${where} sets status`);
      for (const spread of arg.matchAll(/\.\.\.\s*([\w.]+)/g))
        if (!typedWithoutStatus(text, spread[1]!))
          problems.push(`${where} spreads ${spread[1]} into set()`);
    } else if (!typedWithoutStatus(text, arg)) {
      problems.push(`${where} sets ${arg}, which may hold a status`);
    }
  }
  for (const m of text.matchAll(/update\s+["`]?proposals["`]?\s+set\b[^`;]*\bstatus\b/gi))
    problems.push(`${path}:${line(m.index)} raw SQL sets status`);
  if (!INSERT_EXEMPT.has(path))
    for (const m of text.matchAll(/insertInto\(\s*["'`]proposals["'`]\s*\)/g)) {
      const values = text.slice(m.index, text.indexOf(";", m.index));
      const status = /\bstatus\s*:\s*([^,\n}]+)/.exec(values);
      if (status && status[1]!.trim() !== '"draft"')
        problems.push(`${path}:${line(m.index)} creates a proposal as ${status[1]!.trim()}`);
    }
  return problems;
}

/** `name` is declared with the ProposalColumns type (the status left out by the compiler). */
function typedWithoutStatus(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\b${escaped}\\??\\s*:\\s*ProposalColumns\\b`).test(text);
}

describe("proposals.status has one writer", () => {
  it("is written nowhere in app/ or db/seed but models/proposal-lifecycle.server.ts", () => {
    const problems = [...files(join(ROOT, "app")), ...files(join(ROOT, "db", "seed"))]
      .map((path) => relative(ROOT, path).split("\\").join("/"))
      .filter((path) => path !== OWNER)
      .flatMap((path) => statusWrites(path, readFileSync(join(ROOT, path), "utf8")));
    expect(problems).toEqual([]);
  });

  it("catches the writes it is meant to catch", () => {
    const scan = (code: string) => statusWrites("x.ts", code);
    expect(
      scan(
        `await trx.updateTable("proposals").set({ status: "withdrawn" }).where("id", "=", 1).execute();`,
      ),
    ).toHaveLength(1);
    expect(
      scan(`db.updateTable("proposals").set({ status, updated_at: at }).execute();`),
    ).toHaveLength(1);
    expect(scan(`db.updateTable("proposals").set(changes).execute();`)).toHaveLength(1);
    expect(scan(`db.updateTable("proposals").set({ ...changes, title }).execute();`)).toHaveLength(
      1,
    );
    expect(
      scan("await sql`update proposals set status = 'rejected' where id = 1`.execute(db);"),
    ).toHaveLength(1);
    expect(
      scan(`db.insertInto("proposals").values({ call_id: 1, status: "submitted" }).execute();`),
    ).toHaveLength(1);
    // …and leaves alone what is not a status write.
    expect(scan(`db.updateTable("proposals").set({ updated_at: at }).execute();`)).toEqual([]);
    expect(
      scan(`const u: ProposalColumns = {}; db.updateTable("proposals").set(u).execute();`),
    ).toEqual([]);
    expect(scan(`db.updateTable("reviews").set({ status: "returned" }).execute();`)).toEqual([]);
    expect(
      scan(`db.insertInto("proposals").values({ call_id: 1, status: "draft" }).execute();`),
    ).toEqual([]);
  });
});
