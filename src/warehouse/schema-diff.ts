// Compares a live table with what this version expects and lists each difference, with the
// ALTER TABLE clause that would fix it. Pure: no I/O; schema-migration.ts prints the result.
import { nameKey, type ColumnSchema, type IndexSchema, type TableSchema } from "./schema-model.ts";
import { columnSql, describeColumn, describeDefault, keyPartsSql, quoteName } from "./schema-render.ts";

export type DriftKind =
  | "missing-table"
  | "not-a-table"
  | "missing-column"
  | "extra-column"
  | "column-type"
  | "column-null"
  | "column-default"
  | "column-auto-increment"
  | "column-collation"
  | "column-order"
  | "primary-key"
  | "missing-key"
  | "extra-key"
  | "key-columns"
  | "key-name"
  | "table-engine"
  | "table-collation"
  | "partitioning";

/** One difference between a live warehouse table and this version's DDL. */
export interface Drift {
  table: string;
  kind: DriftKind;
  /** The column a column drift is about. */
  column?: string;
  /** One line for a person: what differs, found versus expected. */
  message: string;
  /**
   * Reported and fixable, but not an error: column order (the load names its columns) and
   * the table's default collation (every column's own collation is checked separately).
   */
  cosmetic: boolean;
  /**
   * Only the physical layout differs (the primary key's column order, a non-unique key): every
   * load and query gives the same result, at another cost. Runs go on with a warning (an older
   * version's warehouse keeps working until it is migrated); `init` reports it (exit 3).
   */
  layout?: boolean;
  /** ALTER TABLE clauses that fix it, in order; drifts of one column share one clause. */
  fix?: string[];
  /** A whole statement that fixes it instead: the CREATE TABLE of a missing table. */
  statement?: string;
  /** The fix deletes data (DROP COLUMN): printed in a statement of its own, under a warning. */
  destroysData?: boolean;
}

/** `createSql` is printed for a DBA who creates tables by hand (the ETL user may lack CREATE). */
export function missingTable(name: string, createSql?: string): Drift {
  return {
    table: name,
    kind: "missing-table",
    message: "table is missing; run serverdb-etl init to create it",
    cosmetic: false,
    statement: createSql,
  };
}

export function notATable(name: string, tableType: string): Drift {
  return {
    table: name,
    kind: "not-a-table",
    message: `is a ${tableType}, not a table; rename it out of the way, then run serverdb-etl init`,
    cosmetic: false,
  };
}

/** Every difference of `live` from `expected`, columns first (in expected order), then keys, then options. */
export function diffTable(expected: TableSchema, live: TableSchema): Drift[] {
  const table = expected.name;
  const drifts: Drift[] = [];
  const addTo = (kind: DriftKind, message: string, fix?: string[], extra: Partial<Drift> = {}) =>
    drifts.push({ table, kind, message, cosmetic: false, fix, ...extra });
  const add = addTo;

  const liveByName = new Map(live.columns.map((c) => [nameKey(c.name), c]));
  const expectedNames = new Set(expected.columns.map((c) => nameKey(c.name)));
  const moved = misplacedColumns(expected, live);

  expected.columns.forEach((want, i) => {
    const place = i === 0 ? "FIRST" : `AFTER ${quoteName(expected.columns[i - 1].name)}`;
    const have = liveByName.get(nameKey(want.name));
    const col = quoteName(want.name);
    const add = (kind: DriftKind, message: string, fix?: string[], extra: Partial<Drift> = {}) => addTo(kind, message, fix, { column: want.name, ...extra });
    if (!have) {
      add("missing-column", `column ${col} is missing (expected ${describeColumn(want)})`, [`ADD COLUMN ${columnSql(want)} ${place}`]);
      return;
    }
    const isMoved = moved.has(nameKey(want.name));
    const fix = [`MODIFY COLUMN ${columnSql(want)}${isMoved ? ` ${place}` : ""}`];
    if (have.type !== want.type) add("column-type", `column ${col} is ${have.type}, expected ${want.type}`, fix);
    if (have.nullable !== want.nullable) {
      add("column-null", `column ${col} is ${have.nullable ? "NULL" : "NOT NULL"}, expected ${want.nullable ? "NULL" : "NOT NULL"}`, fix);
    }
    if (!sameDefault(have, want)) {
      add("column-default", `column ${col} has ${describeDefault(have.type, have.default)}, expected ${describeDefault(want.type, want.default)}`, fix);
    }
    if (have.autoIncrement !== want.autoIncrement) {
      add("column-auto-increment", `column ${col} ${have.autoIncrement ? "has" : "lacks"} AUTO_INCREMENT, expected ${want.autoIncrement ? "it" : "none"}`, fix);
    }
    // Only between two text columns; a text/non-text change is already a type drift.
    if (have.collation && want.collation && have.collation !== want.collation) {
      add("column-collation", `column ${col} has collation ${have.collation}, expected ${want.collation}`, fix);
    }
    if (isMoved) {
      const where = i === 0 ? "first" : `after ${quoteName(expected.columns[i - 1].name)}`;
      add("column-order", `column ${col} is out of place, expected ${where} (cosmetic: the load names its columns)`, fix, { cosmetic: true });
    }
  });

  for (const have of live.columns) {
    if (expectedNames.has(nameKey(have.name))) continue;
    add("extra-column", `column ${quoteName(have.name)} is not in this version's schema (found ${describeColumn(have)})`, [`DROP COLUMN ${quoteName(have.name)}`], {
      column: have.name,
      destroysData: true,
    });
  }

  diffPrimaryKey(expected, live, add);
  diffIndexes(expected, live, add);
  diffPartitioning(expected, live, add);

  if (live.engine.toLowerCase() !== expected.engine.toLowerCase()) {
    add("table-engine", `engine is ${live.engine}, expected ${expected.engine}`, [`ENGINE=${expected.engine}`]);
  }
  if (live.collation !== expected.collation) {
    add(
      "table-collation",
      `default collation is ${live.collation}, expected ${expected.collation} (cosmetic: applies only to columns added later)`,
      [`DEFAULT CHARSET=${expected.collation.split("_")[0]} COLLATE=${expected.collation}`],
      { cosmetic: true },
    );
  }
  return drifts;
}

