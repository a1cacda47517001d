// --metrics-file: the run's figures in the Prometheus text exposition format, for node_exporter's
// textfile collector. Written atomically (a temp file in the same directory, then rename), so the
// collector never reads half a file. The last-success timestamp moves only on success: a failed
// run carries the previous value over from the file it replaces.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { RunFigures } from "./run-summary.ts";

const PREFIX = "serverdb_etl";

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

/** A label value escaped as the exposition format wants (backslash, quote, newline). */
function labelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function render(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} gauge`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${labelValue(v)}"`)
        .join(",");
      out.push(`${f.name}{${labels}} ${Number.isFinite(s.value) ? s.value : 0}`);
    }
  }
  return out.join("\n") + "\n";
}

/** The value of `serverdb_etl_last_success_timestamp_seconds{command="…"}` in an earlier file, if any. */
export function previousLastSuccess(text: string, command: string): number | undefined {
  const want = `${PREFIX}_last_success_timestamp_seconds{command="${labelValue(command)}"}`;
  for (const line of text.split("\n")) {
    if (!line.startsWith(want + " ")) continue;
    const v = Number(line.slice(want.length + 1).trim());
    if (Number.isFinite(v)) return v;
  }
  return undefined;
}

/** The exposition text for one run that ended at `endedAt` (unix seconds). */
export function renderMetrics(f: RunFigures, endedAt: number, lastSuccess: number | undefined): string {
  const c = { command: f.command };
  const families: Family[] = [
    { name: `${PREFIX}_last_run_timestamp_seconds`, help: "When the last run ended (any result), unix time.", samples: [{ labels: c, value: endedAt }] },
    {
      name: `${PREFIX}_last_success_timestamp_seconds`,
      help: "When the last successful run ended, unix time; unchanged by a failed run.",
      samples: lastSuccess !== undefined ? [{ labels: c, value: lastSuccess }] : [],
    },
    { name: `${PREFIX}_exit_code`, help: "Exit code of the last run (0 ok, 1 failure, 2 usage, 3 drift, 75 lock held, 130 interrupted).", samples: [{ labels: c, value: f.exitCode }] },
    { name: `${PREFIX}_run_duration_seconds`, help: "Wall-clock duration of the last run.", samples: [{ labels: c, value: f.durationS }] },
    {
      name: `${PREFIX}_phase_duration_seconds`,
      help: "Time spent in each phase of the last run (extract and load overlap).",
      samples: f.phases.map((p) => ({ labels: { ...c, phase: p.phase }, value: p.seconds })),
    },
    {
      name: `${PREFIX}_rows`,
      help: "Rows of the last run: extracted from ServerDB, loaded into server_facts, removed (stale or expired).",
      samples: (["extracted", "loaded", "removed"] as const).map((kind) => ({ labels: { ...c, kind }, value: f[kind] })),
    },
    {
      name: `${PREFIX}_warnings`,
      help: "Transform warnings of the last run, by warehouse column.",
      samples: Object.entries(f.warnings).map(([column, n]) => ({ labels: { ...c, column }, value: n })),
    },
    { name: `${PREFIX}_replica_wait_seconds`, help: "Time the last run was blocked waiting for replicas.", samples: [{ labels: c, value: f.replicaWaitS }] },
  ];
  return render(families);
}

/**
 * Write the metrics of `f` to `path` atomically. On failure the previous file's last-success
 * timestamp is kept. Throws on I/O errors (the caller reports them as a warning).
 */
export function writeMetricsFile(path: string, f: RunFigures, endedAt = Date.now() / 1000): void {
  let previous: number | undefined;
  try {
    previous = previousLastSuccess(readFileSync(path, "utf8"), f.command);
  } catch {
    // No earlier file: no earlier success to carry over.
  }
  const lastSuccess = f.exitCode === 0 ? endedAt : previous;
  const text = renderMetrics(f, Math.round(endedAt * 1000) / 1000, lastSuccess === undefined ? undefined : Math.round(lastSuccess * 1000) / 1000);
  // Same directory, so rename is atomic; a dot name, so the collector (which reads *.prom) skips it.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
