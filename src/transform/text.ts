// Text columns: cut to the column width on a code-point boundary, and the sentinels for
// unknown values. Pure; a cut is reported through the caller's Warnings.
//
// "Characters" are Unicode code points: MariaDB/MySQL count varchar(N) in utf8mb4 per code
// point (a 4-byte emoji is one character, a combining accent is its own character), and
// SQLite's length() counts the same. JS strings are UTF-16, so an astral code point is two
// units; a cut never separates them, which keeps the result valid UTF-8. (A grapheme such as
// e + U+0301 or a ZWJ emoji family may still be split between its code points, exactly where
// the database itself would cut.)
import type { Warnings } from "./types.ts";
import { warn } from "./warnings.ts";

/** The fact table's "unknown" sentinel for labels (status, manufacturer, team, …). */
export const UNKNOWN = "<unknown>";

/**
 * `value` cut to at most `maxChars` code points; unchanged when it fits.
 * A lone surrogate (impossible from a UTF-8 decoder, possible in hand-made strings) counts
 * as one code point, as it would once encoded as U+FFFD.
 */
export function cutToChars(value: string, maxChars: number): string {
  // Code points ≤ UTF-16 units: a string no longer than the width in units always fits.
  if (value.length <= maxChars) return value;
  let chars = 0;
  let i = 0;
  const n = value.length;
  while (i < n) {
    if (chars === maxChars) return value.slice(0, i);
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: step over both.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < n) {
      const next = value.charCodeAt(i + 1);
      i += next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    } else {
      i += 1;
    }
    chars += 1;
  }
  return value;
}

/** `value` cut to `maxChars` code points, counting one warning on `column` when cut. */
export function fitText(value: string, maxChars: number, column: string, warnings: Warnings): string {
  if (value.length <= maxChars) return value;
  const cut = cutToChars(value, maxChars);
  if (cut.length !== value.length) warn(warnings, column);
  return cut;
}

/** The source text, or '' when NULL (name, serialnumber, site, rack). */
export function textOrEmpty(value: string | null): string {
  return value ?? "";
}

/** The source text, or '<unknown>' when NULL (manufacturer, model, asset_type, owner). */
export function textOrUnknown(value: string | null): string {
  return value ?? UNKNOWN;
}

/** servers_asset.status trimmed and lower-cased; '<unknown>' when NULL or blank. */
export function cleanStatus(value: string | null): string {
  if (value === null) return UNKNOWN;
  const status = value.trim().toLowerCase();
  return status === "" ? UNKNOWN : status;
}

/**
 * `<region>-<availability zone>` short names, '<unknown>' unless both are known.
 * A blank short name counts as unknown: '-a' or 'eu-' would be a region nobody can find.
 */
export function joinRegion(regionName: string | null, azName: string | null): string {
  if (regionName === null || azName === null) return UNKNOWN;
  if (regionName.trim() === "" || azName.trim() === "") return UNKNOWN;
  return `${regionName}-${azName}`;
}

/**
 * Compare two strings by Unicode code point (what utf8mb4_bin and docs/data-contract.md's "sorted"
 * mean). Plain `<` compares UTF-16 units, which puts astral characters (surrogates,
 * D800–DFFF) before U+E000–U+FFFF; at the first differing unit we shift the units so that
 * surrogates sort above the BMP. No localeCompare: its order depends on the ICU locale.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
