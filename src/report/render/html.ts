// The report as one self-contained HTML page, to open offline: inline CSS, inline SVG charts, no
// script, no external font, stylesheet or image (a CSP meta forbids any fetch that slipped in).
// Sections in order: fleet now, growth, retirements, procurement, power, backtest, declared aggregates,
// PuppetDB columns, assumptions.
// Every text from the inventory is escaped.
import type { CapacityReport } from "../types.ts";
import { chooseSeries, MAX_CHARTS_PER_DIMENSION, type SeriesChoice } from "./chart-spec.ts";
import { renderCharts } from "./charts.ts";
import { escapeHtml } from "./escape.ts";
import { assumptionsSection } from "./html-assumptions.ts";
import { PAGE_CSS } from "./html-style.ts";
import { backtestTable, declaredAggregateTables, fleetTables, growthRateTables, powerTables, procurementTable, puppetdbTables, retirementTables } from "./html-tables.ts";

const SECTIONS = [
  ["fleet", "1. Fleet now"],
  ["growth", "2. Growth"],
  ["retirements", "3. Retirements"],
  ["procurement", "4. Procurement"],
  ["power", "5. Power"],
  ["backtest", "Backtest"],
  ["declared", "Declared aggregates"],
  ["puppetdb", "PuppetDB columns"],
  ["assumptions", "Assumptions"],
] as const;
type SectionId = (typeof SECTIONS)[number][0];

const PLURAL = { team: "teams", site: "sites", model: "models" } as const;

const section = (id: SectionId, body: string) => {
  const title = SECTIONS.find(([s]) => s === id)![1];
  return `<section id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
};

const CHART_LEGEND =
  '<p class="key-legend"><span><span class="swatch" style="background:#1f4e79"></span>in use, weekly</span>' +
  '<span><span class="swatch" style="background:repeating-linear-gradient(90deg,#c05a00 0 5px,transparent 5px 8px);height:2px"></span>forecast</span>' +
  '<span><span class="swatch" style="background:#c05a00;opacity:.45"></span>80 % interval</span>' +
  '<span><span class="swatch" style="background:#c05a00;opacity:.15"></span>95 % interval</span></p>';

async function growthSection(report: CapacityReport, choices: SeriesChoice[]): Promise<string> {
  // One call for every chart, so the spec is compiled once per page.
  const { figures, warnings } = await renderCharts(choices.flatMap((c) => c.series), report.backtest);
  const parts = [CHART_LEGEND];
  let next = 0;
  for (const choice of choices) {
    const mine = figures.slice(next, (next += choice.series.length));
    const what = PLURAL[choice.dimension];
    parts.push(`<h3>Per ${choice.dimension}</h3>`);
    if (choice.omitted > 0)
      parts.push(`<p class="limit">Showing the ${MAX_CHARTS_PER_DIMENSION} ${what} with the most servers in use; ${choice.omitted} more ${what} are in the tables only.</p>`);
    parts.push(mine.length ? `<div class="charts">\n${mine.join("\n")}\n</div>` : `<p class="empty">No ${choice.dimension} has a growth history.</p>`);
  }
  if (warnings.length) parts.push(`<p class="legend">Chart warnings: ${warnings.map(escapeHtml).join("; ")}</p>`);
  parts.push("<h3>Growth per quarter</h3>", '<p class="legend">Change of in-use servers from the first to the last week seen in the quarter (start→end).</p>');
  parts.push(growthRateTables(report) || '<p class="empty">No quarter seen yet.</p>');
  return parts.join("\n");
}

/** The whole report → one HTML document (UTF-8), ready to write to a file. */
export async function renderHtml(report: CapacityReport): Promise<string> {
  const title = `Capacity report, ${report.oldest_day} to ${report.newest_day}`;
  const horizon = `forecast horizon ${report.weeks} weeks`;
  const nav = `<nav><ol>${SECTIONS.map(([id, t]) => `<li><a href="#${id}">${escapeHtml(t)}</a></li>`).join("")}</ol></nav>`;
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">Newest day ${escapeHtml(report.newest_day)}, oldest day ${escapeHtml(report.oldest_day)}; ${escapeHtml(horizon)}.</p>`,
    nav,
    section("fleet", fleetTables(report)),
    section("growth", await growthSection(report, chooseSeries(report))),
    section("retirements", retirementTables(report)),
    section("procurement", procurementTable(report)),
    section("power", powerTables(report)),
    section(
      "backtest",
      `<p class="legend">Rolling-origin backtest; MASE is scaled by the in-sample one-step naive error (below 1 beats naive). A flag marks a model that did worse than the drift forecast on the same origins.</p>\n${backtestTable(report)}`,
    ),
    section(
      "declared",
      `<p class="legend">Tables declared in [[facts.aggregates]] over site-specific columns, on the newest day: servers, and each measure summed over the servers whose value is known.</p>\n${declaredAggregateTables(report)}`,
    ),
    section(
      "puppetdb",
      `<p class="legend">Columns read from PuppetDB, on the newest day: servers per value; "no value" is the column's default (no node, a missing or wrong-typed fact, or PuppetDB not read that night).</p>\n${puppetdbTables(report)}`,
    ),
    section("assumptions", assumptionsSection(report.assumptions)),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(`${title} (${horizon})`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body.join("\n")}
</body>
</html>
`;
}
