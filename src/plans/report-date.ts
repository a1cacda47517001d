// The report date of a run: today in the chosen time zone, computed once per run, or an
// explicit --report-date. Dates are plain 'YYYY-MM-DD' strings: no Date objects cross here,
// so nothing shifts with the host's time zone.
import { UsageError } from "../errors.ts";

/** The host's IANA time zone (what "today" means by default). */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Throws a UsageError unless `tz` is an IANA zone name this runtime knows. */
export function validateTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone: tz });
    return tz;
  } catch {
    throw new UsageError(`unknown time zone ${JSON.stringify(tz)}; use an IANA name such as UTC or Europe/Berlin`);
  }
}

/** 'YYYY-MM-DD' of `now` in `tz`. */
export function dateIn(tz: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Throws a UsageError unless `text` is a real calendar date 'YYYY-MM-DD'; returns it. */
export function parseIsoDate(text: string, what = "date"): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ok = m && (() => {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dt = new Date(Date.UTC(y, mo - 1, d));
    return y >= 1970 && dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
  })();
  if (!ok) throw new UsageError(`invalid ${what} ${JSON.stringify(text)}: write a calendar date as YYYY-MM-DD, e.g. 2026-03-31`);
  return text;
}

/**
 * `date` unless it is after `today` (both 'YYYY-MM-DD' in `timezone`): a UsageError naming both
 * days, what the date would do (`harm`) and the way out (`fix`). A year typo (2028 for 2026) is
 * as far from today as tomorrow is: the rule has no tolerance.
 */
export function notAfterToday(date: string, what: string, today: string, timezone: string, harm: string, fix: string): string {
  if (date > today) throw new UsageError(`${what} ${date} is after today (${today} in ${timezone}): ${harm}; ${fix}`);
  return date;
}

/** Days between two ISO dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 86_400_000);
}

/** The ISO date `n` days after `date` (n may be negative). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(date + "T00:00:00Z") + n * 86_400_000).toISOString().slice(0, 10);
}
