// The declared columns against the live source, before anything is written: every table and
// column an expression or a join names exists, and every join's key is unique (a key that is not
// could give a server several rows, and the extract keeps only one). Read-only metadata queries.
import type { Db } from "../engine/db.ts";
import { engineOf } from "../engine/index.ts";
import { UsageError } from "../errors.ts";
import { nearestName } from "../settings/nearest-name.ts";
import { aliasTables, type FactExtras } from "./declare.ts";
import { references } from "./expression.ts";

/** Throws one UsageError naming the first declaration the source cannot serve; nothing is written. */
export async function checkExtrasAgainstSource(db: Db, schema: string, extras: FactExtras): Promise<void> {
  if (!extras.columns.length) return;
  const byAlias = aliasTables(extras);
  const names = [...new Set(byAlias.values())];
  const tables = await engineOf(db).sourceTables(db, schema, names);
  const where = `the source ${db.label}`;
  const columnOf = (what: string, alias: string, column: string) => {
    const table = byAlias.get(alias)!;
    const t = tables.get(table);
    if (!t) throw new UsageError(`config: ${what}: ${where} has no table ${table} (or this account cannot see it); check [[facts.joins]] table, or grant SELECT on it`);
    if (!t.columns.some((c) => c.toLowerCase() === column.toLowerCase())) {
      const near = nearestName(column, t.columns);
      throw new UsageError(`config: ${what}: ${alias}.${column}: ${table} has no column ${column}${near ? `; did you mean ${alias}.${near}?` : `; its columns are ${t.columns.join(", ")}`}`);
    }
    return t;
  };
  for (const j of extras.joins) {
    const what = `[[facts.joins]] ${j.alias}`;
    columnOf(what, j.references.alias, j.references.column);
    const t = columnOf(what, j.alias, j.key);
    if (!t.unique.has(j.key.toLowerCase())) {
      throw new UsageError(`config: ${what}: ${j.table}.${j.key} is not unique (no PRIMARY or UNIQUE key on that column alone), so a server could match several rows; join on a unique column`);
    }
  }
  for (const c of extras.columns) for (const r of references(c.expression)) columnOf(`[[facts.columns]] ${c.name}`, r.alias, r.column);
}

/** servers_historicalserver's columns (lower case): what a declared column can be read as of a day from. */
export async function historyColumnsOf(db: Db, schema: string): Promise<Set<string>> {
  const tables = await engineOf(db).sourceTables(db, schema, ["servers_historicalserver"]);
  return new Set((tables.get("servers_historicalserver")?.columns ?? []).map((c) => c.toLowerCase()));
}
