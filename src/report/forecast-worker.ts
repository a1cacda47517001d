// A worker thread that forecasts series for forecast-pool.ts: it gets every job and a shared
// counter, draws job indices from it until none is left, and sends { id, outcome } for each
// (forecastWeekly's result), then { done: count }, so a second core fits what it can.
import { forecastWeekly } from "./forecast.ts";
import { drawJob, type PoolMessage, type PoolStart } from "./forecast-pool.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<PoolStart>) => {
  const { jobs, next } = event.data;
  let taken = 0;
  for (let i = drawJob(next); i < jobs.length; i = drawJob(next)) {
    taken++;
    self.postMessage({ id: i, outcome: await forecastWeekly(jobs[i]!.values, jobs[i]!.horizon) } satisfies PoolMessage);
  }
  self.postMessage({ done: taken } satisfies PoolMessage);
};
