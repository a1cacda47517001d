// The report's sections as HTML tables, one function per section, each from the report's own
// records (no computation beyond sorting, pivoting and formatting). Text is escaped by table.ts.
import type { BacktestRecord, CapacityReport, Dimension, FleetRecord, PowerRecord } from "../types.ts";
import { escapeHtml } from "./escape.ts";
import { formatChange, formatFixed, formatInt, formatRange, formatRate } from "./format.ts";
import { html, renderTable, type Cell, type Column } from "./table.ts";
import { declaredTables } from "../declared.ts";

const TITLES: Record<Dimension, string> = { team: "Team", site: "Site", model: "Model" };
const num = (header: string): Column => ({ header, numeric: true });
const uniqueSorted = (xs: string[]) => [...new Set(xs)].sort();
const byKey = <T extends { key: string }>(a: T, b: T) => a.key.localeCompare(b.key);

const FLEET_COLUMNS: Column[] = [
  ...["servers", "in use", "spare", "broken", "retired", "other", "sockets", "cores", "memory GiB", "change 4w", "change 13w", "change 52w"].map(num),
];

function fleetTable(title: string, records: FleetRecord[]): string {
  const rows = [...records]
    .sort((a, b) => b.servers - a.servers || byKey(a, b))
    .map((r): Cell[] => [
      r.key,
      ...[r.servers, r.in_use, r.spare, r.broken, r.retired, r.other, r.cpu_sockets, r.cpu_cores, r.memory_gib].map(formatInt),
      formatChange(r.change_4w),
      formatChange(r.change_13w),
      formatChange(r.change_52w),
    ]);
  return `<h3>${escapeHtml(title)}</h3>\n${renderTable([{ header: title }, ...FLEET_COLUMNS], rows)}`;
}

/** Section 1: one table per dimension; virtual platforms apart from the physical models. */
export function fleetTables(report: CapacityReport): string {
  const of = (d: Dimension) => report.fleet.filter((f) => f.dimension === d);
  return [
    fleetTable("Team", of("team")),
    fleetTable("Site", of("site")),
    fleetTable("Model", of("model").filter((f) => !f.virtual)),
    fleetTable("Virtual platforms", of("model").filter((f) => f.virtual)),
  ].join("\n");
}

/** Rows key × columns: one cell per (key, column) from `cell`, "—" where there is no record. */
function pivot<T extends { key: string }>(title: string, records: T[], column: (r: T) => string, cell: (r: T) => string, total?: (rs: T[]) => string): string {
  const cols = uniqueSorted(records.map(column));
  const keys = uniqueSorted(records.map((r) => r.key));
  const at = new Map(records.map((r) => [`${r.key}\u0000${column(r)}`, r]));
  const rows = keys.map((k): Cell[] => {
    const cells = cols.map((c) => {
      const r = at.get(`${k}\u0000${c}`);
      return r ? cell(r) : "—";
    });
    return [k, ...cells, ...(total ? [total(records.filter((r) => r.key === k))] : [])];
  });
  return renderTable([{ header: title }, ...cols.map(num), ...(total ? [num("total")] : [])], rows);
}

/** Section 2's table: the quarterly growth rate of in-use servers, per dimension. */
export function growthRateTables(report: CapacityReport): string {
  return (["team", "site", "model"] as const)
    .map((d) => {
      const rs = report.growth_rates.filter((g) => g.dimension === d);
      if (!rs.length) return "";
      return `<h3>${TITLES[d]}</h3>\n${pivot(TITLES[d], rs, (g) => g.quarter, (g) => `${formatRate(g.rate)} (${formatInt(g.in_use_start)}→${formatInt(g.in_use_end)})`)}`;
    })
    .join("\n");
}

/** Section 3: predicted retirements per quarter and key, and the ages the warehouse saw. */
export function retirementTables(report: CapacityReport): string {
  const parts = (["team", "site", "model"] as const).map((d) => {
    const rs = report.retirements.filter((r) => r.dimension === d);
    if (!rs.length) return "";
    const cell = (r: { servers: number; from_created_at: number }) => `${formatInt(r.servers)}${r.from_created_at ? ` (${formatInt(r.from_created_at)}†)` : ""}`;
    const total = (xs: { servers: number; from_created_at: number }[]) => cell({ servers: xs.reduce((s, r) => s + r.servers, 0), from_created_at: xs.reduce((s, r) => s + r.from_created_at, 0) });
    return `<h3>${TITLES[d]}</h3>\n${pivot(TITLES[d], rs, (r) => r.quarter, cell, total)}`;
  });
  const ages = [...report.retirement_ages].sort(byKey).map((a): Cell[] => [
    a.key,
    formatInt(a.servers),
    formatFixed(a.median_age_years, 1),
    formatFixed(a.p25_age_years, 1),
    formatFixed(a.p75_age_years, 1),
    formatFixed(a.rule_years, 1),
    formatFixed(a.median_age_years - a.rule_years, 1),
  ]);
  return [
    '<p class="legend">† of them, dated from <code>created_at</code> because <code>delivery_date</code> is unknown.</p>',
    ...parts,
    "<h3>Age at retirement, as seen</h3>",
    renderTable([{ header: "Model" }, ...["servers retired", "median years", "p25", "p75", "rule years", "median − rule"].map(num)], ages, {
      empty: "The warehouse saw no server go from in use to retired.",
    }),
  ].join("\n");
}

