// `--format csv --out DIR`: one RFC 4180 file per section (header from the records' fields;
// empty for null), plus assumptions.csv as key,value lines.
import type { CapacityReport } from "../types.ts";

/** Each section's columns, in the records' order (README "report"): an empty section still gets its header. */
export const CSV_COLUMNS = {
  fleet: ["dimension", "key", "servers", "in_use", "spare", "broken", "retired", "other", "cpu_sockets", "cpu_cores", "memory_gib", "change_4w", "change_13w", "change_52w", "virtual"],
  growth: ["dimension", "key", "week", "servers", "in_use", "in_use_cores"],
  growth_rates: ["dimension", "key", "quarter", "in_use_start", "in_use_end", "rate"],
  retirements: ["dimension", "key", "quarter", "servers", "from_created_at"],
  retirement_ages: ["dimension", "key", "servers", "median_age_years", "p25_age_years", "p75_age_years", "rule_years"],
  procurement: ["dimension", "key", "quarter", "growth", "growth_lo80", "growth_hi80", "growth_lo95", "growth_hi95", "retirements", "spare", "servers_needed", "needed_lo80", "needed_hi80", "needed_lo95", "needed_hi95", "note"],
  power: ["dimension", "key", "site", "rack", "servers", "servers_without_catalog", "estimated_watts", "metered_watts", "difference_watts", "note"],
  forecast: ["dimension", "key", "week", "point", "lo80", "hi80", "lo95", "hi95"],
  backtest: ["dimension", "key", "mase", "mase_naive", "origins", "model", "worse_than_drift", "note"],
  declared: ["table", "key", "status", "servers", "measure", "sum", "known"],
  puppetdb: ["column", "kind", "value", "servers"],
} as const satisfies Partial<Record<keyof CapacityReport, readonly string[]>>;

export const CSV_SECTIONS = Object.keys(CSV_COLUMNS) as Array<keyof typeof CSV_COLUMNS>;

function field(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(records: readonly object[], cols: readonly string[]): string {
  const lines = [cols.join(","), ...records.map((r) => cols.map((c) => field((r as Record<string, unknown>)[c])).join(","))];
  return lines.join("\r\n") + "\r\n";
}

/** File name → content. */
export function renderCsv(report: CapacityReport): Map<string, string> {
  const files = new Map<string, string>();
  for (const section of CSV_SECTIONS) files.set(`${section}.csv`, toCsv(report[section], CSV_COLUMNS[section]));
  const a = report.assumptions;
  const pairs: Array<{ key: string; value: unknown }> = [
    { key: "newest_day", value: report.newest_day },
    { key: "oldest_day", value: report.oldest_day },
    { key: "weeks", value: report.weeks },
    { key: "default_refresh_years", value: a.default_refresh_years },
    ...a.refresh_rules.map((r) => ({ key: `refresh ${r.match}`, value: r.years })),
    ...a.aliases_applied.map((x) => ({ key: `alias ${x.field} ${x.from}`, value: x.to })),
    ...a.virtual_platforms.map((v) => ({ key: "virtual platform", value: v })),
    ...a.power_catalog.map((p) => ({ key: `power ${p.model}`, value: `${p.idle_watts}/${p.loaded_watts}` })),
    { key: "backfill_caveat", value: a.backfill_caveat },
    ...a.notes.map((n) => ({ key: "note", value: n })),
  ];
  files.set("assumptions.csv", toCsv(pairs, ["key", "value"]));
  return files;
}
