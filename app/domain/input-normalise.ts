// What a good portal accepts and how it is turned into the one form the rules check (issue 14,
// point 8). Plain functions, no Remix, no database: the step schemas apply them to answers before
// validation, in the browser and on the server alike (schemas/normalise.ts says which to which).
import { USCC_ALPHABET } from "./uscc";

/** Separators people put between groups of three digits: comma, space, no-break and thin spaces, apostrophe. */
const GROUP = "[,\\s\\u00a0\\u2009\\u202f']";
const GROUPED = new RegExp(`^([+-]?)(\\d{1,3}(?:${GROUP}\\d{3})+)(\\.\\d+)?$`);

/**
 * A number as typed → plain digits: full-width digits and signs become ASCII (NFKC: "１２０" →
 * "120", "１，２５０" → "1,250"), grouping separators between groups of three digits go
 * ("1,250,000,000" → "1250000000", "1 250 000.50" → "1250000.50"). Anything that is not a
 * grouped number is returned as it was (trimmed), for the rules to refuse with their message:
 * "1,25" stays "1,25" (a comma is never taken for a decimal point).
 */
export function normaliseNumber(value: string): string {
  const v = value.normalize("NFKC").trim();
  const m = GROUPED.exec(v);
  if (!m) return v;
  return `${m[1]}${m[2]!.replace(new RegExp(GROUP, "g"), "")}${m[3] ?? ""}`;
}

const HOST_FIRST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?(?:[/?#]\S*)?$/i;

/**
 * A web address as typed → one with a scheme: "www.example.cn" and "example.com.cn/about" become
 * "https://…" (what every browser's address bar does); an address that already says http:// or
 * https:// is kept (the scheme in lower case). Anything else is returned trimmed, for the rule to
 * refuse.
 */
export function normaliseUrl(value: string): string {
  const v = value.normalize("NFKC").trim();
  if (!v) return v;
  const scheme = /^(https?):\/\//i.exec(v);
  if (scheme) return `${scheme[1]!.toLowerCase()}://${v.slice(scheme[0].length)}`;
  if (HOST_FIRST.test(v)) return `https://${v}`;
  return v;
}

/**
 * A date as typed → ISO 8601 (YYYY-MM-DD), the form the hint shows: "2027/3/31", "2027.03.31"
 * and "2027年3月31日" become "2027-03-31". Anything else is returned trimmed for the rule to refuse.
 */
export function normaliseDate(value: string): string {
  const v = value.normalize("NFKC").trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(v);
  if (!m) return v;
  return `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
}

/**
 * A USCC as typed → upper case without the spaces and hyphens people copy with it, when that
 * leaves 18 letters and digits; anything else is kept as typed (trimmed) for the message to
 * point at.
 */
export function normaliseUscc(value: string): string {
  const compact = value.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  return /^[0-9A-Z]{18}$/.test(compact) ? compact : value.trim();
}

/** Letters the USCC alphabet leaves out because they look like digits, and the digit meant. */
const LOOKALIKE: Record<string, string> = { O: "0", I: "1", Z: "2", S: "5" };

export type UsccProblem =
  | { kind: "length"; length: number }
  /** A letter the code never uses (I, O, S, V, Z); `digit` is the digit it is usually mistaken for. */
  | { kind: "letter"; char: string; position: number; digit: string | null }
  /** Characters 3 to 8 (the region code) are digits only. */
  | { kind: "digit"; char: string; position: number }
  /** Anything else that is not in the alphabet (punctuation, Chinese characters…). */
  | { kind: "character"; char: string; position: number };

/**
 * Why a (normalised) code is not a USCC, pointing at the first character at fault with its
 * 1-based position, or null when it has the USCC's form (the check character is checkUscc's
 * business: a failed check is accepted with a warning).
 */
export function usccProblem(code: string): UsccProblem | null {
  const chars = [...code];
  for (let i = 0; i < chars.length && i < 18; i++) {
    const c = chars[i]!;
    const position = i + 1;
    if (USCC_ALPHABET.includes(c)) {
      if (position >= 3 && position <= 8 && !/\d/.test(c))
        return { kind: "digit", char: c, position };
      continue;
    }
    if (/^[A-Z]$/.test(c))
      return { kind: "letter", char: c, position, digit: LOOKALIKE[c] ?? null };
    return { kind: "character", char: c, position };
  }
  if (chars.length !== 18) return { kind: "length", length: chars.length };
  return null;
}
