// Progress is an interface: stages only emit these events; a renderer chosen once at the top
// (session.ts: tty, log/json lines, none) draws them and a recorder keeps the figures for the
// summary line and the metrics file. Rendering is cosmetic: guardProgress() makes sure no
// renderer error ever reaches a stage.
import type { PuppetdbFigures } from "../puppetdb/figures.ts";

/** The phases a person sees, in the order they usually run. Other names are allowed (one line each). */
export const PHASES = ["extract", "load", "replica wait", "sweep", "aggregate", "expire"] as const;
export type PhaseName = (typeof PHASES)[number] | (string & {});

export interface ReplicaWaitInfo {
  /** The replica as shown to people (describeEndpoint), or "N replicas" while the set as a whole is waited on. */
  replica: string;
  /** Why the run waits, e.g. "gtid 0-1-4711" or "has not applied 0-1-4711 yet". */
  reason: string;
  /** How long this wait has lasted so far. */
  waitedMs: number;
  /** The GTID waited for, when there is one. */
  target?: string;
  /** What the waited server is to people: "replica" (the default) or "Galera node". */
  noun?: string;
}

export interface Progress {
  /** A phase starts; `total` units when known (for the percentage and ETA); `unit` defaults to "rows". */
  phaseStart(phase: PhaseName, total?: number, unit?: string): void;
  /** `done` units so far in the phase (cumulative); `note` says what it is on now (e.g. a day). */
  phaseProgress(phase: PhaseName, done: number, note?: string): void;
  /** A phase ended with a one-line result. */
  phaseEnd(phase: PhaseName, summary: string): void;
  /** The run is blocked on a replica (once when it starts, then again with details while it lasts). */
  replicaWait(info: ReplicaWaitInfo): void;
  /** The run stopped being blocked on replicas after `blockedMs`. */
  replicaWaitEnd(blockedMs: number): void;
  /** Transform warnings of the rows just loaded, by column (they add up). */
  warnings(byColumn: Readonly<Record<string, number>>): void;
  /** What the PuppetDB enrichment did (once per etl run that has [puppetdb]). */
  puppetdb(figures: PuppetdbFigures): void;
}

/** Draws nothing (--progress none, and library use). */
export const noProgress: Progress = {
  phaseStart() {},
  phaseProgress() {},
  phaseEnd() {},
  replicaWait() {},
  replicaWaitEnd() {},
  warnings() {},
  puppetdb() {},
};

const METHODS = ["phaseStart", "phaseProgress", "phaseEnd", "replicaWait", "replicaWaitEnd", "warnings", "puppetdb"] as const;

/** Every event to each of `targets`, in order. */
export function teeProgress(...targets: Progress[]): Progress {
  const out = {} as Record<(typeof METHODS)[number], (...a: unknown[]) => void>;
  for (const m of METHODS) {
    out[m] = (...a: unknown[]) => {
      for (const t of targets) (t[m] as (...x: unknown[]) => void)(...a);
    };
  }
  return out as unknown as Progress;
}

/**
 * `target` made harmless: an exception from any of its methods is reported once to `onError`
 * and the target is switched off for the rest of the run. The stage never sees it.
 */
export function guardProgress(target: Progress, onError: (err: unknown) => void): Progress {
  let broken = false;
  const out = {} as Record<(typeof METHODS)[number], (...a: unknown[]) => void>;
  for (const m of METHODS) {
    out[m] = (...a: unknown[]) => {
      if (broken) return;
      try {
        (target[m] as (...x: unknown[]) => void)(...a);
      } catch (err) {
        broken = true;
        try {
          onError(err);
        } catch {
          // Reporting the failure of a cosmetic part must not fail either.
        }
      }
    };
  }
  return out as unknown as Progress;
}
