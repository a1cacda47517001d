// Section 1, fleet now: per team, site and model on the newest day, servers by status, CPU and
// memory, and the change in servers against 4, 13 and 52 weeks before (null where the
// warehouse does not reach back). Pure: aggregate rows in, records out.
import type { AggregateRow } from "./read-warehouse.ts";
import type { Dimension, FleetRecord } from "./types.ts";
import { BROKEN, IN_USE, RETIRED, SPARE } from "./statuses.ts";

/** The days the fleet section compares: newest and the days 4, 13 and 52 weeks before (null when absent). */
export interface FleetDays {
  newest: string;
  back4: string | null;
  back13: string | null;
  back52: string | null;
}

/** Rows of one dimension with their report key already set (models: `manufacturer model`, aliased). */
export interface KeyedRows {
  dimension: Dimension;
  rows: readonly AggregateRow[];
  /** Keys that are virtual platforms (model dimension). */
  virtual?: ReadonlySet<string>;
}

export function fleetRecords(input: readonly KeyedRows[], days: FleetDays): FleetRecord[] {
  const out: FleetRecord[] = [];
  for (const { dimension, rows, virtual } of input) {
    const now = new Map<string, FleetRecord>();
    const total = (d: string | null) => {
      const m = new Map<string, number>();
      if (d) for (const r of rows) if (r.day === d) m.set(r.key, (m.get(r.key) ?? 0) + r.servers);
      return m;
    };
    for (const r of rows) {
      if (r.day !== days.newest) continue;
      const rec = now.get(r.key) ?? blank(dimension, r.key, virtual?.has(r.key));
      rec.servers += r.servers;
      if (r.status === IN_USE) rec.in_use += r.servers;
      else if (r.status === SPARE) rec.spare += r.servers;
      else if (r.status === BROKEN) rec.broken += r.servers;
      else if (r.status === RETIRED) rec.retired += r.servers;
      else rec.other += r.servers;
      rec.cpu_sockets += r.cpu_sockets;
      rec.cpu_cores += r.cpu_cores;
      rec.memory_gib = Math.round((rec.memory_gib + r.memory_gib) * 1000) / 1000;
      now.set(r.key, rec);
    }
    const before = [total(days.back4), total(days.back13), total(days.back52)] as const;
    for (const rec of now.values()) {
      // A key absent on the older day had 0 servers then (the day itself exists).
      rec.change_4w = days.back4 ? rec.servers - (before[0].get(rec.key) ?? 0) : null;
      rec.change_13w = days.back13 ? rec.servers - (before[1].get(rec.key) ?? 0) : null;
      rec.change_52w = days.back52 ? rec.servers - (before[2].get(rec.key) ?? 0) : null;
    }
    out.push(...[...now.values()].sort((a, b) => b.servers - a.servers || a.key.localeCompare(b.key)));
  }
  return out;
}

function blank(dimension: Dimension, key: string, virtual: boolean | undefined): FleetRecord {
  return {
    dimension, key, servers: 0, in_use: 0, spare: 0, broken: 0, retired: 0, other: 0, cpu_sockets: 0, cpu_cores: 0, memory_gib: 0,
    change_4w: null, change_13w: null, change_52w: null, ...(dimension === "model" ? { virtual: virtual ?? false } : {}),
  };
}

/** The day the warehouse holds closest to `target`, at or before it and at most 6 days earlier. */
export function dayNear(days: readonly string[], target: string, earliest: string): string | null {
  let best: string | null = null;
  for (const d of days) if (d <= target && d >= earliest) best = d;
  return best;
}
