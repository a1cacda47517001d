// The report for a terminal: the five sections, the forecast with its backtest, and the
// assumptions, as aligned tables with a sparkline per series, in at most 100 columns. Long
// lists show their biggest entries and say how many more the json and csv formats hold.
import type { CapacityReport, Dimension, FleetRecord } from "../types.ts";
import { OVERDUE } from "../retirements.ts";
import { quartersFrom } from "../calendar.ts";
import { sparkline, textTable, type TextColumn } from "./text-table.ts";
import { formatFixed, formatInt } from "./format.ts";
import { declaredTables } from "../declared.ts";

/** Rows shown per dimension and table; the rest is counted. */
const TOP = 12;
const SPARK_WEEKS = 26;
const DIM_TITLE: Record<Dimension, string> = { team: "team", site: "site", model: "model" };
/** An empty key (a server without a site) shown as such. */
const shown_ = (key: string) => (key === "" ? "(none)" : key);
const signed = (n: number | null) => (n === null ? "—" : n > 0 ? `+${formatInt(n)}` : formatInt(n));
const pct = (r: number | null) => (r === null ? "—" : `${r >= 0 ? "+" : "−"}${formatFixed(Math.abs(r) * 100, 1)}%`);

function more(total: number, shown: number): string[] {
  return total > shown ? [`  … ${total - shown} more (all of them: --format json or csv)`] : [];
}

function dimensionsOf(records: readonly { dimension: string }[]): Dimension[] {
  return (["team", "site", "model"] as const).filter((d) => records.some((r) => r.dimension === d));
}

function fleetSection(r: CapacityReport): string[] {
  const out = [`1. Fleet now (${r.newest_day}): servers by status; change in servers over 4, 13 and 52 weeks`];
  const cols: TextColumn[] = [
    { header: "", max: 24 }, { header: "servers", right: true }, { header: "in use", right: true }, { header: "spare", right: true },
    { header: "broken", right: true }, { header: "retired", right: true }, { header: "cores", right: true }, { header: "mem GiB", right: true },
    { header: "4w", right: true }, { header: "13w", right: true }, { header: "52w", right: true },
  ];
  for (const dim of dimensionsOf(r.fleet)) {
    const groups: Array<[string, FleetRecord[]]> =
      dim === "model"
        ? [["model (physical)", r.fleet.filter((f) => f.dimension === dim && !f.virtual)], ["virtual platform", r.fleet.filter((f) => f.dimension === dim && f.virtual)]]
        : [[DIM_TITLE[dim], r.fleet.filter((f) => f.dimension === dim)]];
    for (const [title, list] of groups) {
      if (!list.length) continue;
      const shown = list.slice(0, TOP);
      out.push(...textTable([{ ...cols[0]!, header: title }, ...cols.slice(1)], shown.map((f) => [
        shown_(f.key), formatInt(f.servers), formatInt(f.in_use), formatInt(f.spare), formatInt(f.broken), formatInt(f.retired),
        formatInt(f.cpu_cores), formatInt(f.memory_gib), signed(f.change_4w), signed(f.change_13w), signed(f.change_52w),
      ])), ...more(list.length, shown.length), "");
    }
  }
  return out;
}

function growthSection(r: CapacityReport): string[] {
  const out = [`2. Growth: in-use servers per week (sparkline: the last ${SPARK_WEEKS} weeks), rate in the last two quarters`];
  const quarters = [...new Set(r.growth_rates.map((g) => g.quarter))].sort().slice(-2);
  for (const dim of dimensionsOf(r.growth)) {
    const keys = r.fleet.filter((f) => f.dimension === dim).map((f) => f.key);
    const shown = keys.slice(0, TOP);
    const rows = shown.map((key) => {
      const series = r.growth.filter((g) => g.dimension === dim && g.key === key);
      const last = series.at(-1);
      const rate = (q: string) => r.growth_rates.find((g) => g.dimension === dim && g.key === key && g.quarter === q)?.rate ?? null;
      return [shown_(key), formatInt(last?.in_use ?? 0), formatInt(last?.in_use_cores ?? 0), ...quarters.map((q) => pct(rate(q))), sparkline(series.slice(-SPARK_WEEKS).map((g) => g.in_use))];
    });
    out.push(...textTable([
      { header: DIM_TITLE[dim], max: 26 }, { header: "in use", right: true }, { header: "cores", right: true },
      ...quarters.map((q) => ({ header: q, right: true })), { header: "trend", max: SPARK_WEEKS },
    ], rows), ...more(keys.length, shown.length), "");
  }
  return out;
}

