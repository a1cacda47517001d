// The phase runner of the stages: a phase starts on the progress display, reports how far it got,
// and ends with its one-line result, timed once here. Stages use it instead of their own clocks
// and phaseStart/phaseEnd pairs, so every phase is timed and shown the same way.
import type { PhaseName, Progress } from "../progress/progress.ts";

/** Seconds since it was made, read as often as wanted. */
export type Stopwatch = () => number;

export function stopwatch(): Stopwatch {
  const started = performance.now();
  return () => (performance.now() - started) / 1000;
}

export interface Phase {
  /** Seconds since the phase started. */
  readonly elapsed: Stopwatch;
  /** `done` units so far (cumulative); `note` says what it is on now. */
  progress(done: number, note?: string): void;
  /** End the phase with its one-line result (given the phase's seconds); returns those seconds. */
  end(summary: string | ((seconds: number) => string)): number;
}

/**
 * Start `name` on `progress` with `total` units when known (for the percentage and ETA).
 * `clock` times it from an earlier start (e.g. the load, counted from the run's start).
 */
export function startPhase(progress: Progress, name: PhaseName, total?: number, unit?: string, clock: Stopwatch = stopwatch()): Phase {
  progress.phaseStart(name, total, unit);
  return {
    elapsed: clock,
    progress: (done, note) => progress.phaseProgress(name, done, note),
    end(summary) {
      const seconds = clock();
      progress.phaseEnd(name, typeof summary === "string" ? summary : summary(seconds));
      return seconds;
    },
  };
}
