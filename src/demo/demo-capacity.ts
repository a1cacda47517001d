// The demo's config file (config.toml), written before its init: the site-specific columns it
// declares from the generated site tables ([facts]: rack row, room, rated watts, and power per
// room as an aggregate), a refresh rule and a power catalog for the synthetic fleet's models
// ([report], illustrative watts); and its last step, the capacity report as one HTML file.
import { writeFileSync } from "node:fs";
import { openDb } from "../engine/index.ts";
import { loadConfigFile } from "../settings/config-file.ts";
import { readReportConfig } from "../report/report-config.ts";
import { buildReport, DEFAULT_WEEKS } from "../report/build-report.ts";
import { renderHtml } from "../report/render/html.ts";
import type { Endpoint } from "../settings/dsn.ts";
import type { CapacityReport } from "../report/types.ts";
import { factExtrasFrom, type FactExtras } from "../extras/declare.ts";

/** Typical [idle, loaded] watts of the generator's models: illustrative, as a vendor's sizing tool would give. */
const DEMO_POWER: ReadonlyArray<readonly [string, number, number]> = [
  ["Dell PowerEdge R640", 110, 420], ["Dell PowerEdge R650", 120, 450], ["Dell PowerEdge R740xd", 160, 600],
  ["Dell PowerEdge R750", 170, 650], ["Dell PowerEdge R630", 110, 380], ["Dell PowerEdge R620", 120, 400],
  ["HPE ProLiant DL360 Gen10", 100, 400], ["HPE ProLiant DL380 Gen10", 140, 550], ["HPE ProLiant DL380 Gen9", 150, 520],
  ["HPE ProLiant DL360 Gen10 Plus", 110, 430], ["Supermicro SYS-1029P-WTR", 100, 380], ["Supermicro SYS-2029U-TR4", 150, 560],
  ["Lenovo ThinkSystem SR650", 130, 500], ["Lenovo ThinkSystem SR630 V2", 110, 440],
];

/** [facts]: columns from `generate --site-extras`'s tables (README: site-specific columns). */
const DEMO_FACTS = `# Site-specific columns (README: site-specific columns), from the tables generate --site-extras wrote.
[[facts.joins]]
alias = "rp"
table = "servers_rackplacement"
key = "rack_id"
references = "rk.id"

[[facts.joins]]
alias = "mp"
table = "servers_modelpower"
key = "model_id"
references = "m.id"

[[facts.columns]]
name = "rack_row"
type = "varchar(16)"
default = ""
expression = "rp.row_name"

[[facts.columns]]
name = "room"
type = "varchar(32)"
default = "<unknown>"
expression = "rp.room"

[[facts.columns]]
name = "rated_watts"
type = "int"
default = -1
expression = "mp.rated_watts"

[[facts.aggregates]]
name = "server_by_room"
dimensions = ["site", "room"]
measures = ["rated_watts"]
`;

export function demoConfig(): string {
  return [
    "# A serverdb-etl config written by the demo.",
    DEMO_FACTS,
    "# The capacity report's settings (README: report). Watts are illustrative figures for the",
    "# synthetic fleet's models; use your vendors' or your meters'.",
    "[report]",
    "default_refresh_years = 5",
    'refresh_years_by_manufacturer = { "Supermicro" = 4 }',
    "",
    ...DEMO_POWER.flatMap(([model, idle, loaded]) => ["[[report.power]]", `model = "${model}"`, `idle_watts = ${idle}`, `loaded_watts = ${loaded}`, ""]),
  ].join("\n");
}

/** Writes the demo's config file. */
export function writeDemoConfig(path: string): void {
  writeFileSync(path, demoConfig());
}

/** The columns the demo's config declares (read back from the file, as a command would). */
export function demoExtras(path: string): FactExtras {
  return factExtrasFrom(loadConfigFile(path).config);
}

/** The HTML report of `target` to `htmlPath`, with the [report] settings of `configPath`; returns the report. */
export async function writeDemoReport(target: Endpoint, configPath: string, htmlPath: string): Promise<CapacityReport> {
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
