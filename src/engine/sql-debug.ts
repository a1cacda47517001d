// --verbose DEBUG shows each statement sent, never its values (they may hold personal data):
// whitespace collapsed, a multi-row VALUES list shown as its first tuple and a count, the text
// cut to a readable length, and the number of bound values.
import { isDebug, logger } from "../log.ts";

const log = logger("sql");
const MAX_CHARS = 400;

/** `sql` as a one-line description with values elided ("VALUES (?,…) ×1000"). */
export function describeSql(sql: string, params?: readonly unknown[]): string {
  let text = sql
    .replace(/--[^\n]*\n/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  // `VALUES (?,?,?),(?,?,?),…` → `VALUES (?,…) ×N`: the shape, not a kilobyte of question marks.
  text = text.replace(/VALUES\s*(\((?:\?\s*,\s*)*\?\))(?:\s*,\s*\((?:\?\s*,\s*)*\?\))*/gi, (all, first: string) => {
    const rows = (all.match(/\(/g) ?? []).length;
    const tuple = first.includes(",") ? "(?,…)" : "(?)";
    return `VALUES ${tuple}${rows > 1 ? ` ×${rows}` : ""}`;
  });
  // A long column list says little at a glance: `(28 columns)`.
  text = text.replace(/((?:INSERT|REPLACE)(?:\s+IGNORE)?\s+INTO\s+\S+\s*)\(([^()]*)\)(\s*VALUES)/gi, (all, head: string, cols: string, values: string) => {
    const n = cols.split(",").length;
    return n > 8 ? `${head}(${n} columns)${values}` : all;
  });
  if (text.length > MAX_CHARS) text = `${text.slice(0, MAX_CHARS)}… (${sql.length} chars)`;
  return params?.length ? `${text} [${params.length} bound values]` : text;
}

/** Log `sql` at DEBUG for the connection `label` (costs nothing at other levels). */
export function debugSql(label: string, sql: string, params?: readonly unknown[]): void {
  if (!isDebug()) return;
  log.debug(`${label}: ${describeSql(sql, params)}`);
}
