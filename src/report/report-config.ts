// The [report] section of the config: refresh ages, name aliases, virtual vendors and the power
// catalog, checked strictly (a typo is an error naming the key and the fix, never a silent default).
import { UsageError } from "../errors.ts";
import { configSection, type ConfigFile } from "../settings/config-schema.ts";
import { DEFAULT_MANUFACTURER_ALIASES, DEFAULT_VIRTUAL_MANUFACTURERS, nameRules, type NameRules } from "./names.ts";

export const DEFAULT_REFRESH_YEARS = 5;

/** One power catalog entry: watts of a model in use (loaded) and powered but idle (spare, broken…). */
export interface PowerEntry {
  /** `manufacturer model` as the report names it (aliases applied), compared case-insensitively. */
  model: string;
  idleWatts: number;
  loadedWatts: number;
}

export interface ReportConfig {
  defaultRefreshYears: number;
  /** lower-case name → years, per level; the most specific match wins: model, manufacturer, asset type. */
  refreshByModel: ReadonlyMap<string, number>;
  refreshByManufacturer: ReadonlyMap<string, number>;
  refreshByAssetType: ReadonlyMap<string, number>;
  names: NameRules;
  power: PowerEntry[];
}

const POWER_KEYS = ["model", "watts", "idle_watts", "loaded_watts"];

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function years(where: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > 30) {
    throw new UsageError(`config: ${where} = ${JSON.stringify(v)}: give a refresh age in years between 0 and 30, e.g. 5 or 4.5`);
  }
  return v;
}

function yearsTable(key: string, v: unknown): Map<string, number> {
  if (v === undefined) return new Map();
  if (!isTable(v)) throw new UsageError(`config: [report] ${key} must be a table of name = years, e.g. ${key} = { "Dell PowerEdge R640" = 6 }`);
  return new Map(Object.entries(v).map(([name, y]) => [name.trim().toLowerCase(), years(`[report] ${key}."${name}"`, y)]));
}

function stringTable(key: string, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (!isTable(v)) throw new UsageError(`config: [report] ${key} must be a table of spelling = name, e.g. ${key} = { "HP" = "HPE" }`);
  for (const [from, to] of Object.entries(v)) {
    if (typeof to !== "string" || to.trim() === "") throw new UsageError(`config: [report] ${key}."${from}" must be a non-empty name`);
  }
  return v as Record<string, string>;
}

function watts(where: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 20_000) {
    throw new UsageError(`config: ${where} = ${JSON.stringify(v)}: give watts as a number between 0 and 20000`);
  }
  return v;
}

/** The power catalog: [[report.power]] tables with model and either watts or idle_watts and loaded_watts. */
export function parsePowerCatalog(v: unknown): PowerEntry[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new UsageError('config: [report] power must be a list of tables: [[report.power]] with model = "…" and watts = …');
  const seen = new Set<string>();
  return v.map((entry, i) => {
    const where = `[[report.power]] entry ${i + 1}`;
    if (!isTable(entry)) throw new UsageError(`config: ${where} must be a table with model and watts (or idle_watts and loaded_watts)`);
    const unknown = Object.keys(entry).filter((k) => !POWER_KEYS.includes(k));
    if (unknown.length) throw new UsageError(`config: ${where}: unknown key ${unknown[0]}; the keys are ${POWER_KEYS.join(", ")}`);
    if (typeof entry.model !== "string" || entry.model.trim() === "") throw new UsageError(`config: ${where} needs model = "manufacturer model", as the report names it`);
    const model = entry.model.trim();
    if (seen.has(model.toLowerCase())) throw new UsageError(`config: ${where}: model "${model}" is listed twice in the power catalog; keep one entry`);
    seen.add(model.toLowerCase());
    const hasTypical = entry.watts !== undefined;
    const hasPair = entry.idle_watts !== undefined || entry.loaded_watts !== undefined;
    const halfPair = (entry.idle_watts === undefined) !== (entry.loaded_watts === undefined);
    if (hasTypical === hasPair || (!hasTypical && halfPair)) {
      throw new UsageError(`config: ${where} (${model}): give either watts (one typical figure) or both idle_watts and loaded_watts`);
    }
    if (hasTypical) {
      const w = watts(`${where} watts`, entry.watts);
      return { model, idleWatts: w, loadedWatts: w };
    }
    const idle = watts(`${where} idle_watts`, entry.idle_watts);
    const loaded = watts(`${where} loaded_watts`, entry.loaded_watts);
    if (idle > loaded) throw new UsageError(`config: ${where} (${model}): idle_watts ${idle} is above loaded_watts ${loaded}; swap them`);
    return { model, idleWatts: idle, loadedWatts: loaded };
  });
}

export function readReportConfig(config: ConfigFile): ReportConfig {
  const section = configSection(config, "report");
  const virtual = section.virtual_manufacturers;
  if (virtual !== undefined && (!Array.isArray(virtual) || virtual.some((v) => typeof v !== "string"))) {
    throw new UsageError('config: [report] virtual_manufacturers must be a list of vendor names, e.g. ["VMware", "QEMU"]');
  }
  return {
    defaultRefreshYears: section.default_refresh_years === undefined ? DEFAULT_REFRESH_YEARS : years("[report] default_refresh_years", section.default_refresh_years),
    refreshByModel: yearsTable("refresh_years_by_model", section.refresh_years_by_model),
    refreshByManufacturer: yearsTable("refresh_years_by_manufacturer", section.refresh_years_by_manufacturer),
    refreshByAssetType: yearsTable("refresh_years_by_asset_type", section.refresh_years_by_asset_type),
    names: nameRules(
      { ...DEFAULT_MANUFACTURER_ALIASES, ...lowerKeys(stringTable("manufacturer_aliases", section.manufacturer_aliases)) },
      stringTable("model_aliases", section.model_aliases),
      (virtual as string[] | undefined) ?? DEFAULT_VIRTUAL_MANUFACTURERS,
    ),
    power: parsePowerCatalog(section.power),
  };
}

function lowerKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.trim().toLowerCase(), v]));
}
