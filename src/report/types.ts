// The capacity report as data: the flat records of every section (the `--format json` schema,
// README "report"), shared by the computations in report/ and the renderers in report/render/.

/** The three ways the report slices the fleet. */
export type Dimension = "team" | "site" | "model";
export const DIMENSIONS: readonly Dimension[] = ["team", "site", "model"];

/** Fleet now: one record per (dimension, key) on the newest day. */
export interface FleetRecord {
  dimension: Dimension;
  /** The team's name, the site's shortname, or `manufacturer model` (aliases applied). */
  key: string;
  /** All statuses. */
  servers: number;
  in_use: number;
  spare: number;
  broken: number;
  retired: number;
  /** Any other status (provisioning, <unknown>, …). */
  other: number;
  cpu_sockets: number;
  cpu_cores: number;
  memory_gib: number;
  /** Change in `servers` against 4, 13 and 52 weeks before; null where the warehouse does not reach back. */
  change_4w: number | null;
  change_13w: number | null;
  change_52w: number | null;
  /** model only: a virtual platform (VMware, QEMU, …), shown apart from physical servers. */
  virtual?: boolean;
}

/** Growth: one record per (dimension, key, week); `week` is the week's representative day (its Monday). */
export interface GrowthRecord {
  dimension: Dimension;
  key: string;
  /** YYYY-MM-DD. */
  week: string;
  servers: number;
  in_use: number;
  /** CPU cores of the servers in use. */
  in_use_cores: number;
}

/** Growth per quarter: the change of in-use servers from the first to the last week seen in the quarter. */
export interface GrowthRateRecord {
  dimension: Dimension;
  key: string;
  /** `2027-Q1`. */
  quarter: string;
  in_use_start: number;
  in_use_end: number;
  /** (end − start) / start; null when start is 0. */
  rate: number | null;
}

/** Predicted end of life per quarter (the refresh rule), for the next 8 quarters. */
export interface RetirementRecord {
  dimension: Dimension;
  key: string;
  quarter: string;
  servers: number;
  /** Of `servers`, those dated from created_at because delivery_date is unknown. */
  from_created_at: number;
}

/** What the warehouse saw: servers that went from in use to retired, and their age then, per model. */
export interface RetirementAgeRecord {
  dimension: "model";
  key: string;
  servers: number;
  median_age_years: number;
  p25_age_years: number;
  p75_age_years: number;
  /** The refresh age the rule assumes for this model, to check against. */
  rule_years: number;
}

/** What to buy per site and quarter: forecast growth + predicted retirements − spare pool. */
export interface ProcurementRecord {
  dimension: "site";
  key: string;
  quarter: string;
  /** Forecast growth of in-use servers from the newest day to the quarter's end (point, intervals). */
  growth: number;
  growth_lo80: number;
  growth_hi80: number;
  growth_lo95: number;
  growth_hi95: number;
  /** Predicted retirements from the newest day to the quarter's end (cumulative). */
  retirements: number;
  /** Spare servers on the newest day. */
  spare: number;
  /** max(0, growth + retirements − spare), with the same for every interval bound. */
  servers_needed: number;
  needed_lo80: number;
  needed_hi80: number;
  needed_lo95: number;
  needed_hi95: number;
  /** Why there is no forecast (then growth is 0), or null. */
  note: string | null;
}

/** Power per site and per rack: estimate from the power catalog, beside the meter where there is one. */
export interface PowerRecord {
  dimension: "site" | "rack";
  /** Site shortname, or `site/rack`. */
  key: string;
  site: string;
  rack: string | null;
  /** Servers drawing power (every status but retired). */
  servers: number;
  /** Of them, servers whose model has no catalog entry: counted, not estimated. */
  servers_without_catalog: number;
  estimated_watts: number;
  metered_watts: number | null;
  /** metered − estimated; null without a meter. */
  difference_watts: number | null;
  /** `metered, no server`, `servers, not metered`, or null. */
  note: string | null;
}

/** Forecast of in-use servers per week ahead (team and site). */
export interface ForecastRecord {
  dimension: Dimension;
  key: string;
  week: string;
  point: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

/** Rolling-origin backtest of one series' forecast. */
export interface BacktestRecord {
  dimension: Dimension;
  key: string;
  /** The model's MASE over the backtest (scaled by the in-sample one-step naive MAE); null when not forecast. */
  mase: number | null;
  /** The naive drift forecast's MASE on the same origins. */
  mase_naive: number | null;
  /** Rolling origins scored. */
  origins: number;
  /** The model chosen (for instance `ETS(A,A,N)`), or null. */
  model: string | null;
  /** True when the model did worse than drift on its own backtest. */
  worse_than_drift: boolean;
  /** Why there is no forecast (too short a history), or null. */
  note: string | null;
}

/**
 * A table declared in [[facts.aggregates]] on the newest day: one record per (table, key, status)
 * and measure (`measure` null, with sum and known null, for a table without measures).
 */
export interface DeclaredRecord {
  table: string;
  /** The dimension values but status, joined with " / " in the declared order (e.g. `FRA1 / DC1-Hall-A`). */
  key: string;
  status: string;
  servers: number;
  measure: string | null;
  /** Sum over the servers whose value is known (a bool measure: how many are true). */
  sum: number | null;
  /** Servers with a known value (a bool measure: all of them). */
  known: number | null;
}

/**
 * A declared PuppetDB column on the newest day: one of its most common values and its servers,
 * the other values together, or the servers without a value (the column's default).
 */
export interface PuppetdbValueRecord {
  column: string;
  kind: "value" | "other" | "unknown";
  /** The value as text ("8", "12.4", "1" for a true flag); "N other values"; null for unknown. */
  value: string | null;
  servers: number;
}

/** What the numbers assume, shown with them. */
export interface Assumptions {
  default_refresh_years: number;
  refresh_rules: { match: string; years: number }[];
  aliases_applied: { field: "manufacturer" | "model"; from: string; to: string; servers: number }[];
  virtual_platforms: string[];
  power_catalog: { model: string; idle_watts: number; loaded_watts: number }[];
  /** Days written by backfill (team as of today, deleted servers under <unknown>), or null. */
  backfill_caveat: string | null;
  notes: string[];
}

export interface CapacityReport {
  newest_day: string;
  oldest_day: string;
  /** The forecast horizon in weeks. */
  weeks: number;
  fleet: FleetRecord[];
  growth: GrowthRecord[];
  growth_rates: GrowthRateRecord[];
  retirements: RetirementRecord[];
  retirement_ages: RetirementAgeRecord[];
  procurement: ProcurementRecord[];
  power: PowerRecord[];
  forecast: ForecastRecord[];
  backtest: BacktestRecord[];
  /** [[facts.aggregates]] tables on the newest day (empty when none is declared). */
  declared: DeclaredRecord[];
  /** Declared PuppetDB columns on the newest day (empty when none is declared). */
  puppetdb: PuppetdbValueRecord[];
  assumptions: Assumptions;
}
