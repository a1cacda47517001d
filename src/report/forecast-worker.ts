// A worker thread that forecasts series for forecast-pool.ts: message in { id, values, horizon },
// message out { id, outcome } (forecastWeekly's result), so a second core fits half the series.
import { forecastWeekly } from "./forecast.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<{ id: number; values: number[]; horizon: number }>) => {
  const { id, values, horizon } = event.data;
  self.postMessage({ id, outcome: await forecastWeekly(values, horizon) });
};
