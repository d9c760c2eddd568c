// Characters that must never reach an XML document (the XLSX workbook is XML inside a zip): what
// XML 1.0 forbids (C0 controls other than tab, line feed and carriage return; lone surrogates;
// U+FFFE and U+FFFF) and every Unicode noncharacter (U+FDD0–U+FDEF and the last two code points of
// each of the 17 planes). A workbook holding one is refused by strict readers (openpyxl) and opened
// with the row emptied by others (LibreOffice). Input refuses them (app/schemas/fields.ts); the
// workbook writer strips them again from every text cell, for rows that did not come through a
// form (imports, older data, direct inserts).

const PLANE_NONCHARACTERS = Array.from({ length: 16 }, (_, i) => {
  const plane = (i + 1).toString(16).toUpperCase();
  return `\\u{${plane}FFFE}\\u{${plane}FFFF}`;
}).join("");

const FORBIDDEN_SOURCE =
  "[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uD800-\\uDFFF\\uFDD0-\\uFDEF\\uFFFE\\uFFFF" +
  PLANE_NONCHARACTERS +
  "]";

// With the u flag a surrogate range matches only unpaired surrogates (a pair is one code point).
const FORBIDDEN_ONE = new RegExp(FORBIDDEN_SOURCE, "u");
const FORBIDDEN_ALL = new RegExp(FORBIDDEN_SOURCE, "gu");

/** Whether the text holds a character XML 1.0 forbids or a Unicode noncharacter. */
export function hasForbiddenXmlChar(text: string): boolean {
  return FORBIDDEN_ONE.test(text);
}

/** The text without the characters hasForbiddenXmlChar finds (unchanged, and cheap, otherwise). */
export function stripForbiddenXmlChars(text: string): string {
  return FORBIDDEN_ONE.test(text) ? text.replace(FORBIDDEN_ALL, "") : text;
}
