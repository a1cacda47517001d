// Declared aggregate tables ([[facts.aggregates]]: name, dimensions, measures): a server_by_*
// table per declaration, one row per report date, dimension values and status, with the servers
// counted and each declared measure summed (its unknown sentinel never enters a sum; how many
// servers had a known value is a column of its own), so "power per rack row and room" needs no
// SQL. Checked here without a server; each engine's catalog renders the DDL.
import { UsageError } from "../errors.ts";
import { nearestName } from "../settings/nearest-name.ts";
import { FACT_COLUMNS } from "../warehouse/columns.ts";
import type { AggregateDimension, DeclaredAggregate, ExtraColumn } from "./types.ts";

/** The text columns of server_facts an aggregate may group by. */
const BASE_DIMENSIONS = new Map(
  FACT_COLUMNS.flatMap((c) => ("maxChars" in c && !["name", "serialnumber", "ip_address", "mac_address", "role_ids", "puppet_services", "role_names"].includes(c.name) ? [[c.name, c.maxChars] as const] : [])),
);
/** InnoDB's key limit is 3072 bytes; utf8mb4 takes up to 4 per character, the date 3. */
const MAX_KEY_CHARS = 760;
const KEYS = ["name", "dimensions", "measures"] as const;
const TABLE = /^server_by_[a-z0-9_]{1,54}$/;

/** A measure's column of known-value counts (bool measures have none: every flag is known). */
export const knownColumn = (measure: ExtraColumn) => `${measure.name}_known`;

function names(value: unknown, key: string, where: string, fail: (w: string, m: string) => never): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) fail(where, `${key} must be a list of column names, e.g. ["site", "room"]`);
  return (value as string[]).map((v) => v.trim());
}

/** [[facts.aggregates]] entries, checked against the base columns, the declared ones and the existing tables. */
export function parseDeclaredAggregates(value: unknown, columns: readonly ExtraColumn[], existing: readonly string[], fail: (where: string, message: string) => never): DeclaredAggregate[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((e) => typeof e !== "object" || e === null || Array.isArray(e))) {
    fail("[facts] aggregates", 'must be a list of tables: [[facts.aggregates]] with name = "server_by_room", dimensions = ["site", "room"], measures = ["power_watts"]');
  }
  const declared = new Map(columns.map((c) => [c.name, c]));
  const out: DeclaredAggregate[] = [];
  (value as Record<string, unknown>[]).forEach((entry, i) => {
    const where = typeof entry.name === "string" ? `[[facts.aggregates]] ${entry.name}` : `[[facts.aggregates]] entry ${i + 1}`;
    for (const k of Object.keys(entry)) {
      if (!(KEYS as readonly string[]).includes(k)) {
        const near = nearestName(k, KEYS);
        fail(where, `unknown key ${k}; ${near ? `did you mean ${near}?` : `the keys are ${KEYS.join(", ")}`}`);
      }
    }
    const table = typeof entry.name === "string" ? entry.name.trim() : "";
    if (!TABLE.test(table)) fail(where, `name ${JSON.stringify(entry.name ?? "")}: a table name server_by_… of lower-case letters, digits and _ (at most 64)`);
    if (existing.includes(table) || out.some((a) => a.table === table)) fail(where, `${table} is already a table of the warehouse; choose another name`);
    const dims = names(entry.dimensions, "dimensions", where, fail);
    if (!dims.length) fail(where, 'dimensions must name at least one column, e.g. ["site", "room"]');
    if (!dims.includes("status")) dims.push("status");
    const dimensions: AggregateDimension[] = dims.map((d) => {
      const c = declared.get(d);
      if (c) {
        if (c.fallback === null) fail(where, `dimension ${d} may be NULL (a date declared without default); give it a default to group by it`);
        return { name: d, declared: c };
      }
      const width = BASE_DIMENSIONS.get(d as never);
      if (width === undefined) {
        const all = [...BASE_DIMENSIONS.keys(), ...declared.keys()];
        const near = nearestName(d, all);
        return fail(where, `dimension ${d} is not a text column of server_facts nor a declared column${near ? `; did you mean ${near}?` : `; the choices are ${all.join(", ")}`}`);
      }
      return { name: d, base: { maxChars: width } };
    });
    if (new Set(dims).size !== dims.length) fail(where, "a dimension is listed twice");
    const chars = dimensions.reduce((n, d) => n + ("base" in d ? d.base.maxChars : d.declared.type.kind === "varchar" ? d.declared.type.length : 20), 0);
    if (chars > MAX_KEY_CHARS) fail(where, `the dimensions are ${chars} characters wide together, more than a key can hold (${MAX_KEY_CHARS}); group by fewer or narrower columns`);
    const measures = names(entry.measures, "measures", where, fail).map((m) => {
      const c = declared.get(m);
      if (!c) fail(where, `measure ${m} is not a declared column; measures are declared int, bigint, decimal or bool columns (the base measures are in the built-in tables)`);
      if (!["int", "bigint", "decimal", "bool"].includes(c!.type.kind)) fail(where, `measure ${m} is ${c!.typeText}; a measure is an int, bigint, decimal or bool column`);
      if (dims.includes(m)) fail(where, `${m} is both a dimension and a measure`);
      return c!;
    });
    const taken = new Set(["report_date", "servers", ...dims]);
    for (const m of measures) {
      for (const col of [m.name, ...(m.type.kind === "bool" ? [] : [knownColumn(m)])]) {
        if (taken.has(col)) fail(where, `column ${col} would appear twice in ${table}; rename a dimension or measure`);
        taken.add(col);
      }
    }
    out.push({ table, dimensions, measures });
  });
  return out;
}

