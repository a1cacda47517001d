// Section 3, what retires when: servers not yet retired, by the quarter their refresh age runs
// out (the next 8 quarters, starting with the newest day's; already past it = "overdue"), per
// model, team and site; and the ages at which the warehouse saw servers retire, per model.
// Virtual platforms are left out: they are not refreshed as hardware. Pure.
import type { AgeRow, RetirementSeenRow } from "./read-warehouse.ts";
import type { Dimension, RetirementAgeRecord, RetirementRecord } from "./types.ts";
import type { ReportConfig } from "./report-config.ts";
import { addMonths, refreshYears } from "./refresh-rule.ts";
import { daysBetween, quartersFrom } from "./calendar.ts";
import { isVirtual, modelKey } from "./names.ts";

export const RETIREMENT_QUARTERS = 8;
export const OVERDUE = "overdue";

export interface RetirementOutcome {
  records: RetirementRecord[];
  /** Servers left out: virtual, or an unusable start-of-service month. */
  virtualServers: number;
  undatedServers: number;
}

function quarterOfMonth(month: string): string {
  return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

export function predictRetirements(rows: readonly AgeRow[], newestDay: string, config: ReportConfig): RetirementOutcome {
  const quarters = quartersFrom(newestDay, RETIREMENT_QUARTERS);
  const inWindow = new Set(quarters);
  const nowMonth = newestDay.slice(0, 7);
  const cells = new Map<string, RetirementRecord>();
  let virtualServers = 0;
  let undatedServers = 0;
  for (const r of rows) {
    if (isVirtual(config.names, r.manufacturer)) {
      virtualServers += r.servers;
      continue;
    }
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(r.since_month)) {
      undatedServers += r.servers;
      continue;
    }
    const months = Math.round(refreshYears(config, r.manufacturer, r.model, r.asset_type) * 12);
    const end = addMonths(r.since_month, months);
    const quarter = end < nowMonth ? OVERDUE : quarterOfMonth(end);
    if (quarter !== OVERDUE && !inWindow.has(quarter)) continue;
    const keys: Array<[Dimension, string]> = [["model", modelKey(config.names, r.manufacturer, r.model)], ["team", r.team], ["site", r.site]];
    for (const [dimension, key] of keys) {
      const id = `${dimension}\u0000${key}\u0000${quarter}`;
      const rec = cells.get(id) ?? { dimension, key, quarter, servers: 0, from_created_at: 0 };
      rec.servers += r.servers;
      if (!r.delivery_known) rec.from_created_at += r.servers;
      cells.set(id, rec);
    }
  }
  const order = new Map([[OVERDUE, -1], ...quarters.map((q, i) => [q, i] as const)]);
  const dimOrder: Record<Dimension, number> = { team: 0, site: 1, model: 2 };
  const records = [...cells.values()].sort(
    (a, b) => dimOrder[a.dimension] - dimOrder[b.dimension] || a.key.localeCompare(b.key) || order.get(a.quarter)! - order.get(b.quarter)!,
  );
  return { records, virtualServers, undatedServers };
}

/** Linear-interpolation quantile of sorted values (the common "type 7" definition). */
export function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Ages (years from start of service to the first retired day) per model, with the rule's age beside them. */
export function retirementAges(rows: readonly RetirementSeenRow[], config: ReportConfig): RetirementAgeRecord[] {
  const byModel = new Map<string, { ages: number[]; rule: number }>();
  for (const r of rows) {
    if (isVirtual(config.names, r.manufacturer)) continue;
    const key = modelKey(config.names, r.manufacturer, r.model);
    const entry = byModel.get(key) ?? { ages: [], rule: refreshYears(config, r.manufacturer, r.model, r.asset_type) };
    entry.ages.push(daysBetween(r.in_service_since, r.day) / 365.25);
    byModel.set(key, entry);
  }
  return [...byModel.entries()]
    .map(([key, { ages, rule }]) => {
      const sorted = ages.sort((a, b) => a - b);
      return {
        dimension: "model" as const, key, servers: sorted.length,
        median_age_years: round2(quantile(sorted, 0.5)), p25_age_years: round2(quantile(sorted, 0.25)), p75_age_years: round2(quantile(sorted, 0.75)),
        rule_years: rule,
      };
    })
    .sort((a, b) => b.servers - a.servers || a.key.localeCompare(b.key));
}
