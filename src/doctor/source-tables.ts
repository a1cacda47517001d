// The ServerDB tables a source must have and the ETL user may read: exactly those the extract,
// its row count and backfill's history pass reads, taken from the SQL itself so the list (and
// the per-table GRANTs doctor prints) cannot drift from it.
import { SQL } from "../sql.ts";

/** Only `backfill` reads it; its absence is a warning, not a failure. */
export const HISTORY_TABLE = "servers_historicalserver";

/** Table names, sorted: the SQL's, and the tables [[facts.joins]] declares (`extra`). */
export function sourceTables(extra: readonly string[] = []): string[] {
  const names = new Set<string>(extra);
  for (const text of [SQL.factSelect, SQL.factCount, SQL.historyPassSelect]) {
    for (const m of text.matchAll(/\{schema\}\.`?(\w+)`?/g)) names.add(m[1]);
  }
  return [...names].sort();
}
