// `report`: the capacity model from the warehouse alone (SELECT only): fleet, growth,
// retirements, procurement, power, forecast and backtest, as text, json, html or csv.
// Glue only: options are checked before anything is read or written (src/report/ does the work).
import { factExtrasFrom } from "../extras/declare.ts";
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, globalArgs } from "./_args.ts";
import { requireEndpoint, resolveConnections } from "../settings/connections.ts";
import { openDb } from "../engine/index.ts";
import { describeEndpoint } from "../settings/dsn.ts";
import { onCleanup } from "../cli/cleanup.ts";
import { UsageError } from "../errors.ts";
import { dateIn, hostTimeZone, parseIsoDate } from "../plans/report-date.ts";
import { DIMENSIONS, type Dimension } from "../report/types.ts";
import { readReportConfig } from "../report/report-config.ts";
import { readMetered } from "../report/metered.ts";
import { buildReport, DEFAULT_WEEKS } from "../report/build-report.ts";
import { writeReport, REPORT_FORMATS, type ReportFormat } from "../report/render/write-report.ts";

export default defineCommand({
  meta: {
    name: "report",
    description:
      "The capacity model the warehouse exists for, from the warehouse alone: (1) the fleet now per team, site and model " +
      "(servers by status, CPU, memory, change over 4/13/52 weeks); (2) growth: a weekly series per team, site and model " +
      "and growth per quarter; (3) what retires when: end of life per quarter for 8 quarters from a refresh age " +
      "([report] config, default 5 years from delivery_date, else created_at), beside the ages at which the warehouse saw " +
      "servers retire; (4) what to buy per site for 4 quarters: forecast growth + retirements − spare, with 80% and 95% " +
      "intervals; (5) power per site and rack from the [[report.power]] catalog, beside --metered readings. In-use servers " +
      "per team and site are forecast --weeks ahead (AutoETS) and backtested (rolling origin, MASE against the naive drift " +
      "forecast). Manufacturer names are merged through aliases and virtual platforms kept apart (both listed in the " +
      "assumptions); the facts stay as extracted. Reads the server_by_* aggregates, and one day of facts for retirements " +
      "and power: needs SELECT on server_by_site, server_by_team, server_by_vendor_model, server_retirements, server_facts " +
      "and etl_runs, and writes nothing to the warehouse. Safe at any time, also during a load.",
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    target: {
      type: "string",
      description: "Warehouse to read: mysql://user@host:port/serverdb_dw or sqlite:PATH (env SERVERDB_ETL_TARGET; default sqlite:./serverdb_dw.sqlite)",
      valueHint: "DSN",
    },
    format: {
      type: "string",
      description: "text (default: aligned tables with sparklines, 100 columns), json (one object on stdout or --out), html (one self-contained file, needs --out) or csv (one file per section into the --out directory)",
      valueHint: "FORMAT",
    },
    out: {
      type: "string",
      description: "Write here instead of stdout: a file (text, json, html) or a directory (csv)",
      valueHint: "PATH",
    },
    dimension: {
      type: "string",
      description: `Only this dimension: ${DIMENSIONS.join(", ")} (procurement and power are per site: kept with site only)`,
      valueHint: "DIM",
    },
    key: {
      type: "string",
      description: "Only this team name, site shortname or `manufacturer model` (as the report names it)",
      valueHint: "KEY",
    },
    weeks: {
      type: "string",
      description: `Forecast horizon in weeks, 1 to 104 (default ${DEFAULT_WEEKS}; procurement needs 52 to reach its fourth quarter)`,
      valueHint: "N",
    },
    "as-of": {
      type: "string",
      description: "The report as it would have looked on this day: only days up to it are read",
      valueHint: "YYYY-MM-DD",
    },
    metered: {
      type: "string",
      description: "CSV of metered rack power (site,rack,watts; a header line is optional; a rack's feeds add up), shown beside the estimate",
      valueHint: "FILE",
    },
  },
  async run({ args, rawArgs }) {
    const format = parseFormat(args.format);
    if ((format === "html" || format === "csv") && !args.out) {
      throw new UsageError(`--format ${format} needs --out ${format === "html" ? "FILE, e.g. --out capacity.html" : "DIR, e.g. --out capacity-csv"}`);
    }
    const dimension = parseDimension(args.dimension);
    const weeks = parseWeeks(args.weeks);
    const asOf = args["as-of"] === undefined ? undefined : parseIsoDate(args["as-of"], "--as-of day");
    const today = dateIn(hostTimeZone());
    if (asOf && asOf > today) throw new UsageError(`--as-of ${asOf} is after today (${today}): the report can look back, not ahead; give a past day`);
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const config = readReportConfig(conns.config);
    const metered = args.metered ? readMetered(args.metered) : null;
    const endpoint = requireEndpoint(conns, "target");
    const db = await openDb(endpoint, { purpose: "inspect" });
    onCleanup(() => db.close());
    const extras = factExtrasFrom(conns.config);
    const report = await buildReport(db, { config, asOf, weeks, dimension, key: args.key, metered, aggregates: extras.aggregates, columns: extras.columns });
    const written = await writeReport(report, format, args.out, describeEndpoint(endpoint));
    if (written) process.stdout.write(`report ${report.oldest_day} … ${report.newest_day}: ${format} written to ${written}\n`);
  },
});

function parseFormat(text: string | undefined): ReportFormat {
  if (text === undefined) return "text";
  if ((REPORT_FORMATS as readonly string[]).includes(text)) return text as ReportFormat;
  throw new UsageError(`--format ${JSON.stringify(text)}: choose one of ${REPORT_FORMATS.join(", ")}`);
}

function parseDimension(text: string | undefined): Dimension | undefined {
  if (text === undefined) return undefined;
  if ((DIMENSIONS as readonly string[]).includes(text)) return text as Dimension;
  throw new UsageError(`--dimension ${JSON.stringify(text)}: choose one of ${DIMENSIONS.join(", ")}`);
}

function parseWeeks(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WEEKS;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 104) throw new UsageError(`--weeks ${JSON.stringify(text)}: give a whole number of weeks from 1 to 104, e.g. 52`);
  return n;
}
