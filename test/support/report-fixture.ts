// A realistic CapacityReport as plain data for the renderer tests (and the compiled HTML probe):
// 4 teams (one `<unknown>`, one whose name carries `&` and `<b>`), 3 sites, 5 models (one virtual),
// 60 weeks of growth, 52 weeks of forecast, procurement, and power with metered and unmetered racks.
// Deterministic: a seeded generator, no clock.
import type { CapacityReport, Dimension, FleetRecord, ForecastRecord, GrowthRecord } from "../../src/report/types.ts";

export const TEAMS = ["Web", "R&D <b>bold</b> \"lab\"", "<unknown>", "Platform"];
export const SITES = ["ams1", "fra2", "lon3"];
export const MODELS = ["Dell PowerEdge R650", "HPE ProLiant DL380 Gen10", "Lenovo ThinkSystem SR650", "Supermicro SYS-1029P", "VMware Virtual Platform"];
/** The series whose model loses to drift in the backtest. */
export const WORSE_THAN_DRIFT = { dimension: "site", key: "lon3" } as const;
/** The series with no forecast (too short a history, per its backtest note). */
export const NOT_FORECAST = { dimension: "team", key: "<unknown>" } as const;

const NEWEST_WEEK = Date.UTC(2026, 2, 2); // a Monday
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const quarterOf = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

/** Mulberry32: small, seeded, good enough for plausible noise. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  /** Extra teams `team-00`… and sites `dc-00`… on top of the named ones (for the chart limit and timing). */
  extraTeams?: number;
  extraSites?: number;
}

