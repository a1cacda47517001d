// For fixtures that write fact rows directly (not through a run): the day partitions a run would
// have added first, through the engine's own DDL. A no-op on SQLite and on unpartitioned tables.
import type { Db } from "../../src/engine/db.ts";
import { engineOf } from "../../src/engine/index.ts";

export async function addDayPartitions(db: Db, days: Iterable<string>, tables: readonly string[] = ["server_facts", "server_fact_roles"]): Promise<void> {
  const parts = engineOf(db).dayPartitions;
  if (!parts) return;
  for (const table of tables) {
    const have = await parts.list(db, table);
    if (!have) continue;
    for (const day of new Set(days)) if (!have.has(day)) await db.execute(parts.addSql(db, table, day));
  }
}
