// Entry of the tiny compiled binary test/e2e/forecast-binary.test.ts builds: forecasts the fixed
// PROBE_SERIES 13 weeks ahead with src/report/forecast.ts and prints the outcome as JSON, with the
// path the embedded .wasm is read from (under /$bunfs/ when `bun build --compile` embedded it).
import { forecastWeekly } from "../../src/report/forecast.ts";
// @ts-expect-error TS1192: tsc reads ets_bg.wasm.d.ts; Bun's `type: "file"` gives the path (as in src/report/ets.ts).
import wasmFile from "../../node_modules/@bsull/augurs/ets_bg.wasm" with { type: "file" };

/** 60 weeks: a trend of +1.5/week with a deterministic wiggle. */
export const PROBE_SERIES = Array.from({ length: 60 }, (_, t) => 120 + 1.5 * t + 4 * Math.sin(t * 1.3));

if (import.meta.main) {
  const outcome = await forecastWeekly(PROBE_SERIES, 13);
  process.stdout.write(`${JSON.stringify({ wasm: String(wasmFile), outcome })}\n`);
}
