// The Unified Social Credit Code (统一社会信用代码) of a Chinese organisation, GB 32100-2015.
// 18 characters from a 31-character alphabet (no I, O, S, V, Z); the last is a check character.

export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
export const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type UsccResult = "valid" | "checkFailed" | "invalid";

/** The check character for the first 17 characters: (31 − Σ value×weight mod 31) mod 31. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i] ?? "");
    if (value < 0) throw new Error("not a USCC character");
    sum += value * WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * 'valid': pattern and check character match; 'checkFailed': the pattern matches but the check
 * character does not (accepted with a warning and flagged for a manual check, since some genuine
 * early codes fail it); 'invalid': not a USCC at all. Expects upper case (callers upper-case).
 */
export function checkUscc(code: string): UsccResult {
  if (!USCC_PATTERN.test(code)) return "invalid";
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? "valid" : "checkFailed";
}

/**
 * Where a company's claim to its USCC stands when other companies claim the same code (issue 12,
 * item 8): a code is not refused because another account typed it first — the clash is shown to
 * officials and an administrator decides it.
 * - 'sole': no other company claims the code;
 * - 'disputed': others claim it and no resolution covers every claimant (a later claimant opens
 *   the dispute again);
 * - 'holder' / 'rejected': the latest resolution, covering every claimant, named this company /
 *   another one as the code's holder.
 */
export type UsccClaimState = "sole" | "disputed" | "holder" | "rejected";

export function usccClaimState(
  organisationId: number,
  claimants: readonly number[],
  resolution: { holderId: number; decided: readonly number[] } | null,
): UsccClaimState {
  if (claimants.filter((id) => id !== organisationId).length === 0) return "sole";
  if (!resolution || !claimants.every((id) => resolution.decided.includes(id))) return "disputed";
  return resolution.holderId === organisationId ? "holder" : "rejected";
}
