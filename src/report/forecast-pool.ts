// Forecasts many series at once: on a machine with more than one core, a worker thread
// (forecast-worker.ts, bundled into the binary by build.ts) and this thread take series one at a
// time from a shared counter, so the worker starts at once while this thread may first finish
// other work (`joinAfter`); results come back in the order asked. Same numbers either way.
import { availableParallelism } from "node:os";
import { forecastWeekly, type ForecastOutcome } from "./forecast.ts";

export interface ForecastJob {
  values: readonly number[];
  horizon: number;
}

/** What the worker gets: every job, and the counter both threads draw the next job's index from. */
export interface PoolStart {
  jobs: ForecastJob[];
  next: Int32Array;
}

/** What the worker sends back: one outcome per job it drew, then `done` with how many it took. */
export type PoolMessage = { id: number; outcome: ForecastOutcome } | { done: number };

/** How many jobs each thread fitted, counted as outcomes arrive (for the bench and the tests). */
export interface PoolStats {
  worker: number;
  here: number;
}

/** Fewer series than this are not worth a worker's start (~100 ms with its WASM). */
const MIN_JOBS_FOR_WORKER = 8;

function startWorker(): Worker | null {
  try {
    // A string literal the bundler sees: `bun build --compile` embeds the worker (an entry point in
    // build.ts) and resolves this to it; `bun run` resolves it next to this file.
    const here = new URL("./forecast-worker.ts", import.meta.url);
    // Inside the binary this module is bundled into cli.ts's file at the root of src/, so the
    // worker (its own entry point in build.ts) sits at report/forecast-worker.ts from there.
    return new Worker(here.href.includes("$bunfs") ? new URL("./report/forecast-worker.ts", import.meta.url).href : here.href);
  } catch {
    return null; // no worker here: this thread fits every series
  }
}

/** The next job's index for whichever thread asks (each index is handed out once). */
export const drawJob = (next: Int32Array) => Atomics.add(next, 0, 1);

/**
 * Every job's outcome, in order. This thread joins the fitting once `joinAfter` has settled (the
 * caller's reads meanwhile keep this thread busy while the worker already fits), and fits whatever
 * the worker has not taken by then.
 */
export async function forecastMany(jobs: readonly ForecastJob[], joinAfter?: Promise<unknown>, stats: PoolStats = { worker: 0, here: 0 }): Promise<ForecastOutcome[]> {
  const results: ForecastOutcome[] = new Array(jobs.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const worker = jobs.length >= MIN_JOBS_FOR_WORKER && availableParallelism() > 1 ? startWorker() : null;
  try {
    const theirs = new Promise<void>((resolve, reject) => {
      if (!worker) return resolve();
      let received = 0;
      let taken = -1;
      const settle = () => {
        if (received === taken) resolve();
      };
      worker.onmessage = (e: MessageEvent<PoolMessage>) => {
        if ("done" in e.data) taken = e.data.done;
        else {
          results[e.data.id] = e.data.outcome;
          received++;
          stats.worker++;
        }
        settle();
      };
      worker.onerror = (e) => reject(new Error(`forecast worker failed: ${e.message}`));
      worker.postMessage({ jobs: jobs.map((j) => ({ values: [...j.values], horizon: j.horizon })), next } satisfies PoolStart);
    });
    // A failed worker must not wait for joinAfter to be noticed; its rejection surfaces below.
    theirs.catch(() => {});
    await joinAfter?.catch(() => {}); // the caller handles its own failure
    for (let i = drawJob(next); i < jobs.length; i = drawJob(next)) {
      results[i] = await forecastWeekly(jobs[i]!.values, jobs[i]!.horizon);
      stats.here++;
    }
    await theirs;
    return results;
  } finally {
    worker?.terminate();
  }
}
