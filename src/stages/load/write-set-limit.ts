// How much one transaction may carry on this target, whatever --batch-size asks: a Galera
// cluster refuses to replicate a write-set over wsrep_max_ws_rows (0: no limit) or
// wsrep_max_ws_size. Pure; the writers cut their batches to it and say so once at INFO.
import type { DbCapabilities } from "../../engine/db.ts";

export interface TransactionCap {
  /** Rows written per transaction (facts and role rows together). Infinity: no limit. */
  rows: number;
  /** Bytes of row values per transaction. Infinity: no limit. */
  bytes: number;
  /** The sentence for the INFO line; undefined when nothing caps. */
  why?: string;
}

/**
 * Half the row limit: a REPLACE over a row that exists is a delete and an insert in the
 * write-set. A quarter of the byte limit: the write-set carries row images and keys besides
 * the values we count.
 */
export function transactionCap(caps: DbCapabilities): TransactionCap {
  const limit = caps.transactionLimit;
  if (!limit) return { rows: Infinity, bytes: Infinity };
  const rows = limit.rows > 0 ? Math.max(1, Math.floor(limit.rows / 2)) : Infinity;
  const bytes = limit.bytes > 0 ? Math.max(1, Math.floor(limit.bytes / 4)) : Infinity;
  const parts = [
    ...(rows < Infinity ? [`${rows} rows`] : []),
    ...(bytes < Infinity ? [`${bytes} bytes of values`] : []),
  ];
  return {
    rows,
    bytes,
    why: parts.length
      ? `the target's write-set limits (wsrep_max_ws_rows ${limit.rows}, wsrep_max_ws_size ${limit.bytes}) allow at most ` +
        `${parts.join(" and ")} per transaction, whatever --batch-size asks`
      : undefined,
  };
}
