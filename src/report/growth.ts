// Section 2, growth: one representative day per week (its Monday, as retention keeps it; else
// the week's first day present), the weekly series per key of servers, in-use servers and
// in-use cores, and the change of in-use servers within each quarter. Pure.
import type { AggregateRow } from "./read-warehouse.ts";
import type { Dimension, GrowthRateRecord, GrowthRecord } from "./types.ts";
import { addDays, mondayOf, quarterOf } from "./calendar.ts";
import { IN_USE } from "./statuses.ts";

export interface WeekDay {
  /** The week's Monday (the record's `week`). */
  week: string;
  /** The day whose aggregates stand for the week. */
  day: string;
}

/**
 * One day per week present in `days`: the first day the warehouse recorded itself (a nightly
 * `etl` day, per `kinds`) when the week has one, else its first day (the Monday, as retention
 * keeps it, when present): backfilled days carry today's teams, nightly days what was true then.
 */
export function weeklyDays(days: readonly string[], kinds: ReadonlyMap<string, string> = new Map()): WeekDay[] {
  const byWeek = new Map<string, string>();
  for (const d of [...days].sort()) {
    const week = mondayOf(d);
    const have = byWeek.get(week);
    if (have === undefined || (kinds.get(have) !== "etl" && kinds.get(d) === "etl")) byWeek.set(week, d);
  }
  return [...byWeek.entries()].map(([week, day]) => ({ week, day }));
}

/**
 * The weekly records of one dimension: for each key, every week from its first appearance to the
 * last week (0 servers in a week it has none).
 */
export function growthRecords(dimension: Dimension, rows: readonly AggregateRow[], weeks: readonly WeekDay[]): GrowthRecord[] {
  const weekOf = new Map(weeks.map((w) => [w.day, w.week]));
  const cells = new Map<string, Map<string, GrowthRecord>>();
  for (const r of rows) {
    const week = weekOf.get(r.day);
    if (week === undefined) continue;
    const perKey = cells.get(r.key) ?? new Map<string, GrowthRecord>();
    const rec = perKey.get(week) ?? { dimension, key: r.key, week, servers: 0, in_use: 0, in_use_cores: 0 };
    rec.servers += r.servers;
    if (r.status === IN_USE) {
      rec.in_use += r.servers;
      rec.in_use_cores += r.cpu_cores;
    }
    perKey.set(week, rec);
    cells.set(r.key, perKey);
  }
  const out: GrowthRecord[] = [];
  for (const [key, perKey] of [...cells.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const first = [...perKey.keys()].sort()[0]!;
    for (const { week } of weeks) {
      if (week < first) continue;
      out.push(perKey.get(week) ?? { dimension, key, week, servers: 0, in_use: 0, in_use_cores: 0 });
    }
  }
  return out;
}

/** Per key and quarter: in-use servers in the quarter's first and last week, and the rate between. */
export function growthRates(records: readonly GrowthRecord[]): GrowthRateRecord[] {
  const groups = new Map<string, GrowthRecord[]>();
  for (const r of records) {
    const id = `${r.dimension}\u0000${r.key}\u0000${quarterOf(r.week)}`;
    const list = groups.get(id);
    if (list) list.push(r);
    else groups.set(id, [r]);
  }
  return [...groups.values()].map((list) => {
    const sorted = [...list].sort((a, b) => a.week.localeCompare(b.week));
    const [start, end] = [sorted[0]!, sorted[sorted.length - 1]!];
    return {
      dimension: start.dimension, key: start.key, quarter: quarterOf(start.week),
      in_use_start: start.in_use, in_use_end: end.in_use,
      rate: start.in_use === 0 ? null : Math.round(((end.in_use - start.in_use) / start.in_use) * 10_000) / 10_000,
    };
  });
}

/**
 * A regular weekly series of in-use servers for one key, from its first week to `lastWeek`:
 * weeks the warehouse lacks (a failed night, days backfilled weeks apart) are interpolated
 * linearly between their neighbours (after the last one: its value), and counted.
 */
export function inUseSeries(records: readonly GrowthRecord[], lastWeek: string): { weeks: string[]; values: number[]; filled: number } {
  const sorted = [...records].sort((a, b) => a.week.localeCompare(b.week));
  if (sorted.length === 0) return { weeks: [], values: [], filled: 0 };
  const weeks: string[] = [];
  for (let w = sorted[0]!.week; w <= lastWeek; w = addDays(w, 7)) weeks.push(w);
  const index = new Map(weeks.map((w, i) => [w, i]));
  const known = sorted.filter((r) => index.has(r.week)).map((r) => [index.get(r.week)!, r.in_use] as const);
  const values = weeks.map(() => 0);
  for (let k = 0; k < known.length; k++) {
    const [i, v] = known[k]!;
    const [j, next] = known[k + 1] ?? [weeks.length, v];
    for (let t = i; t < j; t++) values[t] = v + ((next - v) * (t - i)) / (j - i);
  }
  return { weeks, values, filled: weeks.length - known.length };
}