/**
 * One partition per day (LIST COLUMNS (report_date)) changes only what a night costs, so it is a
 * layout drift: runs go on, deleting rows where they would drop a partition. The fix repartitions
 * the table with a partition for every day it holds (read live: TableSchema.partitionValues) and
 * the week after its newest, in a statement of its own: it copies the table.
 */
function diffPartitioning(expected: TableSchema, live: TableSchema, add: (kind: DriftKind, message: string, fix?: string[], extra?: Partial<Drift>) => void): void {
  const want = expected.partitionedBy;
  const have = live.partitionedBy;
  if ((want ?? "") === (have ?? "")) return;
  if (!want) {
    add("partitioning", `is partitioned (${have}), which this version does not expect (cosmetic: the runs do not depend on it)`, undefined, { cosmetic: true, layout: true });
    return;
  }
  const what = have ? `is partitioned ${have}` : "is not partitioned";
  add(
    "partitioning",
    `${what}, expected one partition per ${want} (LIST COLUMNS (${want})): each night's load and expire then touch that day's partition only (layout: runs go on, slower as history grows)`,
    undefined,
    { layout: true, statement: repartitionStatement(live.name, want, live.partitionValues ?? []) },
  );
}

/** The repartitioning ALTER, its cost said in comments; `values`: the days the table holds. */
function repartitionStatement(table: string, column: string, values: readonly string[]): string {
  const newest = [...values].sort().at(-1);
  const ahead = newest ? Array.from({ length: 7 }, (_, i) => nextDay(newest, i + 1)) : [];
  const days = [...new Set(["1000-01-01", ...values, ...ahead])].sort();
  const parts = days.map((d) => `PARTITION p${d.replaceAll("-", "")} VALUES IN ('${d}')`);
  const clause = `PARTITION BY LIST COLUMNS (${column}) (\n    ${parts.join(",\n    ")})`;
  return [
    `-- Repartitioning copies ${table} (ALGORITHM=COPY: writes to it wait until it is done; allow for its`,
    "-- size in free disk space and in replica lag). One partition per day it holds, and the week after",
    "-- its newest day; run it outside the nightly window (a day written meanwhile has no partition).",
    "-- For a very large table, the same online in chunks:",
    `--   pt-online-schema-change --alter '${clause.replace(/\s*\n\s*/g, " ")}' D=DATABASE,t=${table} --execute`,
    `ALTER TABLE ${quoteName(table)}\n  ${clause}`,
  ].join("\n");
}

function nextDay(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function sameDefault(have: ColumnSchema, want: ColumnSchema): boolean {
  const a = have.default;
  const b = want.default;
  if (a.kind !== b.kind) return false;
  if (a.kind === "value" && b.kind === "value") return a.value === b.value;
  if (a.kind === "expr" && b.kind === "expr") return a.sql.toLowerCase() === b.sql.toLowerCase();
  return true;
}

/**
 * Expected columns present in both tables whose relative order is wrong: those outside a longest
 * run already in expected order, so the printed ALTER moves as few columns as it can.
 */
export function misplacedColumns(expected: TableSchema, live: TableSchema): Set<string> {
  const livePos = new Map(live.columns.map((c, i) => [nameKey(c.name), i]));
  const common = expected.columns.map((c) => nameKey(c.name)).filter((n) => livePos.has(n));
  const keep = longestIncreasing(common.map((n) => livePos.get(n)!));
  return new Set(common.filter((_, i) => !keep.has(i)));
}

/** Indexes (into `xs`) of one longest strictly increasing subsequence (O(n log n)). */
function longestIncreasing(xs: number[]): Set<number> {
  const tails: number[] = []; // index into xs of the smallest tail of a run of each length
  const prev: number[] = new Array(xs.length).fill(-1);
  xs.forEach((x, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[tails[mid]] < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  });
  const out = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.add(i);
  return out;
}

type AddDrift = (kind: DriftKind, message: string, fix?: string[], extra?: Partial<Drift>) => void;

const sameParts = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => nameKey(x) === nameKey(b[i]));

