// For fixtures that write fact rows directly (not through a run): the day partitions a run would
// have added first (the run's own missingDayPartitions). A no-op on SQLite and on unpartitioned tables.
import type { Db } from "../../src/engine/db.ts";
import { missingDayPartitions } from "../../src/stages/load/day-partitions.ts";
import type { DayTable } from "../../src/stages/load/ranged-delete.ts";

export async function addDayPartitions(db: Db, days: Iterable<string>, tables: readonly DayTable[] = ["server_facts", "server_fact_roles"]): Promise<void> {
  for (const table of tables) for (const sql of await missingDayPartitions(db, table, [...days])) await db.execute(sql);
}