/** The fixture report; the same options give the same report. */
export function fixtureReport(options: FixtureOptions = {}): CapacityReport {
  const rnd = random(42);
  const weeks = Array.from({ length: 60 }, (_, i) => iso(NEWEST_WEEK - (59 - i) * 7 * DAY));
  const ahead = Array.from({ length: 52 }, (_, i) => iso(NEWEST_WEEK + (i + 1) * 7 * DAY));
  const keys: Record<Dimension, string[]> = {
    team: [...TEAMS, ...Array.from({ length: options.extraTeams ?? 0 }, (_, i) => `team-${String(i).padStart(2, "0")}`)],
    site: [...SITES, ...Array.from({ length: options.extraSites ?? 0 }, (_, i) => `dc-${String(i).padStart(2, "0")}`)],
    model: MODELS,
  };
  const growth: GrowthRecord[] = [];
  const forecast: ForecastRecord[] = [];
  const fleet: FleetRecord[] = [];
  for (const dimension of ["team", "site", "model"] as const) {
    keys[dimension].forEach((key, k) => {
      const base = 40 + ((k * 37) % 160);
      const slope = 0.2 + (k % 5) * 0.15;
      let level = base;
      for (const week of weeks) {
        level += slope + (rnd() - 0.5) * 3;
        const in_use = Math.max(0, Math.round(level));
        growth.push({ dimension, key, week, servers: in_use + 6 + (k % 4), in_use, in_use_cores: in_use * 32 });
      }
      const last = growth.at(-1)!.in_use;
      const forecastable = dimension !== "model" && !(dimension === NOT_FORECAST.dimension && key === NOT_FORECAST.key);
      if (forecastable)
        ahead.forEach((week, h) => {
          const point = last + slope * (h + 1);
          const w80 = 2 + 0.9 * Math.sqrt(h + 1) * 2;
          const w95 = w80 * 1.53;
          forecast.push({ dimension, key, week, point, lo80: point - w80, hi80: point + w80, lo95: point - w95, hi95: point + w95 });
        });
      const virtual = dimension === "model" && key.startsWith("VMware");
      fleet.push({
        dimension, key, servers: last + 6 + (k % 4) + 3, in_use: last, spare: 3 + (k % 4), broken: k % 3, retired: 3, other: (k + 1) % 2 * 3,
        cpu_sockets: virtual ? 0 : last * 2, cpu_cores: last * 32, memory_gib: last * 256,
        change_4w: k % 4 === 3 ? null : 2 + k, change_13w: k % 4 === 3 ? null : -1 - k, change_52w: k % 2 ? null : 20 + k,
        ...(dimension === "model" ? { virtual } : {}),
      });
    });
  }
  const rateQuarters = [...new Set(weeks.map(quarterOf))];
  const growth_rates = (["team", "site"] as const).flatMap((dimension) =>
    keys[dimension].flatMap((key) =>
      rateQuarters.map((quarter) => {
        const inQ = growth.filter((g) => g.dimension === dimension && g.key === key && quarterOf(g.week) === quarter);
        const start = inQ[0]!.in_use, end = inQ.at(-1)!.in_use;
        return { dimension, key, quarter, in_use_start: start, in_use_end: end, rate: start === 0 ? null : (end - start) / start };
      }),
    ),
  );
  const futureQuarters = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"];
  const retirements = (["team", "site", "model"] as const).flatMap((dimension) =>
    keys[dimension].flatMap((key, k) => futureQuarters.map((quarter, q) => ({ dimension, key, quarter, servers: (k + q) % 5, from_created_at: (k + q) % 5 > 2 ? 1 : 0 }))),
  );
  const procurement = SITES.flatMap((key, k) =>
    futureQuarters.slice(0, 4).map((quarter, q) => {
      const growthN = key === "lon3" && q === 0 ? 0 : 4 + 3 * q + k;
      const ret = 2 + q * 2, spare = 3 + k;
      const need = (g: number) => Math.max(0, Math.round(g + ret - spare));
      return {
        dimension: "site" as const, key, quarter, growth: growthN, growth_lo80: growthN - 3 - q, growth_hi80: growthN + 3 + q, growth_lo95: growthN - 5 - q, growth_hi95: growthN + 5 + q,
        retirements: ret, spare, servers_needed: need(growthN), needed_lo80: need(growthN - 3 - q), needed_hi80: need(growthN + 3 + q), needed_lo95: need(growthN - 5 - q), needed_hi95: need(growthN + 5 + q),
        note: null,
      };
    }),
  );
  const power = SITES.flatMap((site, k) => {
    const racks = ["r01", "r02", "r03"].map((rack, r) => {
      const servers = r === 2 && k === 1 ? 0 : 10 + 3 * r + k;
      const estimated = servers * 310;
      const metered = r === 1 ? null : r === 2 && k === 1 ? 450 : estimated + 200 - 150 * r;
      const note = metered === null ? "servers, not metered" : servers === 0 ? "metered, no server" : null;
      return { dimension: "rack" as const, key: `${site}/${rack}`, site, rack, servers, servers_without_catalog: r === 0 ? 2 : 0, estimated_watts: estimated, metered_watts: metered, difference_watts: metered === null ? null : metered - estimated, note };
    });
    const sum = (f: (r: (typeof racks)[number]) => number) => racks.reduce((s, r) => s + f(r), 0);
    return [
      { dimension: "site" as const, key: site, site, rack: null, servers: sum((r) => r.servers), servers_without_catalog: sum((r) => r.servers_without_catalog), estimated_watts: sum((r) => r.estimated_watts), metered_watts: sum((r) => r.metered_watts ?? 0), difference_watts: sum((r) => r.difference_watts ?? 0), note: null },
      ...racks,
    ];
  });
  const backtest = (["team", "site"] as const).flatMap((dimension) =>
    keys[dimension].map((key, k) => {
      const flagged = dimension === WORSE_THAN_DRIFT.dimension && key === WORSE_THAN_DRIFT.key;
      const none = dimension === NOT_FORECAST.dimension && key === NOT_FORECAST.key;
      if (none) return { dimension, key, mase: null, mase_naive: null, origins: 0, model: null, worse_than_drift: false, note: "history too short: 9 weeks since the team was created" };
      return { dimension, key, mase: flagged ? 1.42 : 0.6 + k * 0.05, mase_naive: flagged ? 1.1 : 1.0, origins: 12, model: k % 2 ? "ETS(A,Ad,N)" : "ETS(A,A,N)", worse_than_drift: flagged, note: null };
    }),
  );
  return {
    newest_day: iso(NEWEST_WEEK + 4 * DAY),
    oldest_day: weeks[0]!,
    weeks: 52,
    fleet,
    growth,
    growth_rates,
    retirements,
    retirement_ages: MODELS.slice(0, 4).map((key, k) => ({ dimension: "model" as const, key, servers: 5 + k * 4, median_age_years: 4.6 + k * 0.3, p25_age_years: 4.1 + k * 0.3, p75_age_years: 5.2 + k * 0.3, rule_years: k === 3 ? 6 : 5 })),
    procurement,
    power,
    forecast,
    backtest,
    // A declared aggregate (server_by_room: site and room, rated_watts measured): two keys, two statuses.
    declared: ["AMS1 / Hall <A>", "FRA1 / Hall B"].flatMap((key, k) =>
      ["in_use", "spare"].map((status, j) => ({ table: "server_by_room", key, status, servers: 40 - 10 * j + k, measure: "rated_watts", sum: (40 - 10 * j + k) * 450 - 900, known: 38 - 10 * j + k })),
    ),
    // A declared PuppetDB column (os_release): two values, the rest, and the servers without one.
    puppetdb: [
      { column: "os_release", kind: "value", value: "12.4", servers: 61 },
      { column: "os_release", kind: "value", value: "11.9", servers: 20 },
      { column: "os_release", kind: "other", value: "3 other values", servers: 4 },
      { column: "os_release", kind: "unknown", value: null, servers: 9 },
    ],
    assumptions: {
      default_refresh_years: 5,
      refresh_rules: [{ match: "Supermicro *", years: 6 }],
      aliases_applied: [
        { field: "manufacturer", from: "Dell Inc.", to: "Dell", servers: 31 },
        { field: "model", from: "ProLiant DL380 G10", to: "ProLiant DL380 Gen10", servers: 7 },
      ],
      virtual_platforms: ["VMware Virtual Platform", "QEMU Standard PC (Q35 + ICH9, 2009)"],
      power_catalog: [
        { model: "Dell PowerEdge R650", idle_watts: 110, loaded_watts: 420 },
        { model: "HPE ProLiant DL380 Gen10", idle_watts: 130, loaded_watts: 500 },
      ],
      backfill_caveat: "Days 2025-01-20 to 2025-03-02 were written by backfill: team as of today, deleted servers under <unknown>.",
      notes: ["Racks without a meter are estimated only.", "A & B <i>notes</i> are escaped."],
    },
  };
}
