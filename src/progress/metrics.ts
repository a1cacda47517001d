// --metrics-file's content: the run's figures as Prometheus gauges, each with a `command` label,
// merged into what the file already holds. The file is shared: `run` at night, `aggregate` or
// `expire` by hand, each replaces only its own command's series and keeps every other line, so
// an alert on `serverdb_etl_last_success_timestamp_seconds{command="run"}` still finds its series
// after another command wrote the file. The last-success timestamp moves only on success: a
// failed run carries its command's previous value over. Writing the file: metrics-file.ts.
import { formatValue, parseExposition, renderExposition, type ExpoFamily } from "./exposition.ts";
import type { RunFigures } from "./run-summary.ts";
import type { PuppetdbFigures } from "../puppetdb/figures.ts";

const PREFIX = "serverdb_etl";
const LAST_SUCCESS = `${PREFIX}_last_success_timestamp_seconds`;

function gauge(name: string, help: string, samples: Array<{ labels: Record<string, string>; value: number }>): ExpoFamily {
  return { name: `${PREFIX}_${name}`, help, type: "gauge", samples: samples.map((s) => ({ labels: s.labels, value: formatValue(s.value) })) };
}

/** The families of one run that ended at `endedAt` (unix seconds); no last-success sample when there is none yet. */
export function runFamilies(f: RunFigures, endedAt: number, lastSuccess: number | undefined): ExpoFamily[] {
  const c = { command: f.command };
  return [
    gauge("last_run_timestamp_seconds", "When the last run ended (any result), unix time.", [{ labels: c, value: endedAt }]),
    gauge(
      "last_success_timestamp_seconds",
      "When the last successful run ended, unix time; unchanged by a failed run.",
      lastSuccess !== undefined ? [{ labels: c, value: lastSuccess }] : [],
    ),
    gauge("exit_code", "Exit code of the last run (0 ok, 1 failure, 2 usage, 3 drift, 4 doctor check failed, 75 lock held, 130 interrupted).", [{ labels: c, value: f.exitCode }]),
    gauge("run_duration_seconds", "Wall-clock duration of the last run.", [{ labels: c, value: f.durationS }]),
    gauge(
      "phase_duration_seconds",
      "Time spent in each phase of the last run (extract and load overlap).",
      f.phases.map((p) => ({ labels: { ...c, phase: p.phase }, value: p.seconds })),
    ),
    gauge(
      "rows",
      "Rows of the last run: extracted from ServerDB, loaded into server_facts, removed (stale or expired).",
      (["extracted", "loaded", "removed"] as const).map((kind) => ({ labels: { ...c, kind }, value: f[kind] })),
    ),
    gauge("warnings", "Transform warnings of the last run, by warehouse column.", Object.entries(f.warnings).map(([column, n]) => ({ labels: { ...c, column }, value: n }))),
    gauge("replica_wait_seconds", "Time the last run was blocked waiting for replicas.", [{ labels: c, value: f.replicaWaitS }]),
    ...(f.puppetdb ? puppetdbFamilies(f.puppetdb, c) : []),
  ];
}

/** A run with [puppetdb]: whether PuppetDB was read, and how the fleet matched. Absent without [puppetdb]. */
function puppetdbFamilies(p: PuppetdbFigures, c: { command: string }): ExpoFamily[] {
  return [
    gauge("puppetdb_up", "1 if the last run read PuppetDB in full, 0 if its PuppetDB columns hold their defaults (see the run's WARN line).", [{ labels: c, value: p.up ? 1 : 0 }]),
    gauge("puppetdb_servers", "Servers of the last run that found their PuppetDB node (matched) or none (without_node).", [
      { labels: { ...c, kind: "matched" }, value: p.serversMatched },
      { labels: { ...c, kind: "without_node" }, value: p.serversWithoutNode },
    ]),
    gauge("puppetdb_nodes", "PuppetDB nodes of the last run: active, matching no server, shadowed by a newer node of the same key, matched with facts older than stale_after_days.", [
      { labels: { ...c, kind: "active" }, value: p.nodes },
      { labels: { ...c, kind: "without_server" }, value: p.nodesWithoutServer },
      { labels: { ...c, kind: "shadowed" }, value: p.nodesShadowed },
      { labels: { ...c, kind: "stale" }, value: p.staleServers },
    ]),
    gauge("puppetdb_wrong_type", "Matched servers whose fact had a type its column cannot take (written as the default), by fact.", Object.entries(p.wrongType).map(([fact, n]) => ({ labels: { ...c, fact }, value: n }))),
  ];
}

/** The exposition text of one run alone. */
export function renderMetrics(f: RunFigures, endedAt: number, lastSuccess: number | undefined): string {
  return renderExposition(runFamilies(f, endedAt, lastSuccess));
}

/** The value of `serverdb_etl_last_success_timestamp_seconds{command="…"}` in an earlier file, if any. */
export function previousLastSuccess(text: string, command: string): number | undefined {
  const family = parseExposition(text).find((f) => f.name === LAST_SUCCESS);
  const sample = family?.samples.find((s) => s.name === undefined && s.labels.command === command);
  const v = sample ? Number(sample.value) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

/**
 * The file's new text: `previous` (what the file held) with this run's series in place of its
 * command's earlier ones (a column without warnings this time loses its sample), and every other
 * series, of other commands or other exporters, kept as it was.
 */
export function mergeMetrics(previous: string, f: RunFigures, endedAt: number): string {
  const old = parseExposition(previous);
  const lastSuccess = f.exitCode === 0 ? endedAt : previousLastSuccess(previous, f.command);
  const ours = runFamilies(f, endedAt, lastSuccess);
  const replaced = (family: string, labels: Record<string, string>) => family.startsWith(`${PREFIX}_`) && labels.command === f.command;
  // This version's HELP and TYPE for its own families; other families as the file had them.
  const merged = new Map<string, ExpoFamily>(ours.map((fam) => [fam.name, { ...fam, samples: [] }]));
  for (const fam of old) {
    if (!merged.has(fam.name)) merged.set(fam.name, { ...fam, samples: [] });
    merged.get(fam.name)!.samples.push(...fam.samples.filter((s) => !replaced(fam.name, s.labels)));
  }
  for (const fam of ours) merged.get(fam.name)!.samples.push(...fam.samples);
  return renderExposition([...merged.values()]);
}
