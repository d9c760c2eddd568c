// Streaming uploads: multipart bodies are parsed by busboy as they arrive, never buffered whole.
// Each file is counted and written to the document store (app/services/document-store.server.ts:
// the upload directory or the database) while it streams, which hashes it (SHA-256); its type is
// read from its first bytes (file-type), not from its name or the browser's word. A file that
// breaks a rule (empty, too large, over the proposal's quota, wrong type, one too many) is refused
// as soon as the rule is broken: the partial document is deleted and the rest of its bytes are
// read and dropped, so the other fields and files of the same form still arrive.
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createCookie } from "@remix-run/node";
import busboy from "busboy";
import { fileTypeFromBuffer } from "file-type";
import { MAX_PROPOSAL_BYTES } from "~/domain/documents";
import { DocumentStoreError, getDocumentStore, type DocumentWriter } from "./document-store.server";
import { getEnv } from "./env.server";
import { readBodyCapped } from "./form-body.server";

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export { MAX_PROPOSAL_BYTES };
/** The text fields of an upload form (and a url-encoded post to an upload route) fit in 1 MB. */
const FIELDS_ROOM = 1024 * 1024;
/**
 * The largest request body any route accepts: an upload form holding a full proposal's quota,
 * one file refused over it and the text fields. The request boundary refuses anything larger.
 */
export const MAX_UPLOAD_REQUEST_BYTES = MAX_PROPOSAL_BYTES + MAX_FILE_BYTES + FIELDS_ROOM;
/** file-type reads at most this many bytes to recognise a format. */
const SNIFF_BYTES = 4100;
const MAX_NAME_CHARS = 120;

export const MIME_PDF = "application/pdf";
export const MIME_JPEG = "image/jpeg";
export const MIME_PNG = "image/png";

export const EXTENSION_FOR_MIME: Record<string, string> = {
  [MIME_PDF]: ".pdf",
  [MIME_JPEG]: ".jpg",
  [MIME_PNG]: ".png",
};

export type UploadProblem = "empty" | "tooLarge" | "quota" | "type" | "tooMany";

export interface StoredFile {
  field: string;
  originalName: string;
  storedName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
}

export interface RejectedFile {
  field: string;
  originalName: string;
  problem: UploadProblem;
}

export interface UploadPolicy {
  /** MIME types accepted for a file field, or null: the field is not a file field here (dropped). */
  allowedTypes(field: string): readonly string[] | null;
  /** Asked before a file is stored, with how many files of that field this request already holds. */
  admit?(field: string, acceptedInRequest: number): UploadProblem | null;
  /** Bytes the proposal already stores (counted against maxTotalBytes). */
  bytesAlreadyStored: number;
  maxFileBytes?: number;
  maxTotalBytes?: number;
}

export interface ParsedUpload {
  fields: URLSearchParams;
  files: StoredFile[];
  rejected: RejectedFile[];
}

/** A request that cannot be read as a form at all (413 too large, 400 malformed). */
export class UploadRequestError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = "UploadRequestError";
  }
}

/** The directory of the local document store (DOCUMENT_STORE=local, the default on SQLite). */
export function uploadDir(): string {
  return path.resolve(getEnv().UPLOAD_DIR);
}

/** Deletes a stored document from the document store (nothing happens when there is none). */
export async function deleteStoredFile(storedName: string): Promise<void> {
  await getDocumentStore().delete(storedName);
}

export async function deleteStoredFiles(files: readonly { storedName: string }[]): Promise<void> {
  await Promise.all(files.map((f) => deleteStoredFile(f.storedName).catch(() => undefined)));
}

/** The name offered to the browser ends with the extension of the type the file really has. */
export function downloadName(originalName: string, mimeType: string): string {
  const ext = EXTENSION_FOR_MIME[mimeType] ?? "";
  const lower = originalName.toLowerCase();
  if (!ext || lower.endsWith(ext) || (ext === ".jpg" && lower.endsWith(".jpeg"))) {
    return originalName;
  }
  return originalName + ext;
}

