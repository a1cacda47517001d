// Aligned plain-text tables for the terminal report: columns padded by display width
// (Bun.stringWidth: wide and combining characters count as they show), text cut with "…" to
// its column's limit, numbers right-aligned.

export interface TextColumn {
  header: string;
  /** Right-align (numbers). */
  right?: boolean;
  /** Widest the column may grow; longer cells are cut with "…". */
  max?: number;
}

export function cut(text: string, max: number): string {
  if (Bun.stringWidth(text) <= max) return text;
  let out = "";
  for (const ch of text) {
    if (Bun.stringWidth(out + ch) > max - 1) break;
    out += ch;
  }
  return out + "…";
}

function pad(text: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - Bun.stringWidth(text)));
  return right ? fill + text : text + fill;
}

/** The table as lines, indented by two spaces, columns two spaces apart. */
export function textTable(columns: readonly TextColumn[], rows: readonly string[][]): string[] {
  const cells = rows.map((row) => row.map((c, i) => cut(c, columns[i]!.max ?? 40)));
  const widths = columns.map((col, i) => Math.max(Bun.stringWidth(col.header), ...cells.map((r) => Bun.stringWidth(r[i] ?? ""))));
  const line = (row: readonly string[]) => "  " + row.map((c, i) => pad(c, widths[i]!, !!columns[i]!.right)).join("  ").trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

const BARS = "▁▂▃▄▅▆▇█";

/** A sparkline of `values` (one character each), scaled from their minimum to their maximum. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join("");
}
