// The declared columns in the backfill's history pass (sql/serverdb/history_pass_select.sql).
// Part 1 reads a server's past rows from servers_historicalserver (alias h): a reference to a
// Server field the history row holds (a., ra. or s. of a column servers_historicalserver has)
// is read from it, as of the day; anything else — another field, a declared join, a name behind
// an id — is today's value, joined by the server's id, and listed as an approximation. Part 2
// (servers with no history yet) reads today's state, as the nightly extract does.
import type { FactExtras } from "./declare.ts";
import { references } from "./expression.ts";
import { withExtraSelect } from "./extract-sql.ts";

/** The Server's own tables: their fields are the ones django-simple-history keeps in the history row. */
const SERVER_ALIASES = new Set(["a", "ra", "s"]);

/** Today's row of a Server table, for the fields its history row lacks (part 1). */
const TODAY_JOINS: Record<string, string> = {
  a: "LEFT JOIN {schema}.servers_asset a ON a.id = h.id",
  ra: "LEFT JOIN {schema}.servers_rackedasset ra ON ra.asset_ptr_id = h.id",
  s: "LEFT JOIN {schema}.servers_server s ON s.rackedasset_ptr_id = h.id",
};

export interface HistoryPassSql {
  sql: string;
  /** The pass's parameters with the expressions' literals in place: part 1's columns come before its `?`s, part 2's before its own. */
  params: (first: string, last: string) => unknown[];
  /** Declared columns read from the history row alone (as of each day); PuppetDB columns are in neither list. */
  fromHistory: string[];
  /** Declared columns that come (at least in part) from today's tables: approximations. */
  fromToday: string[];
}

/** `text` (history_pass_select.sql, `{schema}` still in it) with the declared columns; `historyColumns`: servers_historicalserver's columns. */
export function historyPassSql(text: string, extras: FactExtras, historyColumns: ReadonlySet<string>): HistoryPassSql {
  const inHistory = (r: { alias: string; column: string }) => SERVER_ALIASES.has(r.alias) && historyColumns.has(r.column.toLowerCase());
  const rename = (r: { alias: string; column: string }) => (inHistory(r) ? "h" : r.alias);
  const used = [...extras.columns.flatMap((c) => references(c.expression)), ...extras.joins.map((j) => j.references)];
  const today = Object.keys(TODAY_JOINS).filter((alias) => used.some((r) => r.alias === alias && !inHistory(r)));
  const history: unknown[] = [];
  const current: unknown[] = [];
  let sql = withExtraSelect(text, extras, history, { columnsMark: "extra_columns_history", joinsMark: "extra_joins_history", rename, before: today.map((a) => TODAY_JOINS[a]!) });
  sql = withExtraSelect(sql, extras, current);
  // A PuppetDB column reads NULL here (its default): PuppetDB keeps no past facts, so it is neither.
  const fromServerDb = extras.columns.filter((c) => c.origin.kind === "expression");
  const fromHistory = fromServerDb.filter((c) => references(c.expression).every(inHistory)).map((c) => c.name);
  return {
    sql,
    params: (first, last) => [...history, first, first, last, ...current, last, first],
    fromHistory,
    fromToday: fromServerDb.map((c) => c.name).filter((n) => !fromHistory.includes(n)),
  };
}
