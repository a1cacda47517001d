// The report's calendar on 'YYYY-MM-DD' strings (UTC, no time zones): weeks start on Monday
// (retention keeps Mondays), quarters are calendar quarters named '2027-Q1'. Day arithmetic is
// plans/report-date.ts's, re-exported so report modules import one calendar.
import { addDays } from "../plans/report-date.ts";
import { isoWeekday } from "../plans/retention.ts";

export { addDays, daysBetween } from "../plans/report-date.ts";

/** The Monday of the ISO week `day` falls in. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The last day of a quarter: '2027-Q1' → '2027-03-31'. */
export function quarterEnd(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return addDays(new Date(Date.UTC(year, q * 3, 1)).toISOString().slice(0, 10), -1);
}

/** `count` quarters starting with the one `day` falls in. */
export function quartersFrom(day: string, count: number): string[] {
  let year = Number(day.slice(0, 4));
  let q = Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${year}-Q${q}`);
    if (++q > 4) [q, year] = [1, year + 1];
  }
  return out;
}
