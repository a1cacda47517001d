// etl_runs bookkeeping: a row per run, written before the load starts ('running') and
// closed at the end ('success' or 'failed' with the error). A run that dies stays
// 'running'; the next run of that day simply replaces the day.
import { hostname } from "node:os";
import type { Db } from "../../engine/db.ts";
import { SQL } from "../../sql.ts";
import { VERSION } from "../../version.ts";
import type { Warnings } from "../../transform/types.ts";
import type { Statement } from "./statements.ts";

export type RunKind = "etl" | "backfill";

export interface RunCounts {
  extracted: number;
  loaded: number;
  removed: number;
  warnings: Warnings;
}

/** UTC wall-clock 'YYYY-MM-DD HH:MM:SS' (the same on every engine and host). */
export function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace("T", " ");
}

export async function startRun(db: Db, kind: RunKind, reportDate: string): Promise<number> {
  const result = await db.execute(SQL.etlRunsStart, [kind, reportDate, utcNow(), hostname().slice(0, 255), VERSION.slice(0, 32)]);
  return result.insertId;
}

/** The UPDATE that closes a run; written through the BatchWriter so replicas see it too. */
export function finishRunStatement(
  runId: number,
  status: "success" | "failed",
  counts: RunCounts,
  error?: string,
): Statement {
  const total = Object.values(counts.warnings).reduce((a, b) => a + b, 0);
  const byColumn = JSON.stringify(counts.warnings).slice(0, 1024);
  return { sql: SQL.etlRunsFinish, params: [
    utcNow(),
    status,
    counts.extracted,
    counts.loaded,
    counts.removed,
    total,
    byColumn,
    error?.slice(0, 1024) ?? null,
    runId,
  ] };
}
