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
 * A value for decimal(precision, scale) as exact text ('N.NNN'), or null when it does not parse
 * or does not fit. Accepts decimal text ('512', '512.5', '0.125') or a number (mysql2 with
 * decimalNumbers). Extra fraction digits round half away from zero, as MySQL does when storing
 * into a decimal column; never through a float. Exponent forms (1e21) do not parse.
 */
export function exactDecimal(value: string | number, precision: number, scale: number): string | null {
  // String(number) is exact for what mysql2 hands over (shortest round-trip form).
  const m = DECIMAL.exec(typeof value === "number" ? String(value) : value);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const sign = m[1] === "-" ? "-" : "";
  let whole = m[2]!.replace(LEADING_ZEROS, "");
  let frac = m[3] ?? "";
  if (frac.length > scale) {
    const roundUp = frac.charCodeAt(scale) >= 0x35; // '5'
    frac = frac.slice(0, scale);
    if (roundUp) {
      const bumped = incrementDigits(whole + frac);
      whole = bumped.slice(0, bumped.length - scale).replace(LEADING_ZEROS, "");
      frac = bumped.slice(bumped.length - scale);
    }
  } else {
    frac = frac.padEnd(scale, "0");
  }
  if (whole.length > precision - scale) return null;
  if (whole === "") whole = "0";
  const text = scale ? `${whole}.${frac}` : whole;
  // '-0.000' is the same value as '0.000'; write it one way.
  return sign && /^[0.]+$/.test(text) ? text : `${sign}${text}`;
}

/**
 * Memory in GiB as 'N.NNN' for decimal(8,3); NULL → '0.000'. A value that does not parse or does
 * not fit decimal(8,3) → '0.000' and a warning on `column`.
 */
export function cleanMemory(value: string | number | null, column: string, warnings: Warnings): string {
  if (value === null) return ZERO_MEMORY;
  const exact = exactDecimal(value, 8, 3);
  if (exact !== null) return exact;
  warn(warnings, column);
  return ZERO_MEMORY;
}
