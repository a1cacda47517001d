// The declared columns in an extract SELECT: each expression as one more output column
// (`extra__<name>`, so no declared name can collide with the extract's own), each declared join
// as a LEFT JOIN on its unique key, at the file's {extra_columns} / {extra_joins} marker lines.
// Literals become `?`: the caller passes `params` with the statement.
import type { FactExtras } from "./declare.ts";
import { renderExpression, type Expr } from "./expression.ts";

/** The raw row's key for a declared column. */
export const extraKey = (name: string) => `extra__${name}`;

/** How one part of a SELECT reads the declared columns (the backfill's history part renames some aliases). */
export interface ExtraPart {
  /** The marker names, e.g. "extra_columns" for a `{extra_columns}` line. */
  columnsMark: string;
  joinsMark: string;
  /** The alias a reference is read through (default: its own). */
  rename?: (ref: { alias: string; column: string }) => string;
  /** Joins placed before the declared ones (the backfill's today's rows). */
  before?: string[];
}

const PLAIN: ExtraPart = { columnsMark: "extra_columns", joinsMark: "extra_joins" };
const mark = (name: string) => new RegExp(`^.*\\{${name}\\}.*$`, "m");

/**
 * `sql` (a source SELECT with the part's marker lines, `{schema}` still in it) with the declared
 * columns and joins; `params` receives the expressions' literals in the order they appear.
 */
export function withExtraSelect(sql: string, extras: FactExtras, params: unknown[], part: ExtraPart = PLAIN): string {
  const columnsMark = mark(part.columnsMark);
  const joinsMark = mark(part.joinsMark);
  if (!columnsMark.test(sql) || !joinsMark.test(sql)) throw new Error(`source SELECT without {${part.columnsMark}}/{${part.joinsMark}} markers`);
  const ref = (r: { alias: string; column: string }) => `\`${part.rename?.(r) ?? r.alias}\`.\`${r.column}\``;
  const render = (e: Expr) => renderExpression(e, params, part.rename);
  const columns = extras.columns.map((c) => `  , ${render(c.expression)} AS \`${extraKey(c.name)}\``);
  const joins = extras.joins.map((j) => `LEFT JOIN {schema}.\`${j.table}\` \`${j.alias}\` ON \`${j.alias}\`.\`${j.key}\` = ${ref(j.references)}`);
  return sql.replace(columnsMark, () => columns.join("\n")).replace(joinsMark, () => [...(part.before ?? []), ...joins].join("\n"));
}
