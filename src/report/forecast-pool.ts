// Forecasts many series at once: on a machine with more than one core, a worker thread
// (forecast-worker.ts, bundled into the binary by build.ts) takes every other series while this
// thread fits the rest; results come back in the order asked. Same numbers either way.
import { availableParallelism } from "node:os";
import { forecastWeekly, type ForecastOutcome } from "./forecast.ts";

export interface ForecastJob {
  values: readonly number[];
  horizon: number;
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

export async function forecastMany(jobs: readonly ForecastJob[]): Promise<ForecastOutcome[]> {
  const results: ForecastOutcome[] = new Array(jobs.length);
  const worker = jobs.length >= MIN_JOBS_FOR_WORKER && availableParallelism() > 1 ? startWorker() : null;
  try {
    const theirs = worker ? jobs.map((_, i) => i).filter((i) => i % 2 === 1) : [];
    const done = new Promise<void>((resolve, reject) => {
      if (!worker || theirs.length === 0) return resolve();
      let left = theirs.length;
      worker.onmessage = (e: MessageEvent<{ id: number; outcome: ForecastOutcome }>) => {
        results[e.data.id] = e.data.outcome;
        if (--left === 0) resolve();
      };
      worker.onerror = (e) => reject(new Error(`forecast worker failed: ${e.message}`));
      for (const i of theirs) worker.postMessage({ id: i, values: [...jobs[i]!.values], horizon: jobs[i]!.horizon });
    });
    const mine = new Set(theirs);
    for (let i = 0; i < jobs.length; i++) if (!mine.has(i)) results[i] = await forecastWeekly(jobs[i]!.values, jobs[i]!.horizon);
    await done;
    return results;
  } finally {
    worker?.terminate();
  }
}
