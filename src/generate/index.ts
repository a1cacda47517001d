// `generate` as a function: prepare the target database, stream the synthetic fleet into it,
// and report what was written. The target's engine prepares it (engine/<name>/generate-target.ts).
import { endpointStore, type Endpoint } from "../settings/dsn.ts";
import { engineFor } from "../engine/index.ts";
import type { PreparedTarget } from "../engine/engine.ts";
import { logger } from "../log.ts";
import { emptySummary, generateFleet, planFleet, type FleetSummary } from "./fleet.ts";
import type { GenerateOptions } from "./generate-options.ts";
import type { TableBatch } from "./rows.ts";
import { writeBatches } from "./writer.ts";

// Created per use: a child made at import time keeps the level it was born with (before --verbose).
const log = () => logger("generate");

export interface GenerateResult extends FleetSummary {
  database: string;
  /** Rows written per table. */
  tables: Map<string, number>;
  /** The site-specific tables were created and filled (--site-extras). */
  siteExtras: boolean;
  seconds: number;
}

export async function generateServerDb(ep: Endpoint, opts: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const siteExtras = opts.siteExtras === true;
  const target = await engineFor(ep).prepareGenerateTarget(ep, { force: opts.force, siteExtras });
  try {
    const plan = planFleet(opts);
    const summary = emptySummary();
    let lastLog = started;
    const tables = await writeBatches(target.db, adapted(generateFleet(plan, summary, siteExtras), target.adapt), {
      rowsPerStatement: opts.batchSize,
      maxStatementBytes: target.maxStatementBytes,
      onStatement(table, rows) {
        const now = performance.now();
        if (now - lastLog < 2000) return;
        lastLog = now;
        log().info(`${table}: ${rows} rows written (${((now - started) / 1000).toFixed(1)} s)`);
      },
    });
    await target.finish?.();
    const database = endpointStore(ep);
    return { ...summary, database, tables, siteExtras, seconds: (performance.now() - started) / 1000 };
  } finally {
    await target.db.close();
  }
}

function* adapted(batches: Iterable<TableBatch>, adapt: PreparedTarget["adapt"]): Iterable<TableBatch> {
  if (!adapt) return yield* batches;
  for (const b of batches) yield adapt(b);
}

/** The one summary line printed on success. */
export function formatSummary(r: GenerateResult): string {
  const deleted = r.deletedServers ? ` (${r.deletedServers} more created and deleted)` : "";
  const n = (table: string) => r.tables.get(table) ?? 0;
  const extras = r.siteExtras
    ? `, site extras: ${n("servers_rackplacement")} rack placements, ${n("servers_modelpower")} model power ratings, ${n("servers_purchase")} purchases`
    : "";
  return (
    `generated ${r.database}: ${r.servers} servers${deleted}, ${r.switches} switches, ${r.filers} filers, ` +
    `${r.otherAssets} other assets, ${r.historyRows} history rows${extras} in ${r.seconds.toFixed(1)} s`
  );
}
