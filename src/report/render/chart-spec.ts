// The growth chart as data: one Vega-Lite spec (in-use history as a line, the forecast as a dashed
// line over its 80 % and 95 % interval bands) whose two named datasets each series fills in, and
// the choice of which series get a chart. Pure: no rendering here.
import type { TopLevelSpec } from "vega-lite";
import type { CapacityReport, Dimension, ForecastRecord } from "../types.ts";

/** The dimensions that get growth charts: the forecast covers teams and sites. */
export const CHART_DIMENSIONS = ["team", "site"] as const satisfies readonly Dimension[];

/** At most this many charts per dimension: the rest are in the tables. */
export const MAX_CHARTS_PER_DIMENSION = 24;

/** One chart's data: weekly in-use history and the forecast ahead. */
export interface GrowthSeries {
  dimension: Dimension;
  key: string;
  /** In-use servers on the newest day (ranks the series). */
  inUse: number;
  history: { week: string; in_use: number }[];
  forecast: Omit<ForecastRecord, "dimension" | "key">[];
}

/** The series picked for one dimension, and how many were left out. */
export interface SeriesChoice {
  dimension: Dimension;
  series: GrowthSeries[];
  omitted: number;
}

const HISTORY = "#1f4e79";
const FORECAST = "#c05a00";
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const x = { field: "week", type: "temporal", scale: { type: "utc" }, title: null, axis: { format: "%b %Y", labelOverlap: true } } as const;
const y = (field: string) => ({ field, type: "quantitative", title: "servers in use" }) as const;

/**
 * The spec the growth charts share; data comes in as the named datasets `history` and `forecast`.
 * Without a forecast the chart is the history line alone (empty layers would make Vega warn).
 */
export function growthChartSpec(withForecast: boolean): TopLevelSpec {
  const history = {
    data: { name: "history" },
    mark: { type: "line", color: HISTORY, strokeWidth: 2 },
    encoding: { x, y: y("in_use") },
  } as const;
  return {
    width: 560,
    height: 170,
    background: "white",
    config: { font: FONT, view: { stroke: "#ddd" }, axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal" } },
    layer: !withForecast ? [history] : [
      {
        data: { name: "forecast" },
        mark: { type: "area", color: FORECAST, opacity: 0.15 },
        encoding: { x, y: y("lo95"), y2: { field: "hi95" } },
      },
      {
        data: { name: "forecast" },
        mark: { type: "area", color: FORECAST, opacity: 0.3 },
        encoding: { x, y: y("lo80"), y2: { field: "hi80" } },
      },
      history,
      {
        data: { name: "forecast" },
        mark: { type: "line", color: FORECAST, strokeWidth: 2, strokeDash: [5, 3] },
        encoding: { x, y: y("point") },
      },
    ],
  };
}

/** Per chart dimension, the series with the most servers in use now (ties by key), at most `limit`. */
export function chooseSeries(report: CapacityReport, limit = MAX_CHARTS_PER_DIMENSION): SeriesChoice[] {
  return CHART_DIMENSIONS.map((dimension) => {
    const byKey = new Map<string, GrowthSeries>();
    const get = (key: string) => {
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { dimension, key, inUse: 0, history: [], forecast: [] }));
      return s;
    };
    for (const g of report.growth) if (g.dimension === dimension) get(g.key).history.push({ week: g.week, in_use: g.in_use });
    for (const f of report.forecast) {
      if (f.dimension !== dimension) continue;
      const { dimension: _d, key: _k, ...rest } = f;
      get(f.key).forecast.push(rest);
    }
    const now = new Map(report.fleet.filter((f) => f.dimension === dimension).map((f) => [f.key, f.in_use]));
    for (const s of byKey.values()) {
      s.history.sort((a, b) => a.week.localeCompare(b.week));
      s.forecast.sort((a, b) => a.week.localeCompare(b.week));
      s.inUse = now.get(s.key) ?? s.history.at(-1)?.in_use ?? 0;
    }
    const all = [...byKey.values()].sort((a, b) => b.inUse - a.inUse || a.key.localeCompare(b.key));
    return { dimension, series: all.slice(0, limit), omitted: Math.max(0, all.length - limit) };
  });
}
