// Number formatting for the report's HTML: fixed "en-US" grouping whatever the host's locale,
// a real minus sign, and "—" for what the warehouse cannot say (null). Returns plain text, not HTML.

const MINUS = "\u2212";
const DASH = "—";

/** 12345.6 → "12,346"; null → "—". */
export function formatInt(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return DASH;
  const s = Math.round(n).toLocaleString("en-US");
  return s.replace("-", MINUS);
}

/** Fixed decimals, grouped: (1234.567, 1) → "1,234.6". */
export function formatFixed(n: number | null, digits: number): string {
  if (n === null || !Number.isFinite(n)) return DASH;
  const s = n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return s.replace("-", MINUS);
}

/** A change with its sign: +3, −2, 0; null → "—". */
export function formatChange(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return DASH;
  return n > 0 ? `+${formatInt(n)}` : formatInt(n);
}

/** A ratio as a signed percentage: 0.125 → "+12.5 %"; null → "—". */
export function formatRate(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return DASH;
  const pct = formatFixed(r * 100, 1);
  return `${r > 0 ? "+" : ""}${pct} %`;
}

/** An interval "lo–hi" of whole numbers. */
export function formatRange(lo: number, hi: number): string {
  return `${formatInt(lo)}–${formatInt(hi)}`;
}
