// The figures of a phase in flight — rate, ETA, percentage — and how they are written, shared by
// the tty and log renderers so a person and a journal see the same numbers. Pure.

/** One observation of a phase: `done` units at `atMs`. */
export interface Sample {
  atMs: number;
  done: number;
}

export interface PhaseFigures {
  done: number;
  total?: number;
  /** 0–100, when a total is known (capped at 100: the total is a COUNT taken just before). */
  percent?: number;
  /** Units per second over the recent window (see RATE_WINDOW_MS), else over the whole phase. */
  perSecond?: number;
  elapsedMs: number;
  /** Time left at the current rate; undefined when unknown (no total, nothing done yet). */
  etaMs?: number;
}

/** The rate is taken over the last few seconds, so it follows a phase that speeds up or stalls. */
export const RATE_WINDOW_MS = 5000;
/** Below this span the window is too short to mean anything; the whole-phase average is used. */
const MIN_WINDOW_MS = 1000;

/**
 * Figures of a phase from its start time, current count, total and recent samples (oldest
 * first; only those within RATE_WINDOW_MS of `nowMs` are used).
 */
export function phaseFigures(startMs: number, nowMs: number, done: number, total: number | undefined, samples: readonly Sample[] = []): PhaseFigures {
  const elapsedMs = Math.max(0, nowMs - startMs);
  const f: PhaseFigures = { done, elapsedMs, ...(total !== undefined ? { total } : {}) };
  if (total !== undefined && total > 0) f.percent = Math.min(100, Math.floor((done / total) * 100));
  const recent = samples.filter((s) => nowMs - s.atMs <= RATE_WINDOW_MS);
  const oldest = recent[0];
  if (oldest && nowMs - oldest.atMs >= MIN_WINDOW_MS) {
    f.perSecond = Math.max(0, ((done - oldest.done) / (nowMs - oldest.atMs)) * 1000);
  } else if (elapsedMs >= 200) {
    f.perSecond = (done / elapsedMs) * 1000;
  }
  if (total !== undefined) {
    const left = Math.max(0, total - done);
    if (left === 0) f.etaMs = 0;
    else if (f.perSecond !== undefined && f.perSecond > 0) f.etaMs = (left / f.perSecond) * 1000;
  }
  return f;
}

/** Samples to keep: the window plus one older sample to measure from. Mutates and returns `samples`. */
export function addSample(samples: Sample[], sample: Sample): Sample[] {
  const last = samples[samples.length - 1];
  // At most one sample per 100 ms: a phase that reports every row must not grow this list.
  if (last && sample.atMs - last.atMs < 100) {
    last.done = sample.done;
    return samples;
  }
  samples.push(sample);
  while (samples.length > 2 && sample.atMs - samples[1]!.atMs > RATE_WINDOW_MS) samples.shift();
  return samples;
}

/** 0.4 s, 12.3 s, 4m05s, 2h03m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(sec).padStart(2, "0")}s`;
}

/** Whole units per second, or one decimal below 10. */
export function formatRate(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** Seconds with one decimal, for fields (JSON, metrics). */
export function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** Text safe to print on one line of a terminal: control characters (escapes, newlines) become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}
