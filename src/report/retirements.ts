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
  // The quarter a start month reaches after a refresh age: undefined for an unusable month, null outside the window.
  const due = new Map<string, string | null | undefined>();
  const quarterDue = (since: string, months: number) => {
    const id = `${since}\u0000${months}`;
    if (due.has(id)) return due.get(id);
    let q: string | null | undefined;
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(since)) q = undefined;
    else {
      const end = addMonths(since, months);
      q = end < nowMonth ? OVERDUE : quarterOfMonth(end);
      if (q !== OVERDUE && !inWindow.has(q)) q = null;
    }
    due.set(id, q);
    return q;
  };
  // Thousands of groups share a model: its rule, key and virtual flag are worked out once.
  const models = new Map<string, { virtual: boolean; months: number; key: string }>();
  const modelOf = (r: AgeRow) => {
    const id = `${r.manufacturer}\u0000${r.model}\u0000${r.asset_type}`;
    let m = models.get(id);
    if (!m) {
      m = {
        virtual: isVirtual(config.names, r.manufacturer),
        months: Math.round(refreshYears(config, r.manufacturer, r.model, r.asset_type) * 12),
        key: modelKey(config.names, r.manufacturer, r.model),
      };
      models.set(id, m);
    }
    return m;
  };
  for (const r of rows) {
    const m = modelOf(r);
    if (m.virtual) {
      virtualServers += r.servers;
      continue;
    }
    const quarter = quarterDue(r.since_month, m.months);
    if (quarter === undefined) {
      undatedServers += r.servers;
      continue;
    }
    if (quarter === null) continue;
    const keys: Array<[Dimension, string]> = [["model", m.key], ["team", r.team], ["site", r.site]];
    for (const [dimension, key] of keys) {
      const id = `${dimension}\u0000${key}\u0000${quarter}`;
      const rec = cells.get(id);
      if (rec) {
        rec.servers += r.servers;
        if (!r.delivery_known) rec.from_created_at += r.servers;
      } else cells.set(id, { dimension, key, quarter, servers: r.servers, from_created_at: r.delivery_known ? 0 : r.servers });
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
