// The report's "puppetdb" section: each declared PuppetDB column of server_facts on the newest
// day, its most common values with their servers, the rest summed as one line, and the servers
// with no value (the column's default: no node, a missing or wrong-typed fact, or PuppetDB down
// that night; a flag's default is one of its values, so a bool column counts only its values).
// Date and datetime columns (the facts' time) are left out: a count per instant says
// nothing. Read with one GROUP BY per column; identifiers validated at declaration and quoted.
import type { Db } from "../engine/db.ts";
import { quoteIdent } from "../engine/ident.ts";
import type { ExtraColumn } from "../extras/types.ts";
import type { PuppetdbValueRecord } from "./types.ts";

/** Values shown per column; the others are one "other" record. */
export const TOP_VALUES = 20;

/** The PuppetDB columns a value count makes sense for. */
export function countedColumns(columns: readonly ExtraColumn[]): ExtraColumn[] {
  return columns.filter((c) => c.origin.kind === "puppetdb" && c.type.kind !== "date" && c.type.kind !== "datetime");
}

/** The same value as the warehouse returns it and as the declaration wrote it (numbers and flags as text). */
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** The records of one column from its (value, servers) groups, most servers first. */
export function valueRecords(c: ExtraColumn, groups: readonly { v: unknown; n: number | string }[]): PuppetdbValueRecord[] {
  // A flag's default is one of its two values: unknown cannot be told from it, so none is counted.
  const flag = c.type.kind === "bool";
  const fallback = flag ? null : text(c.fallback);
  let unknown = 0;
  const known: { value: string; servers: number }[] = [];
  for (const g of groups) {
    const value = text(g.v);
    if (value === null || (!flag && value === fallback)) unknown += Number(g.n);
    else known.push({ value, servers: Number(g.n) });
  }
  known.sort((a, b) => b.servers - a.servers || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const out: PuppetdbValueRecord[] = known.slice(0, TOP_VALUES).map((k) => ({ column: c.name, kind: "value", value: k.value, servers: k.servers }));
  const rest = known.slice(TOP_VALUES);
  if (rest.length) out.push({ column: c.name, kind: "other", value: `${rest.length} other values`, servers: rest.reduce((s, k) => s + k.servers, 0) });
  if (!flag || unknown) out.push({ column: c.name, kind: "unknown", value: null, servers: unknown });
  return out;
}

/** Every counted PuppetDB column on `day`. */
export async function readPuppetdbColumns(db: Db, columns: readonly ExtraColumn[], day: string): Promise<PuppetdbValueRecord[]> {
  const out: PuppetdbValueRecord[] = [];
  for (const c of countedColumns(columns)) {
    const col = quoteIdent(c.name, "declared column");
    const groups = await db.query<{ v: unknown; n: number | string }>(`SELECT ${col} AS v, COUNT(*) AS n FROM server_facts WHERE report_date = ? GROUP BY ${col}`, [day]);
    out.push(...valueRecords(c, groups));
  }
  return out;
}
