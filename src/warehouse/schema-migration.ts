// Turns drifts into a reviewable SQL script: per table, one `-- ` line per difference, then
// the CREATE TABLE of a missing table or one ALTER TABLE with every non-destructive fix, then
// any DROP COLUMN in a statement of its own under a warning, so a DBA can skip it as a whole.
// Valid SQL as printed (pipe it to a file).
import { plural } from "../words.ts";
import type { Drift } from "./schema-diff.ts";
import { quoteName } from "./schema-render.ts";

/** True when some drift is more than cosmetic (the case `init` exits 3 for). */
export function hasBlockingDrift(drifts: readonly Drift[]): boolean {
  return drifts.some((d) => !d.cosmetic);
}

/** True when some drift keeps a run from writing: not cosmetic, and more than the layout. */
export function blocksWriting(d: Drift): boolean {
  return !d.cosmetic && !d.layout;
}

/**
 * The script for `drifts` ("" when there are none). `where` names the warehouse in the header;
 * `apply` is how to run the script there (engine/catalog.ts has each engine's).
 */
export function renderMigration(drifts: readonly Drift[], where?: string, apply = "mysql DB < FILE"): string {
  if (!drifts.length) return "";
  const out: string[] = [];
  const n = drifts.length;
  const cosmetic = drifts.filter((d) => d.cosmetic).length;
  const note = cosmetic === n ? " (cosmetic only: the ETL runs as is)" : cosmetic ? ` (${cosmetic} of them cosmetic)` : "";
  out.push(
    `-- serverdb-etl: ${plural(n, "difference")} between ${where ?? "the warehouse"} and this version's schema${note}.`,
    drifts.some((d) => d.fix?.length || d.statement)
      ? `-- No table was altered. Review the statements below before applying them (${apply}).`
      : "-- No table was altered.",
  );
  if (drifts.some((d) => !d.layout && d.fix?.some((c) => c.startsWith("MODIFY") || c.startsWith("ADD")))) {
    out.push(
      "-- ALTER TABLE may copy the table, slowing or blocking writes to it while it runs; a narrower",
      "-- type or NOT NULL fails on rows that do not fit (strict sql_mode) or cuts them (without it).",
    );
  }
  const tables = [...new Set(drifts.map((d) => d.table))];
  for (const table of tables) {
    const mine = drifts.filter((d) => d.table === table);
    out.push("");
    for (const d of mine) out.push(`-- ${table}: ${d.message}`);
    for (const d of mine) if (d.statement) out.push(`${d.statement};`);
    const layout = uniqueClauses(mine.filter((d) => d.layout && !d.destroysData));
    const keep = uniqueClauses(mine.filter((d) => !d.layout && !d.destroysData));
    const destroy = uniqueClauses(mine.filter((d) => d.destroysData));
    if (keep.length) out.push(alterStatement(table, keep));
    if (layout.length) out.push(...layoutStatement(table, layout));
    if (destroy.length) {
      out.push(
        "-- WARNING: DROP COLUMN deletes the column and its data for good. Keep a backup, or skip this",
        "-- statement while something still uses the column (init --check then keeps reporting it).",
        alterStatement(table, destroy),
      );
    }
  }
  return out.join("\n") + "\n";
}

/** Clauses in first-seen order; the drifts of one column share one MODIFY clause. */
function uniqueClauses(drifts: readonly Drift[]): string[] {
  return [...new Set(drifts.flatMap((d) => d.fix ?? []))];
}

/**
 * The keys as one online ALTER: InnoDB rebuilds the table in place while reads and writes go on
 * (only short metadata locks at start and end); for a table too large to rebuild on the primary
 * in one go, the equivalent pt-online-schema-change command copies it in chunks.
 */
function layoutStatement(table: string, clauses: readonly string[]): string[] {
  return [
    `-- The keys of ${table} only change how fast it is: every run works as it is, slower as history`,
    "-- grows. Online: the table is rebuilt while the ETL and readers go on (allow for its size in",
    "-- free disk space and in replica lag). For a very large table, the same in chunks:",
    `--   pt-online-schema-change --alter '${clauses.join(", ")}' D=DATABASE,t=${table} --execute`,
    `ALTER TABLE ${quoteName(table)}\n  ${clauses.join(",\n  ")},\n  ALGORITHM=INPLACE, LOCK=NONE;`,
  ];
}

function alterStatement(table: string, clauses: readonly string[]): string {
  return `ALTER TABLE ${quoteName(table)}\n  ${clauses.join(",\n  ")};`;
}

/** One line per drift, `table: message`, for logs. */
export function describeDrifts(drifts: readonly Drift[]): string[] {
  return drifts.map((d) => `${d.table}: ${d.message}`);
}