/** Content-Disposition with an ASCII fallback and the UTF-8 name per RFC 5987 / RFC 6266. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A file name fit to show and to offer back on download: the last path segment only, without
 * control or invisible formatting characters (right-to-left overrides that disguise "gpj.exe" as
 * "exe.jpg", zero-width spaces), without characters Windows forbids, spaces collapsed, at most
 * 120 characters with the extension kept.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize("NFC");
  name = name.split(/[/\\]/).pop() ?? "";
  name = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/gu, "");
  name = name.replace(/[<>:"|?*]/g, "_");
  name = name.replace(/\s+/gu, " ").trim();
  name = name.replace(/^[.\s]+/, "");
  const chars = Array.from(name);
  if (chars.length > MAX_NAME_CHARS) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? "";
    name =
      chars
        .slice(0, MAX_NAME_CHARS - ext.length)
        .join("")
        .trimEnd() + ext;
  }
  return name || "document";
}

async function sniff(head: Buffer, allowed: readonly string[]): Promise<string | null> {
  const type = await fileTypeFromBuffer(head);
  return type && allowed.includes(type.mime) ? type.mime : null;
}

/** Passes the raw body through, stopping a request larger than any legitimate form could be. */
async function* capBytes(source: AsyncIterable<Buffer>, cap: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    seen += chunk.length;
    if (seen > cap) throw new UploadRequestError(413, "Request body too large");
    yield chunk;
  }
}

const NUL_REFUSED = "A field holds the character U+0000";

/**
 * Whether a text field holds U+0000: refused, as readForm refuses it, since PostgreSQL cannot
 * store it in text (the write answered 500 there) and no typed text holds it.
 */
function holdsNul(fields: URLSearchParams): boolean {
  for (const [, value] of fields) if (value.includes("\u0000")) return true;
  return false;
}

/**
 * Reads a multipart/form-data (or url-encoded) request: text fields come back as URLSearchParams,
 * accepted files are already in the document store under a random key (the caller records them in
 * the database or calls deleteStoredFiles), refused files are listed with the reason.
 */
