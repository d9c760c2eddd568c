// Packages a worker seldom needs, loaded on first use instead of at start-up (issue 18: a worker
// that only serves pages should neither wait for nor hold them). Measured on this machine, each
// alone: exceljs ~1.5 s and ~24 MB, pdfkit ~0.9 s and ~25 MB, zxcvbn's dictionaries ~0.6 s and
// ~40 MB, nodemailer ~0.3 s. Each is a CommonJS package, required synchronously, so callers keep
// their synchronous signatures; the first call pays the load once per process.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** A getter that loads the CommonJS package `name` on its first call and returns it ever after. */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