function diffPrimaryKey(expected: TableSchema, live: TableSchema, add: AddDrift): void {
  const want = expected.primaryKey;
  const have = live.primaryKey;
  if (sameParts(want, have)) return;
  if (!have.length) {
    add("primary-key", `primary key is missing, expected ${keyPartsSql(want)}`, [`ADD PRIMARY KEY ${keyPartsSql(want)}`]);
  } else if (!want.length) {
    add("primary-key", `primary key ${keyPartsSql(have)} is not in this version's schema`, ["DROP PRIMARY KEY"]);
  } else {
    // The same columns in another order: the same rows are unique, so REPLACE works as before.
    const layout = have.length === want.length && want.every((c) => have.some((h) => nameKey(h) === nameKey(c)));
    add("primary-key", `primary key is ${keyPartsSql(have)}, expected ${keyPartsSql(want)}`, ["DROP PRIMARY KEY", `ADD PRIMARY KEY ${keyPartsSql(want)}`], { layout });
  }
}

function indexSql(idx: IndexSchema): string {
  return `${idx.unique ? "UNIQUE " : ""}INDEX ${quoteName(idx.name)} ${keyPartsSql(idx.columns)}`;
}

function describeIndex(idx: IndexSchema): string {
  return `${idx.unique ? "UNIQUE KEY" : "KEY"} ${quoteName(idx.name)} ${keyPartsSql(idx.columns)}`;
}

function diffIndexes(expected: TableSchema, live: TableSchema, add: AddDrift): void {
  const liveByName = new Map(live.indexes.map((i) => [nameKey(i.name), i]));
  const wantNames = new Set(expected.indexes.map((i) => nameKey(i.name)));
  // Live keys no expected key is named like: candidates for a rename, else extra.
  const unclaimed = live.indexes.filter((i) => !wantNames.has(nameKey(i.name)));
  // Each: kind, message, fix, and the names of the keys involved.
  const drops: Array<[DriftKind, string, string[], string[]]> = [];
  const adds: Array<[DriftKind, string, string[], string[]]> = [];
  for (const want of expected.indexes) {
    const have = liveByName.get(nameKey(want.name));
    if (have) {
      if (!sameParts(have.columns, want.columns) || have.unique !== want.unique) {
        drops.push([
          "key-columns",
          `key ${quoteName(want.name)} is ${describeIndex(have)}, expected ${describeIndex(want)}`,
          [`DROP INDEX ${quoteName(have.name)}`, `ADD ${indexSql(want)}`],
          [want.name],
        ]);
      }
      continue;
    }
    const twin = unclaimed.findIndex((u) => sameParts(u.columns, want.columns) && u.unique === want.unique);
    if (twin >= 0) {
      const [old] = unclaimed.splice(twin, 1);
      // RENAME INDEX (MariaDB 10.5.2+, MySQL 5.7+) keeps the index: no rebuild.
      adds.push(["key-name", `key ${quoteName(old.name)} ${keyPartsSql(old.columns)} is named differently, expected ${quoteName(want.name)}`, [
        `RENAME INDEX ${quoteName(old.name)} TO ${quoteName(want.name)}`,
      ], [old.name, want.name]]);
    } else {
      adds.push(["missing-key", `key ${quoteName(want.name)} is missing, expected ${describeIndex(want)}`, [`ADD ${indexSql(want)}`], [want.name]]);
    }
  }
  const extras = unclaimed.map((extra): [DriftKind, string, string[], string[]] => [
    "extra-key",
    `key ${describeIndex(extra)} is not in this version's schema`,
    [`DROP INDEX ${quoteName(extra.name)}`],
    [extra.name],
  ]);
  // Drops before adds reads naturally; the server applies them in that order anyway.
  // A non-unique key changes only how fast things are; a unique one changes what REPLACE replaces.
  const uniqueOnes = new Set([...expected.indexes, ...live.indexes].filter((i) => i.unique).map((i) => nameKey(i.name)));
  for (const [kind, message, fix, names] of [...extras, ...drops, ...adds]) add(kind, message, fix, { layout: !names.some((n) => uniqueOnes.has(nameKey(n))) });
}
