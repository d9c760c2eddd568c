// `npm test` starts with scripts/test-prerequisites.mjs: on a machine without Chromium or
// pdftotext where it may not install them, it must stop at once and print the exact command.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = path.resolve(import.meta.dirname, "../../scripts/test-prerequisites.mjs");
const bin = fs.mkdtempSync(path.join(os.tmpdir(), "cda-prereq-"));
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [SCRIPT], {
    env: {
      NODE_ENV: "test",
      CHROMIUM_PATH: path.join(bin, "no-chromium"),
      CDA_NO_INSTALL: "1",
      PATH: bin,
      ...env,
    },
    encoding: "utf8",
    timeout: 10_000,
  });

describe("npm test's prerequisites", () => {
  it("stops with the exact install command when Chromium and pdftotext are missing", () => {
    const result = run({});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("apt-get install -y chromium poppler-utils");
    expect(result.stderr).toContain("pdftotext");
  });

  it("names only what is missing, and passes once both are there", () => {
    const pdftotext = path.join(bin, "pdftotext");
    fs.writeFileSync(pdftotext, "#!/bin/sh\n", { mode: 0o755 });
    const onlyChromium = run({});
    expect(onlyChromium.status).toBe(1);
    expect(onlyChromium.stderr).toContain("apt-get install -y chromium\n");
    const chromium = path.join(bin, "chromium");
    fs.writeFileSync(chromium, "#!/bin/sh\n", { mode: 0o755 });
    const ready = run({ CHROMIUM_PATH: chromium });
    expect(ready.stderr).toBe("");
    expect(ready.status).toBe(0);
  });
});
