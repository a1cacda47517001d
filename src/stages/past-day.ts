// Before etl stores tonight's fleet under a past report date: a day whose snapshot finished more
// than a day ago is history (the fleet as it was then), and replacing it would lose that for good
// (backfill can only approximate it), so that needs --replace-past-day. A day without a
// successful run, or one whose snapshot is fresh (a rerun the morning after), goes ahead.
import type { Db } from "../engine/db.ts";
import { UsageError } from "../errors.ts";
import { SQL } from "../sql.ts";

/** A snapshot older than this is history, not a night being redone. */
export const HISTORY_AGE_MS = 24 * 3_600_000;

/** Throws a UsageError when `reportDate` (before `today`) holds a successful snapshot finished over a day before `now`. */
export async function refuseHistoryOverwrite(db: Db, reportDate: string, today: string, now: Date = new Date()): Promise<void> {
  if (reportDate >= today) return;
  const [run] = await db.query<{ id: number | string; kind: string; finished_at: string | null }>(SQL.etlRunsLastSuccess, [reportDate]);
  if (!run || run.finished_at === null) return;
  const finished = String(run.finished_at).slice(0, 19);
  // etl_runs keeps UTC wall-clock text on both engines.
  if (now.getTime() - Date.parse(`${finished.replace(" ", "T")}Z`) <= HISTORY_AGE_MS) return;
  throw new UsageError(
    `--report-date ${reportDate} already holds the snapshot of ${run.kind} run ${run.id} (finished ${finished} UTC): ` +
      "storing the fleet as it is now under that day would replace its history; check the date, or pass --replace-past-day if that is meant",
  );
}