function retirementSection(r: CapacityReport): string[] {
  const quarters = quartersFrom(r.newest_day, 8);
  const out = [`3. Retirements: servers reaching end of life per quarter (refresh age from delivery, else creation)`];
  for (const dim of dimensionsOf(r.retirements)) {
    const list = r.retirements.filter((x) => x.dimension === dim);
    const keys = [...new Set(list.map((x) => x.key))].sort((a, b) => sum(list, b) - sum(list, a) || a.localeCompare(b));
    const shown = keys.slice(0, TOP);
    const cell = (key: string, q: string) => formatInt(list.find((x) => x.key === key && x.quarter === q)?.servers ?? 0);
    out.push(...textTable(
      [{ header: DIM_TITLE[dim], max: 22 }, { header: OVERDUE, right: true }, ...quarters.map((q) => ({ header: q.slice(2), right: true }))],
      shown.map((key) => [shown_(key), cell(key, OVERDUE), ...quarters.map((q) => cell(key, q))]),
    ), ...more(keys.length, shown.length), "");
  }
  const dated = r.retirements.filter((x) => x.dimension === "model").reduce((s, x) => s + x.from_created_at, 0);
  if (dated) out.push(`  ${formatInt(dated)} of these servers have no delivery date: their age counts from created_at`, "");
  if (r.retirement_ages.length) {
    out.push("  Seen by the warehouse: age when servers went from in use to retired, per model");
    const shown = r.retirement_ages.slice(0, TOP);
    out.push(...textTable(
      [{ header: "model", max: 30 }, { header: "retired", right: true }, { header: "p25 y", right: true }, { header: "median y", right: true }, { header: "p75 y", right: true }, { header: "rule y", right: true }],
      shown.map((a) => [a.key, formatInt(a.servers), formatFixed(a.p25_age_years, 1), formatFixed(a.median_age_years, 1), formatFixed(a.p75_age_years, 1), formatFixed(a.rule_years, 1)]),
    ), ...more(r.retirement_ages.length, shown.length), "");
  }
  return out;
}

function sum(list: readonly { key: string; servers: number }[], key: string): number {
  return list.filter((x) => x.key === key).reduce((s, x) => s + x.servers, 0);
}

function procurementSection(r: CapacityReport): string[] {
  if (!r.procurement.length) return [];
  const out = ["4. Procurement: servers to buy per site = forecast growth + retirements − spare (cumulative to each quarter's end, [95% interval])"];
  const quarters = [...new Set(r.procurement.map((p) => p.quarter))];
  const sites = [...new Set(r.procurement.map((p) => p.key))];
  out.push(...textTable(
    [{ header: "site", max: 12 }, { header: "spare", right: true }, ...quarters.map((q) => ({ header: q, right: true, max: 20 }))],
    sites.map((site) => {
      const rows = r.procurement.filter((p) => p.key === site);
      return [shown_(site), formatInt(rows[0]!.spare), ...quarters.map((q) => {
        const p = rows.find((x) => x.quarter === q)!;
        return `${formatInt(p.servers_needed)} [${formatInt(p.needed_lo95)}–${formatInt(p.needed_hi95)}]${p.note ? "*" : ""}`;
      })];
    }),
  ));
  const noted = r.procurement.filter((p) => p.note);
  if (noted.length) out.push(`  * ${noted[0]!.key} ${noted[0]!.quarter}: ${noted[0]!.note}${noted.length > 1 ? ` (and ${noted.length - 1} more; see --format json)` : ""}`);
  return [...out, ""];
}

function powerSection(r: CapacityReport): string[] {
  if (!r.power.length) return [];
  const out = ["5. Power: estimated draw from the power catalog, beside the meter where there is one (watts)"];
  const cols: TextColumn[] = [
    { header: "site", max: 24 }, { header: "servers", right: true }, { header: "no catalog", right: true }, { header: "estimate", right: true },
    { header: "metered", right: true }, { header: "difference", right: true }, { header: "note", max: 22 },
  ];
  const row = (p: CapacityReport["power"][number]) => [p.dimension === "site" ? shown_(p.key) : p.key, formatInt(p.servers), formatInt(p.servers_without_catalog), formatInt(p.estimated_watts), formatInt(p.metered_watts), signed(p.difference_watts), p.note ?? ""];
  out.push(...textTable(cols, r.power.filter((p) => p.dimension === "site").map(row)));
  const racks = r.power.filter((p) => p.dimension === "rack");
  const flagged = racks.filter((p) => p.note !== null);
  const worst = racks.filter((p) => p.difference_watts !== null && p.note === null).sort((a, b) => Math.abs(b.difference_watts!) - Math.abs(a.difference_watts!));
  const shown = [...flagged, ...worst].slice(0, TOP);
  if (shown.length) {
    out.push("", `  Racks: ${flagged.length} metered without servers or holding servers unmetered, then the largest differences`);
    out.push(...textTable([{ ...cols[0]!, header: "rack", max: 24 }, ...cols.slice(1)], shown.map(row)), ...more(racks.length, shown.length));
  }
  return [...out, ""];
}

