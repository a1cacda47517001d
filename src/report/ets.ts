// AutoETS (augurs' WASM port of statsforecast's model search), non-seasonal "ZZN": the only module
// that touches augurs. Load once with `loadEts()`; then fit + predict are synchronous and throw
// on a series augurs rejects (the caller decides what to fall back to).
import { AutoETS, initSync } from "@bsull/augurs/ets";
// The package's exports map does not expose the .wasm: a relative path, embedded by `bun build --compile`.
// tsc reads the ets_bg.wasm.d.ts beside it (the module's exports); Bun's `type: "file"` gives a path.
// @ts-expect-error TS1192: no default export in ets_bg.wasm.d.ts
import wasmFile from "../../node_modules/@bsull/augurs/ets_bg.wasm" with { type: "file" };

/** augurs 0.10 does not say which ETS model its search chose, so the report names the search. */
export const ETS_MODEL_NAME = "AutoETS";

/** Point forecasts with their 80% and 95% prediction intervals, one entry per week ahead. */
export interface EtsBands {
  point: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
}

const wasmPath: string = wasmFile;
let ready: Promise<void> | undefined;

/** Instantiate the WASM module (once; later calls share the first). A failure here is a packaging bug and rejects. */
export function loadEts(): Promise<void> {
  ready ??= Bun.file(wasmPath)
    .arrayBuffer()
    .then((bytes) => {
      initSync({ module: bytes });
    });
  return ready;
}

/** Fit AutoETS to `values` and hand the fitted model to `use`; the WASM memory is freed after. */
function withFit<T>(values: readonly number[], use: (model: AutoETS) => T): T {
  const model = new AutoETS(1, "ZZN");
  try {
    model.fit(Float64Array.from(values));
    return use(model);
  } finally {
    model.free();
  }
}

/** Throw unless every number is finite: augurs can return NaN for a degenerate fit instead of failing. */
function finite(what: string, xs: readonly number[] | undefined, horizon: number): number[] {
  if (!xs || xs.length !== horizon || !xs.every(Number.isFinite)) throw new Error(`${what} is not ${horizon} finite numbers`);
  return [...xs];
}

/** Point forecasts only (the backtest's need). Requires `loadEts()` to have resolved. */
export function etsPoints(values: readonly number[], horizon: number): number[] {
  return withFit(values, (model) => finite("the point forecast", model.predict(horizon).point, horizon));
}

/** Point forecasts and 80%/95% intervals from one fit. Requires `loadEts()` to have resolved. */
export function etsBands(values: readonly number[], horizon: number): EtsBands {
  return withFit(values, (model) => {
    const at80 = model.predict(horizon, 0.8);
    const at95 = model.predict(horizon, 0.95);
    return {
      point: finite("the point forecast", at80.point, horizon),
      lo80: finite("the 80% lower bound", at80.intervals?.lower, horizon),
      hi80: finite("the 80% upper bound", at80.intervals?.upper, horizon),
      lo95: finite("the 95% lower bound", at95.intervals?.lower, horizon),
      hi95: finite("the 95% upper bound", at95.intervals?.upper, horizon),
    };
  });
}