export async function parseUploadRequest(
  request: Request,
  policy: UploadPolicy,
): Promise<ParsedUpload> {
  const maxFile = policy.maxFileBytes ?? MAX_FILE_BYTES;
  const maxTotal = policy.maxTotalBytes ?? MAX_PROPOSAL_BYTES;
  // Room for a full quota of files plus one refused file and the text fields.
  const requestCap = maxTotal + maxFile + FIELDS_ROOM;
  const contentType = request.headers.get("Content-Type") ?? "";
  const declaredLength = Number(request.headers.get("Content-Length") ?? "0");
  if (declaredLength > requestCap) throw new UploadRequestError(413, "Request body too large");

  if (!/^multipart\/form-data/i.test(contentType)) {
    if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
      // A form without files is small: refused at 1 MB, read no further (issue 12, item 3).
      let body: Buffer;
      try {
        body = await readBodyCapped(request, FIELDS_ROOM);
      } catch (error) {
        if (error instanceof Response)
          throw new UploadRequestError(error.status === 413 ? 413 : 400, "Form too large");
        throw error;
      }
      const fields = new URLSearchParams(body.toString("utf8"));
      if (holdsNul(fields)) throw new UploadRequestError(400, NUL_REFUSED);
      return { fields, files: [], rejected: [] };
    }
    throw new UploadRequestError(400, "Expected a form");
  }
  if (!request.body) throw new UploadRequestError(400, "Empty request");

  const store = getDocumentStore();

  const fields = new URLSearchParams();
  const files: StoredFile[] = [];
  const rejected: RejectedFile[] = [];
  const acceptedPerField = new Map<string, number>();
  let acceptedBytes = 0;
  const pending: Promise<void>[] = [];
  const active = new Set<Readable>();
  const writers = new Set<DocumentWriter>();

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      limits: { fieldNameSize: 200, fieldSize: 64 * 1024, fields: 500, files: 30, parts: 600 },
    });
  } catch {
    throw new UploadRequestError(400, "Malformed multipart form");
  }

  const order = new Map<string, number>();

  async function receive(
    field: string,
    stream: Readable,
    info: { filename?: string | undefined },
    position: number,
  ): Promise<void> {
    const allowed = policy.allowedTypes(field);
    if (!allowed) {
      stream.resume();
      return;
    }
    const rawName = info.filename ?? "";
    const originalName = sanitizeFileName(rawName);
    let size = 0;
    let problem: UploadProblem | null = null;
    let head: Buffer[] = [];
    let headLength = 0;
    let mime: string | null = null;
    let out: DocumentWriter | null = null;

    let admitted = false;
    // Counts are reserved as soon as a file is admitted and its bytes as they arrive, because the
    // parts of a small form can all be in flight at once.
    const release = () => {
      if (admitted) acceptedPerField.set(field, (acceptedPerField.get(field) ?? 1) - 1);
      acceptedBytes -= reservedBytes;
      reservedBytes = 0;
      admitted = false;
    };
    let reservedBytes = 0;
    const abandon = async () => {
      release();
      head = [];
      if (out) {
        const writer = out;
        out = null;
        writers.delete(writer);
        await writer.abort().catch(() => undefined);
      }
    };
    const startWriting = async (bytes: Buffer) => {
      out = store.createWriter();
      writers.add(out);
      await out.write(bytes);
    };

    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (problem) continue; // drain what is left of a refused file
        if (size === 0) {
          problem = policy.admit?.(field, acceptedPerField.get(field) ?? 0) ?? null;
          if (!problem) {
            admitted = true;
            acceptedPerField.set(field, (acceptedPerField.get(field) ?? 0) + 1);
          }
        }
        size += chunk.length;
        if (!problem && size > maxFile) problem = "tooLarge";
        if (!problem && policy.bytesAlreadyStored + acceptedBytes + chunk.length > maxTotal)
          problem = "quota";
        if (problem) {
          await abandon();
          continue;
        }
        acceptedBytes += chunk.length;
        reservedBytes += chunk.length;
        if (mime === null) {
          head.push(chunk);
          headLength += chunk.length;
          if (headLength < SNIFF_BYTES) continue;
          const bytes = Buffer.concat(head);
          head = [];
          mime = await sniff(bytes, allowed);
          if (!mime) {
            problem = "type";
            await abandon();
            continue;
          }
          await startWriting(bytes);
        } else {
          await out!.write(chunk);
        }
      }
      if (size === 0) {
        // A file input left empty still sends a part, with no file name and no bytes.
        if (rawName !== "") rejected.push({ field, originalName, problem: "empty" });
        return;
      }
      if (!problem && mime === null) {
        const bytes = Buffer.concat(head);
        mime = await sniff(bytes, allowed);
        if (mime) await startWriting(bytes);
        else problem = "type";
      }
      if (problem) {
        await abandon();
        rejected.push({ field, originalName, problem });
        return;
      }
      const writer = out!;
      const stored = await writer.commit();
      writers.delete(writer);
      order.set(stored.key, position);
      files.push({
        field,
        originalName,
        storedName: stored.key,
        mimeType: mime!,
        sizeBytes: stored.size,
        sha256: stored.sha256,
      });
    } catch (error) {
      await abandon();
      throw error;
    }
  }

  bb.on("field", (name, value, info) => {
    if (!info.nameTruncated && !info.valueTruncated) fields.append(name, value);
  });
  bb.on("file", (field, stream, info) => {
    // A truncated body makes busboy destroy the open file stream with "Unexpected end of form";
    // the request fails through bb's own error, so the file stream's copy must not go unheard
    // (an error event without a listener would crash the process).
    stream.on("error", () => undefined);
    active.add(stream);
    stream.once("close", () => active.delete(stream));
    const job = receive(field, stream, info, pending.length);
    job.catch(() => undefined); // observed below with allSettled
    pending.push(job);
  });

  const finished = new Promise<void>((resolve, reject) => {
    bb.once("close", resolve);
    // `on`, not `once`: busboy can emit a second error on a broken body (from _final), and an
    // error event without a listener would crash the process.
    bb.on("error", reject);
  });
  try {
    const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream);
    await Promise.all([pipeline(capBytes(source, requestCap), bb), finished]);
    const results = await Promise.allSettled(pending);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (error) {
    for (const stream of active) stream.destroy(error instanceof Error ? error : undefined);
    await Promise.allSettled(pending);
    await deleteStoredFiles(files);
    await Promise.all([...writers].map((w) => w.abort().catch(() => undefined)));
    if (error instanceof UploadRequestError) throw error;
    // Storage trouble (disk full, permissions, the database) is the server's problem, not the
    // request's.
    if (error instanceof DocumentStoreError) throw error;
    if (error && typeof (error as { code?: unknown }).code === "string") {
      const code = (error as { code: string }).code;
      if (code.startsWith("E") && code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
    }
    throw new UploadRequestError(400, error instanceof Error ? error.message : "Malformed form");
  }
  if (holdsNul(fields)) {
    await deleteStoredFiles(files);
    throw new UploadRequestError(400, NUL_REFUSED);
  }
  // Files finish at different moments; give them back in the order of the form.
  files.sort((a, b) => (order.get(a.storedName) ?? 0) - (order.get(b.storedName) ?? 0));
  return { fields, files, rejected };
}

