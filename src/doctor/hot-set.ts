// Whether one day of facts and their keys (the "hot set" a night's load, aggregate and sweep
// work on) fits InnoDB's buffer pool. When it does not, every night rereads it from disk and
// grows slower as history grows. Pure: sizes in, a check out.
import type { Check, ServerFacts } from "./types.ts";

const MIB = 2 ** 20;

/** The buffer pool a night needs: twice the day's hot set (the day being written and the one read), in 128 MiB steps. */
export function bufferPoolWanted(hotSetBytes: number): number {
  return Math.max(128, Math.ceil((2 * hotSetBytes) / (128 * MIB)) * 128) * MIB;
}

export function judgeHotSet(f: ServerFacts): Check[] {
  const pool = f.vars.bufferPoolBytes;
  const h = f.history;
  if (pool === undefined || !h || h.days === 0) return [];
  const hot = h.bytes / h.days;
  const figures = `one day of facts and their keys is ~${mib(hot)} (${mib(h.bytes)} over ${h.days} days), the buffer pool ${mib(pool)}`;
  if (hot * 2 <= pool) return [{ check: "buffer_pool", result: "ok", detail: `${figures}: a night's work stays in memory` }];
  const want = bufferPoolWanted(hot);
  return [{
    check: "buffer_pool",
    result: "warn",
    detail: `${figures}: a night's load, aggregate and sweep read and write through the disk`,
    fix: `raise innodb_buffer_pool_size to at least ${mib(want)}: SET GLOBAL innodb_buffer_pool_size = ${want}; and the same under [mysqld] in the server's my.cnf`,
  }];
}

function mib(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}
