#!/usr/bin/env node
// First step of `npm test`: the system programs the tests need besides node_modules. Chromium
// drives the browser tests; pdftotext (poppler-utils) reads the PDFs the tests generate. Where one
// is missing and packages can be installed (root with apt-get), it installs them from Debian, as
// a fresh CI machine needs; otherwise it stops at once with the exact command to run.
// CDA_NO_INSTALL=1 never installs (it only checks). Plain Node: runs before anything is built.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const onPath = (name) =>
  (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, name)));

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const missing = [];
/** Debian package → the program the tests use from it. */
const what = { chromium: "Chromium", "poppler-utils": "pdftotext" };
if (!fs.existsSync(chromium) && !onPath("chromium")) missing.push("chromium");
if (!onPath("pdftotext")) missing.push("poppler-utils");
if (missing.length === 0) process.exit(0);

const install = `apt-get install -y ${missing.join(" ")}`;
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (process.env.CDA_NO_INSTALL === "1" || !isRoot || !onPath("apt-get")) {
  const command = isRoot
    ? `apt-get update && ${install}`
    : `sudo apt-get update && sudo ${install}`;
  console.error(
    `npm test needs ${missing.map((p) => `${what[p]} (Debian package ${p})`).join(" and ")}, ` +
      `which this machine lacks. Install with:\n\n  ${command}\n\n` +
      (missing.includes("chromium")
        ? `or point CHROMIUM_PATH at an existing Chromium, then run npm test again.\n`
        : `then run npm test again.\n`),
  );
  process.exit(1);
}

console.log(`Installing from Debian: ${missing.join(" ")}`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
const result = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
