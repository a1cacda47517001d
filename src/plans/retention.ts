// The retention policy of docs/data-contract.md "Retention", pure: given the report dates present and today, which days
// keep their facts and why. The daily window ends at the newest day present that is not after
// today, so a future day (a typo'd --report-date) never moves it, and days after today are never
// deleted. Dates are 'YYYY-MM-DD' strings and all calendar arithmetic is UTC day numbers, so
// nothing depends on the host's time zone. Also: ISO week numbering and the weekday names.
import { addDays, daysBetween } from "./report-date.ts";

export interface RetentionPolicy {
  /** Keep every day whose distance to the anchor (retentionAnchor) is below this (the anchor and N−1 days before it). */
  keepDaily: number;
  /** ISO weekday 1=Mon … 7=Sun: the snapshot older weeks keep, when it exists. */
  keepWeekday: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepDaily: 90, keepWeekday: 1 };

export interface DayDecision {
  date: string;
  keep: boolean;
  /** `daily`, `weekly: monday`, `weekly: earliest in week 2026-W14`, `protected`, `after today (never expired)`, `expired`. */
  reason: string;
}

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

/** ISO weekday (1=Mon … 7=Sun) of a full or three-letter English day name, any case; undefined otherwise. */
export function parseWeekday(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const i = WEEKDAYS.findIndex((name) => name === t || name.slice(0, 3) === t);
  return i < 0 ? undefined : i + 1;
}

/** The lower-case English name of ISO weekday `n` (1=Mon). */
export function weekdayName(n: number): string {
  return WEEKDAYS[n - 1]!;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(date: string): string {
  if (!DATE.test(date)) throw new Error(`retention: ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
  return date;
}

/** ISO weekday of a date: 1=Mon … 7=Sun. 1970-01-01 was a Thursday. */
export function isoWeekday(date: string): number {
  const n = daysBetween("1970-01-01", checkDate(date));
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/**
 * ISO 8601 week of a date: weeks start on Monday and belong to the year of their Thursday, so
 * 2027-01-01 (a Friday) is in 2026-W53 and 2024-12-30 (a Monday) is in 2025-W01.
 */
export function isoWeek(date: string): { year: number; week: number; label: string } {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${thursday.slice(0, 4)}-01-01`, thursday) / 7) + 1;
  return { year, week, label: `${thursday.slice(0, 4)}-W${String(week).padStart(2, "0")}` };
}

function checkPolicy(policy: RetentionPolicy): void {
  if (!Number.isInteger(policy.keepDaily) || policy.keepDaily < 1) {
    throw new Error(`retention: keepDaily must be a positive integer, got ${policy.keepDaily}`);
  }
  if (!Number.isInteger(policy.keepWeekday) || policy.keepWeekday < 1 || policy.keepWeekday > 7) {
    throw new Error(`retention: keepWeekday must be 1 (Mon) … 7 (Sun), got ${policy.keepWeekday}`);
  }
}

/** Why a day after today is kept: it is not judged until it has come. */
export const AFTER_TODAY = "after today (never expired)";

/**
 * Where the daily window ends: the newest of `dates` that is not after `today`, or `today` when
 * none is. Normally today or yesterday; older when the nightly job has stopped, so an outage
 * does not expire the last days it left behind. Never a day after today. `dates` ascending.
 */
export function retentionAnchor(dates: readonly string[], today: string): string {
  for (let i = dates.length - 1; i >= 0; i--) if (dates[i]! <= today) return dates[i]!;
  return today;
}

/**
 * Which of `dates` (the distinct report dates that have facts) to keep, and why; one decision
 * per distinct date, oldest first. A day after `today` is kept. Any other day is kept when it is
 * within `keepDaily` days of the anchor (retentionAnchor), or is its ISO week's representative
 * (the `keepWeekday` when present, else the week's earliest date present, days after today not
 * counted), or is in `protect`. keepDaily ≥ 1, so no day of the `keepDaily` days ending today
 * is ever deleted: the anchor is on or before today and no day present lies between them.
 */
export function planRetention(dates: readonly string[], policy: RetentionPolicy, today: string, protect: readonly string[] = []): DayDecision[] {
  checkPolicy(policy);
  checkDate(today);
  const sorted = [...new Set(dates.map(checkDate))].sort();
  if (!sorted.length) return [];
  const anchor = retentionAnchor(sorted, today);
  const protectedDays = new Set(protect);

  // Each ISO week's representative. Dates are ascending, so the first date seen is the earliest.
  // A day after today stands for no week: until it has come it may be a typo.
  const representative = new Map<string, { date: string; reason: string }>();
  for (const date of sorted) {
    if (date > today) break;
    const week = isoWeek(date).label;
    const current = representative.get(week);
    if (isoWeekday(date) === policy.keepWeekday) {
      representative.set(week, { date, reason: `weekly: ${weekdayName(policy.keepWeekday)}` });
    } else if (!current) {
      representative.set(week, { date, reason: `weekly: earliest in week ${week}` });
    }
  }

  return sorted.map((date) => {
    if (date > today) return { date, keep: true, reason: AFTER_TODAY };
    if (daysBetween(date, anchor) < policy.keepDaily) return { date, keep: true, reason: "daily" };
    const rep = representative.get(isoWeek(date).label)!;
    if (rep.date === date) return { date, keep: true, reason: rep.reason };
    if (protectedDays.has(date)) return { date, keep: true, reason: "protected" };
    return { date, keep: false, reason: "expired" };
  });
}

/**
 * Days with bridge rows but no facts (a snapshot is its facts, so these are leftovers, e.g. of a
 * hand-made delete). They never take part in the plan above (they could otherwise become a week's
 * representative or the anchor); they are kept after today, inside the daily window of `anchor`
 * (the facts' retentionAnchor), when protected, or when there are no facts at all to measure
 * against (`anchor` undefined), and deleted otherwise.
 */
export function planOrphanDays(
  orphans: readonly string[],
  anchor: string | undefined,
  policy: RetentionPolicy,
  today: string,
  protect: readonly string[] = [],
): DayDecision[] {
  checkPolicy(policy);
  return [...new Set(orphans.map(checkDate))].sort().map((date) => {
    if (date > today) return { date, keep: true, reason: "after today (never expired; bridge rows only, no facts)" };
    if (anchor === undefined || daysBetween(date, anchor) < policy.keepDaily) {
      return { date, keep: true, reason: "daily (bridge rows only, no facts)" };
    }
    if (protect.includes(date)) return { date, keep: true, reason: "protected (bridge rows only, no facts)" };
    return { date, keep: false, reason: "expired (bridge rows only, no facts)" };
  });
}
