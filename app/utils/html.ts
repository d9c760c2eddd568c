// Escaping for the few places that build HTML as a string instead of through React (the ranking
// board's rows: docs/decisions/0027-board-rows-as-html.md). Everything interpolated into such a
// string goes through one of these; text typed by applicants (company names, titles) included.

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

/**
 * Text made safe for an element's content or a double- or single-quoted attribute value: the
 * five characters that can end either are replaced by their entities, as React does.
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
