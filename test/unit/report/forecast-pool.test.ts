// forecastMany: the same outcomes, in the order asked, however the jobs fall between the worker
// thread and this one (a worker needs 8 series or more on a machine with 2+ cores), and the worker
// fits while this thread is still busy with the caller's work (joinAfter).
import { expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import { forecastMany, type PoolStats } from "../../../src/report/forecast-pool.ts";
import { forecastWeekly } from "../../../src/report/forecast.ts";

const jobs = Array.from({ length: 20 }, (_, k) => ({
  values: Array.from({ length: 30 + k }, (_, t) => 100 + k * 3 + t * (k % 5) + ((t * 7919 + k * 104729) % 11) - 5),
  horizon: 13,
}));

async function eachAlone() {
  const alone = [];
  for (const j of jobs) alone.push(await forecastWeekly(j.values, j.horizon));
  return alone;
}

test("20 series through the pool equal each series forecast on its own, in order", async () => {
  expect(availableParallelism()).toBeGreaterThan(1); // the test machine has a second core for the worker
  const stats: PoolStats = { worker: 0, here: 0 };
  const pooled = await forecastMany(jobs, undefined, stats);
  expect(stats.worker + stats.here).toBe(jobs.length);
  expect(pooled).toEqual(await eachAlone());
});

test("while this thread is busy (joinAfter not settled), the worker draws and fits every job", async () => {
  const stats: PoolStats = { worker: 0, here: 0 };
  // The caller's work ends only once the worker has fitted all 20: a split fixed in advance never gets there.
  const busy = (async () => {
    const until = Date.now() + 60_000;
    while (stats.worker < jobs.length && Date.now() < until) await Bun.sleep(10);
  })();
  const pooled = await forecastMany(jobs, busy, stats);
  expect(stats).toEqual({ worker: jobs.length, here: 0 });
  expect(pooled).toEqual(await eachAlone());
});

test("a failed joinAfter is the caller's to report: the pool still returns every outcome", async () => {
  const failed = Promise.reject(new Error("the caller's read failed"));
  failed.catch(() => {});
  const pooled = await forecastMany(jobs, failed);
  expect(pooled).toEqual(await eachAlone());
});

test("fewer series than a worker is worth: still every outcome", async () => {
  const jobs = [{ values: Array.from({ length: 11 }, (_, t) => t), horizon: 4 }, { values: Array.from({ length: 20 }, (_, t) => 2 * t), horizon: 4 }];
  const out = await forecastMany(jobs);
  expect(out.map((o) => o.ok)).toEqual([false, true]);
});
