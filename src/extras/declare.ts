// The [facts] section of the config: site-specific fact columns ([[facts.columns]]: name, type,
// default, and either an expression or a PuppetDB fact path) and the source tables they may join
// ([[facts.joins]]: alias, table, key, references), checked without any server: names, types,
// defaults that fit their type, expressions of the closed grammar (expression.ts) over known
// aliases, fact paths only with a [puppetdb] section. One line per mistake.
import { UsageError } from "../errors.ts";
import { configSection, type ConfigFile } from "../settings/config-schema.ts";
import { nearestName } from "../settings/nearest-name.ts";
import { FACT_COLUMNS } from "../warehouse/columns.ts";
import { ExpressionError, parseExpression, references, type Expr } from "./expression.ts";
import type { ExtraColumn, ExtraJoin, ExtraType, FactExtras } from "./types.ts";
import { parseDeclaredAggregates } from "./aggregates.ts";
import { AGGREGATE_TABLE_NAMES } from "../stages/aggregate-tables.ts";
import { factPathProblem } from "../puppetdb/fact-path.ts";

export type { ExtraColumn, ExtraJoin, ExtraOrigin, ExtraType, FactExtras } from "./types.ts";

export const NO_EXTRAS: FactExtras = Object.freeze({ columns: [], joins: [], aggregates: [] }) as FactExtras;

/** The extract's own aliases (sql/serverdb/fact_select.sql) and the source table behind each. */
export const BASE_ALIASES: Readonly<Record<string, string>> = {
  a: "servers_asset",
  ra: "servers_rackedasset",
  s: "servers_server",
  d: "servers_deliveryasset",
  st: "servers_site",
  az: "servers_availabilityzone",
  rg: "servers_region",
  rk: "servers_rack",
  c: "servers_cpu",
  m: "servers_model",
  mf: "servers_manufacturer",
};

const COLUMN_KEYS = ["name", "type", "default", "expression", "puppetdb"] as const;
const JOIN_KEYS = ["alias", "table", "key", "references"] as const;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const TABLE = /^[A-Za-z0-9_]{1,64}$/;
const TYPE_HELP = "int, bigint, decimal(p,s), varchar(n), date, datetime or bool";
const BASE_NAMES = new Set<string>(FACT_COLUMNS.map((c) => c.name));

const fail = (where: string, message: string): never => {
  throw new UsageError(`config: ${where}: ${message}`);
};

function entries(value: unknown, key: string, example: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((e) => typeof e !== "object" || e === null || Array.isArray(e))) {
    fail(`[facts] ${key}`, `must be a list of tables: [[facts.${key}]] with ${example}`);
  }
  return value as Record<string, unknown>[];
}

function onlyKeys(entry: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const k of Object.keys(entry)) {
    if (!keys.includes(k)) {
      const near = nearestName(k, keys);
      fail(where, `unknown key ${k}; ${near ? `did you mean ${near}?` : `the keys are ${keys.join(", ")}`}`);
    }
  }
}

function text(entry: Record<string, unknown>, key: string, where: string): string {
  const v = entry[key];
  if (typeof v !== "string" || v.trim() === "") fail(where, `${key} must be a non-empty string`);
  return (v as string).trim();
}

/** "varchar(16)" → its type; a UsageError for anything outside the set. */
export function parseExtraType(raw: string, where: string): { type: ExtraType; typeText: string } {
  const t = raw.trim().toLowerCase().replace(/\s+/g, "");
  if (t === "int" || t === "bigint" || t === "date" || t === "datetime" || t === "bool") return { type: { kind: t }, typeText: t };
  const dec = /^decimal\((\d{1,2}),(\d{1,2})\)$/.exec(t);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    if (precision < 1 || precision > 38 || scale > precision || scale > 30) fail(where, `type ${raw}: decimal(p,s) needs 1 ≤ p ≤ 38 and 0 ≤ s ≤ min(p, 30)`);
    return { type: { kind: "decimal", precision, scale }, typeText: `decimal(${precision},${scale})` };
  }
  const vc = /^varchar\((\d{1,4})\)$/.exec(t);
  if (vc) {
    const length = Number(vc[1]);
    if (length < 1 || length > 1024) fail(where, `type ${raw}: varchar(n) needs 1 ≤ n ≤ 1024`);
    return { type: { kind: "varchar", length }, typeText: `varchar(${length})` };
  }
  return fail(where, `type ${JSON.stringify(raw)} is not one of ${TYPE_HELP}`);
}

