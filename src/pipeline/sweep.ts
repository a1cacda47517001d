// After a successful load: remove the day's rows that this run did not write, so a day's
// snapshot is exactly the latest run's extract. Deletes go by id ranges in small batches,
// each through the BatchWriter (its own transaction, replica wait, retries).
import type { Db } from "../db/db.ts";
import { quoteIdent } from "../db/ident.ts";
import { SQL } from "../sql.ts";
import type { BatchWriter } from "./batch-writer.ts";

export interface SweepOptions {
  reportDate: string;
  runId: number;
  /** Rows per DELETE. */
  batchSize: number;
}

/** Remove stale rows of `reportDate` from the fact and bridge tables; returns facts removed. */
export async function sweepStaleRows(db: () => Db, writer: BatchWriter, options: SweepOptions): Promise<{ facts: number; roles: number }> {
  return {
    facts: await sweepTable(db, writer, "server_facts", options),
    roles: await sweepTable(db, writer, "server_fact_roles", options),
  };
}

async function sweepTable(db: () => Db, writer: BatchWriter, table: string, o: SweepOptions): Promise<number> {
  const select = SQL.staleIds.replaceAll("{table}", quoteIdent(table));
  const del = SQL.staleDelete.replaceAll("{table}", quoteIdent(table));
  let after: unknown = -1;
  let removed = 0;
  for (;;) {
    const ids = await db().query<{ id: number | string }>(select, [o.reportDate, after, o.runId, o.batchSize]);
    if (ids.length === 0) return removed;
    const first = ids[0].id;
    const last = ids[ids.length - 1].id;
    // Count what the DELETE removed: the LIMIT may cut one server's bridge rows apart,
    // and the id range takes all of them.
    removed += await writer.write([{ sql: del, params: [o.reportDate, o.runId, first, last] }]);
    after = last;
  }
}
