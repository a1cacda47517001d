// The one list of what a TOML config file may hold, and the checks against it: every section and
// key a reader uses is listed here, configSection only hands out listed keys (a type error
// otherwise), and a file with anything else is refused at load, so a typo is never ignored.
import { UsageError } from "../errors.ts";
import { nearestName } from "./nearest-name.ts";

/** Each role may read its own option file, or its own suffixed groups, instead of [client]'s. */
const OPTION_FILE_KEYS = ["defaults_file", "defaults_group_suffix"] as const;
const ENDPOINT_KEYS = ["dsn", "user", "password", ...OPTION_FILE_KEYS] as const;

/** Section → its keys. A new key goes here first; the README's config section lists them too. */
export const CONFIG_SECTIONS = {
  source: ENDPOINT_KEYS,
  target: ENDPOINT_KEYS,
  replica: ["dsns", "user", "password", ...OPTION_FILE_KEYS],
  client: OPTION_FILE_KEYS,
  ssl: ["mode", "ca"],
  etl: ["timezone", "batch_size", "replica_timeout", "max_lag", "cpu_drop_words"],
  expire: ["keep_daily", "keep_weekday", "max_delete_share"],
  facts: ["columns", "joins", "aggregates"],
  puppetdb: ["url", "ca_file", "cert_file", "key_file", "timeout_s", "match", "domain", "stale_after_days"],
  report: [
    "default_refresh_years", "refresh_years_by_asset_type", "refresh_years_by_manufacturer", "refresh_years_by_model",
    "manufacturer_aliases", "model_aliases", "virtual_manufacturers", "power",
  ],
} as const satisfies Record<string, readonly string[]>;

/** Keys outside any section (`replicas` is the older spelling of [replica] dsns). */
export const TOP_LEVEL_KEYS = ["replicas"] as const;

export type SectionName = keyof typeof CONFIG_SECTIONS;
export type SectionKey<S extends SectionName> = (typeof CONFIG_SECTIONS)[S][number];
/** A section's values as read: only listed keys, each still to be validated by its reader. */
export type ConfigTable<S extends SectionName> = Partial<Record<SectionKey<S>, unknown>>;

/** The parsed TOML config file, or {} when there is none. */
export type ConfigFile = Record<string, unknown>;

/** One thing wrong with a config, with the key path it is about (for finding its line). */
export interface ConfigProblem {
  path: string[];
  message: string;
}

const SECTION_NAMES = Object.keys(CONFIG_SECTIONS) as SectionName[];

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A config table such as [source] or [etl], or {} (a non-table is a usage error). */
export function configSection<S extends SectionName>(config: ConfigFile, name: S): ConfigTable<S> {
  const value = config[name];
  if (value === undefined) return {};
  if (!isTable(value)) throw new UsageError(`config: [${name}] must be a table; see the README's config example`);
  return value as ConfigTable<S>;
}

/** A top-level key (only those TOP_LEVEL_KEYS lists). */
export function configTopLevel(config: ConfigFile, key: (typeof TOP_LEVEL_KEYS)[number]): unknown {
  return config[key];
}

/** Every unknown section or key, and every section that is not a table, in the config's key order. */
export function configProblems(config: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(config)) {
    if ((TOP_LEVEL_KEYS as readonly string[]).includes(name)) continue;
    if (!(name in CONFIG_SECTIONS)) {
      problems.push({ path: [name], message: isTable(value) ? unknownSection(name) : unknownTopLevelKey(name) });
      continue;
    }
    const section = name as SectionName;
    if (!isTable(value)) {
      problems.push({ path: [name], message: `[${name}] must be a table (a [${name}] header with its keys under it)` });
      continue;
    }
    const keys: readonly string[] = CONFIG_SECTIONS[section];
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) problems.push({ path: [name, key], message: unknownKey(section, key) });
    }
  }
  return problems;
}

function unknownSection(name: string): string {
  const near = nearestName(name, SECTION_NAMES);
  return near
    ? `unknown section [${name}]; did you mean [${near}]?`
    : `unknown section [${name}]; the sections are ${SECTION_NAMES.map((s) => `[${s}]`).join(", ")}`;
}

function unknownKey(section: SectionName, key: string): string {
  const keys: readonly string[] = CONFIG_SECTIONS[section];
  const near = nearestName(key, keys);
  if (near) return `unknown key ${key} in [${section}]; did you mean ${near}?`;
  const elsewhere = placesOf(key, false);
  if (elsewhere.length) return `unknown key ${key} in [${section}]; did you mean ${elsewhere.join(" or ")}?`;
  return `unknown key ${key} in [${section}]; the keys of [${section}] are ${keys.join(", ")}`;
}

function unknownTopLevelKey(key: string): string {
  const near = nearestName(key, TOP_LEVEL_KEYS);
  if (near) return `unknown key ${key}; did you mean ${near}?`;
  const places = placesOf(key, true);
  if (places.length) return `key ${key} is outside any section; did you mean ${places.join(" or ")}?`;
  const section = nearestName(key, SECTION_NAMES);
  if (section) return `unknown key ${key}; did you mean the section [${section}]?`;
  return `unknown key ${key}; the top level holds only the sections ${SECTION_NAMES.map((s) => `[${s}]`).join(", ")} and ${TOP_LEVEL_KEYS.join(", ")}`;
}

/** "[etl] batch_size" for each section listing `key` (or, when `nearToo`, a close spelling of it). */
function placesOf(key: string, nearToo: boolean): string[] {
  const out: string[] = [];
  for (const s of SECTION_NAMES) {
    const keys: readonly string[] = CONFIG_SECTIONS[s];
    const match = keys.includes(key) ? key : nearToo ? nearestName(key, keys) : undefined;
    if (match) out.push(`[${s}] ${match}`);
  }
  return out;
}