const INTEGER = /^-?\d{1,19}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1000 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The unknown-value sentinel, checked against the type (a default that does not fit is refused, never cut). */
function parseFallback(type: ExtraType, value: unknown, where: string): string | number | null {
  const need = (what: string): never => fail(where, `default ${JSON.stringify(value)} does not fit ${describe(type)}: give ${what}`);
  switch (type.kind) {
    case "int":
    case "bigint": {
      const s = typeof value === "number" ? String(value) : typeof value === "bigint" ? value.toString() : undefined;
      if (s === undefined || !INTEGER.test(s)) return need("a whole number, e.g. default = -1 (the data contract's unknown count)");
      const n = BigInt(s);
      const [lo, hi] = type.kind === "int" ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi) return need(`a whole number from ${lo} to ${hi}`);
      return Number.isSafeInteger(Number(n)) ? Number(n) : s;
    }
    case "decimal": {
      const s = typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
      const m = s === undefined ? null : /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
      if (!m || m[2]!.replace(/^0+(?=\d)/, "").length > type.precision - type.scale || (m[3] ?? "").length > type.scale) {
        return need(`a number with at most ${type.precision - type.scale} digits before the point and ${type.scale} after, e.g. default = 0`);
      }
      return `${m[1]}${m[2]!.replace(/^0+(?=\d)/, "")}.${(m[3] ?? "").padEnd(type.scale, "0")}`.replace(/\.$/, "");
    }
    case "varchar": {
      if (typeof value !== "string") return need('a string, e.g. default = "" or "<unknown>" (the data contract\'s sentinels)');
      if ([...(value as string)].length > type.length) return need(`a string of at most ${type.length} characters`);
      if (/[\u0000-\u001f\u007f\\]/.test(value as string)) return need("a string without control characters or backslashes");
      return value as string;
    }
    case "bool":
      if (typeof value !== "boolean") return need("true or false");
      return value ? 1 : 0;
    case "date":
    case "datetime": {
      if (value === undefined) return null;
      const re = type.kind === "date" ? DATE : DATETIME;
      const m = typeof value === "string" ? re.exec(value) : null;
      if (!m || !realDate(Number(m[1]), Number(m[2]), Number(m[3])) || (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59))) {
        return need(type.kind === "date" ? 'a real day as "YYYY-MM-DD", or no default (unknown is NULL)' : 'a real instant as "YYYY-MM-DD HH:MM:SS", or no default (unknown is NULL)');
      }
      return value as string;
    }
  }
}

export function describe(type: ExtraType): string {
  return type.kind === "decimal" ? `decimal(${type.precision},${type.scale})` : type.kind === "varchar" ? `varchar(${type.length})` : type.kind;
}

