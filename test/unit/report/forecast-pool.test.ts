// forecastMany: the same outcomes, in the order asked, whether a worker thread fits half of them
// or not (a worker needs 8 series or more on a machine with 2+ cores).
import { expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import { forecastMany } from "../../../src/report/forecast-pool.ts";
import { forecastWeekly } from "../../../src/report/forecast.ts";

test("20 series through the pool equal each series forecast on its own, in order", async () => {
  expect(availableParallelism()).toBeGreaterThan(1); // the test machine has a second core for the worker
  const jobs = Array.from({ length: 20 }, (_, k) => ({
    values: Array.from({ length: 30 + k }, (_, t) => 100 + k * 3 + t * (k % 5) + ((t * 7919 + k * 104729) % 11) - 5),
    horizon: 13,
  }));
  const pooled = await forecastMany(jobs);
  const alone = [];
  for (const j of jobs) alone.push(await forecastWeekly(j.values, j.horizon));
  expect(pooled).toEqual(alone);
});

test("fewer series than a worker is worth: still every outcome", async () => {
  const jobs = [{ values: Array.from({ length: 11 }, (_, t) => t), horizon: 4 }, { values: Array.from({ length: 20 }, (_, t) => 2 * t), horizon: 4 }];
  const out = await forecastMany(jobs);
  expect(out.map((o) => o.ok)).toEqual([false, true]);
});
