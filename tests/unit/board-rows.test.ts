// The board's rows are built as a string (docs/decisions/0027-board-rows-as-html.md): whatever an
// applicant typed must reach the page as text, escaped exactly as React escapes it.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { boardRowsHtml, type BoardRowView } from "~/components/board-rows";
import { escapeHtml } from "~/utils/html";

const HOSTILE = [
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `Xi'an & Sons <b>“Cloud”</b>`,
  `' onmouseover='alert(1)`,
  "呼和浩特华信信息技术有限公司",
];

function row(over: Partial<BoardRowView> = {}): BoardRowView {
  return {
    proposalId: 7,
    rank: 3,
    reference: "CDA-2026-0007",
    companyEn: "Hohhot Huaxin Information Technology Co., Ltd.",
    companyZh: "呼和浩特华信信息技术有限公司",
    title: "Margalla Tier IV",
    tracks: ["tier4DataCentre", "bigDataPlatform"],
    investmentUsdCents: 15_700_000_000,
    reviewsSubmitted: 2,
    reviewsRequired: 3,
    provisional: true,
    score: 71.234567,
    calibratedScore: null,
    gatesSummary: "split",
    qualifies: false,
    flags: ["Gate g1 split evenly"],
    decision: "shortlisted",
    override: "2 of 3 reviews",
    ...over,
  };
}

describe("escapeHtml", () => {
  it.each(HOSTILE)("escapes %s as React does, in text and in attributes", (text) => {
    expect(`<td>${escapeHtml(text)}</td>`).toBe(
      renderToStaticMarkup(createElement("td", null, text)),
    );
    expect(`<a href="${escapeHtml(text)}"></a>`).toBe(
      renderToStaticMarkup(createElement("a", { href: text })),
    );
  });
});

describe("boardRowsHtml", () => {
  it("shows every typed value as text and never as markup", () => {
    for (const text of HOSTILE) {
      const html = boardRowsHtml(
        [row({ companyEn: text, companyZh: text, title: text, flags: [text], override: text })],
        () => `/board/x/7?q=${text}`,
      );
      expect(html).not.toMatch(/<(script|img|b)[\s>]/);
      // No tag the string opens carries an event handler: with the quoted attribute values set
      // aside (escaped text holds no raw quote), no tag has an on…= attribute.
      expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son\w+=/);
      expect(html.split(escapeHtml(text)).length - 1).toBe(6);
    }
  });

  it("gives each proposal one row of twelve cells, linked to its breakdown, in the order given", () => {
    const html = boardRowsHtml(
      [
        row({ proposalId: 1, rank: 1, reference: "CDA-2026-0001" }),
        row({ proposalId: 2, rank: 2, reference: null }),
      ],
      (r) => `/board/demo/${r.proposalId}?page=2&sort=score`,
    );
    const rows = html.match(/<tr>.*?<\/tr>/g)!;
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.match(/<td[ >]/g)).toHaveLength(12);
    expect(rows[0]).toContain(
      `<a data-discover="true" href="/board/demo/1?page=2&amp;sort=score">CDA-2026-0001</a>`,
    );
    expect(rows[1]).toContain(`>#2</a>`);
  });

  it("writes the values as the board shows them: money, reviews, scores to 2 decimals, tags", () => {
    const html = boardRowsHtml([row()], () => "/b");
    expect(html).toContain(`<td class="num">$157,000,000</td>`);
    expect(html).toContain(`2 / 3<br/><span class="tag tag--yellow">Provisional</span>`);
    expect(html).toContain(`<td class="num">71.23</td><td class="num">—</td>`);
    expect(html).toContain(`<span class="tag tag--yellow">Split: needs moderation</span>`);
    expect(html).toContain(`<span class="tag tag--grey">Does not qualify</span>`);
    expect(html).toContain(`<td>Tier IV data centre, Big data platform</td>`);
    expect(html).toContain(
      `<span class="tag tag--green">Shortlisted</span><br/><span class="tag tag--red">Override</span> <span class="hint">2 of 3 reviews</span>`,
    );
    expect(
      boardRowsHtml([row({ flags: [], decision: null, override: null })], () => "/b"),
    ).toContain(`<td>None</td><td>—</td></tr>`);
  });
});
