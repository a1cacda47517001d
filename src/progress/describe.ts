// What a phase or a replica wait says, once for both renderers: the pieces of a live tty line and
// the sentence plus fields of a log line. The same figures either way.
import type { Board, PhaseState } from "./board.ts";
import { formatDuration, formatRate, oneLine, phaseFigures, seconds, type PhaseFigures } from "./figures.ts";
import { truncate, type Part } from "./fit.ts";

/** "mysql://ro@db-dw-2:3306/serverdb_dw" → "db-dw-2:3306": the part of a label a person recognises. */
export function shortReplica(label: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(label);
  return m ? m[1]! : label;
}

/** "replica db-dw-2:3306" ("Galera node db-dw-2:3306"), or "2 replicas" while a set is waited on as a whole. */
export function replicaName(replica: string, noun = "replica"): string {
  return /^\d+ replicas$/.test(replica) ? replica : `${noun} ${shortReplica(replica)}`;
}

export function figuresOf(board: Board, p: PhaseState): PhaseFigures {
  return phaseFigures(p.startMs, p.endMs ?? board.now(), p.done, p.total, p.samples);
}

function count(f: PhaseFigures, unit: string): string {
  return f.total !== undefined ? `${f.done}/${f.total} ${unit}` : `${f.done} ${unit}`;
}

/** A running phase as pieces of one tty line, least useful last to survive. */
export function liveParts(board: Board, p: PhaseState): Part[] {
  const f = figuresOf(board, p);
  return [
    { text: count(f, p.unit), drop: 0 },
    { text: f.percent !== undefined ? `${f.percent}%` : "", drop: 4 },
    { text: f.perSecond !== undefined ? `${formatRate(f.perSecond)}/s` : "", drop: 3 },
    { text: formatDuration(f.elapsedMs), drop: 6 },
    { text: f.etaMs !== undefined && f.done > 0 ? `ETA ${formatDuration(f.etaMs)}` : "", drop: 2 },
    { text: p.note ? oneLine(p.note) : "", drop: 5 },
  ];
}

/**
 * The replica line while the run is blocked, in at most `max` columns: which replica, why, for
 * how long. The reason is what gets shortened; the replica and the ticking time always show.
 */
export function replicaWaitText(board: Board, max = Infinity, ellipsis = "…"): string | undefined {
  const w = board.replica.waiting;
  if (!w) return undefined;
  // A Galera node is named as one; a replica's line is labelled "replica" already.
  const who = /^\d+ replicas$/.test(w.replica) ? w.replica : w.noun && w.noun !== "replica" ? replicaName(w.replica, w.noun) : shortReplica(w.replica);
  const head = `waiting for ${who}`;
  const tail = `, ${formatDuration(board.now() - w.sinceMs)}`;
  const room = max - head.length - tail.length - 2;
  if (room < 8) return head + tail;
  return `${head}: ${truncate(oneLine(w.reason), room, ellipsis)}${tail}`;
}

/** The replica line between waits and at the end: the time blocked so far. */
export function replicaTotalText(board: Board): string {
  const r = board.replica;
  return `${formatDuration(r.blockedMs)} in all, ${r.waits} wait${r.waits === 1 ? "" : "s"}`;
}

/** A log line for a running phase and its fields (journald/Loki: phase, rows, rows_per_s …). */
export function progressRecord(board: Board, p: PhaseState): { message: string; fields: Record<string, unknown> } {
  const f = figuresOf(board, p);
  const parts = [count(f, p.unit)];
  if (f.percent !== undefined) parts[0] += ` (${f.percent}%)`;
  if (f.perSecond !== undefined) parts.push(`${formatRate(f.perSecond)} ${p.unit}/s`);
  parts.push(`${formatDuration(f.elapsedMs)} elapsed`);
  if (f.etaMs !== undefined && f.done > 0) parts.push(`ETA ${formatDuration(f.etaMs)}`);
  if (p.note) parts.push(oneLine(p.note));
  return {
    message: `${p.name}: ${parts.join(", ")}`,
    fields: {
      event: "progress",
      phase: p.name,
      [p.unit]: f.done,
      ...(f.total !== undefined ? { total: f.total, percent: f.percent } : {}),
      ...(f.perSecond !== undefined ? { [`${p.unit}_per_s`]: Math.round(f.perSecond * 10) / 10 } : {}),
      elapsed_s: seconds(f.elapsedMs),
      ...(f.etaMs !== undefined && f.done > 0 ? { eta_s: seconds(f.etaMs) } : {}),
      ...(p.note ? { note: p.note } : {}),
    },
  };
}

/** The log line of a phase that ended. */
export function endRecord(board: Board, p: PhaseState): { message: string; fields: Record<string, unknown> } {
  const f = figuresOf(board, p);
  const rate = f.elapsedMs >= 1000 && f.done > 0 ? (f.done / f.elapsedMs) * 1000 : undefined;
  return {
    // The stage's result says how long it took; the rate is ours.
    message: `${p.name}: done, ${oneLine(p.result ?? "")}${rate !== undefined ? ` (${formatRate(rate)} ${p.unit}/s)` : ""}`,
    fields: {
      event: "end",
      phase: p.name,
      [p.unit]: f.done,
      elapsed_s: seconds(f.elapsedMs),
      ...(rate !== undefined ? { [`${p.unit}_per_s`]: Math.round(rate * 10) / 10 } : {}),
      result: p.result ?? "",
    },
  };
}
