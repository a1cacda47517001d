// The demo's last step: the capacity report of the warehouse it just filled, written as one HTML
// file next to it, with a config file (report.toml) that shows a planner the [report] section:
// a refresh rule and a power catalog for the synthetic fleet's models (illustrative watts).
import { writeFileSync } from "node:fs";
import { openDb } from "../engine/index.ts";
import { loadConfigFile } from "../settings/config-file.ts";
import { readReportConfig } from "../report/report-config.ts";
import { buildReport, DEFAULT_WEEKS } from "../report/build-report.ts";
import { renderHtml } from "../report/render/html.ts";
import type { Endpoint } from "../settings/dsn.ts";
import type { CapacityReport } from "../report/types.ts";

/** Typical [idle, loaded] watts of the generator's models: illustrative, as a vendor's sizing tool would give. */
const DEMO_POWER: ReadonlyArray<readonly [string, number, number]> = [
  ["Dell PowerEdge R640", 110, 420], ["Dell PowerEdge R650", 120, 450], ["Dell PowerEdge R740xd", 160, 600],
  ["Dell PowerEdge R750", 170, 650], ["Dell PowerEdge R630", 110, 380], ["Dell PowerEdge R620", 120, 400],
  ["HPE ProLiant DL360 Gen10", 100, 400], ["HPE ProLiant DL380 Gen10", 140, 550], ["HPE ProLiant DL380 Gen9", 150, 520],
  ["HPE ProLiant DL360 Gen10 Plus", 110, 430], ["Supermicro SYS-1029P-WTR", 100, 380], ["Supermicro SYS-2029U-TR4", 150, 560],
  ["Lenovo ThinkSystem SR650", 130, 500], ["Lenovo ThinkSystem SR630 V2", 110, 440],
];

export function demoReportConfig(): string {
  return [
    "# The [report] section of a serverdb-etl config, written by the demo (README: report).",
    "# Watts are illustrative figures for the synthetic fleet's models; use your vendors' or your meters'.",
    "[report]",
    "default_refresh_years = 5",
    'refresh_years_by_manufacturer = { "Supermicro" = 4 }',
    "",
    ...DEMO_POWER.flatMap(([model, idle, loaded]) => ["[[report.power]]", `model = "${model}"`, `idle_watts = ${idle}`, `loaded_watts = ${loaded}`, ""]),
  ].join("\n");
}

/** Writes `configPath` and the HTML report of `target` to `htmlPath`; returns the report. */
export async function writeDemoReport(target: Endpoint, configPath: string, htmlPath: string): Promise<CapacityReport> {
  writeFileSync(configPath, demoReportConfig());
  const config = readReportConfig(loadConfigFile(configPath).config);
  const db = await openDb(target, { purpose: "inspect" });
  try {
    const report = await buildReport(db, { config, weeks: DEFAULT_WEEKS, metered: null });
    writeFileSync(htmlPath, await renderHtml(report));
    return report;
  } finally {
    await db.close();
  }
}