const q = (name: string) => `\`${name}\``;

/**
 * One day of a declared aggregate: its INSERT … SELECT and parameters (the sentinels of its
 * measures, then the report date). Identifiers were validated at declaration and are quoted.
 */
export function declaredAggregateInsert(a: DeclaredAggregate): { sql: string; params: (day: string) => unknown[] } {
  const dims = a.dimensions.map((d) => q(d.name));
  const columns = ["report_date", ...dims, "servers"];
  const selects = ["report_date", ...dims, "COUNT(*)"];
  const sentinels: unknown[] = [];
  for (const m of a.measures) {
    const col = q(m.name);
    if (m.type.kind === "bool") {
      columns.push(col);
      selects.push(`SUM(CASE WHEN ${col} = 1 THEN 1 ELSE 0 END)`);
      continue;
    }
    columns.push(col, q(knownColumn(m)));
    // A decimal is summed in whole units of its scale: exact on both engines (SQLite keeps it as REAL).
    const scale = m.type.kind === "decimal" ? 10 ** m.type.scale : 1;
    const value = scale === 1 ? col : `ROUND(${col} * ${scale})`;
    selects.push(`SUM(CASE WHEN ${col} = ? THEN 0 ELSE ${value} END)${scale === 1 ? "" : ` / ${scale}`}`, `SUM(CASE WHEN ${col} = ? THEN 0 ELSE 1 END)`);
    sentinels.push(m.fallback, m.fallback);
  }
  const sql = `INSERT INTO ${q(a.table)} (${columns.join(", ")})\nSELECT ${selects.join(",\n       ")}\n  FROM server_facts\n WHERE report_date = ?\n GROUP BY report_date, ${dims.join(", ")}`;
  return { sql, params: (day) => [...sentinels, day] };
}

/** The declared aggregate's CREATE TABLE for an engine: `dimensionSql`/`measureSql` give its column types. */
export function declaredAggregateDdl(
  a: DeclaredAggregate,
  types: { date: string; text: (maxChars: number) => string; declared: (c: ExtraColumn) => string; count: string; sum: (m: ExtraColumn) => string; tail: string; quote: (n: string) => string },
): string {
  const lines = [
    `  report_date ${types.date}`,
    ...a.dimensions.map((d) => `  ${"base" in d ? `${types.quote(d.name)} ${types.text(d.base.maxChars)}` : types.declared(d.declared)}`),
    `  servers ${types.count}`,
    ...a.measures.flatMap((m) => [`  ${types.quote(m.name)} ${types.sum(m)}`, ...(m.type.kind === "bool" ? [] : [`  ${types.quote(knownColumn(m))} ${types.count}`])]),
    `  PRIMARY KEY (report_date, ${a.dimensions.map((d) => types.quote(d.name)).join(", ")})`,
  ];
  return `-- declared in [[facts.aggregates]]\nCREATE TABLE IF NOT EXISTS ${a.table} (\n${lines.join(",\n")}\n)${types.tail};\n`;
}
