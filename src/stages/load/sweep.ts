// After a successful load: remove the day's rows that this run did not write, so a day's
// snapshot is exactly the latest run's extract. Deletes go by id ranges in small batches,
// each through the BatchWriter (its own transaction, replica wait, retries): ranged-delete.ts.
import type { BatchWriter } from "./batch-writer.ts";
import { deleteDayRows } from "./ranged-delete.ts";

export interface SweepOptions {
  reportDate: string;
  runId: number;
  /** Rows per DELETE. */
  batchSize: number;
  /** Called after each committed batch with the rows removed so far, per table. */
  onRemoved?: (removed: { facts: number; roles: number }) => void;
}

/** Remove stale rows of `reportDate` from the fact and bridge tables; returns the rows removed from each. */
export async function sweepStaleRows(writer: BatchWriter, options: SweepOptions): Promise<{ facts: number; roles: number }> {
  const day = { reportDate: options.reportDate, batchSize: options.batchSize, exceptRunId: options.runId };
  const facts = await deleteDayRows(writer, { table: "server_facts", ...day, onBatch: (n) => options.onRemoved?.({ facts: n, roles: 0 }) });
  const roles = await deleteDayRows(writer, { table: "server_fact_roles", ...day, onBatch: (n) => options.onRemoved?.({ facts, roles: n }) });
  return { facts, roles };
}
