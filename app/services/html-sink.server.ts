// Where a document rendered by React is collected before it is sent (app/entry.server.tsx).
import { Writable } from "node:stream";

/** The most bytes React 18 leaves unwritten at the end of a chunk: a 4-byte character minus one. */
const MAX_UNWRITTEN = 3;

/**
 * A stream that collects React's rendered chunks and hands over the whole document when React
 * ends it.
 *
 * React 18.3's Node renderer encodes into 2,048-byte buffers and, when a multi-byte character
 * does not fit at the end of one, sends the whole buffer anyway: the unwritten bytes at its end go
 * out as NUL (facebook/react#24985, fixed in React 19 by #26228). A Chinese name or answer near
 * such a boundary then reached the page with NUL bytes in it, which the browser turns into U+FFFD
 * inside a script (the loader data that hydrates the page) or an attribute (an input's value,
 * saved back with the next form post). UTF-8 never ends a character with a zero byte, so zero
 * bytes at the end of a chunk are always that padding, and are dropped here.
 */
export function collectHtml(onEnd: (html: ReturnType<typeof Buffer.concat>) => void): Writable {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Uint8Array, _encoding, done) {
      let end = chunk.length;
      while (end > 0 && chunk.length - end < MAX_UNWRITTEN && chunk[end - 1] === 0) end--;
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, end));
      done();
    },
    final(done) {
      onEnd(Buffer.concat(chunks));
      done();
    },
  });
}
