// expire's large-delete guard, pure: a run that would delete more than a share of the days
// present (a policy typo such as keep_daily = 9, a clock years ahead) is refused unless allowed.
// One day may always go: that is an ordinary night's expire, even in a warehouse of three days.
import { weekdayName, type RetentionPolicy } from "./retention.ts";

export interface DeleteLimit {
  /** The largest share of the days present one run may delete, in percent (0 < p ≤ 100). */
  maxSharePercent: number;
  /** --allow-large-delete: no limit for this run. */
  allow: boolean;
}

/** A night deletes one day of ~100 (90 daily + the weeks before); ten nights' worth is the limit. */
export const DEFAULT_DELETE_LIMIT: DeleteLimit = { maxSharePercent: 10, allow: false };

/** What one run would delete. */
export interface DeleteSize {
  /** The days that would go, ascending. */
  days: readonly string[];
  /** Days present (facts or bridge rows). */
  present: number;
  factRows: number;
  roleRows: number;
}

/** True when deleting `doomed` of `present` days needs --allow-large-delete under `limit`. */
export function isLargeDelete(doomed: number, present: number, limit: DeleteLimit): boolean {
  if (limit.allow || doomed <= 1) return false;
  return doomed * 100 > limit.maxSharePercent * present;
}

const percent = (n: number, of: number) => (of ? Math.round((100 * n) / of) : 0);

/** "70 of 112 days (63%; 2026-06-02 … 2026-09-03): 13300 fact rows, 19180 bridge rows". */
export function describeDelete(s: DeleteSize): string {
  const span = s.days.length ? `; ${s.days[0]} … ${s.days[s.days.length - 1]}` : "";
  return `${s.days.length} of ${s.present} days (${percent(s.days.length, s.present)}%${span}): ${s.factRows} fact rows, ${s.roleRows} bridge rows`;
}

/** The one-line refusal: what would have gone, why it did not, and the two ways on. */
export function largeDeleteMessage(s: DeleteSize, limit: DeleteLimit, policy: RetentionPolicy): string {
  return (
    `expire would delete ${describeDelete(s)}, more than --max-delete-share ${limit.maxSharePercent}% of the days in one run, ` +
    `so nothing was deleted: check the policy (every day of the last ${policy.keepDaily}, then one ${weekdayName(policy.keepWeekday)} a week; ` +
    "expire --dry-run lists each day), or pass --allow-large-delete"
  );
}
