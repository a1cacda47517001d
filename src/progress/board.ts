// The state of a run as the progress events describe it: each phase's count, total, timing and
// result, the replica wait in progress and in all, the warnings. Renderers draw from it and the
// recorder summarises it; it draws nothing itself. A phase name seen again (a second day of a
// backfill) continues that phase's line and adds to its totals.
import { addSample, type Sample } from "./figures.ts";
import type { PhaseName, Progress, ReplicaWaitInfo } from "./progress.ts";
import type { PuppetdbFigures } from "../puppetdb/figures.ts";

export interface PhaseState {
  name: PhaseName;
  unit: string;
  total?: number;
  /** Units done in the current (or last) segment. */
  done: number;
  note?: string;
  startMs: number;
  /** Set when the phase ended; undefined while it runs. */
  endMs?: number;
  result?: string;
  samples: Sample[];
  /** Units and milliseconds of earlier segments of the same phase name. */
  doneBefore: number;
  msBefore: number;
}

export interface ReplicaState {
  /** The wait in progress: which replica, why, since when (board clock). */
  waiting?: { replica: string; reason: string; sinceMs: number; target?: string; noun?: string };
  /** Time the run was blocked on replicas, in all. */
  blockedMs: number;
  /** Times the run was blocked. */
  waits: number;
  /** Clock of the first wait (the line appears then). */
  firstMs?: number;
}

export class Board implements Progress {
  readonly phases: PhaseState[] = [];
  readonly replica: ReplicaState = { blockedMs: 0, waits: 0 };
  readonly warningsByColumn: Record<string, number> = {};
  /** The PuppetDB enrichment's figures, when the run had one. */
  puppetdbFigures?: PuppetdbFigures;
  readonly startedMs: number;

  constructor(readonly now: () => number = () => performance.now()) {
    this.startedMs = now();
  }

  phase(name: PhaseName): PhaseState | undefined {
    return this.phases.find((p) => p.name === name);
  }

  /** Phases still running, in start order. */
  active(): PhaseState[] {
    return this.phases.filter((p) => p.endMs === undefined);
  }

  /** Units done in all segments of a phase (0 when it never started). */
  doneIn(name: PhaseName): number {
    const p = this.phase(name);
    return p ? p.doneBefore + p.done : 0;
  }

  /** Milliseconds spent in all segments of a phase (up to now for one still running). */
  msIn(p: PhaseState): number {
    return p.msBefore + ((p.endMs ?? this.now()) - p.startMs);
  }

  phaseStart(name: PhaseName, total?: number, unit = "rows"): void {
    const now = this.now();
    const p = this.phase(name);
    if (p) {
      // Continue the same line: earlier segments are kept in the totals.
      p.doneBefore += p.done;
      p.msBefore += (p.endMs ?? now) - p.startMs;
      Object.assign(p, { unit, total, done: 0, note: undefined, startMs: now, endMs: undefined, result: undefined, samples: [] });
      return;
    }
    this.phases.push({ name, unit, total, done: 0, startMs: now, samples: [], doneBefore: 0, msBefore: 0 });
  }

  phaseProgress(name: PhaseName, done: number, note?: string): void {
    let p = this.phase(name);
    if (!p) {
      this.phaseStart(name);
      p = this.phase(name)!;
    }
    p.done = done;
    if (note !== undefined) p.note = note;
    addSample(p.samples, { atMs: this.now(), done });
  }

  phaseEnd(name: PhaseName, summary: string): void {
    const p = this.phase(name);
    if (!p) return;
    p.endMs = this.now();
    p.result = summary;
  }

  replicaWait(info: ReplicaWaitInfo): void {
    const now = this.now();
    this.replica.firstMs ??= now;
    const sinceMs = now - info.waitedMs;
    // The first notice of a block comes from the writer; later ones name the replica that holds it up.
    const since = this.replica.waiting ? Math.min(this.replica.waiting.sinceMs, sinceMs) : sinceMs;
    this.replica.waiting = { replica: info.replica, reason: info.reason, sinceMs: since, target: info.target, noun: info.noun };
  }

  replicaWaitEnd(blockedMs: number): void {
    this.replica.firstMs ??= this.now();
    this.replica.waiting = undefined;
    this.replica.blockedMs += blockedMs;
    this.replica.waits++;
  }

  puppetdb(figures: PuppetdbFigures): void {
    this.puppetdbFigures = figures;
  }

  warnings(byColumn: Readonly<Record<string, number>>): void {
    for (const [column, n] of Object.entries(byColumn)) this.warningsByColumn[column] = (this.warningsByColumn[column] ?? 0) + n;
  }
}
