// The ServerDB tables a source must have: those the extract SQL reads (taken from the SQL
// itself, so the list cannot drift from it) plus backfill's history table.
import { SQL } from "../sql.ts";

/** Only `backfill` reads it; its absence is a warning, not a failure. */
export const HISTORY_TABLE = "servers_historicalserver";

/** Table names, sorted. */
export function sourceTables(): string[] {
  const names = new Set<string>();
  for (const text of [SQL.factSelect, SQL.factCount]) {
    for (const m of text.matchAll(/\{schema\}\.`?(\w+)`?/g)) names.add(m[1]);
  }
  names.add(HISTORY_TABLE);
  return [...names].sort();
}
