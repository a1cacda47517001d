// A generic HTML table from columns and rows: every cell's text is escaped here, so section code
// hands over plain strings (or pre-built, already escaped HTML marked as such, for flags).
import { escapeHtml } from "./escape.ts";

/** Already-escaped markup for one cell (a flag next to a number); anything else is text. */
export interface Html {
  html: string;
}
export type Cell = string | Html;

/** One column: its header, and whether its cells are numbers (right-aligned). */
export interface Column {
  header: string;
  numeric?: boolean;
}

/** Optional attributes of the table and of each row (data-series on backtest rows, for instance). */
export interface TableOptions {
  caption?: string;
  className?: string;
  rowAttributes?: (index: number) => Record<string, string>;
  /** Shown instead of an empty table. */
  empty?: string;
}

const cellHtml = (c: Cell): string => (typeof c === "string" ? escapeHtml(c) : c.html);

const attrs = (a: Record<string, string>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");

/** Columns and rows → a <table> (or a paragraph saying there is nothing, when rows is empty). */
export function renderTable(columns: Column[], rows: Cell[][], options: TableOptions = {}): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(options.empty ?? "Nothing to show.")}</p>`;
  const cls = (col: Column | undefined) => (col?.numeric ? ' class="num"' : "");
  const head = columns.map((c) => `<th scope="col"${cls(c)}>${escapeHtml(c.header)}</th>`).join("");
  const body = rows
    .map((row, i) => {
      const cells = row.map((c, j) => (j === 0 ? `<th scope="row">${cellHtml(c)}</th>` : `<td${cls(columns[j])}>${cellHtml(c)}</td>`));
      return `<tr${attrs(options.rowAttributes?.(i) ?? {})}>${cells.join("")}</tr>`;
    })
    .join("\n");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return `<table class="${escapeHtml(options.className ?? "data")}">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Text that is markup already: the caller has escaped every piece of it. */
export const html = (markup: string): Html => ({ html: markup });
