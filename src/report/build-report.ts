// Builds the capacity report from the warehouse alone (SELECT only, either engine): picks the
// days, reads the aggregates (and one day of facts where a question needs servers), computes the
// sections and states the assumptions. Filters by dimension/key last, so every number is the
// same with or without them.
import type { Db } from "../engine/db.ts";
import { UsageError } from "../errors.ts";
import { nearestName } from "../settings/nearest-name.ts";
import type { CapacityReport, Dimension } from "./types.ts";
import type { ReportConfig } from "./report-config.ts";
import type { MeteredRack } from "./metered.ts";
import * as read from "./read-warehouse.ts";
import { dayNear, fleetRecords, type KeyedRows } from "./fleet.ts";
import { growthRates, growthRecords, weeklyDays } from "./growth.ts";
import { predictRetirements, retirementAges } from "./retirements.ts";
import { estimatePower } from "./power.ts";
import { forecastAll } from "./forecasts.ts";
import { procurementRecords } from "./procurement.ts";
import { addDays } from "./calendar.ts";
import { AliasLog, isVirtual, modelKey, modelName, vendorName } from "./names.ts";
import { backfillCaveat } from "./caveats.ts";
import { readDeclared } from "./declared.ts";
import { readPuppetdbColumns } from "./puppetdb-columns.ts";
import type { ExtraColumn } from "../extras/types.ts";
import type { DeclaredAggregate } from "../extras/types.ts";
import { engineOf } from "../engine/index.ts";

export interface ReportOptions {
  config: ReportConfig;
  /** The report as it would have looked on this day (default: the newest aggregated day). */
  asOf?: string;
  /** Forecast horizon in weeks. */
  weeks: number;
  dimension?: Dimension;
  key?: string;
  metered: MeteredRack[] | null;
  /** [[facts.aggregates]]: their tables on the newest day become the "declared" section. */
  aggregates?: readonly DeclaredAggregate[];
  /** [[facts.columns]]: the PuppetDB ones on the newest day become the "puppetdb" section. */
  columns?: readonly ExtraColumn[];
}

export const DEFAULT_WEEKS = 52;

export async function buildReport(db: Db, options: ReportOptions): Promise<CapacityReport> {
  const present = await read.presentTables(db);
  const missing = read.REPORT_TABLES.filter((t) => t !== "server_retirements" && !present.has(t));
  if (missing.length) {
    throw new UsageError(`${db.label} is not a serverdb-etl warehouse (no ${missing.join(", ")}); check --target, or create one with serverdb-etl init and fill it with run`);
  }
  const allDays = await read.aggregatedDays(db);
  if (allDays.length === 0) {
    throw new UsageError(`the warehouse ${db.label} holds no aggregated day yet; run serverdb-etl run (etl, then aggregate) first`);
  }
  const days = options.asOf ? allDays.filter((d) => d <= options.asOf!) : allDays;
  if (days.length === 0) {
    throw new UsageError(`--as-of ${options.asOf}: the warehouse has no aggregated day on or before it (its oldest is ${allDays[0]}); give a later day`);
  }
  const newest = days[days.length - 1]!;
  const oldest = days[0]!;
  const kinds = await read.dayKinds(db);
  const weeks = weeklyDays(days, kinds);
  const fleetDays = {
    newest,
    back4: dayNear(days, addDays(newest, -28), addDays(newest, -34)),
    back13: dayNear(days, addDays(newest, -91), addDays(newest, -97)),
    back52: dayNear(days, addDays(newest, -364), addDays(newest, -370)),
  };
  const wanted = [...new Set([...weeks.map((w) => w.day), newest, fleetDays.back4, fleetDays.back13, fleetDays.back52].filter((d): d is string => !!d))].sort();

  const names = options.config.names;
  const aliases = new AliasLog();
  const [teamRows, siteRows, rawModelRows] = await Promise.all([
    read.aggregateRows(db, "team", wanted),
    read.aggregateRows(db, "site", wanted),
    read.aggregateRows(db, "model", wanted),
  ]);
  const virtual = new Set<string>();
  const modelRows = rawModelRows.map((r) => {
    const key = modelKey(names, r.manufacturer!, r.model!);
    if (r.day === newest) {
      aliases.note("manufacturer", r.manufacturer!, vendorName(names, r.manufacturer!), r.servers);
      aliases.note("model", r.model!, modelName(names, r.model!), r.servers);
    }
    if (isVirtual(names, r.manufacturer!)) virtual.add(key);
    return { ...r, key };
  });
  const keyed: KeyedRows[] = [
    { dimension: "team", rows: teamRows },
    { dimension: "site", rows: siteRows },
    { dimension: "model", rows: modelRows, virtual },
  ];
  const fleet = fleetRecords(keyed, fleetDays);
  const growth = keyed.flatMap((k) => growthRecords(k.dimension, k.rows, weeks));
  const lastWeek = weeks[weeks.length - 1]!.week;
  // The fact day is read while the forecast worker already fits; this thread fits too once read.
  const factSections = readFactSections(db, newest, options);
  const forecasts = await forecastAll(growth, ["team", "site"], lastWeek, options.weeks, factSections);
  const { retirements, power, notes } = await factSections;

  const ages = present.has("server_retirements") ? retirementAges(await read.retirementsSeen(db, newest), options.config) : [];
  if (!present.has("server_retirements")) notes.push("no server_retirements table (a warehouse made before 0.2): run serverdb-etl init, then aggregate --all, to see retirement ages");
  if (retirements.virtualServers) notes.push(`${retirements.virtualServers} virtual machines are left out of retirements, procurement and power: they are not refreshed or powered as hardware`);
  if (retirements.undatedServers) notes.push(`${retirements.undatedServers} servers have no usable delivery or creation date and are left out of retirements`);
  if (power.uncatalogued.length) {
    const n = power.uncatalogued.reduce((s, u) => s + u.servers, 0);
    notes.push(`${n} powered servers of ${power.uncatalogued.length} models have no power catalog entry, counted but not estimated: ${power.uncatalogued.slice(0, 5).map((u) => `${u.model} (${u.servers})`).join(", ")}${power.uncatalogued.length > 5 ? ", …" : ""}`);
  }
  const procurement = procurementRecords(fleet, retirements.records, forecasts.byKey, newest);
  const aggregates = options.aggregates ?? [];
  const declaredPresent = aggregates.length ? new Set((await engineOf(db).catalog.readLive(db, aggregates.map((a) => a.table))).keys()) : new Set<string>();
  const declared = await readDeclared(db, aggregates, declaredPresent, newest);
  notes.push(...declared.notes);
  const puppetdb = await readPuppetdbColumns(db, options.columns ?? [], newest);

  const report: CapacityReport = {
    newest_day: newest,
    oldest_day: oldest,
    weeks: options.weeks,
    fleet,
    growth,
    growth_rates: growthRates(growth),
    retirements: retirements.records,
    retirement_ages: ages,
    procurement,
    power: power.records,
    forecast: forecasts.forecast,
    backtest: forecasts.backtest,
    declared: declared.records,
    puppetdb,
    assumptions: {
      default_refresh_years: options.config.defaultRefreshYears,
      refresh_rules: [
        ...[...options.config.refreshByModel].map(([m, y]) => ({ match: `model ${m}`, years: y })),
        ...[...options.config.refreshByManufacturer].map(([m, y]) => ({ match: `manufacturer ${m}`, years: y })),
        ...[...options.config.refreshByAssetType].map(([m, y]) => ({ match: `asset type ${m}`, years: y })),
      ],
      aliases_applied: aliases.entries(),
      virtual_platforms: [...virtual].sort(),
      power_catalog: options.config.power.map((p) => ({ model: p.model, idle_watts: p.idleWatts, loaded_watts: p.loadedWatts })),
      backfill_caveat: backfillCaveat(days, kinds),
      notes,
    },
  };
  return filterReport(report, options.dimension, options.key);
}

