// Which days a backfill builds, pure: the days of --from … --to that the retention policy would
// keep (as if every day of the calendar had a snapshot), minus the days already done or owned by
// the nightly etl, each skip with its reason. Dates are 'YYYY-MM-DD' strings throughout.
import { UsageError } from "../errors.ts";
import { addDays, daysBetween } from "./report-date.ts";
import { planRetention, type RetentionPolicy } from "./retention.ts";

/** More days than this in one backfill is a typo (100 years). */
export const MAX_BACKFILL_DAYS = 36_600;

/** One etl_runs row of a day, as sql/backfill_day_runs.sql returns it. */
export interface DayRun {
  report_date: string;
  id: number | string;
  kind: string;
  status: string;
}

export interface SkippedDay {
  date: string;
  /** Why it is not rebuilt, and how to rebuild it anyway. */
  reason: string;
  /** 'done': a successful backfill is already there; 'etl': the nightly etl owns the day. */
  because: "done" | "etl";
}

export interface DayDecisions {
  /** Days to build, ascending. */
  build: string[];
  skipped: SkippedDay[];
}

/** Every date from `from` to `to`, both included; a UsageError when the range is reversed or absurd. */
export function calendar(from: string, to: string): string[] {
  const span = daysBetween(from, to);
  if (span < 0) throw new UsageError(`--from ${from} is after --to ${to}; give the earlier day first`);
  if (span >= MAX_BACKFILL_DAYS) throw new UsageError(`--from ${from} --to ${to} spans ${span + 1} days, more than ${MAX_BACKFILL_DAYS}; pick a later --from`);
  return Array.from({ length: span + 1 }, (_, i) => addDays(from, i));
}

/**
 * The days of `from` … `to` that retention keeps as of `today`, ascending. The daily window
 * counts back from the newest day the warehouse will hold: `to`, or a later day already loaded
 * (`newestPresent`, never after today), so a backfill under a warehouse that already runs
 * nightly builds no day the next expire deletes.
 */
export function keptDays(from: string, to: string, newestPresent: string | undefined, policy: RetentionPolicy, today: string): string[] {
  const days = calendar(from, to);
  const newest = newestPresent !== undefined && newestPresent <= today ? newestPresent : undefined;
  const last = newest !== undefined && newest > to ? newest : to;
  const all = last === to ? days : [...days, ...calendar(addDays(to, 1), last)];
  return planRetention(all, policy, today)
    .filter((d) => d.keep && d.date <= to)
    .map((d) => d.date);
}

/**
 * Split `days` into those to build and those to skip, from each day's newest run (`runs` in any
 * order). Without `force`: a day whose newest run is a successful backfill is done; a day whose
 * newest run is the nightly etl's (whatever its outcome) belongs to etl and is never overwritten;
 * anything else (no run, or a backfill that failed or died) is built. `force` builds every day.
 */
export function decideDays(days: readonly string[], runs: readonly DayRun[], force: boolean): DayDecisions {
  const newest = new Map<string, DayRun>();
  for (const run of runs) {
    const date = String(run.report_date);
    const seen = newest.get(date);
    if (!seen || BigInt(run.id) > BigInt(seen.id)) newest.set(date, run);
  }
  const out: DayDecisions = { build: [], skipped: [] };
  for (const date of days) {
    const run = newest.get(date);
    if (force || !run) {
      out.build.push(date);
    } else if (run.kind === "etl") {
      const what = run.status === "success" ? "loaded by" : `its newest run is`;
      out.skipped.push({
        date,
        because: "etl",
        reason: `${what} etl run ${run.id}${run.status === "success" ? "" : ` ('${run.status}')`}; backfill never overwrites the nightly etl's days (pass --force to replace it)`,
      });
    } else if (run.status === "success") {
      out.skipped.push({ date, because: "done", reason: `already backfilled by run ${run.id} (pass --force to rebuild it)` });
    } else {
      out.build.push(date); // an interrupted or failed backfill of this day: redo it
    }
  }
  return out;
}
