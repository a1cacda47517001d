// The one-line result of a run, for people and for journald.
import type { EtlSummary } from "./etl.ts";
import { formatPuppetdbFigures } from "../puppetdb/figures.ts";

export function formatEtlSummary(s: EtlSummary): string {
  const warnings = Object.entries(s.warnings)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, n]) => `${c}=${n}`)
    .join(",");
  return (
    `etl ${s.reportDate} run ${s.runId}: ok, ${s.extracted} extracted, ${s.loaded} loaded, ${s.removed} removed, ` +
    `warnings ${warnings || "none"}; load ${s.seconds.load.toFixed(1)} s, sweep ${s.seconds.sweep.toFixed(1)} s, ` +
    `replica wait ${s.replicaWaitS.toFixed(1)} s, total ${s.seconds.total.toFixed(1)} s` +
    (s.puppetdb ? `; ${formatPuppetdbFigures(s.puppetdb)}` : "")
  );
}