/** The sections that need servers, not aggregates: retirements and power from the newest fact day on or before `newest`. */
async function readFactSections(db: Db, newest: string, options: ReportOptions) {
  const notes: string[] = [];
  const factDay = await read.newestFactDay(db, newest);
  if (!factDay) {
    notes.push(`no facts on or before ${newest} (expired): no retirement or power figures`);
    const retirements: ReturnType<typeof predictRetirements> = { records: [], virtualServers: 0, undatedServers: 0 };
    const power: ReturnType<typeof estimatePower> = { records: [], uncatalogued: [], virtualServers: 0 };
    return { retirements, power, notes };
  }
  if (factDay !== newest) notes.push(`retirements and power use the facts of ${factDay}, the newest day on or before ${newest} whose facts retention kept`);
  const servers = await read.dayServers(db, factDay);
  return { retirements: predictRetirements(servers.ages, factDay, options.config), power: estimatePower(servers.racks, options.config, options.metered), notes };
}

/** Keep the records of one dimension (and key); site-based sections go with the site dimension only. */
export function filterReport(report: CapacityReport, dimension?: Dimension, key?: string): CapacityReport {
  if (!dimension && key === undefined) return report;
  if (key !== undefined) {
    const keys = [...new Set(report.fleet.filter((f) => !dimension || f.dimension === dimension).map((f) => f.key))];
    if (!keys.includes(key)) {
      const near = nearestName(key, keys);
      throw new UsageError(`--key ${JSON.stringify(key)}: no ${dimension ?? "team, site or model"} of that name on ${report.newest_day}${near ? `; did you mean ${JSON.stringify(near)}?` : `; the report's keys are listed by serverdb-etl report${dimension ? ` --dimension ${dimension}` : ""}`}`);
    }
  }
  const keep = (r: { dimension: string; key: string }) => (!dimension || r.dimension === dimension) && (key === undefined || r.key === key);
  const siteOk = !dimension || dimension === "site";
  const keepSite = (r: { site: string }) => siteOk && (key === undefined || r.site === key);
  return {
    ...report,
    fleet: report.fleet.filter(keep),
    growth: report.growth.filter(keep),
    growth_rates: report.growth_rates.filter(keep),
    retirements: report.retirements.filter(keep),
    retirement_ages: report.retirement_ages.filter(keep),
    procurement: report.procurement.filter((r) => keepSite({ site: r.key })),
    power: report.power.filter(keepSite),
    forecast: report.forecast.filter(keep),
    backtest: report.backtest.filter(keep),
    // Declared tables have dimensions of their own: shown whole, and only in the whole report.
    declared: [],
    puppetdb: [],
  };
}