/**
 * What an upload post did, carried across its redirect (post/redirect/get) in a short-lived
 * signed cookie, so that a reload never posts the files again. Keys are field names, values are
 * encoded messages (see utils/form `msg`).
 */
export interface UploadFlash {
  proposalId: number;
  notices: string[];
  errors: Record<string, string>;
}

let flashCookie: ReturnType<typeof createCookie> | undefined;
function getFlashCookie() {
  if (!flashCookie) {
    const env = getEnv();
    flashCookie = createCookie("__upload_flash", {
      httpOnly: true,
      sameSite: "lax",
      secure: env.PUBLIC_BASE.startsWith("https:"),
      path: "/",
      secrets: env.SESSION_SECRETS,
      maxAge: 300,
    });
  }
  return flashCookie;
}

const MAX_FLASH_CHARS = 1800;

/** Set-Cookie header carrying the flash (trimmed to fit in a cookie). */
export async function commitUploadFlash(flash: UploadFlash): Promise<string> {
  let value = flash;
  if (JSON.stringify(value).length > MAX_FLASH_CHARS) {
    value = { ...flash, notices: flash.notices.map((n) => n.slice(0, 60)).slice(0, 5) };
  }
  if (JSON.stringify(value).length > MAX_FLASH_CHARS) {
    value = {
      ...value,
      errors: Object.fromEntries(
        Object.entries(value.errors).map(([k, v]) => [k, v.slice(0, 200)]),
      ),
    };
  }
  return getFlashCookie().serialize(value);
}

/** The flash for this proposal, if any, and the Set-Cookie header that clears it. */
export async function readUploadFlash(
  request: Request,
  proposalId: number,
): Promise<{ flash: UploadFlash | null; clear: string | null }> {
  const value = (await getFlashCookie().parse(request.headers.get("Cookie"))) as unknown;
  if (!value || typeof value !== "object") return { flash: null, clear: null };
  const clear = await getFlashCookie().serialize("", { maxAge: 0 });
  const flash = value as UploadFlash;
  if (flash.proposalId !== proposalId || !Array.isArray(flash.notices))
    return { flash: null, clear };
  return { flash, clear };
}
