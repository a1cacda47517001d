// Text columns: cutting to a width in code points, the sentinels, status, region and the
// code-point sort order. "Characters" are Unicode code points: MariaDB/MySQL varchar(N) in
// utf8mb4 counts one per code point (an emoji is 1, not 2 UTF-16 units nor 4 bytes).
import { describe, expect, test } from "bun:test";
import { compareCodePoints, cleanStatus, cutToChars, fitText, joinRegion, textOrEmpty, textOrUnknown } from "../../../src/transform/text.ts";
import type { Warnings } from "../../../src/transform/types.ts";

const codePoints = (s: string): number => [...s].length;
/** Valid UTF-8 after encoding: no lone surrogate survived, and decoding gives the same text. */
const validUtf8 = (s: string): boolean =>
  s.isWellFormed() && new TextDecoder("utf-8", { fatal: true }).decode(new TextEncoder().encode(s)) === s;

const EMOJI = "😀"; // U+1F600: 2 UTF-16 units, 4 UTF-8 bytes, 1 code point
const CJK = "漢"; // U+6F22: 1 unit, 3 bytes
const ACCENT = "é"; // U+00E9 precomposed: 1 unit, 2 bytes
const COMBINING = "e\u0301"; // e + combining acute: 2 code points

describe("cutToChars", () => {
  const cases: [label: string, value: string, max: number, expected: string][] = [
    ["fits", "web01", 8, "web01"],
    ["exactly the width", "abcdefgh", 8, "abcdefgh"],
    ["ASCII cut", "abcdefghij", 8, "abcdefgh"],
    ["empty", "", 8, ""],
    ["emoji fit by code points though longer in units", EMOJI.repeat(8), 8, EMOJI.repeat(8)],
    ["emoji cut between code points, never mid-pair", EMOJI.repeat(9), 8, EMOJI.repeat(8)],
    ["a pair straddling the width stays out whole", `abcdefg${EMOJI}x`, 8, `abcdefg${EMOJI}`],
    ["pair right after the width is dropped whole", `abcdefgh${EMOJI}`, 8, "abcdefgh"],
    ["CJK", CJK.repeat(10), 4, CJK.repeat(4)],
    ["accents", ACCENT.repeat(10), 4, ACCENT.repeat(4)],
    // A combining mark is its own code point, so the database would cut there too.
    ["combining mark counted separately", `${COMBINING}${COMBINING}`, 3, `${COMBINING}e`],
    // Regression guard: a lone surrogate counts as one character and does not swallow its neighbour.
    ["lone high surrogate", "ab\ud83dcd", 3, "ab\ud83d"],
    ["width 0", "abc", 0, ""],
  ];
  test.each(cases)("%s", (_label, value, max, expected) => {
    expect(cutToChars(value, max)).toBe(expected);
  });

  test("a 130-character mixed name is cut to exactly 128 code points of valid UTF-8", () => {
    const alphabet = [EMOJI, CJK, ACCENT, "a", "🇩", "Ω", "𝄞", "ß"];
    const name = Array.from({ length: 130 }, (_, i) => alphabet[i % alphabet.length]).join("");
    expect(codePoints(name)).toBe(130);
    expect(name.length).toBeGreaterThan(130); // more UTF-16 units than characters
    const warnings: Warnings = {};
    const cut = fitText(name, 128, "name", warnings);
    expect(codePoints(cut)).toBe(128);
    expect(validUtf8(cut)).toBe(true);
    expect(name.startsWith(cut)).toBe(true);
    expect(warnings).toEqual({ name: 1 });
  });

  test("every width of an all-emoji string gives whole code points", () => {
    const value = `${EMOJI}a${EMOJI}${CJK}${EMOJI}`;
    for (let max = 0; max <= 6; max++) {
      const cut = cutToChars(value, max);
      expect(codePoints(cut)).toBe(Math.min(max, 5));
      expect(validUtf8(cut)).toBe(true);
    }
  });
});

describe("fitText warnings", () => {
  const cases: [value: string, max: number, expected: string, warned: number][] = [
    ["short", 8, "short", 0],
    ["exactly8", 8, "exactly8", 0],
    ["nine char", 8, "nine cha", 1],
    [EMOJI.repeat(8), 8, EMOJI.repeat(8), 0], // 16 units but 8 characters: no cut, no warning
  ];
  test.each(cases)("%p in %p → %p", (value, max, expected, warned) => {
    const warnings: Warnings = {};
    expect(fitText(value, max, "site", warnings)).toBe(expected);
    expect(warnings.site ?? 0).toBe(warned);
  });
});

describe("sentinels", () => {
  const cases: [label: string, actual: () => string, expected: string][] = [
    ["textOrEmpty NULL", () => textOrEmpty(null), ""],
    ["textOrEmpty value", () => textOrEmpty(" r1 "), " r1 "], // kept as stored
    ["textOrUnknown NULL", () => textOrUnknown(null), "<unknown>"],
    ["textOrUnknown value", () => textOrUnknown("Dell"), "Dell"],
    ["textOrUnknown empty is a value", () => textOrUnknown(""), ""],
    ["status lower-cased", () => cleanStatus("Active"), "active"],
    ["status trimmed", () => cleanStatus("  IN USE \t"), "in use"],
    ["status NULL", () => cleanStatus(null), "<unknown>"],
    ["status blank", () => cleanStatus("   "), "<unknown>"],
    ["region both known", () => joinRegion("eu", "a"), "eu-a"],
    ["region without az", () => joinRegion("eu", null), "<unknown>"],
    ["region without region", () => joinRegion(null, "a"), "<unknown>"],
    ["region neither", () => joinRegion(null, null), "<unknown>"],
    ["region blank name", () => joinRegion("eu", " "), "<unknown>"],
  ];
  test.each(cases)("%s", (_label, actual, expected) => {
    expect(actual()).toBe(expected);
  });
});

describe("compareCodePoints", () => {
  const cases: [a: string, b: string, sign: number][] = [
    ["a", "b", -1],
    ["b", "a", 1],
    ["a", "a", 0],
    ["a", "ab", -1], // a prefix sorts first
    ["Web", "web", -1], // binary: upper case before lower case
    ["web", "web ", -1], // trailing blank is a different value
    ["z", "é", -1],
    // U+FF5E (BMP, above the surrogates) vs U+1F600: plain < on UTF-16 units says the emoji
    // is smaller; by code point (utf8mb4_bin) it is larger.
    ["～", EMOJI, -1],
    [EMOJI, "～", 1],
    ["\ue000", "𝄞", -1], // private use U+E000 < U+1D11E
    ["𝄞", EMOJI, -1], // two astral characters: U+1D11E < U+1F600
  ];
  test.each(cases)("%p vs %p → %p", (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
    // Cross-check against the UTF-8 byte order, which is code-point order.
    expect(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))).toBe(sign);
  });
});
