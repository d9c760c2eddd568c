// Text limits count characters (code points), not UTF-16 units: 2,000 characters of Chinese or
// emoji are 2,000, whatever JavaScript's string length says. characterCount must count exactly
// as `[...text].length` does, lone surrogates included.
import { describe, expect, it } from "vitest";
import { decodeMsg } from "~/utils/form";
import { characterCount, textCheck } from "~/schemas/fields";

const samples = [
  "",
  "a",
  "Islamabad City Data Platform",
  "贵州云数据科技有限公司",
  "😀",
  "a😀b😀😀",
  "👩‍💻 team", // a ZWJ sequence: several code points
  "e\u0301", // a combining accent: two code points
  "\ud83d", // a lone high surrogate
  "\ude00", // a lone low surrogate
  "x\ud83dy",
  "\ude00\ud83d", // low then high: not a pair
  "\ud83d\ud83d\ude00", // a lone high surrogate, then a pair
  "末尾😀\ud83d",
];

describe("characterCount", () => {
  it("counts code points exactly as [...text].length does", () => {
    for (const s of samples) expect(characterCount(s)).toBe([...s].length);
    // Random strings over the awkward ranges.
    const pool = ["a", "中", "😀", "\ud83d", "\ude00", "\u0301", " "];
    let seed = 7;
    for (let n = 0; n < 500; n++) {
      let s = "";
      const len = n % 40;
      for (let i = 0; i < len; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        s += pool[seed % pool.length];
      }
      expect(characterCount(s)).toBe([...s].length);
    }
  });
});

describe("textCheck", () => {
  const check = textCheck({ min: 2, max: 5 });
  const code = (v: string) => {
    const r = check(v);
    return r === null ? null : decodeMsg(r).key;
  };

  it("counts an emoji or a Chinese character as one character", () => {
    expect(code("😀😀😀😀😀")).toBeNull(); // 5 characters, 10 UTF-16 units
    expect(code("😀😀😀😀😀😀")).toBe("validation.tooLong");
    expect(code("数据中心平台")).toBe("validation.tooLong");
    expect(code("数据")).toBeNull();
    expect(code("😀")).toBe("validation.tooShort"); // 1 character, 2 units
    expect(code("")).toBe("validation.required");
  });
});
