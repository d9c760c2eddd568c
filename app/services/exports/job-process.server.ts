// A board export in a process of its own (docs/decisions/0028-exports-in-their-own-process.md).
//
// Why: an export of a whole call reads every row, builds a workbook or lays out a PDF with 21 MB of
// CJK fonts, and a long-lived Node process keeps what that took: its heap stays grown and glibc's
// arena stays fragmented (measured: a worker that had made one CSV, one XLSX and one PDF export held
// ~75 MB more for good, 250–262 MB against ~172 MB for one that had served the same pages without
// them). A short-lived process gives all of it back when it exits, and its CPU no longer competes
// with the board's requests on the same event loop.
//
// The protocol: the serving process forks the job script with an IPC channel and one extra pipe
// (fd 4) for the file's bytes. It sends the job as the first message; the job answers "ready" once
// it has read what the export needs (so a failure then is still the request's error, before any
// header), writes the bytes to fd 4, and sends "done" with its result when the last byte is
// written. A job that fails sends "failed" with the reason; one that dies or is stopped says
// nothing. The serving process ends the client's stream only after "done" and a clean exit, so a
// half-written file is never taken for a whole one.
import { fork, type ChildProcess, type Serializable } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { once } from "node:events";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { finished } from "node:stream/promises";

/** At most this many export processes per serving process at once; more requests wait their turn. */
export const EXPORT_PROCESSES_PER_WORKER = 2;

/** What a job sends back over its IPC channel. */
type JobMessage =
  { type: "ready" } | { type: "done"; result: unknown } | { type: "failed"; message: string };

/** A job that runs in this process or in its own: the same three steps either way. */
export interface ExportRun<R> {
  /** Settles once the job has read what it needs; rejects with its failure. */
  ready: Promise<void>;
  /** Writes the file into `sink` and ends it; resolves with the job's result. */
  writeTo(sink: PassThrough): Promise<R>;
  /** Stops the job (its reader went away); safe to call at any time, more than once. */
  stop(): void;
}

/**
 * The job's script and the Node options to run it with: the built bundle in production
 * (`npm run build` writes build/jobs/export-job.js), the TypeScript source through tsx otherwise
 * (tests and development, where nothing is built).
 */
function jobScript(): { script: string; execArgv: string[] } {
  const built = path.resolve("build/jobs/export-job.js");
  if (process.env.NODE_ENV === "production") {
    if (!fs.existsSync(built)) {
      throw new Error(`no export job build at ${built}: run npm run build`);
    }
    return { script: built, execArgv: process.execArgv };
  }
  return {
    script: path.resolve("app/jobs/export-job.server.ts"),
    execArgv: [...process.execArgv, "--import", "tsx"],
  };
}

let running = 0;
const waiting: (() => void)[] = [];

async function takeTurn(): Promise<() => void> {
  if (running >= EXPORT_PROCESSES_PER_WORKER) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    waiting.shift()?.();
  };
}

/** Starts `job` in a process of its own (see the top of this file). */
export async function startJobProcess<R>(job: Serializable): Promise<ExportRun<R>> {
  const { script, execArgv } = jobScript();
  const release = await takeTurn();
  let child: ChildProcess;
  try {
    child = fork(script, [], {
      execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc", "pipe"],
      serialization: "advanced",
    });
  } catch (error) {
    release();
    throw error;
  }
  let result: { value: unknown } | null = null;
  let failure: string | null = null;
  const bytes = child.stdio[4] as Readable;
  // Its end is reported by the process's exit; a broken pipe must not throw in this process.
  bytes.on("error", () => undefined);
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) =>
      resolve([code, signal]),
    );
    child.on("error", (error) => {
      failure ??= error.message;
      // A process that could not be started never closes.
      if (child.pid === undefined) resolve([null, null]);
    });
  });
  void closed.then(release);

  let onReady!: () => void;
  let onNotReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onNotReady = reject;
  });
  // Awaited by the caller once this returns; handled here too for a start that throws first.
  ready.catch(() => undefined);
  child.on("message", (message: JobMessage) => {
    if (message.type === "ready") onReady();
    else if (message.type === "done") result = { value: message.result };
    else if (message.type === "failed") failure = message.message;
  });
  const outcome = closed.then(([code, signal]) => {
    if (code === 0 && result) return result.value as R;
    throw new Error(
      failure ?? `the export process ended without finishing (${signal ?? `exit code ${code}`})`,
    );
  });
  // A job that ends before "ready" fails the request; after it, writeTo reports the outcome.
  outcome.then(
    () => onNotReady(new Error("the export process ended before it was ready")),
    (error: Error) => onNotReady(error),
  );
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  try {
    child.send(job);
  } catch (error) {
    // A job that cannot be sent (not plain data): the process would wait for it for ever.
    stop();
    throw error;
  }
  return {
    ready,
    stop,
    async writeTo(sink) {
      // Not ended by the pipe: only a job that finished ends the client's file.
      bytes.pipe(sink, { end: false });
      sink.once("close", stop);
      try {
        const value = await outcome;
        sink.end();
        return value;
      } catch (error) {
        stop();
        throw error;
      }
    },
  };
}

/**
 * The job's side, in the export process: takes the job from the first IPC message, runs it with
 * `run` (whose `ready` and `writeTo` are the in-process ones), and exits. The process also exits
 * when its parent goes away (the channel closes), whatever it was doing.
 */
export async function serveJobProcess(
  run: (job: unknown) => Promise<ExportRun<unknown>>,
): Promise<void> {
  if (!process.send) throw new Error("the export job must be started by a serving process");
  const send = (message: JobMessage) =>
    new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));
  process.once("disconnect", () => process.exit(1));
  const [job] = (await once(process, "message")) as [unknown];
  const out = new net.Socket({ fd: 4, readable: false, writable: true });
  try {
    const started = await run(job);
    await started.ready;
    await send({ type: "ready" });
    const sink = new PassThrough({ highWaterMark: 64 * 1024 });
    sink.pipe(out);
    const result = await started.writeTo(sink);
    await finished(out as Writable);
    await send({ type: "done", result });
    process.exit(0);
  } catch (error) {
    await send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
