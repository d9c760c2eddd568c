// The board's exports made in a process of their own (EXPORT_PROCESS=child, the production
// default; docs/decisions/0028-exports-in-their-own-process.md), seen from outside: the process
// exists while the file is made and is gone after it, the file and its audit row are what the
// serving process would have made itself, a process that dies mid-file never yields a completed
// file or audit row, a client that goes away stops its process, and no more than
// EXPORT_PROCESSES_PER_WORKER run at once. (The formats themselves: exports.test.ts, which runs
// the same code in the serving process.) Here the job runs from its TypeScript source through tsx;
// the built bundle is exercised by the benchmark and the e2e server.
import crypto from "node:crypto";
import fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as csvRoute from "~/routes/board.$slug.export[.csv]";
import * as xlsxRoute from "~/routes/board.$slug.export[.xlsx]";
import { rebuildCallScores } from "~/models/score-read-model.server";
import { getDb } from "~/services/db.server";
import { EXPORT_PROCESSES_PER_WORKER } from "~/services/exports/job-process.server";
import { BASE, testContext } from "../support/remix";
import { createUser, signedIn } from "../support/factories";

// Read when the first export runs (getEnv), after this line.
process.env.EXPORT_PROCESS = "child";

const SLUG = "export-process";
let callId = 0;
let official: Awaited<ReturnType<typeof signedIn>>;

beforeAll(async () => {
  const db = getDb();
  official = await signedIn("official");
  const call = await db
    .insertInto("calls")
    .values({
      slug: SLUG,
      title_en: "Export process call",
      title_zh: "导出进程",
      opens_at: "2026-01-01T00:00:00.000Z",
      closes_at: "2027-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  callId = call.id;
  const owner = await createUser("applicant");
  // Large enough (about 1 MB of CSV; the buffers between the export process and the client hold
  // under 0.5 MB) that a file its client has not read keeps its process waiting on the full pipe.
  await db
    .insertInto("proposals")
    .values(
      Array.from({ length: 3000 }, (_, i) => ({
        call_id: callId,
        owner_id: owner.id,
        status: "submitted" as const,
        reference: `CDA-2026-${String(i + 1).padStart(4, "0")}`,
        title: `A long enough title for proposal number ${i}, with its site, its capacity and its partner named in full as applicants write them`,
        tracks: "tier4DataCentre",
        company_en: `Company ${i} Data Infrastructure Holdings Ltd`,
        company_zh: `第${i}数据基础设施控股有限公司`,
        submitted_at: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
      })),
    )
    .execute();
  await db.transaction().execute((trx) => rebuildCallScores(trx, callId));
});

type Route = typeof csvRoute | typeof xlsxRoute;

function exportRequest(route: Route, kind: string, signal?: AbortSignal) {
  return route.loader({
    request: new Request(new URL(`/board/${SLUG}/export.${kind}`, BASE), {
      headers: { Cookie: official.cookie },
      signal,
    }),
    params: { slug: SLUG },
    context: testContext,
  }) as Promise<Response>;
}

/** The export processes this test process has started and that are still running. */
function exportProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== process.pid || fields[0] === "Z") continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes("export-job")) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Polls a condition (a busy machine may take a while; vitest's expect.poll fails at the bound). */
const WAIT = { timeout: 60_000, interval: 25 };

async function auditRows(action: string) {
  return getDb()
    .selectFrom("audit_log")
    .select(["id", "after_json"])
    .where("action", "=", action)
    .where("call_id", "=", callId)
    .orderBy("id")
    .execute();
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    chunks.push(value);
  }
}

describe("an export in its own process", () => {
  it("runs while the file is made, ends after it, and is audited with the hash of the bytes", async () => {
    const before = (await auditRows("export.csv")).length;
    const response = await exportRequest(csvRoute, "csv");
    expect(response.status).toBe(200);
    // Nothing read yet: the process waits on the full pipe, alive.
    expect(exportProcesses()).toHaveLength(1);
    const body = await readAll(response.body!.getReader());
    const lines = body.subarray(3).toString("utf8").trim().split("\r\n");
    expect(lines).toHaveLength(3001);
    expect(lines[1]).toMatch(/^1,CDA-2026-\d{4},Company \d+ Data Infrastructure Holdings Ltd,第/);
    await expect.poll(() => exportProcesses().length, WAIT).toBe(0);
    const rows = await auditRows("export.csv");
    expect(rows).toHaveLength(before + 1);
    expect(JSON.parse(rows.at(-1)!.after_json!)).toMatchObject({
      completed: true,
      rows: 3000,
      bytes: body.length,
      sha256: crypto.createHash("sha256").update(body).digest("hex"),
    });
  });

  it("never ends the file or audits it as complete when its process dies mid-file", async () => {
    const before = (await auditRows("export.xlsx")).length;
    const response = await exportRequest(xlsxRoute, "xlsx");
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    // Alive: it waits on the file's unread rest.
    expect(exportProcesses()).toHaveLength(1);
    const [pid] = exportProcesses();
    process.kill(pid!, "SIGKILL");
    await expect(readAll(reader)).rejects.toThrow(/export process ended without finishing/);
    await expect.poll(async () => (await auditRows("export.xlsx")).length, WAIT).toBe(before + 1);
    const rows = await auditRows("export.xlsx");
    expect(JSON.parse(rows.at(-1)!.after_json!)).toMatchObject({ completed: false });
  });

  it("stops its process when the client goes away", async () => {
    const controller = new AbortController();
    const response = await exportRequest(xlsxRoute, "xlsx", controller.signal);
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    expect(exportProcesses()).toHaveLength(1);
    controller.abort();
    await expect.poll(() => exportProcesses().length, WAIT).toBe(0);
    await expect(readAll(reader)).rejects.toBeDefined();
  });

  it(`runs at most ${EXPORT_PROCESSES_PER_WORKER} at once; the next waits for a turn`, async () => {
    const first = await Promise.all(
      Array.from({ length: EXPORT_PROCESSES_PER_WORKER }, () => exportRequest(csvRoute, "csv")),
    );
    expect(exportProcesses()).toHaveLength(EXPORT_PROCESSES_PER_WORKER);
    let answered = false;
    const next = exportRequest(csvRoute, "csv").then((r) => {
      answered = true;
      return r;
    });
    // Every running process waits on its unread file: the next request cannot have started one.
    await new Promise((r) => setTimeout(r, 500));
    expect(answered).toBe(false);
    expect(exportProcesses()).toHaveLength(EXPORT_PROCESSES_PER_WORKER);
    await readAll(first[0]!.body!.getReader());
    const third = await next;
    const bodies = await Promise.all([third, first[1]!].map((r) => readAll(r.body!.getReader())));
    for (const body of bodies) expect(body.subarray(3).toString("utf8")).toContain("CDA-2026-3000");
    await expect.poll(() => exportProcesses().length, WAIT).toBe(0);
  });
});
