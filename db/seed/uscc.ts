// Unified Social Credit Codes (GB 32100-2015) for the demo companies.
import { USCC_ALPHABET, usccCheckCharacter } from "~/domain/uscc";

/**
 * A code for an enterprise (registration authority 9, type 1) registered in `division` (six-digit
 * administrative division code) with a nine-character organisation code `body`.
 */
export function makeUscc(division: string, body: string): string {
  const first17 = `91${division}${body}`;
  return first17 + usccCheckCharacter(first17);
}

/** The same code with a wrong check character (the demo's "needs a manual check" case). */
export function breakCheck(code: string): string {
  const good = code[17]!;
  const wrong = USCC_ALPHABET[(USCC_ALPHABET.indexOf(good) + 7) % 31]!;
  return code.slice(0, 17) + wrong;
}
