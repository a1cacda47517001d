// `--format csv --out DIR`: one RFC 4180 file per section (header from the records' fields;
// empty for null), plus assumptions.csv as key,value lines.
import type { CapacityReport } from "../types.ts";

export const CSV_SECTIONS = ["fleet", "growth", "growth_rates", "retirements", "retirement_ages", "procurement", "power", "forecast", "backtest"] as const;

function field(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(records: readonly object[], header?: readonly string[]): string {
  const cols = header ?? (records[0] ? Object.keys(records[0]) : []);
  const lines = [cols.join(","), ...records.map((r) => cols.map((c) => field((r as Record<string, unknown>)[c])).join(","))];
  return lines.join("\r\n") + "\r\n";
}

/** File name → content. */
export function renderCsv(report: CapacityReport): Map<string, string> {
  const files = new Map<string, string>();
  for (const section of CSV_SECTIONS) files.set(`${section}.csv`, toCsv(report[section]));
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