function forecastSection(r: CapacityReport): string[] {
  if (!r.backtest.length) return [];
  const out = [`Forecast of in-use servers ${r.weeks} weeks ahead, backtested (MASE; below 1 beats the naive forecast; "drift" marks worse than drift)`];
  const rows = r.backtest.map((b) => {
    const end = r.forecast.filter((f) => f.dimension === b.dimension && f.key === b.key).at(-1);
    return [
      `${b.dimension} ${b.key}`, end ? formatInt(end.point) : "—", end ? `${formatInt(end.lo95)}–${formatInt(end.hi95)}` : "—",
      b.mase === null ? "—" : formatFixed(b.mase, 2), b.mase_naive === null ? "—" : formatFixed(b.mase_naive, 2),
      b.worse_than_drift ? "drift" : "", b.note ?? b.model ?? "",
    ];
  });
  const shown = rows.slice(0, 2 * TOP);
  out.push(...textTable([
    { header: "series", max: 28 }, { header: "point", right: true }, { header: "95%", right: true }, { header: "MASE", right: true },
    { header: "drift", right: true }, { header: "", max: 5 }, { header: "model or note", max: 20 },
  ], shown), ...more(rows.length, shown.length), "");
  return out;
}

function assumptionsSection(r: CapacityReport): string[] {
  const a = r.assumptions;
  const out = ["Assumptions"];
  out.push(`  refresh age: ${a.default_refresh_years} years by default${a.refresh_rules.length ? `; ${a.refresh_rules.map((x) => `${x.match}: ${x.years}`).join(", ")}` : ""}`);
  if (a.aliases_applied.length) out.push(`  names merged: ${a.aliases_applied.map((x) => `${x.from} → ${x.to}`).join(", ")}`);
  if (a.virtual_platforms.length) out.push(`  virtual platforms (apart from physical servers): ${a.virtual_platforms.join(", ")}`);
  out.push(`  power catalog: ${a.power_catalog.length ? `${a.power_catalog.length} models` : "empty (no estimate; add [[report.power]] entries to the config)"}`);
  if (a.backfill_caveat) out.push(`  backfill: ${a.backfill_caveat}`);
  for (const n of a.notes) out.push(`  note: ${n}`);
  return out;
}

/** Wraps long lines at spaces to `width` columns, indenting continuations like the line. */
function wrap(line: string, width: number): string[] {
  if (Bun.stringWidth(line) <= width) return [line];
  const lead = /^\s*/.exec(line)![0];
  const indent = lead + "  ";
  const out: string[] = [];
  let cur = lead;
  for (const word of line.slice(lead.length).split(" ")) {
    if (cur && Bun.stringWidth(cur + " " + word) > width) {
      out.push(cur);
      cur = indent + word;
    } else cur = cur.trim() ? `${cur} ${word}` : cur + word;
  }
  return [...out, cur];
}

/** The [[facts.aggregates]] tables on the newest day, biggest keys first (nothing when none is declared). */
function declaredSection(r: CapacityReport): string[] {
  const tables = declaredTables(r.declared);
  if (!tables.length) return [];
  const out = [`Declared aggregates ([[facts.aggregates]], ${r.newest_day}): servers, and each measure summed where known`];
  for (const t of tables) {
    const cols: TextColumn[] = [{ header: t.table, max: 40 }, { header: "servers", right: true }, { header: "in use", right: true }, ...t.measures.flatMap((m) => [{ header: m, right: true }, { header: "known", right: true }])];
    const shown = t.rows.slice(0, TOP);
    out.push(...textTable(cols, shown.map((row) => [shown_(row.key), formatInt(row.servers), formatInt(row.in_use), ...t.measures.flatMap((m) => [formatInt(row.sums[m] ?? 0), formatInt(row.known[m] ?? 0)])])), ...more(t.rows.length, shown.length), "");
  }
  return out;
}

/** The declared PuppetDB columns on the newest day: the most common values, and the servers without one. */
function puppetdbSection(r: CapacityReport): string[] {
  if (!r.puppetdb.length) return [];
  const out = [`PuppetDB columns (${r.newest_day}): servers per value; "no value" is the column's default (no node, a missing or wrong-typed fact, PuppetDB not read)`];
  for (const column of [...new Set(r.puppetdb.map((p) => p.column))]) {
    const records = r.puppetdb.filter((p) => p.column === column);
    const shown = records.filter((p) => p.kind === "value").slice(0, TOP);
    const rest = records.filter((p) => p.kind === "value").slice(TOP).reduce((s, p) => s + p.servers, 0) + records.filter((p) => p.kind === "other").reduce((s, p) => s + p.servers, 0);
    const unknown = records.find((p) => p.kind === "unknown")?.servers ?? 0;
    const rows = [...shown.map((p) => [shown_(p.value!), formatInt(p.servers)]), ...(rest ? [["(other values)", formatInt(rest)]] : []), ["(no value)", formatInt(unknown)]];
    out.push(...textTable([{ header: column, max: 40 }, { header: "servers", right: true }], rows), "");
  }
  return out;
}

export function renderTerminal(r: CapacityReport, target: string): string {
  const head = `Capacity report of ${target}: ${r.oldest_day} … ${r.newest_day}, forecast ${r.weeks} weeks ahead`;
  const lines = [head, "", ...fleetSection(r), ...growthSection(r), ...retirementSection(r), ...procurementSection(r), ...powerSection(r), ...forecastSection(r), ...declaredSection(r), ...puppetdbSection(r), ...assumptionsSection(r)];
  return lines.flatMap((l) => wrap(l, 100)).join("\n") + "\n";
}
