// Date columns as wall-clock text: no Date objects and no time zones anywhere, so a value
// is written exactly as the source stored it whatever the host's or session's zone.
import type { Warnings } from "./types.ts";
import { warn } from "./warnings.ts";

/**
 * What created_at/last_edit (NOT NULL in the warehouse) become when the source value is a
 * zero date or not a DATETIME at all (impossible from Django, possible from a hand-written
 * INSERT in a lax sql_mode): the smallest DATETIME MySQL documents, valid under every
 * sql_mode (a zero date fails under NO_ZERO_DATE and would abort the batch), and easy to
 * exclude (`created_at > '1000-01-01'`). Always counted as a warning.
 */
export const UNKNOWN_DATETIME = "1000-01-01 00:00:00";

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * 'YYYY-MM-DD HH:MM:SS[.ffffff]' → 'YYYY-MM-DD HH:MM:SS': the fraction is dropped, never
 * rounded (23:59:59.999999 stays on its day). A zero or malformed value → UNKNOWN_DATETIME
 * and a warning on `column`.
 */
export function cleanDatetime(raw: string | null, column: string, warnings: Warnings): string {
  if (raw !== null && DATETIME.test(raw) && !raw.startsWith("0000-00-00")) return raw.slice(0, 19);
  warn(warnings, column);
  return UNKNOWN_DATETIME;
}

/**
 * delivery_date: 'YYYY-MM-DD' or NULL. MySQL's zero date '0000-00-00' means "not set" and is
 * NULL without a warning; anything else unparsable is NULL with a warning on `column`.
 * A DATETIME-shaped value keeps its date part (a DATE column read through a cast).
 */
export function cleanDate(raw: string | null, column: string, warnings: Warnings): string | null {
  if (raw === null) return null;
  const date = raw.length > 10 && DATETIME.test(raw) ? raw.slice(0, 10) : raw;
  if (!DATE.test(date)) {
    warn(warnings, column);
    return null;
  }
  return date === "0000-00-00" ? null : date;
}
