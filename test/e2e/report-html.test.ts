// The HTML report as a reader's browser shows it: the fixture report rendered, written to a file and
// opened from file:// in headless Chromium, which must log no error, fetch nothing, draw every chart
// (line and bands as real paths, on screen at a readable size), show inventory text as text, flag the
// series that lost to drift, and paint a screenshot that is not blank.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chooseSeries, MAX_CHARTS_PER_DIMENSION } from "../../src/report/render/chart-spec.ts";
import { renderCharts } from "../../src/report/render/charts.ts";
import { renderHtml } from "../../src/report/render/html.ts";
import { startChromium, type Browser, type Page } from "../support/chromium.ts";
import { fixtureReport, NOT_FORECAST, TEAMS, WORSE_THAN_DRIFT } from "../support/report-fixture.ts";

const report = fixtureReport();
const EXPECTED_SERIES = chooseSeries(report).flatMap((c) => c.series.map((s) => ({ id: `${s.dimension}:${s.key}`, forecast: s.forecast.length > 0 })));
const TRICKY = TEAMS.find((t) => t.includes("<b>"))!;

let dir = "";
let html = "";
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "serverdb-etl-report-html-"));
  html = await renderHtml(report);
  const file = join(dir, "report.html");
  writeFileSync(file, html);
  browser = await startChromium();
  page = await browser.newPage();
  await page.open(pathToFileURL(file).href);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** PNG width and height from the IHDR chunk (bytes 16..24, big-endian). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

interface FigureSeen {
  series: string;
  role: string | null;
  label: string | null;
  caption: string;
  width: number;
  height: number;
  /** Path lengths of `d` per Vega mark group. */
  lines: number[];
  areas: number[];
}

