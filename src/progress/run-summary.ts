// The figures of a whole run, taken from the progress board whatever the outcome: report date,
// rows extracted/loaded/removed, warnings by column, time per phase, replica wait, result. They
// feed the summary line's fields (JSON), the line printed when a run fails or is interrupted,
// and the metrics file.
import type { Board } from "./board.ts";
import { formatDuration, seconds } from "./figures.ts";
import { puppetdbFields, type PuppetdbFigures } from "../puppetdb/figures.ts";

export type RunResult = "ok" | "failed" | "interrupted";

export interface PhaseTime {
  phase: string;
  seconds: number;
  /** Units done (rows; days for aggregate). */
  done: number;
  unit: string;
  total?: number;
  finished: boolean;
}

export interface RunFigures {
  /** The command line's command(s): "etl", "run", "etl aggregate". */
  command: string;
  reportDate?: string;
  /** The warehouse written to, as shown to people (never with a password). */
  target?: string;
  result: RunResult;
  exitCode: number;
  durationS: number;
  phases: PhaseTime[];
  extracted: number;
  loaded: number;
  /** Stale rows swept plus rows expired. */
  removed: number;
  warnings: Record<string, number>;
  replicaWaitS: number;
  /** The PuppetDB enrichment's figures, when the run had one. */
  puppetdb?: PuppetdbFigures;
}

export function resultOf(exitCode: number): RunResult {
  return exitCode === 0 ? "ok" : exitCode === 130 ? "interrupted" : "failed";
}

export function runFigures(board: Board, info: { command: string; reportDate?: string; target?: string; exitCode: number }): RunFigures {
  const phases = board.phases.map((p) => ({
    phase: p.name,
    seconds: seconds(board.msIn(p)),
    done: p.doneBefore + p.done,
    unit: p.unit,
    ...(p.total !== undefined ? { total: p.total } : {}),
    finished: p.endMs !== undefined,
  }));
  return {
    command: info.command,
    ...(info.reportDate ? { reportDate: info.reportDate } : {}),
    ...(info.target ? { target: info.target } : {}),
    result: resultOf(info.exitCode),
    exitCode: info.exitCode,
    durationS: seconds(board.now() - board.startedMs),
    phases,
    extracted: board.doneIn("extract"),
    loaded: board.doneIn("load"),
    removed: board.doneIn("sweep") + board.doneIn("expire"),
    warnings: { ...board.warningsByColumn },
    replicaWaitS: seconds(board.replica.blockedMs),
    ...(board.puppetdbFigures ? { puppetdb: board.puppetdbFigures } : {}),
  };
}

/** The structured fields of a summary line (JSON log format). */
export function summaryFields(f: RunFigures): Record<string, unknown> {
  return {
    event: "summary",
    command: f.command,
    ...(f.reportDate ? { report_date: f.reportDate } : {}),
    ...(f.target ? { target: f.target } : {}),
    result: f.result,
    exit_code: f.exitCode,
    rows_extracted: f.extracted,
    rows_loaded: f.loaded,
    rows_removed: f.removed,
    warnings: f.warnings,
    phase_seconds: Object.fromEntries(f.phases.map((p) => [p.phase, p.seconds])),
    replica_wait_s: f.replicaWaitS,
    ...(f.puppetdb ? { puppetdb: puppetdbFields(f.puppetdb) } : {}),
    duration_s: f.durationS,
  };
}

function warningsText(w: Record<string, number>): string {
  const parts = Object.entries(w)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, n]) => `${c}=${n}`);
  return parts.length ? parts.join(",") : "none";
}

/**
 * The summary line of a run that did not finish (failed or interrupted): how far each phase got.
 * A run that finishes prints its command's own summary line instead.
 */
export function formatStoppedSummary(f: RunFigures): string {
  const phases = f.phases
    .map((p) => {
      const count = p.total !== undefined ? `${p.done}/${p.total}` : `${p.done}`;
      return `${p.phase} ${count} ${p.unit} in ${formatDuration(p.seconds * 1000)}${p.finished ? "" : " (not finished)"}`;
    })
    .join(", ");
  return (
    `${f.command}${f.reportDate ? ` ${f.reportDate}` : ""}: ${f.result} (exit ${f.exitCode}) after ${formatDuration(f.durationS * 1000)}; ` +
    `${f.extracted} extracted, ${f.loaded} loaded, ${f.removed} removed, warnings ${warningsText(f.warnings)}; ` +
    `${phases || "no phase started"}; replica wait ${formatDuration(f.replicaWaitS * 1000)}${targetText(f.target)}`
  );
}

/** How a summary line ends: the warehouse it wrote to, so a misrouted night is visible in the journal. */
export function targetText(target: string | undefined): string {
  return target ? `; target ${target}` : "";
}
