// Form helpers shared by every route: nested field names, NFKC normalisation, and zod issues
// turned into per-field message references that the page translates.
import type { z } from "zod";
import { hasMessage, type MessageKey, type Translate } from "~/i18n";

/**
 * A validation message is a dictionary key, optionally with values for its placeholders,
 * encoded as `key` or `key|{"min":5}` so that zod schemas stay client-safe and language-free.
 */
export function msg(key: string, vars?: Record<string, string | number>): string {
  return vars ? `${key}|${JSON.stringify(vars)}` : key;
}

export function decodeMsg(encoded: string): {
  key: string;
  vars?: Record<string, string | number>;
} {
  const bar = encoded.indexOf("|");
  if (bar === -1) return { key: encoded };
  try {
    return { key: encoded.slice(0, bar), vars: JSON.parse(encoded.slice(bar + 1)) };
  } catch {
    return { key: encoded.slice(0, bar) };
  }
}

/**
 * What a field is called inside a sentence: `<prefix><path without row numbers>` (for the
 * proposal, messages/field-names.ts), the row's number as {n}; a field without a name of its own
 * takes its parent's (capex.amount → capex).
 */
export function fieldNounKey(
  name: string,
  prefix = "field.",
): { key: MessageKey; n: number } | null {
  const row = /\[(\d+)\]/.exec(name);
  const path = name.replace(/\[\d+\]/g, "");
  const n = row ? Number(row[1]) + 1 : 1;
  for (let p = path; p; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    if (hasMessage(`${prefix}${p}`)) return { key: `${prefix}${p}` as MessageKey, n };
  }
  return null;
}

/**
 * An encoded message in words. When the message has a `.named` variant and the field is known
 * (`noun`, or the field's name looked up under `prefix`), the variant is used with the question
 * as {field}: "Enter the company's legal name in English" rather than "Enter a value".
 */
export function errorText(
  t: Translate,
  encoded: string,
  opts: { name?: string; noun?: string; prefix?: string | null } = {},
): string {
  const { key, vars } = decodeMsg(encoded);
  const named = `${key}.named`;
  if (opts.name !== undefined && hasMessage(named)) {
    const known = opts.noun || !opts.prefix ? null : fieldNounKey(opts.name, opts.prefix);
    const field = opts.noun ?? (known ? t(known.key, { n: known.n }) : null);
    if (field) return t(named, { ...vars, field });
  }
  return t(key as MessageKey, vars);
}

/** Field path ("capex.amount", "references[0].site") → encoded message. */
export type FieldErrors = Record<string, string>;

export function pathToName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const part of path) {
    if (typeof part === "number") name += `[${part}]`;
    else name += name ? `.${String(part)}` : String(part);
  }
  return name;
}

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const name = pathToName(issue.path) || "_form";
    if (!(name in out)) out[name] = issue.message;
  }
  return out;
}

const MAX_INDEX = 100;

/**
 * What a typed value is stored as. Chinese input methods often produce full-width digits, letters
 * and signs ("１２０", "＋８６"): a value that NFKC turns entirely into ASCII is stored that way,
 * so codes, numbers, e-mail addresses and phone numbers validate. Any other text (Chinese prose
 * with its own full-width punctuation "，（）：") is kept exactly as typed, as fields.md requires.
 */
export function normaliseInput(value: string): string {
  const nfkc = value.normalize("NFKC");
  return /^[\t\n\r\x20-\x7e]*$/.test(nfkc) ? nfkc.trim() : value.trim();
}

/**
 * FormData → nested object. "a.b" makes objects, "a[0].b" makes arrays, a repeated key makes an
 * array of its values; every string goes through normaliseInput (full-width codes and numbers
 * become ASCII, other text is kept as typed) and is trimmed. Files are left out (uploads are handled by their own parser).
 */
export function formDataToObject(form: FormData | URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of form.entries()) {
    if (typeof rawValue !== "string") continue;
    const value = normaliseInput(rawValue);
    const parts = parseName(rawKey);
    if (!parts) continue;
    let node: any = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const nextIsIndex = typeof parts[i + 1] === "number";
      if (node[part] === undefined || typeof node[part] !== "object")
        node[part] = nextIsIndex ? [] : {};
      node = node[part];
    }
    const last = parts[parts.length - 1]!;
    if (seen.has(rawKey)) {
      node[last] = Array.isArray(node[last]) ? [...node[last], value] : [node[last], value];
    } else {
      node[last] = value;
      seen.add(rawKey);
    }
  }
  return root;
}

function parseName(name: string): (string | number)[] | null {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(name))) {
    if (m[1] !== undefined) {
      if (m[1] === "__proto__" || m[1] === "constructor" || m[1] === "prototype") return null;
      parts.push(m[1]);
    } else {
      const index = Number(m[2]);
      if (index > MAX_INDEX) return null;
      parts.push(index);
    }
    consumed += m[0].length;
  }
  const dots = (name.match(/\./g) ?? []).length;
  if (!parts.length || consumed + dots !== name.length) return null;
  return parts;
}

/** Reads a value at a dotted/bracketed name from a nested object (to refill fields). */
export function getAt(obj: unknown, name: string): unknown {
  const parts = parseName(name);
  if (!parts) return undefined;
  let node: any = obj;
  for (const p of parts) {
    if (node == null || typeof node !== "object") return undefined;
    node = node[p];
  }
  return node;
}
