// Run settings from flags > config file ([etl] table) > defaults, validated in one place.
// Every default the pipeline uses is here.
import { factExtrasFrom } from "../extras/declare.ts";
import { UsageError } from "../errors.ts";
import { configSection, type ConfigFile } from "./connections.ts";
import { DEFAULT_CPU_DROP_WORDS } from "../transform/index.ts";
import type { TransformOptions } from "../transform/types.ts";
import { DEFAULT_REPLICA_WAIT, type ReplicaWaitOptions } from "../replicas/replica-set.ts";
import { addDays, dateIn, hostTimeZone, notAfterToday, parseIsoDate, validateTimeZone } from "../plans/report-date.ts";
import { DEFAULT_RETENTION, parseWeekday, type RetentionPolicy } from "../plans/retention.ts";
import { DEFAULT_DELETE_LIMIT, type DeleteLimit } from "../plans/delete-guard.ts";
import { logger } from "../log.ts";
import { puppetdbSourceFrom, type PuppetdbSource } from "../puppetdb/declare.ts";

export const DEFAULT_BATCH_SIZE = 1000;

type Args = Record<string, unknown>;

function flag(args: Args, name: string): string | undefined {
  const v = args[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A positive number from a flag or config value, else `fallback`. */
export function positiveNumber(value: unknown, what: string, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${what} must be a positive ${integer ? "whole " : ""}number, got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface Today {
  /** 'YYYY-MM-DD' now in `timezone`. */
  today: string;
  /** --timezone > config [etl] timezone > the host's. */
  timezone: string;
}

/** Today, in the zone that defines it for every command: computed once per run. */
export function todayFrom(args: Args, config: ConfigFile, now: Date = new Date()): Today {
  const etl = configSection(config, "etl");
  const zone = flag(args, "timezone") ?? etl.timezone;
  if (zone !== undefined && typeof zone !== "string") throw new UsageError("config: [etl] timezone must be a string, e.g. \"Europe/Berlin\"");
  const timezone = validateTimeZone(zone ?? hostTimeZone());
  return { today: dateIn(timezone, now), timezone };
}

export interface ReportDateChoice extends Today {
  reportDate: string;
}

/**
 * The report date, computed once per run: today, or --report-date. A date after today is a
 * usage error unless --allow-future-date (a year typo would store tonight's fleet under a day
 * that has not come); any other day than today is allowed with a warning.
 */
export function reportDateFrom(args: Args, config: ConfigFile, now: Date = new Date()): ReportDateChoice {
  const { today, timezone } = todayFrom(args, config, now);
  const explicit = flag(args, "report-date");
  if (!explicit) return { reportDate: today, today, timezone };
  const reportDate = parseIsoDate(explicit, "--report-date");
  if (!args["allow-future-date"]) {
    notAfterToday(reportDate, "--report-date", today, timezone, "tonight's fleet would be stored under a day that has not come", "check the date, or pass --allow-future-date if that is meant");
  }
  if (reportDate !== today) logger("etl").warn(`--report-date ${reportDate} is not today (${today} in ${timezone})`);
  return { reportDate, today, timezone };
}

export interface BackfillRange extends Today {
  from: string;
  to: string;
}

/**
 * backfill's --from (required) and --to (default: yesterday in the time zone), and the zone
 * whose midnights end the days (--timezone > config [etl] timezone > the host's). A --to of
 * today is allowed with a warning: that day is not over, and etl will replace it. A day after
 * today is a usage error: the change history cannot know it.
 */
export function backfillRangeFrom(args: Args, config: ConfigFile, now: Date = new Date()): BackfillRange {
  const { today, timezone } = todayFrom(args, config, now);
  const fromText = flag(args, "from");
  if (fromText === undefined) throw new UsageError("backfill needs --from: the first day to rebuild, e.g. --from 2025-01-01");
  const harm = "the change history cannot know that day";
  const from = notAfterToday(parseIsoDate(fromText, "--from"), "--from", today, timezone, harm, "pass a past day");
  const toText = flag(args, "to");
  const to = toText === undefined ? addDays(today, -1) : parseIsoDate(toText, "--to");
  notAfterToday(to, "--to", today, timezone, harm, `pass --to ${addDays(today, -1)}, or leave --to out (yesterday)`);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}; give the earlier day first`);
  if (to >= today) logger("backfill").warn(`--to ${to} is not over yet in ${timezone} (today is ${today}): its state is the history so far; the nightly etl replaces it`);
  return { from, to, today, timezone };
}

export function batchSizeFrom(args: Args, config: ConfigFile): number {
  const etl = configSection(config, "etl");
  return positiveNumber(flag(args, "batch-size") ?? etl.batch_size, "--batch-size", DEFAULT_BATCH_SIZE);
}

export function replicaWaitFrom(args: Args, config: ConfigFile): ReplicaWaitOptions {
  const etl = configSection(config, "etl");
  return {
    ...DEFAULT_REPLICA_WAIT,
    timeoutS: positiveNumber(flag(args, "replica-timeout") ?? etl.replica_timeout, "--replica-timeout", DEFAULT_REPLICA_WAIT.timeoutS, false),
    maxLagS: positiveNumber(flag(args, "max-lag") ?? etl.max_lag, "--max-lag", DEFAULT_REPLICA_WAIT.maxLagS, false),
  };
}

/** The transform's settings: [etl] cpu_drop_words and the columns declared in [facts]. */
export function transformFrom(config: ConfigFile): TransformOptions {
  const words = configSection(config, "etl").cpu_drop_words;
  const extras = factExtrasFrom(config);
  if (words === undefined) return { cpuDropWords: DEFAULT_CPU_DROP_WORDS, extras };
  if (!Array.isArray(words) || words.some((w) => typeof w !== "string")) {
    throw new UsageError('config: [etl] cpu_drop_words must be a list of strings, e.g. ["intel(r)", "cpu"]');
  }
  return { cpuDropWords: words.map((w: string) => w.toLowerCase()), extras };
}

/** [puppetdb] with the declared columns it fills (etl, run), checked before anything connects; undefined without it. */
export function puppetdbFrom(config: ConfigFile, transform: TransformOptions): PuppetdbSource | undefined {
  return transform.extras ? puppetdbSourceFrom(config, transform.extras) : undefined;
}

/** Retention (expire, run): --keep-daily/--keep-weekday > config [expire] keep_daily/keep_weekday > defaults. */
export function retentionFrom(args: Args, config: ConfigFile): RetentionPolicy {
  const section = configSection(config, "expire");
  const dailyFlag = flag(args, "keep-daily");
  const keepDaily = positiveNumber(
    dailyFlag ?? section.keep_daily,
    dailyFlag !== undefined ? "--keep-daily" : "config: [expire] keep_daily",
    DEFAULT_RETENTION.keepDaily,
  );
  const weekdayFlag = flag(args, "keep-weekday");
  const weekday = weekdayFlag ?? section.keep_weekday;
  if (weekday === undefined) return { keepDaily, keepWeekday: DEFAULT_RETENTION.keepWeekday };
  const keepWeekday = typeof weekday === "string" ? parseWeekday(weekday) : undefined;
  if (keepWeekday === undefined) {
    const where = weekdayFlag !== undefined ? "--keep-weekday" : "config: [expire] keep_weekday";
    throw new UsageError(`${where} ${JSON.stringify(weekday)}: use a day name, monday … sunday (or mon … sun)`);
  }
  return { keepDaily, keepWeekday };
}

/**
 * expire's large-delete guard (expire, run): --max-delete-share > config [expire]
 * max_delete_share > 10 (percent of the days present); --allow-large-delete lifts it for one
 * run and has no config key, so that it is never left on by accident.
 */
export function deleteLimitFrom(args: Args, config: ConfigFile): DeleteLimit {
  const shareFlag = flag(args, "max-delete-share");
  const where = shareFlag !== undefined ? "--max-delete-share" : "config: [expire] max_delete_share";
  const maxSharePercent = positiveNumber(shareFlag ?? configSection(config, "expire").max_delete_share, where, DEFAULT_DELETE_LIMIT.maxSharePercent, false);
  if (maxSharePercent > 100) throw new UsageError(`${where} is a percentage of the days present, 100 at most; got ${maxSharePercent}`);
  return { maxSharePercent, allow: Boolean(args["allow-large-delete"]) };
}