describe("report.html in headless Chromium", () => {
  test("logs no error and makes no request at all", () => {
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
  });

  test("the file is self-contained: no script, stylesheet, font, image or URL outside itself", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|@font-face|url\(/i);
    expect(html).not.toMatch(/(?:href|src)\s*=\s*["']?(?!#)[a-z][a-z0-9+.-]*:/i);
  });

  test("sections come in the report's order", async () => {
    const titles = await page.evaluate<string[]>(`[...document.querySelectorAll("h2")].map((h) => h.textContent)`);
    expect(titles).toEqual(["1. Fleet now", "2. Growth", "3. Retirements", "4. Procurement", "5. Power", "Backtest", "Declared aggregates", "PuppetDB columns", "Assumptions"]);
    expect(await page.evaluate<string>("document.title")).toBe(`Capacity report, ${report.oldest_day} to ${report.newest_day} (forecast horizon 52 weeks)`);
  });

  test("a declared aggregate is a table of its own: a row per key, all statuses together, its measure and known count (keys escaped)", async () => {
    const rows = await page.evaluate<string[][]>(`[...document.querySelectorAll("#declared tr[data-declared]")].map((tr) => [tr.dataset.declared, ...[...tr.children].map((c) => c.textContent)])`);
    // The fixture's records, summed here per key over statuses (one measure).
    const byKey = new Map<string, number[]>();
    for (const d of report.declared) {
      const v = byKey.get(d.key) ?? [0, 0, 0, 0];
      v[0] += d.servers;
      if (d.status === "in_use") v[1] += d.servers;
      v[2] += d.sum ?? 0;
      v[3] += d.known ?? 0;
      byKey.set(d.key, v);
    }
    const expected = [...byKey].sort((a, b) => b[1][0]! - a[1][0]!).map(([key, v]) => [`server_by_room:${key}`, key, ...v.map((n) => n.toLocaleString("en"))]);
    expect(rows).toEqual(expected);
    expect(rows.some((r) => r[1] === "AMS1 / Hall <A>")).toBe(true); // shown as text, not markup
  });

  test("the PuppetDB columns: a table per column, its values, the rest and the servers without a value, as the records say", async () => {
    const rows = await page.evaluate<string[][]>(`[...document.querySelectorAll("#puppetdb tr[data-puppetdb]")].map((tr) => [tr.dataset.puppetdb, ...[...tr.children].map((c) => c.textContent)])`);
    const label = (p: (typeof report.puppetdb)[number]) => (p.kind === "unknown" ? "(no value)" : p.kind === "other" ? `(${p.value})` : p.value!);
    expect(rows).toEqual(report.puppetdb.map((p) => [`${p.column}:${p.kind}`, label(p), p.servers.toLocaleString("en")]));
    expect(rows.length).toBeGreaterThan(2);
  });

  test("every chart is drawn: a history line, and for forecast series the dashed line and both bands", async () => {
    const figures = await page.evaluate<FigureSeen[]>(`[...document.querySelectorAll("figure.chart")].map((f) => {
      const svg = f.querySelector("svg");
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const ds = (cls) => [...f.querySelectorAll("svg g." + cls + " path")].map((p) => (p.getAttribute("d") || "").length);
      return { series: f.dataset.series, role: svg && svg.getAttribute("role"), label: svg && svg.getAttribute("aria-label"),
        caption: f.querySelector("figcaption").textContent, width: box.width, height: box.height, lines: ds("mark-line"), areas: ds("mark-area") };
    })`);
    expect(figures.map((f) => f.series)).toEqual(EXPECTED_SERIES.map((s) => s.id));
    for (const [i, f] of figures.entries()) {
      const { forecast } = EXPECTED_SERIES[i]!;
      const where = f.series;
      expect({ where, role: f.role, labelled: (f.label ?? "").length > 10 }).toEqual({ where, role: "img", labelled: true });
      expect({ where, big: f.width > 100 && f.height > 100 }).toEqual({ where, big: true });
      // 60 weekly points make a long path; the forecast's line and its two bands span 52 more.
      expect({ where, lines: f.lines.length, areas: f.areas.length }).toEqual({ where, lines: forecast ? 2 : 1, areas: forecast ? 2 : 0 });
      for (const d of [...f.lines, ...f.areas]) expect({ where, long: d > 200 }).toEqual({ where, long: true });
    }
  });

  test("inventory text is shown as text: <b>, & and quotes escaped, never markup", async () => {
    const seen = await page.evaluate<{ bold: number; italic: number; text: string; captions: string[]; rowKeys: string[] }>(`({
      bold: document.querySelectorAll("b").length,
      italic: document.querySelectorAll("i").length,
      text: document.body.textContent,
      captions: [...document.querySelectorAll("figure.chart figcaption strong")].map((s) => s.textContent),
      rowKeys: [...document.querySelectorAll("#fleet table:first-of-type tbody th")].map((th) => th.textContent),
    })`);
    expect(seen.bold).toBe(0);
    expect(seen.italic).toBe(0);
    expect(seen.text).toContain(TRICKY);
    expect(seen.text).toContain("<unknown>");
    expect(seen.text).toContain("A & B <i>notes</i> are escaped.");
    expect(seen.captions).toContain(TRICKY);
    expect(seen.rowKeys.sort()).toEqual([...TEAMS].sort());
    expect(await page.evaluate<number>(`document.querySelectorAll(${JSON.stringify(`figure[data-series="team:${TRICKY.replace(/"/g, '\\"')}"]`)}).length`)).toBe(1);
  });

  test("the series that lost to drift is flagged, beside its MASE and on its chart; the unforecast one says why", async () => {
    const flagged = `${WORSE_THAN_DRIFT.dimension}:${WORSE_THAN_DRIFT.key}`;
    const rows = await page.evaluate<{ series: string; mase: string; flag: string | null; note: string }[]>(`[...document.querySelectorAll("#backtest tbody tr")].map((tr) => ({
      series: tr.dataset.series, mase: tr.cells[3].textContent, flag: tr.cells[3].querySelector(".flag") && tr.cells[3].querySelector(".flag").textContent, note: tr.cells[5].textContent }))`);
    expect(rows.filter((r) => r.flag).map((r) => [r.series, r.mase, r.flag])).toEqual([[flagged, "1.42 worse than drift", "worse than drift"]]);
    const unforecast = rows.find((r) => r.series === `${NOT_FORECAST.dimension}:${NOT_FORECAST.key}`)!;
    expect(unforecast.mase).toBe("—");
    expect(unforecast.note).toContain("history too short");
    const chartFlags = await page.evaluate<string[]>(`[...document.querySelectorAll("figure.chart .flag")].map((f) => f.closest("figure").dataset.series)`);
    expect(chartFlags).toEqual([flagged]);
  });

  test("a full-page screenshot is large, wide and mostly not white", async () => {
    const png = await page.screenshot({ fullPage: true });
    const size = pngSize(png);
    expect(png.byteLength).toBeGreaterThan(20_000);
    expect(size.width).toBeGreaterThanOrEqual(800);
    expect(size.height).toBeGreaterThan(2_000);

    // Chromium decodes its own screenshot in a fresh tab and counts the pixels that are not white.
    const canvas = await browser!.newPage();
    try {
      const blank = await canvas.screenshot({ fullPage: false });
      expect(png.byteLength).toBeGreaterThan(blank.byteLength * 10);
      const share = await canvas.evaluate<number>(`new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => {
          const c = document.createElement("canvas");
          c.width = img.width; c.height = img.height;
          const g = c.getContext("2d");
          g.drawImage(img, 0, 0);
          const px = g.getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 0; i < px.length; i += 4) if (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) ink++;
          resolve(ink / (px.length / 4));
        };
        img.onerror = () => reject(new Error("screenshot does not decode"));
        img.src = "data:image/png;base64,${Buffer.from(png).toString("base64")}";
      })`);
      expect(share).toBeGreaterThan(0.03);
      expect(canvas.errors).toEqual([]);
    } finally {
      await canvas.close();
    }
  });
});

describe("many series", () => {
  test(`charts stop at ${MAX_CHARTS_PER_DIMENSION} per dimension, the page says so, and ~50 charts render well under 2 s`, async () => {
    const big = fixtureReport({ extraTeams: 26, extraSites: 26 });
    // CPU time, not wall time: on a loaded CI runner the wall clock measures the neighbours.
    const cpu = process.cpuUsage();
    const started = performance.now();
    const page = await renderHtml(big);
    const ms = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    const cpuMs = (user + system) / 1000;
    process.stderr.write(`report-html: a page with ${MAX_CHARTS_PER_DIMENSION * 2} charts rendered in ${ms.toFixed(0)} ms (${cpuMs.toFixed(0)} ms CPU)\n`);
    expect(cpuMs).toBeLessThan(2_000);
    expect(page.match(/<figure class="chart"/g)!.length).toBe(MAX_CHARTS_PER_DIMENSION * 2);
    expect(page).toContain(`Showing the ${MAX_CHARTS_PER_DIMENSION} teams with the most servers in use; 6 more teams are in the tables only.`);
    expect(page).toContain(`Showing the ${MAX_CHARTS_PER_DIMENSION} sites with the most servers in use; 5 more sites are in the tables only.`);
  });

  test("Vega and Vega-Lite warn about nothing", async () => {
    const all = chooseSeries(report).flatMap((c) => c.series);
    expect((await renderCharts(all, report.backtest)).warnings).toEqual([]);
  });
});
