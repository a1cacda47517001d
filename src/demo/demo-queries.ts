// The demo's example queries (sql/demo/*.sql): what a capacity planner asks the warehouse
// first. Each is run on the target and shown three ways: a title, the shell command that runs
// the same SQL (copyable), and its result as a small aligned table. Pure apart from `runExamples`.
import type { Db, Row } from "../engine/db.ts";
import type { Endpoint } from "../settings/dsn.ts";
import { engineFor } from "../engine/index.ts";
import { SQL } from "../sql.ts";

export interface ExampleQuery {
  title: string;
  /** The SQL file's text (comments included; they are dropped for display). */
  sql: string;
}

export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  { title: "Servers per site and status on the newest day (server_by_site)", sql: SQL.demoServersPerSite },
  { title: "The ten biggest teams, and their growth since the oldest day in the warehouse (server_by_team)", sql: SQL.demoTeamGrowth },
  { title: "CPU sockets, cores and memory of the servers in use, per manufacturer (server_by_vendor_model)", sql: SQL.demoCoresPerVendor },
  { title: "Rated power of the servers in use per site and room, from columns the config declares (server_by_room)", sql: SQL.demoRoomPower },
];

export interface ExampleResult {
  query: ExampleQuery;
  columns: string[];
  rows: Row[];
}

/** Run every example on the warehouse (reads only). */
export async function runExamples(db: Db): Promise<ExampleResult[]> {
  const out: ExampleResult[] = [];
  for (const query of EXAMPLE_QUERIES) {
    const rows = await db.query(query.sql);
    out.push({ query, columns: rows.length ? Object.keys(rows[0]) : [], rows });
  }
  return out;
}

/** The SQL without its comment lines: what the user copies. */
export function displaySql(sql: string): string {
  return sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .trim();
}

/**
 * The command that runs `sql` on the warehouse with the engine's own client. The SQL files
 * avoid double quotes, backticks, `$` and `!`, so double-quoting them is safe in any POSIX shell.
 */
export function shellCommand(target: Endpoint, sql: string): string {
  return `${engineFor(target).clientCommand(target)} "\n${displaySql(sql)}\n"`;
}

/** A value as the table shows it: NULL, '' for the empty string, numbers as the engine returned them. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value === "") return "''";
  return String(value);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * An aligned table like `sqlite3 -header -column`: a header, a rule of dashes per column (its
 * width), then the rows; numeric columns right-aligned. Columns are separated by two spaces.
 */
export function renderResult(columns: readonly string[], rows: readonly Row[]): string {
  if (!columns.length) return "(no rows)";
  const cells = rows.map((r) => columns.map((c) => cellText(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const numeric = columns.map((_, i) => cells.length > 0 && cells.every((row) => row[i] === "NULL" || NUMERIC.test(row[i])));
  const line = (values: readonly string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
