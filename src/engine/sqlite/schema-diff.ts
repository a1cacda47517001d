// The fixes `init` prints for a drifted SQLite warehouse table. SQLite's ALTER TABLE cannot
// change a column's type, NULL-ness or default, nor a primary key or the storage layout, so
// any such drift gets the rebuild SQLite documents (https://sqlite.org/lang_altertable.html,
// "Making Other Kinds Of Table Schema Changes"): create this version's table under a new
// name, copy the rows, drop the old table, rename the new one, recreate the indexes, all in
// one transaction. Index-only drifts get DROP INDEX / CREATE INDEX. Pure: text in, text out.
import { diffTable, type Drift, type DriftKind } from "../../warehouse/schema-diff.ts";
import { nameKey, type IndexSchema, type TableSchema } from "../../warehouse/schema-model.ts";
import type { SqliteTable } from "./schema-live.ts";

/** Drifts that only a rebuild can fix (column order alone is cosmetic and is only noted). */
const REBUILD: ReadonlySet<DriftKind> = new Set([
  "missing-column",
  "extra-column",
  "column-type",
  "column-null",
  "column-default",
  "column-auto-increment",
  "column-collation",
  "primary-key",
  "table-engine",
]);

/** `name` as a SQLite identifier in double quotes. */
export function sqliteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * diffTable's findings for a SQLite table (the messages are engine-neutral), with SQLite
 * statements instead of MySQL ALTER clauses: all of a table's fixes ride on its first
 * blocking drift as one script, so it prints once, in order.
 */
export function diffSqliteTable(expected: SqliteTable, live: TableSchema): Drift[] {
  const drifts = diffTable(expected.schema, live).map(({ fix: _mysqlFix, ...d }): Drift => d);
  const blocking = drifts.filter((d) => !d.cosmetic);
  if (!blocking.length) return drifts;
  const rebuild = blocking.some((d) => REBUILD.has(d.kind));
  blocking[0]!.statement = rebuild ? rebuildScript(expected, live) : indexScript(expected, live);
  blocking[0]!.destroysData = rebuild && blocking.some((d) => d.kind === "extra-column");
  return drifts;
}

/** DROP INDEX for live indexes this version lacks or defines otherwise, CREATE INDEX for the missing or changed. */
function indexScript(expected: SqliteTable, live: TableSchema): string {
  const want = new Map(expected.schema.indexes.map((i) => [nameKey(i.name), i]));
  const have = new Map(live.indexes.map((i) => [nameKey(i.name), i]));
  const out: string[] = [];
  for (const idx of live.indexes) {
    const w = want.get(nameKey(idx.name));
    if (!w || !sameIndex(w, idx)) out.push(`DROP INDEX ${sqliteName(idx.name)}`);
  }
  for (const { name, sql } of expected.indexes) {
    const h = have.get(nameKey(name));
    if (!h || !sameIndex(want.get(nameKey(name))!, h)) out.push(sql);
  }
  return out.join(";\n");
}

function sameIndex(a: IndexSchema, b: IndexSchema): boolean {
  return a.unique === b.unique && a.columns.length === b.columns.length && a.columns.every((c, i) => nameKey(c) === nameKey(b.columns[i]!));
}

/** The 12-step rebuild, shortened to what a table without triggers, views or foreign keys needs. */
function rebuildScript(expected: SqliteTable, live: TableSchema): string {
  const name = expected.schema.name;
  const temp = `${name}__serverdb_etl_new`;
  const liveCols = new Set(live.columns.map((c) => nameKey(c.name)));
  const common = expected.schema.columns.filter((c) => liveCols.has(nameKey(c.name))).map((c) => sqliteName(c.name));
  const dropped = live.columns.filter((c) => !expected.schema.columns.some((e) => nameKey(e.name) === nameKey(c.name))).map((c) => c.name);
  const unfilled = expected.schema.columns
    .filter((c) => !liveCols.has(nameKey(c.name)) && !c.nullable && c.default.kind === "none" && !c.autoIncrement)
    .map((c) => c.name);
  const notes = [
    `-- SQLite cannot alter ${name} in place: rebuild it with this version's definition and copy its rows`,
    "-- (one transaction: on any error nothing changes). Run it while no serverdb-etl run is active.",
  ];
  if (dropped.length) notes.push(`-- WARNING: the rebuild drops column${dropped.length === 1 ? "" : "s"} ${dropped.join(", ")} and the data in ${dropped.length === 1 ? "it" : "them"}; keep a copy of the file.`);
  if (unfilled.length) notes.push(`-- Column${unfilled.length === 1 ? "" : "s"} ${unfilled.join(", ")} NOT NULL without a default: add ${unfilled.length === 1 ? "it" : "them"} to the INSERT … SELECT with a value, or it fails.`);
  const createNew = expected.table.replace(/^CREATE TABLE\s+("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\S+)/i, `CREATE TABLE ${sqliteName(temp)}`);
  const statements = [
    "BEGIN IMMEDIATE",
    createNew,
    `INSERT INTO ${sqliteName(temp)} (${common.join(", ")})\n  SELECT ${common.join(", ")} FROM ${sqliteName(name)}`,
    `DROP TABLE ${sqliteName(name)}`,
    `ALTER TABLE ${sqliteName(temp)} RENAME TO ${sqliteName(name)}`,
    ...expected.indexes.map((i) => i.sql),
    "COMMIT",
  ];
  return `${notes.join("\n")}\n${statements.join(";\n")}`;
}
