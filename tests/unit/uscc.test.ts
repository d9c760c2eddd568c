import { describe, expect, it } from "vitest";
import { checkUscc, usccCheckCharacter, usccClaimState } from "~/domain/uscc";

describe("USCC (GB 32100-2015)", () => {
  it("accepts the known-good codes", () => {
    expect(checkUscc("91110000600037341L")).toBe("valid");
    expect(checkUscc("91350100M000100Y43")).toBe("valid");
  });

  it("computes the check character from the first 17 characters", () => {
    expect(usccCheckCharacter("91110000600037341")).toBe("L");
    expect(usccCheckCharacter("91350100M000100Y4")).toBe("3");
  });

  it("a code that matches the pattern but not its check character is 'checkFailed'", () => {
    expect(checkUscc("91110000600037341A")).toBe("checkFailed");
    expect(checkUscc("91350100M000100Y40")).toBe("checkFailed");
  });

  it("rejects what is not a USCC", () => {
    expect(checkUscc("")).toBe("invalid");
    expect(checkUscc("91110000600037341")).toBe("invalid"); // 17 characters
    expect(checkUscc("91110000600037341LL")).toBe("invalid"); // 19
    expect(checkUscc("9111000060003734IL")).toBe("invalid"); // I is not in the alphabet
    expect(checkUscc("91A10000600037341L")).toBe("invalid"); // positions 3-8 are digits
    expect(checkUscc("91110000600037341l")).toBe("invalid"); // callers upper-case first
  });
});

describe("usccClaimState (issue 12, item 8)", () => {
  it("sole, disputed until a resolution covers every claimant, then holder or rejected", () => {
    expect(usccClaimState(1, [1], null)).toBe("sole");
    expect(usccClaimState(1, [1, 2], null)).toBe("disputed");
    const resolution = { holderId: 2, decided: [1, 2] };
    expect(usccClaimState(1, [1, 2], resolution)).toBe("rejected");
    expect(usccClaimState(2, [1, 2], resolution)).toBe("holder");
    // A later claimant opens the dispute again.
    expect(usccClaimState(2, [1, 2, 3], resolution)).toBe("disputed");
  });
});