/** Section 4: what to buy per site and quarter, with the intervals carried through. */
export function procurementTable(report: CapacityReport): string {
  const rows = [...report.procurement]
    .sort((a, b) => byKey(a, b) || a.quarter.localeCompare(b.quarter))
    .map((p): Cell[] => [
      p.key,
      p.quarter,
      formatInt(p.growth),
      formatRange(p.growth_lo80, p.growth_hi80),
      formatRange(p.growth_lo95, p.growth_hi95),
      formatInt(p.retirements),
      formatInt(p.spare),
      html(`<strong>${formatInt(p.servers_needed)}</strong>`),
      formatRange(p.needed_lo80, p.needed_hi80),
      formatRange(p.needed_lo95, p.needed_hi95),
      p.note ?? "",
    ]);
  const cols: Column[] = [{ header: "Site" }, { header: "quarter" }, ...["growth", "growth 80 %", "growth 95 %", "retirements", "spare", "needed", "needed 80 %", "needed 95 %"].map(num), { header: "note" }];
  return renderTable(cols, rows, { empty: "No procurement rows." });
}

function powerTable(title: string, records: PowerRecord[]): string {
  const rows = [...records].sort(byKey).map((p): Cell[] => [
    p.key,
    formatInt(p.servers),
    formatInt(p.servers_without_catalog),
    formatInt(p.estimated_watts),
    formatInt(p.metered_watts),
    p.difference_watts === null ? "—" : formatChange(p.difference_watts),
    p.difference_watts === null || p.estimated_watts === 0 ? "—" : formatRate(p.difference_watts / p.estimated_watts),
    p.note ?? "",
  ]);
  const cols: Column[] = [{ header: title }, ...["servers", "without catalog", "estimate W", "meter W", "meter − estimate W", "difference"].map(num), { header: "note" }];
  return `<h3>${escapeHtml(title)}</h3>\n${renderTable(cols, rows, { empty: `No ${title.toLowerCase()} records.` })}`;
}

/** Section 5: the catalog's estimate beside the meter, per site and per rack. */
export function powerTables(report: CapacityReport): string {
  return [powerTable("Site", report.power.filter((p) => p.dimension === "site")), powerTable("Rack", report.power.filter((p) => p.dimension === "rack"))].join("\n");
}

const maseCell = (b: BacktestRecord): Cell =>
  b.worse_than_drift ? html(`${escapeHtml(formatFixed(b.mase, 2))} <span class="flag">worse than drift</span>`) : formatFixed(b.mase, 2);

/** The backtest: each series' MASE beside drift's, flagged where the model lost to drift. */
/** The [[facts.aggregates]] tables on the newest day: a table each, a row per key, measures summed where known. */
export function declaredAggregateTables(report: CapacityReport): string {
  const tables = declaredTables(report.declared);
  if (!tables.length) return '<p class="empty">No aggregate is declared in [[facts.aggregates]].</p>';
  return tables
    .map((t) => {
      const cols: Column[] = [{ header: t.table }, num("servers"), num("in use"), ...t.measures.flatMap((m) => [num(m), num(`${m} known`)])];
      const rows = t.rows.map((r): Cell[] => [r.key, formatInt(r.servers), formatInt(r.in_use), ...t.measures.flatMap((m) => [formatInt(r.sums[m] ?? 0), formatInt(r.known[m] ?? 0)])]);
      return `<h3>${escapeHtml(t.table)}</h3>\n${renderTable(cols, rows, { rowAttributes: (i) => ({ "data-declared": `${t.table}:${t.rows[i]!.key}` }) })}`;
    })
    .join("\n");
}

/** The declared PuppetDB columns on the newest day: a table each, its most common values, the rest, and the servers without a value. */
export function puppetdbTables(report: CapacityReport): string {
  const columns = [...new Set(report.puppetdb.map((p) => p.column))];
  if (!columns.length) return '<p class="empty">No PuppetDB column is declared (puppetdb = "fact.path" in [[facts.columns]]).</p>';
  return columns
    .map((column) => {
      const records = report.puppetdb.filter((p) => p.column === column);
      const label = (p: (typeof records)[number]) => (p.kind === "unknown" ? "(no value)" : p.kind === "other" ? `(${p.value})` : p.value!);
      const rows = records.map((p): Cell[] => [label(p), formatInt(p.servers)]);
      return `<h3>${escapeHtml(column)}</h3>\n${renderTable([{ header: column }, num("servers")], rows, { rowAttributes: (i) => ({ "data-puppetdb": `${column}:${records[i]!.kind}` }) })}`;
    })
    .join("\n");
}

export function backtestTable(report: CapacityReport): string {
  const sorted = [...report.backtest].sort((a, b) => a.dimension.localeCompare(b.dimension) || byKey(a, b));
  const rows = sorted.map((b): Cell[] => [`${b.dimension}: ${b.key}`, b.model ?? "—", formatInt(b.origins), maseCell(b), formatFixed(b.mase_naive, 2), b.note ?? ""]);
  const cols: Column[] = [{ header: "Series" }, { header: "model" }, num("origins"), num("MASE"), num("drift MASE"), { header: "note" }];
  return renderTable(cols, rows, { rowAttributes: (i) => ({ "data-series": `${sorted[i]!.dimension}:${sorted[i]!.key}` }), empty: "No series was backtested." });
}
