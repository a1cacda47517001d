// A small warehouse history with a known truth, for the report's tests: a fleet of servers
// whose teams, sites, models, statuses and delivery dates are decided here, as fact rows for 30
// Mondays and the three days after the last one, plus an etl_runs row per day (the first 10
// days backfilled, the rest nightly). The test computes its expectations from these rows
// itself; the report reads only the warehouse.
import type { Db } from "../../src/engine/db.ts";
import { addDays } from "../../src/plans/report-date.ts";
import { rngFor } from "../../src/generate/prng.ts";
import { addDayPartitions } from "./day-partitions.ts";

export interface FactRow {
  id: number;
  report_date: string;
  name: string;
  asset_type: string;
  delivery_date: string | null;
  status: string;
  site: string;
  rack: string;
  cpu_count: number;
  cpu_cores: number;
  memory: number;
  manufacturer: string;
  model: string;
  wou_id: number;
  wou_name: string;
  created_at: string;
}

export const TEAMS = ["Web", "Data & <b>ML</b>", "Search", "<unknown>"] as const;
export const SITES = ["fra1", "ams2", "lon1"] as const;
/** [manufacturer, model, asset_type]; two spellings of HPE on purpose, and a virtual platform. */
export const MODELS: ReadonlyArray<readonly [string, string, string]> = [
  ["Dell Inc.", "PowerEdge R640", "server"],
  ["HPE", "ProLiant DL360 Gen10", "server"],
  ["Hewlett Packard Enterprise", "ProLiant DL360 Gen10", "server"],
  ["Supermicro", "SYS-1029P-WTR", "blade"],
  ["VMware, Inc.", "VMware Virtual Platform", "vm"],
];

/** The Monday the history starts on, and its days. */
export const FIRST_MONDAY = "2025-05-05";
export const WEEKS = 30;
export function historyDays(): string[] {
  const mondays = Array.from({ length: WEEKS }, (_, i) => addDays(FIRST_MONDAY, 7 * i));
  const last = mondays[mondays.length - 1]!;
  return [...mondays, addDays(last, 1), addDays(last, 2), addDays(last, 3)];
}
export const BACKFILLED_DAYS = 10;

interface Server {
  id: number;
  team: number;
  site: number;
  model: number;
  rack: string;
  delivery: string | null;
  created: string;
  /** Index of the day it appears. */
  born: number;
  /** status per day index from `born` on. */
  statusAt: (day: number) => string;
  cpu: [number, number];
  memory: number;
}

/** Every fact row of the history, in (report_date, id) order. */
export function buildHistory(serverCount = 240, seed = 7): FactRow[] {
  const days = historyDays();
  // The generator's own seeded PRNG (src/generate/prng.ts), on a stream of its own.
  const gen = rngFor(seed, 0x7e57);
  const r = () => gen.float();
  const servers: Server[] = [];
  for (let id = 1; id <= serverCount; id++) {
    // Web grows steadily, Search is flat, Data & ML arrives late; a few servers without a team.
    const team = id % 17 === 0 ? 3 : id % 3;
    const born = team === 0 ? Math.floor(r() * days.length) : team === 2 ? 0 : Math.floor(days.length * (0.4 + 0.6 * r()));
    const deliveredYear = 2019 + Math.floor(r() * 7); // 2019 … 2025
    const deliveredMonth = 1 + Math.floor(r() * 12);
    const delivery = r() < 0.15 ? null : `${deliveredYear}-${String(deliveredMonth).padStart(2, "0")}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`;
    const created = `${delivery ? delivery.slice(0, 4) : 2020 + Math.floor(r() * 5)}-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-15 10:20:30`;
    const retireDay = r() < 0.12 ? born + 1 + Math.floor(r() * (days.length - born)) : Infinity;
    const spareDay = r() < 0.1 ? born + Math.floor(r() * (days.length - born)) : Infinity;
    const broken = r() < 0.03;
    const model = Math.floor(r() * MODELS.length);
    servers.push({
      id, team, site: Math.floor(r() * SITES.length), model, rack: `R${1 + Math.floor(r() * 6)}`,
      delivery, created, born,
      statusAt: (d) => (d >= retireDay ? "retired" : broken && d > born + 2 ? "broken" : d >= spareDay ? "spare" : "in_use"),
      cpu: model === 4 ? [-1, -1] : [2, 8 + 4 * (id % 3)],
      memory: [64, 128, 256.5][id % 3]!,
    });
  }
  const rows: FactRow[] = [];
  days.forEach((day, d) => {
    for (const s of servers) {
      if (d < s.born) continue;
      const [manufacturer, model, asset_type] = MODELS[s.model]!;
      rows.push({
        id: s.id, report_date: day, name: `srv-${s.id}`, asset_type, delivery_date: s.delivery, status: s.statusAt(d),
        site: SITES[s.site]!, rack: s.rack, cpu_count: s.cpu[0], cpu_cores: s.cpu[1], memory: s.memory,
        manufacturer, model, wou_id: s.team === 3 ? -1 : 4100 + s.team, wou_name: TEAMS[s.team]!, created_at: s.created,
      });
    }
  });
  return rows;
}

/** Write the history into an initialized warehouse: etl_runs rows first, then the facts. */
export async function writeHistory(db: Db, rows: readonly FactRow[]): Promise<void> {
  const days = historyDays();
  const runIds = new Map<string, number>();
  for (const [i, day] of days.entries()) {
    const kind = i < BACKFILLED_DAYS ? "backfill" : "etl";
    const res = await db.execute(
      "INSERT INTO etl_runs (kind, report_date, started_at, finished_at, status, host, version) VALUES (?, ?, ?, ?, 'success', 'test', 'test')",
      [kind, day, `${day} 02:00:00`, `${day} 02:05:00`],
    );
    runIds.set(day, res.insertId);
  }
  const cols = ["id", "report_date", "name", "asset_type", "serialnumber", "delivery_date", "status", "site", "region", "rack", "cpu_version",
    "cpu_count", "cpu_cores", "cpu_threads", "memory", "network_speed", "manufacturer", "model", "owner", "wou_id", "wou_name", "created_at", "last_edit", "etl_run_id"];
  await addDayPartitions(db, rows.map((f) => f.report_date));
  const chunk = 200;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values: unknown[] = [];
    for (const f of part) {
      values.push(f.id, f.report_date, f.name, f.asset_type, `SN${f.id}`, f.delivery_date, f.status, f.site, "eu-central", f.rack, "gold 6248",
        f.cpu_count, f.cpu_cores, f.cpu_count < 0 ? -1 : f.cpu_cores * 2, f.memory.toFixed(3), 10000, f.manufacturer, f.model, "ops", f.wou_id, f.wou_name,
        f.created_at, f.created_at, runIds.get(f.report_date)!);
    }
    const tuple = `(${cols.map(() => "?").join(", ")})`;
    await db.execute(`INSERT INTO server_facts (${cols.join(", ")}) VALUES ${part.map(() => tuple).join(", ")}`, values);
  }
}
