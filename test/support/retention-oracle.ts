// For the retention tests: a 400-day synthetic calendar with gaps, and an independent oracle of
// docs/data-contract.md "Retention". The oracle shares no code with src/plans/retention.ts: it finds ISO
// weeks from the week that holds January 4th (ISO 8601's definition) with Date.UTC arithmetic,
// where the code under test counts days from the week's Thursday.

const DAY_MS = 86_400_000;
const NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function ms(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y!, m! - 1, d!);
}

function iso(t: number): string {
  const dt = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${dt.getUTCFullYear()}-${p(dt.getUTCMonth() + 1)}-${p(dt.getUTCDate())}`;
}

/** Monday of the week holding `t` (UTC ms). */
function mondayOf(t: number): number {
  return t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
}

/** ISO week label 'YYYY-Www': week 1 is the week with January 4th; a week belongs to the year of its Thursday. */
export function oracleIsoWeek(date: string): string {
  const monday = mondayOf(ms(date));
  const year = new Date(monday + 3 * DAY_MS).getUTCFullYear();
  const week1 = mondayOf(Date.UTC(year, 0, 4));
  const week = Math.round((monday - week1) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Lower-case English day name. */
export function oracleDayName(date: string): string {
  return NAMES[new Date(ms(date)).getUTCDay()]!;
}

export interface OracleDecision {
  date: string;
  keep: boolean;
  reason: string;
}

/**
 * docs/data-contract.md "Retention", brute force, as issue 13 amends it: the daily window is the `keepDaily` days ending
 * at the anchor, the newest day present that is not after `today` (today itself when there is
 * none); a day after `today` is always kept; otherwise a day is kept when it is its ISO week's
 * representative (the keepWeekday if present, else the earliest day of the week present, both
 * among the days up to today), or protected. `keepWeekday` is a day name.
 */
export function oracleDecisions(
  dates: readonly string[],
  keepDaily: number,
  keepWeekday: string,
  today: string,
  protect: readonly string[] = [],
): OracleDecision[] {
  const present = [...new Set(dates)].sort();
  if (!present.length) return [];
  const past = present.filter((d) => d <= today);
  const anchor = ms(past.length ? past[past.length - 1]! : today);
  const weeks = new Map<string, string[]>();
  for (const d of past) weeks.set(oracleIsoWeek(d), [...(weeks.get(oracleIsoWeek(d)) ?? []), d]);
  return present.map((date) => {
    if (date > today) return { date, keep: true, reason: "after today (never expired)" };
    if ((anchor - ms(date)) / DAY_MS < keepDaily) return { date, keep: true, reason: "daily" };
    const week = oracleIsoWeek(date);
    const group = weeks.get(week)!;
    const preferred = group.find((d) => oracleDayName(d) === keepWeekday);
    if (preferred === date) return { date, keep: true, reason: `weekly: ${keepWeekday}` };
    if (!preferred && group.reduce((a, b) => (a < b ? a : b)) === date) {
      return { date, keep: true, reason: `weekly: earliest in week ${week}` };
    }
    if (protect.includes(date)) return { date, keep: true, reason: "protected" };
    return { date, keep: false, reason: "expired" };
  });
}

/** "Today" of the synthetic calendar: not present, so the newest day present is the day before. */
export const CALENDAR_TODAY = "2027-06-30";

/** Days the gap rules must not remove: the hand-checked rows of the tests. */
export const CALENDAR_FORCED = ["2026-11-08", "2026-12-29", "2027-01-01", "2027-01-04", "2027-03-29", "2027-03-31", "2027-04-01", "2027-06-29"];

/**
 * 400 days ending at CALENDAR_TODAY with gaps: today itself; whole weeks 2026-W30 and 2026-W41;
 * every week's Monday when the week number is a multiple of 3; all of 2026-W45 but its Sunday;
 * 2026-12-28 (Monday of 2026-W53, so that week crosses the new year with its Tuesday kept);
 * 2027-05-10 inside the daily window; and a scatter of about one day in thirteen.
 */
export function syntheticCalendar(): string[] {
  const end = ms(CALENDAR_TODAY);
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    const date = iso(end - (399 - i) * DAY_MS);
    const week = oracleIsoWeek(date);
    const day = oracleDayName(date);
    const gone =
      date === CALENDAR_TODAY ||
      week === "2026-W30" ||
      week === "2026-W41" ||
      (day === "monday" && Number(week.slice(6)) % 3 === 0) ||
      (week === "2026-W45" && day !== "sunday") ||
      date === "2026-12-28" ||
      date === "2027-05-10" ||
      (i * 7919) % 13 === 5;
    if (!gone || (CALENDAR_FORCED.includes(date) && date !== CALENDAR_TODAY)) out.push(date);
  }
  return out;
}
