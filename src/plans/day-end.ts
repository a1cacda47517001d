// The end of a calendar day in an IANA time zone: the UTC instant of the next local midnight,
// which is what "the fleet as of the end of day D" means when ServerDB stores UTC. Pure, uses
// only Intl; DST days are 23 or 25 hours long and come out right.
import { addDays } from "./report-date.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** `tz`'s offset at instant `t` (ms since the epoch, whole seconds): local wall clock − UTC, in ms. */
export function zoneOffsetMs(tz: string, t: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return wall - t;
}

/**
 * The instant (ms since the epoch) at which day `date` ('YYYY-MM-DD') ends in `tz`: the next
 * local midnight. Where that midnight happens twice (clocks set back at midnight), the later
 * one, so every instant that the local calendar calls `date` is before it; where it does not
 * exist (clocks jump forward over midnight), the instant of the jump, when the next day begins.
 */
export function dayEndMs(date: string, tz: string): number {
  const wall = Date.parse(`${addDays(date, 1)}T00:00:00Z`);
  // The offset before and after a nearby transition; one of the two candidates is usually the answer.
  const t1 = wall - zoneOffsetMs(tz, wall);
  const t2 = wall - zoneOffsetMs(tz, t1);
  const exact = [t1, t2].filter((t) => t + zoneOffsetMs(tz, t) === wall);
  if (exact.length) return Math.max(...exact);
  // Midnight was skipped: the day ends at the jump, the later candidate (the offset before it is smaller).
  return Math.max(t1, t2);
}

/** ms since the epoch → 'YYYY-MM-DD HH:MM:SS' in UTC (how history_date and created_at compare). */
export function utcDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** The end of `date` in `tz` as a UTC 'YYYY-MM-DD HH:MM:SS' value for a `?` placeholder. */
export function dayEndUtc(date: string, tz: string): string {
  return utcDatetime(dayEndMs(date, tz));
}
