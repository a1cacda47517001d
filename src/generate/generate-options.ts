// `generate`'s options: their defaults in one place, and the checks that turn bad flag values
// into one-line usage errors.
import { UsageError } from "../errors.ts";
import { parseIsoDate } from "../plans/report-date.ts";
import type { FleetOptions } from "./fleet.ts";

export interface GenerateOptions extends FleetOptions {
  /** Drop and recreate servers_* tables that already hold rows. */
  force: boolean;
  /** Rows per INSERT statement. */
  batchSize: number;
  /** Also create and fill the optional site-specific tables (site-extras.ts); default false. */
  siteExtras?: boolean;
}

export const GENERATE_DEFAULTS = { servers: 1000, seed: 1, historyDays: 0, batchSize: 1000 } as const;

const LIMITS = {
  servers: [1, 10_000_000],
  seed: [0, 4_294_967_295],
  "history-days": [0, 3650],
  "batch-size": [1, 10_000],
} as const;

/** Flag texts as citty hands them over (undefined when not given). */
export interface GenerateFlags {
  servers?: string;
  seed?: string;
  historyDays?: string;
  endDate?: string;
  force?: boolean;
  batchSize?: string;
  siteExtras?: boolean;
}

export function parseGenerateOptions(flags: GenerateFlags, today: Date = new Date()): GenerateOptions {
  return {
    servers: integer("servers", flags.servers, GENERATE_DEFAULTS.servers),
    seed: integer("seed", flags.seed, GENERATE_DEFAULTS.seed),
    historyDays: integer("history-days", flags.historyDays, GENERATE_DEFAULTS.historyDays),
    endDate: flags.endDate === undefined ? today.toISOString().slice(0, 10) : parseIsoDate(flags.endDate.trim(), "--end-date"),
    force: flags.force === true,
    batchSize: integer("batch-size", flags.batchSize, GENERATE_DEFAULTS.batchSize),
    siteExtras: flags.siteExtras === true,
  };
}

function integer(flag: keyof typeof LIMITS, text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const [lo, hi] = LIMITS[flag];
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < lo || value > hi) {
    throw new UsageError(`--${flag} ${JSON.stringify(text)}: use a whole number from ${lo} to ${hi}`);
  }
  return value;
}
