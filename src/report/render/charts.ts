// Growth charts as inline SVG: the shared Vega-Lite spec is compiled and parsed once per call, then one
// headless Vega view per series (renderer "none", no canvas, no loader use) renders it to SVG,
// wrapped in <figure class="chart" data-series="team:Web"> with an aria-labelled role="img" svg.
import * as vega from "vega";
import { compile } from "vega-lite";
import type { BacktestRecord } from "../types.ts";
import { growthChartSpec, type GrowthSeries } from "./chart-spec.ts";
import { escapeHtml } from "./escape.ts";
import { formatFixed, formatInt } from "./format.ts";

/** Rendered figures, and what Vega or Vega-Lite warned about (returned, never printed). */
export interface RenderedCharts {
  figures: string[];
  warnings: string[];
}

function collectingLogger(warnings: string[]) {
  return vega.logger(vega.Warn, undefined, (_method, level, args) => {
    warnings.push(`${level} ${args.map(String).join(" ")}`);
  });
}

/** The growth spec compiled to Vega and parsed: compiling is most of a chart's cost, so series share it. */
export function growthRuntime(withForecast: boolean, warnings: string[]): vega.Runtime {
  return vega.parse(compile(growthChartSpec(withForecast), { logger: collectingLogger(warnings) }).spec);
}

/** One series → its SVG (the markup Vega writes, with role and aria-label added to the root); the runtime must match whether it has a forecast. */
export async function renderSeriesSvg(runtime: vega.Runtime, series: GrowthSeries, warnings: string[]): Promise<string> {
  const view = new vega.View(runtime, { renderer: "none", logger: collectingLogger(warnings) });
  try {
    view.data("history", series.history);
    if (series.forecast.length) view.data("forecast", series.forecast);
    const svg = await view.toSVG();
    const label = `In-use servers of ${series.dimension} ${series.key} per week${series.forecast.length ? ", with the forecast and its 80 % and 95 % intervals" : ""}`;
    return svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" `);
  } finally {
    view.finalize();
  }
}

function caption(series: GrowthSeries, backtest: BacktestRecord | undefined): string {
  const parts = [`<strong>${escapeHtml(series.key)}</strong> — ${formatInt(series.inUse)} in use`];
  if (backtest?.model) parts.push(`${escapeHtml(backtest.model)}, MASE ${formatFixed(backtest.mase, 2)}`);
  if (backtest?.worse_than_drift) parts.push('<span class="flag">worse than drift</span>');
  if (!series.forecast.length) parts.push(`no forecast${backtest?.note ? `: ${escapeHtml(backtest.note)}` : ""}`);
  return parts.join(" · ");
}

/** The series' figures in the given order, each with its caption (key, model, flags). */
export async function renderCharts(series: GrowthSeries[], backtest: BacktestRecord[]): Promise<RenderedCharts> {
  const warnings: string[] = [];
  const scored = new Map(backtest.map((b) => [`${b.dimension}:${b.key}`, b]));
  const figures: string[] = [];
  if (series.length === 0) return { figures, warnings };
  // Compiled on first use, once per call and variant (with and without a forecast).
  const runtimes = new Map<boolean, vega.Runtime>();
  const runtimeFor = (withForecast: boolean) => {
    let r = runtimes.get(withForecast);
    if (!r) runtimes.set(withForecast, (r = growthRuntime(withForecast, warnings)));
    return r;
  };
  for (const s of series) {
    const id = `${s.dimension}:${s.key}`;
    const svg = await renderSeriesSvg(runtimeFor(s.forecast.length > 0), s, warnings);
    figures.push(`<figure class="chart" data-series="${escapeHtml(id)}">${svg}<figcaption>${caption(s, scored.get(id))}</figcaption></figure>`);
  }
  return { figures, warnings };
}
