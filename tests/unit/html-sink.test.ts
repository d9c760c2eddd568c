// React 18's Node renderer pads a 2,048-byte chunk with NUL bytes when a multi-byte character
// does not fit at its end (facebook/react#24985); collectHtml, which app/entry.server.tsx sends
// documents through, must hand over exactly the document React meant.
import { Writable } from "node:stream";
import { createElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { collectHtml } from "~/services/html-sink.server";

/** A page of Chinese text after `pad` ASCII characters, so that its 3-byte characters fall across 2,048-byte boundaries at every offset as pad varies. */
function page(pad: number) {
  const name = "呼和浩特华信信息技术有限公司";
  return createElement(
    "main",
    null,
    createElement("p", null, "x".repeat(pad)),
    ...Array.from({ length: 60 }, (_, i) => createElement("p", { key: i, title: name }, name)),
  );
}

function render(element: ReturnType<typeof page>, sink: (onEnd: (b: Buffer) => void) => Writable) {
  return new Promise<Buffer>((resolve, reject) => {
    const { pipe } = renderToPipeableStream(element, {
      onAllReady: () => pipe(sink(resolve)),
      onShellError: reject,
    });
  });
}

/** What a plain collector (the entry's before this fix) receives. */
function plainSink(onEnd: (b: Buffer) => void) {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
    final(done) {
      onEnd(Buffer.concat(chunks));
      done();
    },
  });
}

describe("collectHtml", () => {
  it("reproduces React 18's NUL padding with a plain collector (remove collectHtml's workaround once this fails on React 19)", async () => {
    const padded = await Promise.all([0, 1, 2].map((pad) => render(page(pad), plainSink)));
    expect(padded.some((html) => html.includes(0))).toBe(true);
  });

  it("hands over the document React rendered, without NUL bytes, wherever the characters fall", async () => {
    for (const pad of [0, 1, 2, 3, 4, 5]) {
      const html = await render(page(pad), collectHtml);
      expect(html.includes(0), `pad ${pad}`).toBe(false);
      expect(html.toString("utf8")).toBe(renderToString(page(pad)));
    }
  });
});
