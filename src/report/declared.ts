// The report's "declared" section: each table of [[facts.aggregates]] on the newest day, read as
// it is (its rows are already one per key and status), flattened to one record per measure so
// json and csv keep one fixed set of fields. A declared table the warehouse lacks is a note.
import type { Db } from "../engine/db.ts";
import { quoteIdent } from "../engine/ident.ts";
import { knownColumn } from "../extras/aggregates.ts";
import type { DeclaredAggregate } from "../extras/types.ts";
import type { DeclaredRecord } from "./types.ts";

/** `rows` of one declared table (dimension values, status, servers, sums, known counts) → records, sorted by key then status. */
export function declaredRecords(a: DeclaredAggregate, rows: readonly Record<string, unknown>[]): DeclaredRecord[] {
  const dims = a.dimensions.map((d) => d.name).filter((n) => n !== "status");
  const out: DeclaredRecord[] = [];
  for (const r of rows) {
    const base = { table: a.table, key: dims.map((d) => String(r[d])).join(" / "), status: String(r.status), servers: Number(r.servers) };
    if (!a.measures.length) out.push({ ...base, measure: null, sum: null, known: null });
    for (const m of a.measures) {
      out.push({ ...base, measure: m.name, sum: Number(r[m.name]), known: m.type.kind === "bool" ? base.servers : Number(r[knownColumn(m)]) });
    }
  }
  const order = (x: DeclaredRecord) => [x.key, x.status, x.measure ?? ""];
  return out.sort((x, y) => {
    const [a1, b1] = [order(x), order(y)];
    for (let i = 0; i < a1.length; i++) if (a1[i] !== b1[i]) return a1[i]! < b1[i]! ? -1 : 1;
    return 0;
  });
}

/** Every declared table's records on `day`; `present`: which of them exist in the warehouse. */
export async function readDeclared(db: Db, aggregates: readonly DeclaredAggregate[], present: ReadonlySet<string>, day: string): Promise<{ records: DeclaredRecord[]; notes: string[] }> {
  const records: DeclaredRecord[] = [];
  const notes: string[] = [];
  for (const a of aggregates) {
    if (!present.has(a.table)) {
      notes.push(`${a.table} is declared in [[facts.aggregates]] but not in the warehouse: run serverdb-etl init, then aggregate --all, to build it`);
      continue;
    }
    // Identifiers validated at declaration (extras/aggregates.ts), quoted here; the day is a placeholder.
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${quoteIdent(a.table, "declared aggregate table")} WHERE report_date = ?`, [day]);
    records.push(...declaredRecords(a, rows));
  }
  return { records, notes };
}

/** One declared table pivoted for display: a row per key, all statuses together (in use apart), each measure's sum and known count. */
export interface DeclaredTable {
  table: string;
  measures: string[];
  rows: { key: string; servers: number; in_use: number; sums: Record<string, number>; known: Record<string, number> }[];
}

/** The records of the "declared" section per table, rows by servers (descending) then key. */
export function declaredTables(records: readonly DeclaredRecord[]): DeclaredTable[] {
  const tables = new Map<string, { measures: string[]; rows: Map<string, DeclaredTable["rows"][number]>; counted: Set<string> }>();
  for (const r of records) {
    let t = tables.get(r.table);
    if (!t) tables.set(r.table, (t = { measures: [], rows: new Map(), counted: new Set() }));
    let row = t.rows.get(r.key);
    if (!row) t.rows.set(r.key, (row = { key: r.key, servers: 0, in_use: 0, sums: {}, known: {} }));
    // A (key, status) has one record per measure, each with the same servers: count them once.
    const group = `${r.key}\u0000${r.status}`;
    if (!t.counted.has(group)) {
      t.counted.add(group);
      row.servers += r.servers;
      if (r.status === "in_use") row.in_use += r.servers;
    }
    if (r.measure === null) continue;
    if (!t.measures.includes(r.measure)) t.measures.push(r.measure);
    row.sums[r.measure] = (row.sums[r.measure] ?? 0) + (r.sum ?? 0);
    row.known[r.measure] = (row.known[r.measure] ?? 0) + (r.known ?? 0);
  }
  return [...tables].map(([table, t]) => ({
    table,
    measures: t.measures,
    rows: [...t.rows.values()].sort((a, b) => b.servers - a.servers || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }));
}
