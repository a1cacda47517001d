// Which days `aggregate` builds: the selection (latest, a date, a range, all) resolved against
// the days that have facts (read from the report_date index, never the facts) and etl_runs.
// A day is built only when it has facts and its newest run succeeded; the rest is reported.
import type { Db } from "../engine/db.ts";
import { EtlError, UsageError } from "../errors.ts";
import { SQL } from "../sql.ts";
import { engineOf } from "../engine/index.ts";
import { addDays, daysBetween, notAfterToday, parseIsoDate } from "./report-date.ts";

export type DateSelection =
  /** The report_date of the newest successful `etl` run (etl_runs kind 'etl'). */
  | { kind: "latest" }
  | { kind: "date"; date: string }
  /** Every day from `from` to `to`, both included. */
  | { kind: "range"; from: string; to: string }
  /** Every date that has facts. */
  | { kind: "all" };

export interface SkippedDay {
  date: string;
  /** Why its facts are not aggregated, with the fix. */
  reason: string;
}

export interface DayPlan {
  /** Days to build, ascending. */
  days: string[];
  /** Days asked for that have no facts (expired or never loaded), ascending. */
  missing: string[];
  /** Days with facts that are not one successful run's snapshot. */
  skipped: SkippedDay[];
}

/** Bounds for --all: every DATE MySQL accepts; as text they also order right in SQLite. */
const FIRST_DAY = "1000-01-01";
const LAST_DAY = "9999-12-31";
/** A range names each of its days (for `missing`); beyond this, --all is what was meant. */
export const MAX_RANGE_DAYS = 36_600;

interface RunRow {
  report_date: string;
  id: number | string;
  status: string;
}

/** The day of the newest successful `etl` run; an EtlError when there is none yet. */
export async function latestDay(db: Db): Promise<string> {
  const [row] = await db.query<{ report_date: string }>(SQL.aggregateLatestDay);
  if (!row) {
    throw new EtlError(`${db.label}: etl_runs has no successful etl run yet; run serverdb-etl etl first, or pass --date, --from/--to or --all`);
  }
  return String(row.report_date);
}

/** The inclusive day range a selection covers, and the days it asks for by name. */
function bounds(sel: Exclude<DateSelection, { kind: "latest" }>): { from: string; to: string; named?: string[] } {
  if (sel.kind === "all") return { from: FIRST_DAY, to: LAST_DAY };
  if (sel.kind === "date") return { from: sel.date, to: sel.date, named: [sel.date] };
  const span = daysBetween(sel.from, sel.to);
  if (span < 0) throw new UsageError(`--from ${sel.from} is after --to ${sel.to}; give the earlier day first`);
  if (span >= MAX_RANGE_DAYS) {
    throw new UsageError(`--from ${sel.from} --to ${sel.to} spans ${span + 1} days, more than ${MAX_RANGE_DAYS}; use --all for every day that has facts`);
  }
  return { from: sel.from, to: sel.to, named: Array.from({ length: span + 1 }, (_, i) => addDays(sel.from, i)) };
}

/** Why a day with facts is not built, or undefined when its newest run succeeded. */
function skipReason(date: string, newest: RunRow | undefined): string | undefined {
  const fix = `rerun serverdb-etl etl --report-date ${date}, then aggregate --date ${date}`;
  if (!newest) return `etl_runs has no run of this day, so its facts are no run's snapshot; ${fix}`;
  if (newest.status === "success") return undefined;
  return `its newest etl run (id ${newest.id}) is '${newest.status}', so its facts may be partly that run's; ${fix}`;
}

/** Resolve `selection` into the days to build, the missing ones and the skipped ones. */
export async function planDays(db: Db, selection: DateSelection): Promise<DayPlan> {
  const sel = selection.kind === "latest" ? { kind: "date" as const, date: await latestDay(db) } : selection;
  const { from, to, named } = bounds(sel);
  const withFacts = (await db.query<{ report_date: string }>(engineOf(db).sql("fact_days"), [from, to])).map((r) => String(r.report_date));
  const newestRun = new Map<string, RunRow>();
  // Ordered by day, then id: the last row seen per day is its newest run.
  for (const run of await db.query<RunRow>(SQL.aggregateRunDays, [from, to])) newestRun.set(String(run.report_date), run);

  const factSet = new Set(withFacts);
  const plan: DayPlan = { days: [], missing: (named ?? []).filter((d) => !factSet.has(d)), skipped: [] };
  for (const date of withFacts) {
    const reason = skipReason(date, newestRun.get(date));
    if (reason) plan.skipped.push({ date, reason });
    else plan.days.push(date);
  }
  return plan;
}

export interface SelectionFlags {
  date?: string;
  from?: string;
  to?: string;
  all?: boolean;
}

/** --date | --from/--to | --all (at most one; none = the latest day) → a DateSelection. */
export function parseDateSelection(flags: SelectionFlags): DateSelection {
  const given = (v: string | undefined) => v !== undefined && v !== "";
  const chosen = [given(flags.date) && "--date", (given(flags.from) || given(flags.to)) && "--from/--to", flags.all && "--all"].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(" and ")} exclude each other; pass one of --date, --from/--to or --all`);
  if (flags.all) return { kind: "all" };
  if (given(flags.date)) return { kind: "date", date: parseIsoDate(flags.date!, "--date") };
  if (given(flags.from) !== given(flags.to)) throw new UsageError("--from and --to go together: pass both, e.g. --from 2026-03-01 --to 2026-03-31");
  if (given(flags.from)) {
    const range = { kind: "range" as const, from: parseIsoDate(flags.from!, "--from"), to: parseIsoDate(flags.to!, "--to") };
    bounds(range); // the range's own checks, before anything connects
    return range;
  }
  return { kind: "latest" };
}

/**
 * `selection` unless a day it names is after `today` (in `timezone`): --date, or --from/--to, of a
 * day to come is a typo (2028 for 2026) unless --allow-future-date says otherwise.
 */
export function refuseFutureSelection(selection: DateSelection, today: string, timezone: string): DateSelection {
  const check = (date: string, what: string) =>
    notAfterToday(date, what, today, timezone, "no night has loaded that day yet", "check the date, or pass --allow-future-date if that is meant");
  if (selection.kind === "date") check(selection.date, "--date");
  if (selection.kind === "range") {
    check(selection.from, "--from");
    check(selection.to, "--to");
  }
  return selection;
}
