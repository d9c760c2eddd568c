// Streaming plumbing shared by the exports: a producer writes bytes into a Node stream, every byte
// passes through a SHA-256 hash on its way out, and the web Response reads it with backpressure.
// When the producer has written the last byte the hash is final and `onComplete` runs (the audit
// row) BEFORE the response body ends, so a client that received the whole file knows it is logged.
import crypto from "node:crypto";
import { PassThrough, Transform, type Readable, type Writable } from "node:stream";

export interface StreamOutcome {
  sha256: string;
  bytes: number;
}

/** Resolves once `out` can take more (its buffer is below the high-water mark) or is gone. */
export async function waitForRoom(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", done);
  });
}

/** Thrown into a producer whose reader has gone away, so that it stops reading the database. */
export class ExportCancelled extends Error {
  constructor() {
    super("export cancelled: the client went away");
  }
}

/** Stops a producer as soon as its sink is gone (client went away, or the stream failed). */
export function assertOpen(sink: Writable): void {
  if (sink.destroyed) throw new ExportCancelled();
}

/**
 * Waits while a readable that pushes regardless of demand (pdfkit) has a full buffer because its
 * reader (`sink`) is slow; throws ExportCancelled when the sink goes away meanwhile.
 */
export async function waitForReadable(src: Readable, sink: Writable): Promise<void> {
  while (!src.destroyed && src.readableLength > src.readableHighWaterMark) {
    assertOpen(sink);
    await new Promise<void>((resolve) => {
      const done = () => {
        src.off("data", done);
        src.off("close", done);
        src.off("error", done);
        sink.off("close", done);
        resolve();
      };
      src.on("data", done);
      src.on("close", done);
      src.on("error", done);
      sink.on("close", done);
    });
  }
  assertOpen(sink);
}

/** Gives the event loop a turn (lets zip and PDF writers flush between pages of rows). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface StreamedExport {
  /** The body for `new Response(body)`. */
  body: ReadableStream<Uint8Array>;
}

/**
 * Runs `produce(sink)`: everything written to `sink` is hashed and streamed out. `produce` must end
 * the sink (or pipe into it) when done. `onComplete` gets the SHA-256 of every byte and the byte
 * count; `onFailure` runs when the producer fails or the client goes away before the end.
 */
export function streamExport(options: {
  produce: (sink: PassThrough) => Promise<void>;
  onComplete: (outcome: StreamOutcome) => Promise<void>;
  onFailure?: (reason: unknown, outcome: StreamOutcome) => Promise<void>;
  /**
   * The request's signal: aborted when the client disconnects. Remix's Node adapter keeps reading
   * the body after a disconnect (it does not cancel it), so this is how production stops early.
   */
  signal?: AbortSignal;
}): StreamedExport {
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  let settled = false;
  const settle = async (fn: () => Promise<void>) => {
    if (settled) return;
    settled = true;
    await fn();
  };
  const sink = new PassThrough({ highWaterMark: 64 * 1024 });
  let produced: Promise<void> = Promise.resolve();
  const hasher = new Transform({
    highWaterMark: 64 * 1024,
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      const outcome = { sha256: hash.digest("hex"), bytes };
      // The producer may still be tallying (rows counted after its last write): wait for it.
      produced
        .then(() => settle(() => options.onComplete(outcome)))
        .then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    },
  });
  sink.pipe(hasher);
  // Errors reach the reader through the iterator below; this keeps a late one from crashing.
  hasher.on("error", () => undefined);
  const fail = (reason: unknown) => {
    void settle(async () => {
      await options.onFailure?.(reason, { sha256: "", bytes });
    }).catch(() => undefined);
  };
  sink.on("error", (error) => {
    fail(error);
    hasher.destroy(error);
  });

  const abandon = (reason: unknown) => {
    fail(reason ?? new Error("client went away"));
    sink.destroy();
    hasher.destroy();
  };
  if (options.signal) {
    const signal = options.signal;
    if (signal.aborted) queueMicrotask(() => abandon(signal.reason));
    else signal.addEventListener("abort", () => abandon(signal.reason), { once: true });
  }

  const iterator = hasher[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const body = new ReadableStream<Uint8Array>(
    {
      start() {
        produced = options.produce(sink);
        produced.catch((error: unknown) => {
          fail(error);
          sink.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      },
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else
            controller.enqueue(
              new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.length),
            );
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel(reason) {
        abandon(reason);
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  return { body };
}

/** The headers every export sends: a download, never sniffed, never cached. */
export function exportHeaders(contentType: string, disposition: string): Headers {
  return new Headers({
    "Content-Type": contentType,
    "Content-Disposition": disposition,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
  });
}
