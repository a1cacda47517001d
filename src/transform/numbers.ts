// Numeric columns: integer measures with -1 for unknown, and memory as exact decimal text
// (decimal(8,3)): parsed and rounded on digit strings, never through a float.
import type { Warnings } from "./types.ts";
import { warn } from "./warnings.ts";

/** An int column (cpu_count, network_speed): the value, or -1 when NULL or not an integer. */
export function intOrUnknown(value: number | null, column: string, warnings: Warnings): number {
  if (value === null) return -1;
  if (Number.isSafeInteger(value)) return value;
  warn(warnings, column);
  return -1;
}

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;
const LEADING_ZEROS = /^0+/;
/** decimal(8,3): at most 5 integer digits. */
const MAX_INT_DIGITS = 5;
const SCALE = 3;
export const ZERO_MEMORY = "0.000";

/** Add one to a string of decimal digits ('099' → '100', '99' → '100'). */
function incrementDigits(digits: string): string {
  const out = digits.split("");
  let i = out.length - 1;
  while (i >= 0) {
    if (out[i] !== "9") {
      out[i] = String.fromCharCode(out[i]!.charCodeAt(0) + 1);
      return out.join("");
    }
    out[i] = "0";
    i--;
  }
  return `1${out.join("")}`;
}

/**
 * Memory in GiB as 'N.NNN' for decimal(8,3). Accepts decimal text ('512', '512.5', '0.125')
 * or a number (mysql2 with decimalNumbers); NULL → '0.000'. Extra fraction digits round half
 * away from zero, as MySQL does when storing into a decimal column. A value that does not
 * parse or does not fit decimal(8,3) → '0.000' and a warning on `column`.
 */
export function cleanMemory(value: string | number | null, column: string, warnings: Warnings): string {
  if (value === null) return ZERO_MEMORY;
  // String(number) is exact for what mysql2 hands over (shortest round-trip form); exponent
  // forms (1e21, 1e-7) do not match DECIMAL and are treated as unparsable.
  const m = DECIMAL.exec(typeof value === "number" ? String(value) : value);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) {
    warn(warnings, column);
    return ZERO_MEMORY;
  }
  const sign = m[1] === "-" ? "-" : "";
  let whole = m[2]!.replace(LEADING_ZEROS, "");
  let frac = m[3] ?? "";
  if (frac.length > SCALE) {
    const roundUp = frac.charCodeAt(SCALE) >= 0x35; // '5'
    frac = frac.slice(0, SCALE);
    if (roundUp) {
      const bumped = incrementDigits(whole + frac);
      whole = bumped.slice(0, bumped.length - SCALE).replace(LEADING_ZEROS, "");
      frac = bumped.slice(bumped.length - SCALE);
    }
  } else {
    frac = frac.padEnd(SCALE, "0");
  }
  if (whole.length > MAX_INT_DIGITS) {
    warn(warnings, column);
    return ZERO_MEMORY;
  }
  if (whole === "") whole = "0";
  // '-0.000' is the same value as '0.000'; write it one way.
  if (sign === "-" && whole === "0" && frac === "000") return ZERO_MEMORY;
  return `${sign}${whole}.${frac}`;
}
