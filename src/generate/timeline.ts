// Time for the synthetic fleet: everything is µs since the epoch (UTC), derived from --end-date,
// never from the wall clock. Asset ids grow with created_at, as AUTO_INCREMENT ids do.

export const US_PER_HOUR = 3_600_000_000;
export const US_PER_DAY = 24 * US_PER_HOUR;
/** How long the fleet existed before the history window (servers older than that are gone). */
const FLEET_AGE_DAYS = 4 * 365;

/** 'YYYY-MM-DD' → µs at 00:00 UTC of that day (the caller has validated the text). */
export function dateToUs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) * 1000;
}

/** µs → 'YYYY-MM-DD HH:MM:SS.ffffff', the text MariaDB stores in a datetime(6). */
export function formatDatetime(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  const micros = us - ms * 1000;
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${micros < 10 ? "00" : micros < 100 ? "0" : ""}${micros}`;
}

/** µs → 'YYYY-MM-DD'. */
export function formatDate(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 10);
}

/**
 * Working hours: a uniform position `frac` ∈ [0, 1) within a day maps to 07:00–19:00,
 * monotonically, so ids created in order keep their order.
 */
function workingHours(dayStartUs: number, frac: number): number {
  return dayStartUs + 7 * US_PER_HOUR + Math.floor(frac * 12 * US_PER_HOUR);
}

/**
 * The fleet's time line. Ids 1..preWindowLastId were created over the four years before the
 * history window; ids after it are created during the window, spread evenly over its days.
 */
export class Timeline {
  /** 00:00 of the day after --end-date: "now"; every timestamp is before it. */
  readonly endUs: number;
  /** 00:00 of the window's first day (= endUs when there is no history). */
  readonly windowStartUs: number;
  readonly fleetStartUs: number;

  constructor(
    endDate: string,
    readonly historyDays: number,
    /** Last asset id created before the window. */
    readonly preWindowLastId: number,
    /** Last asset id of all. */
    readonly lastId: number,
  ) {
    this.endUs = dateToUs(endDate) + US_PER_DAY;
    this.windowStartUs = this.endUs - historyDays * US_PER_DAY;
    this.fleetStartUs = this.windowStartUs - FLEET_AGE_DAYS * US_PER_DAY;
  }

  isWindowId(id: number): boolean {
    return id > this.preWindowLastId;
  }

  /** created_at of asset `id`; `jitter` ∈ [0, 1) moves it within its slot (slots never overlap). */
  createdAtUs(id: number, jitter: number): number {
    const slot = 0.05 + 0.9 * jitter;
    if (!this.isWindowId(id)) {
      const days = FLEET_AGE_DAYS * ((id - 1 + slot) / Math.max(1, this.preWindowLastId));
      return this.atDayPosition(this.fleetStartUs, days);
    }
    const windowIds = this.lastId - this.preWindowLastId;
    const days = this.historyDays * ((id - this.preWindowLastId - 1 + slot) / windowIds);
    return this.atDayPosition(this.windowStartUs, days);
  }

  /** Index of the window day that contains `us` (0 = first day). */
  windowDay(us: number): number {
    return Math.floor((us - this.windowStartUs) / US_PER_DAY);
  }

  /** A change time on window day `day`: mostly working hours, some at night (cron jobs, scripts). */
  changeTimeUs(day: number, nightly: boolean, frac: number): number {
    const dayStart = this.windowStartUs + day * US_PER_DAY;
    return nightly ? dayStart + Math.floor(frac * US_PER_DAY) : workingHours(dayStart, frac);
  }

  private atDayPosition(startUs: number, days: number): number {
    const whole = Math.floor(days);
    return workingHours(startUs + whole * US_PER_DAY, days - whole);
  }
}
