// Preloaded into the server under test by `npm run bench -- --profile` (node --import): times every
// SQLite statement the server runs (better-sqlite3's all/get/run/iterate) and, when the process
// exits, writes the totals per SQL text to $BENCH_SQL_TIMING. Nothing in the app changes; a CPU
// profile shows SQLite's time as kysely's executeQuery, this says which statements it was.
import fs from "node:fs";
import { createRequire } from "node:module";

const out = process.env.BENCH_SQL_TIMING;
if (out) {
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3");
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  const stats = new Map();
  const record = (sql, ms, rows) => {
    let s = stats.get(sql);
    if (!s) stats.set(sql, (s = { calls: 0, ms: 0, rows: 0, maxMs: 0 }));
    s.calls++;
    s.ms += ms;
    s.rows += rows;
    if (ms > s.maxMs) s.maxMs = ms;
  };
  for (const method of ["all", "get", "run"]) {
    const original = proto[method];
    proto[method] = function (...args) {
      const started = performance.now();
      const result = original.apply(this, args);
      const rows = method === "all" ? result.length : method === "get" ? (result ? 1 : 0) : 0;
      record(this.source, performance.now() - started, rows);
      return result;
    };
  }
  const iterate = proto.iterate;
  proto.iterate = function* (...args) {
    const it = iterate.apply(this, args);
    let ms = 0;
    let rows = 0;
    try {
      while (true) {
        const started = performance.now();
        const next = it.next();
        ms += performance.now() - started;
        if (next.done) break;
        rows++;
        yield next.value;
      }
    } finally {
      it.return?.();
      record(this.source, ms, rows);
    }
  };
  const dump = (file) => {
    const rows = [...stats.entries()].map(([sql, s]) => ({ sql, ...s }));
    fs.writeFileSync(file, JSON.stringify(rows));
    stats.clear();
  };
  // The harness marks the end of each scenario with SIGUSR2: the statements so far go to
  // <file>.<n> and the counts start again.
  let part = 0;
  process.on("SIGUSR2", () => dump(`${out}.${++part}`));
  process.on("exit", () => dump(out));
}
