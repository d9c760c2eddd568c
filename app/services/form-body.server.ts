// Reading a posted form safely. `request.formData()` throws on a body it cannot parse (a wrong
// Content-Type, broken multipart, invalid encoding) and reads a body of any size into memory;
// an action would answer either with a 500. Here a body over the limit is refused with 413 and
// an unreadable one with 400, before any action logic runs. (Document uploads have their own
// streaming parser with their own limits: app/services/uploads.server.ts.)

/** Forms without files are small: 2 MB leaves room for the longest text fields several times over. */
export const MAX_FORM_BYTES = 2 * 1024 * 1024;

const UNREADABLE = "The form could not be read. Go back, reload the page and try again.";

export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i.test(type)) {
    throw new Response(UNREADABLE, { status: 400 });
  }
  const body = await readBodyCapped(request, maxBytes);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { "Content-Type": type },
    }).formData();
  } catch {
    throw new Response(UNREADABLE, { status: 400 });
  }
  // No text a person types holds U+0000, and PostgreSQL cannot store it in a text column: the
  // write failed there with a 500 (SQLite kept it). Refused here, for every form, on both.
  for (const [, value] of form) {
    if (typeof value === "string" && value.includes("\u0000"))
      throw new Response(UNREADABLE, { status: 400 });
  }
  return form;
}

/**
 * The whole body of a request, refused with 413 as soon as it is known to be over `maxBytes`:
 * from its Content-Length before a byte is read, or while it streams (a chunked body has no
 * length), so at most `maxBytes` plus one chunk is ever held. A body that breaks off is a 400.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > maxBytes) throw new Response("The form is too large.", { status: 413 });
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw new Response(UNREADABLE, { status: 400 });
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new Response("The form is too large.", { status: 413 });
      }
      chunks.push(next.value);
    }
  }
  return Buffer.concat(chunks);
}
