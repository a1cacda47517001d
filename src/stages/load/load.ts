// Load: transformed servers → batches of REPLACE (or, where the engine can, LOAD DATA … REPLACE)
// into server_facts and server_fact_roles, for one day (etl) or several at once (a backfill pass).
// A batch is capped by rows (--batch-size) and by bytes (well under max_allowed_packet);
// memory is bounded by one batch plus the writer's in-flight one.
import type { DbCapabilities } from "../../engine/db.ts";
import { FACT_COLUMNS, ROLE_COLUMNS } from "../../warehouse/columns.ts";
import type { TransformedServer, Warnings } from "../../transform/types.ts";
import type { Progress } from "../../progress/progress.ts";
import type { BatchWriter } from "./batch-writer.ts";
import { rowBytes, rowStatements, type SplitLimits } from "./statements.ts";
import { transactionCap } from "./write-set-limit.ts";
import { logger } from "../../log.ts";

const log = logger("load");

export interface LoadOptions {
  /** The day the rows describe. */
  reportDate: string;
  /** etl_runs.id of this run, stamped on every row. */
  runId: number;
  /** Servers per batch (one transaction). */
  batchSize: number;
  /** After each committed batch: its servers and their warnings (also when the run stops before the batch's replica wait ends). */
  onCommitted?: (servers: number, warnings: Warnings) => void;
  /** The declared columns' names ([[facts.columns]]), written after etl_run_id from each server's `extras`. */
  extraColumns?: readonly string[];
}

export interface LoadResult {
  loaded: number;
  roleRows: number;
  warnings: Warnings;
}

/** How often (in batches) the load forces a garbage collection; see flush(). */
const GC_EVERY_BATCHES = 2;

const FACT_NAMES = FACT_COLUMNS.map((c) => c.name);
const ROLE_NAMES = ROLE_COLUMNS.map((c) => c.name);

/** Statement limits for an engine: its placeholder cap, a quarter of its packet size up to 4 MiB, bulk loads. */
export function splitLimits(caps: DbCapabilities): SplitLimits {
  return {
    maxPlaceholders: caps.maxPlaceholders,
    maxBytes: Math.min(4 * 2 ** 20, Math.floor(caps.maxStatementBytes / 4)),
    bulkLoad: caps.bulkLoad,
  };
}

export async function loadServers(
  servers: AsyncIterable<TransformedServer>,
  writer: BatchWriter,
  caps: DbCapabilities,
  options: LoadOptions,
  progress: Progress,
): Promise<LoadResult> {
  async function* onDay(): AsyncIterable<DayServer> {
    for await (const server of servers) yield { day: 0, server };
  }
  const [result] = await loadDays(
    onDay(),
    writer,
    caps,
    { days: [{ reportDate: options.reportDate, runId: options.runId }], batchSize: options.batchSize, extraColumns: options.extraColumns, onCommitted: (_, n, w) => options.onCommitted?.(n, w) },
    progress,
  );
  return result!;
}

/** One transformed server for one of the days being loaded (an index into LoadDaysOptions.days). */
export interface DayServer {
  day: number;
  server: TransformedServer;
}

export interface LoadDaysOptions {
  /** The days loaded together, each with the etl_runs.id stamped on its rows. */
  days: readonly { reportDate: string; runId: number }[];
  /** Rows per batch (one transaction), whichever days they belong to. */
  batchSize: number;
  /** After each committed batch, per day in it: its servers and their warnings. */
  onCommitted?: (day: number, servers: number, warnings: Warnings) => void;
  /** The declared columns' names, in declaration order (LoadOptions.extraColumns). */
  extraColumns?: readonly string[];
}

/**
 * The load of one day (loadServers) or of several at once (a backfill pass): the rows of every
 * day go into the same batches, so a batch is one transaction and one replica wait whatever
 * the days it holds. Returns each day's result.
 */
