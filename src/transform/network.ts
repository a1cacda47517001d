// Network columns: mac_address normalized to 'aa:bb:cc:dd:ee:ff' per docs/data-contract.md "MAC addresses", ip_address
// trimmed. Pure; an unparsable MAC is NULL plus a warning counted in the caller's Warnings.
import type { Warnings } from "./types.ts";
import { warn } from "./warnings.ts";

// Six groups of 1–2 hex digits with ONE separator used throughout ('aa:bb-cc…' is more likely
// a typo than a MAC, so it is rejected), 12 bare hex digits, or Cisco's dotted 'aabb.ccdd.eeff'.
const GROUPED = /^([0-9a-f]{1,2})([:-])([0-9a-f]{1,2})\2([0-9a-f]{1,2})\2([0-9a-f]{1,2})\2([0-9a-f]{1,2})\2([0-9a-f]{1,2})$/i;
const BARE = /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i;
const DOTTED = /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i;

function pad2(group: string): string {
  return group.length === 1 ? `0${group}` : group;
}

/**
 * Normalize a MAC address: case-insensitive, surrounding blanks ignored, output lower-case
 * zero-padded colon form. NULL stays NULL silently; anything else unparsable ('' included)
 * is NULL with one warning on `mac_address`.
 */
export function normalizeMac(raw: string | null, warnings: Warnings): string | null {
  if (raw === null) return null;
  const text = raw.trim();
  let m = GROUPED.exec(text);
  if (m) {
    return `${pad2(m[1]!)}:${pad2(m[3]!)}:${pad2(m[4]!)}:${pad2(m[5]!)}:${pad2(m[6]!)}:${pad2(m[7]!)}`.toLowerCase();
  }
  m = BARE.exec(text) ?? DOTTED.exec(text);
  if (m) {
    return `${m[1]}:${m[2]}:${m[3]}:${m[4]}:${m[5]}:${m[6]}`.toLowerCase();
  }
  warn(warnings, "mac_address");
  return null;
}

/** ip_address trimmed; NULL and blank → NULL (the fact column is nullable, no sentinel). */
export function cleanIp(raw: string | null): string | null {
  if (raw === null) return null;
  const ip = raw.trim();
  return ip === "" ? null : ip;
}