/** The [facts] section, checked; NO_EXTRAS when there is none. Nothing here talks to a server. */
export function factExtrasFrom(config: ConfigFile): FactExtras {
  const section = configSection(config, "facts");
  const joins: ExtraJoin[] = [];
  const aliases = new Map<string, string>(Object.entries(BASE_ALIASES));
  entries(section.joins, "joins", 'alias = "rp", table = "servers_rackplacement", key = "rack_id", references = "rk.id"').forEach((entry, i) => {
    const where = `[[facts.joins]] entry ${i + 1}`;
    onlyKeys(entry, JOIN_KEYS, where);
    const alias = text(entry, "alias", where).toLowerCase();
    if (!NAME.test(alias)) fail(where, `alias ${JSON.stringify(alias)}: use a lower-case name of letters, digits and _`);
    if (aliases.has(alias)) fail(where, `alias ${alias} is already taken (${aliases.get(alias)}); choose another`);
    const table = text(entry, "table", where);
    if (!TABLE.test(table)) fail(where, `table ${JSON.stringify(table)}: use 1-64 characters of A-Z, a-z, 0-9 and _`);
    const key = text(entry, "key", where);
    if (!TABLE.test(key)) fail(where, `key ${JSON.stringify(key)}: name one column of ${table}`);
    const ref = /^([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_]{1,64})$/.exec(text(entry, "references", where));
    if (!ref) fail(where, `references ${JSON.stringify(entry.references)}: write alias.column of an extract table or an earlier join, e.g. "rk.id"`);
    const refAlias = ref![1]!.toLowerCase();
    if (!aliases.has(refAlias)) fail(where, `references ${entry.references}: no alias ${refAlias}; the aliases are ${[...aliases.keys()].join(", ")}`);
    joins.push({ alias, table, key, references: { alias: refAlias, column: ref![2]! } });
    aliases.set(alias, table);
  });

  const columns: ExtraColumn[] = [];
  entries(section.columns, "columns", 'name = "rack_row", type = "varchar(16)", default = "", expression = "rp.row_name"').forEach((entry, i) => {
    const label = typeof entry.name === "string" ? `[[facts.columns]] ${entry.name}` : `[[facts.columns]] entry ${i + 1}`;
    onlyKeys(entry, COLUMN_KEYS, label);
    const name = text(entry, "name", label);
    if (!NAME.test(name)) fail(label, `name ${JSON.stringify(name)}: use a lower-case name of letters, digits and _ (at most 64)`);
    if (BASE_NAMES.has(name)) fail(label, `${name} is already a column of server_facts; choose another name`);
    if (columns.some((c) => c.name === name)) fail(label, `${name} is declared twice; keep one`);
    const { type, typeText } = parseExtraType(text(entry, "type", label), label);
    if (entry.default === undefined && type.kind !== "date" && type.kind !== "datetime") {
      fail(label, `default is missing: give the value that stands for unknown (the data contract's sentinels: "" or "<unknown>" for text, -1 for counts, false for flags)`);
    }
    const fallback = parseFallback(type, entry.default, label);
    if (entry.puppetdb !== undefined) {
      if (entry.expression !== undefined) fail(label, "give expression (a ServerDB value) or puppetdb (a PuppetDB fact), not both");
      const path = text(entry, "puppetdb", label);
      const problem = factPathProblem(path);
      if (problem) fail(label, `puppetdb ${JSON.stringify(path)}: ${problem}`);
      if (config.puppetdb === undefined) fail(label, `puppetdb = ${JSON.stringify(path)} needs a [puppetdb] section (url, match) to read it from; add one, or use expression`);
      columns.push({ name, type, typeText, fallback, expression: { kind: "null" }, source: path, origin: { kind: "puppetdb", path } });
      return;
    }
    if (entry.expression === undefined) fail(label, 'expression is missing: give expression = "alias.column" (a ServerDB value) or puppetdb = "fact.path" (a PuppetDB fact)');
    const source = text(entry, "expression", label);
    let expression: Expr;
    try {
      expression = parseExpression(source);
    } catch (err) {
      if (err instanceof ExpressionError) return fail(label, `expression ${JSON.stringify(source)}: ${err.message}`);
      throw err;
    }
    for (const r of references(expression)) {
      if (!aliases.has(r.alias)) {
        const near = nearestName(r.alias, [...aliases.keys()]);
        fail(label, `expression ${JSON.stringify(source)}: no alias ${r.alias}${near ? `; did you mean ${near}?` : ""} (the aliases are ${[...aliases.keys()].join(", ")}; declare other tables in [[facts.joins]])`);
      }
    }
    columns.push({ name, type, typeText, fallback, expression, source, origin: { kind: "expression" } });
  });
  // A join is used by a column's expression, or by a later join that is used itself.
  const used = new Set(columns.flatMap((c) => references(c.expression).map((r) => r.alias)));
  for (const j of [...joins].reverse()) if (used.has(j.alias)) used.add(j.references.alias);
  const unused = joins.find((j) => !used.has(j.alias));
  if (unused) fail(`[[facts.joins]] ${unused.alias}`, `no declared column uses the join ${unused.alias} (${unused.table}); remove it or reference ${unused.alias}.column in an expression`);
  const aggregates = parseDeclaredAggregates(section.aggregates, columns, [...AGGREGATE_TABLE_NAMES, "server_facts", "server_fact_roles", "etl_runs"], fail);
  return { columns, joins, aggregates };
}

/** The table behind each alias an extract with `extras` can use. */
export function aliasTables(extras: FactExtras): Map<string, string> {
  return new Map([...Object.entries(BASE_ALIASES), ...extras.joins.map((j) => [j.alias, j.table] as const)]);
}