export async function loadDays(
  servers: AsyncIterable<DayServer>,
  writer: BatchWriter,
  caps: DbCapabilities,
  options: LoadDaysOptions,
  progress: Progress,
): Promise<LoadResult[]> {
  const limits = splitLimits(caps);
  const extraColumns = options.extraColumns ?? [];
  const factNames = extraColumns.length ? [...FACT_NAMES, ...extraColumns] : FACT_NAMES;
  // A Galera target: every batch inside its write-set limits, whatever --batch-size asks.
  const cap = transactionCap(caps);
  if (cap.why && (cap.rows < Infinity || cap.bytes < limits.maxBytes)) {
    log.info(`${cap.why}: batches of up to ${options.batchSize} servers are cut to fit`);
  }
  const results: LoadResult[] = options.days.map(() => ({ loaded: 0, roleRows: 0, warnings: {} }));
  let facts: unknown[][] = [];
  let roles: unknown[][] = [];
  let bytes = 0;
  /** Per day: the servers and warnings of the batch being built, reported once it is committed. */
  let batchDays = new Map<number, { servers: number; warnings: Warnings }>();
  let total = 0;
  // Double buffering: batch n is written while batch n+1 is extracted and transformed,
  // so the source and the target work at the same time. At most two batches in memory.
  let writing: Promise<void> | undefined;
  let flushes = 0;

  const flush = async () => {
    if (facts.length === 0) return;
    const statements = [
      ...rowStatements("server_facts", factNames, facts, limits),
      ...rowStatements("server_fact_roles", ROLE_NAMES, roles, limits),
    ];
    const inBatch = batchDays;
    facts = [];
    roles = [];
    bytes = 0;
    batchDays = new Map();
    // A full collection every other batch, while the previous batch is still being written
    // by the server (the JS thread would only wait): JSC otherwise lets a run's garbage
    // (row objects, formatted statements) grow the heap, and peak RSS with it, by ~50 MB.
    // Measured at 100k servers: peak RSS 147–167 MB without, 105–118 MB with; see BENCHMARKS.md.
    if (++flushes % GC_EVERY_BATCHES === 0) Bun.gc(true);
    await writing;
    // Counted at the commit, not once the write returns: a stop during the replica wait that
    // follows still leaves this batch in the warehouse, and the summary and etl_runs say so.
    writing = writer
      .write(statements, () => {
        for (const [day, b] of inBatch) {
          results[day]!.loaded += b.servers;
          total += b.servers;
          if (Object.keys(b.warnings).length) progress.warnings(b.warnings);
          options.onCommitted?.(day, b.servers, b.warnings);
        }
        progress.phaseProgress("load", total);
      })
      .then(() => {});
    writing.catch(() => {}); // surfaced by the next await; avoids an unhandled rejection meanwhile
  };

  try {
    for await (const { day, server } of servers) {
      const { reportDate, runId } = options.days[day]!;
      const result = results[day]!;
      const f = server.fact;
      const factRow: unknown[] = FACT_NAMES.map((name) => (name === "report_date" ? reportDate : name === "etl_run_id" ? runId : f[name as keyof typeof f]));
      if (extraColumns.length) {
        if (server.extras.length !== extraColumns.length) throw new Error(`a server has ${server.extras.length} declared values for ${extraColumns.length} declared columns`);
        factRow.push(...server.extras);
      }
      const roleRows = server.roles.map((r) => [reportDate, r.id, r.role_id, r.role_name, r.puppet_service, r.wou_id, r.wou_name, runId]);
      const serverBytes = rowBytes(factRow) + roleRows.reduce((sum, r) => sum + rowBytes(r), 0);
      // A server and its roles go in one transaction: flush first when they would not fit in this one.
      if (facts.length && (facts.length + roles.length + 1 + roleRows.length > cap.rows || bytes + serverBytes > cap.bytes)) await flush();
      facts.push(factRow);
      roles.push(...roleRows);
      bytes += serverBytes;
      result.roleRows += server.roles.length;
      let batch = batchDays.get(day);
      if (!batch) batchDays.set(day, (batch = { servers: 0, warnings: {} }));
      batch.servers++;
      for (const [column, n] of Object.entries(server.warnings)) {
        result.warnings[column] = (result.warnings[column] ?? 0) + n;
        batch.warnings[column] = (batch.warnings[column] ?? 0) + n;
      }
      if (facts.length >= options.batchSize || bytes >= limits.maxBytes) await flush();
    }
  } catch (err) {
    // The source (or a transform) failed while a batch was still being written: let that batch
    // commit or roll back first, so the caller's "failed" record does not land inside its transaction.
    await writing?.catch(() => {});
    throw err;
  }
  await flush();
  await writing;
  return results;
}
