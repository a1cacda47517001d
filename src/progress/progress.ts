// Progress is an interface: stages emit events, a renderer chosen once at the top draws
// them (log lines for now; a live TTY view and JSON lines come with the operator issue).
// Rendering is cosmetic and must never fail a run.
import { logger } from "../log.ts";

export interface ReplicaWaitInfo {
  replica: string;
  reason: string;
  waitedMs: number;
}

export interface Progress {
  /** A phase starts; `total` rows when known (for ETA). */
  phaseStart(phase: string, total?: number): void;
  /** `done` rows so far in the phase. */
  phaseProgress(phase: string, done: number): void;
  /** A phase ended with a one-line result. */
  phaseEnd(phase: string, summary: string): void;
  /** Still waiting for a replica. */
  replicaWait(info: ReplicaWaitInfo): void;
}

/** Plain log lines at INFO (phase start/end) and DEBUG (waits). */
export function logProgress(): Progress {
  const log = logger("progress");
  return {
    phaseStart: (phase, total) => log.info(`${phase}: started${total !== undefined ? ` (${total} rows)` : ""}`),
    phaseProgress: () => {},
    phaseEnd: (phase, summary) => log.info(`${phase}: ${summary}`),
    replicaWait: (w) => log.info(`waiting for replica ${w.replica}: ${w.reason}, ${(w.waitedMs / 1000).toFixed(1)} s`),
  };
}

/** Records events; for tests. */
export function countingProgress(): Progress & { events: Array<[string, ...unknown[]]> } {
  const events: Array<[string, ...unknown[]]> = [];
  return {
    events,
    phaseStart: (...a) => void events.push(["phaseStart", ...a]),
    phaseProgress: (...a) => void events.push(["phaseProgress", ...a]),
    phaseEnd: (...a) => void events.push(["phaseEnd", ...a]),
    replicaWait: (...a) => void events.push(["replicaWait", ...a]),
  };
}
