// `serverdb-etl generate`: create and fill a synthetic ServerDB for tests and demos (glue only;
// the work is in src/generate/).
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, globalArgs, sourceArgs } from "./_args.ts";
import { requireEndpoint, resolveConnections } from "../settings/connections.ts";
import { UsageError } from "../errors.ts";
import { formatSummary, generateServerDb } from "../generate/index.ts";
import { GENERATE_DEFAULTS, parseGenerateOptions } from "../generate/generate-options.ts";

export default defineCommand({
  meta: {
    name: "generate",
    description:
      "Create a synthetic ServerDB for tests and demos, never for production. Creates the database named by --source " +
      "if missing (MySQL: utf8mb4; sqlite:PATH: a new file laid out as Django's SQLite backend creates it), creates the " +
      "tables of the ServerDB schema that are missing, and fills the servers_* tables " +
      "with a fleet of --servers servers plus ~5% switches, ~3% filers and a few other assets, with realistic dirt " +
      "(raw dmidecode CPU strings, NULLs, odd MAC formats, long and non-ASCII names). With --history-days it also " +
      "writes servers_historicalserver as django-simple-history would. Same --seed and --end-date give identical tables. " +
      "Refuses (exit 2) when any servers_* table already has rows; --force drops and recreates those tables " +
      "(auth_* and django_* tables are never touched). With --site-extras it also creates and fills three optional, " +
      "site-specific tables that are not part of Django's core schema (servers_rackplacement, servers_modelpower, " +
      "servers_purchase). Prints one summary line.",
  },
  args: {
    ...globalArgs,
    source: {
      ...sourceArgs.source,
      description:
        "Database to create and fill: mysql://user@host:port/db or sqlite:PATH (required on the command line; the configured source is never used)",
    },
    ...credentialArgs,
    servers: {
      type: "string",
      description: `Servers to create (default ${GENERATE_DEFAULTS.servers}); with history some are deleted again`,
      valueHint: "N",
    },
    seed: {
      type: "string",
      description: `Random seed (default ${GENERATE_DEFAULTS.seed}); same seed and end date give byte-identical tables`,
      valueHint: "S",
    },
    "history-days": {
      type: "string",
      description:
        "Simulate D days of changes ending with --end-date into servers_historicalserver (default 0: one '+' row per server at its creation)",
      valueHint: "D",
    },
    "end-date": {
      type: "string",
      description: "Last day of the history and 'today' for created_at values (default: today, UTC)",
      valueHint: "YYYY-MM-DD",
    },
    force: {
      type: "boolean",
      description: "Drop and recreate servers_* tables that already hold rows (destroys that data)",
    },
    "site-extras": {
      type: "boolean",
      description:
        "Also create and fill servers_rackplacement (rack row, room), servers_modelpower (rated watts) and servers_purchase " +
        "(purchase order, warranty end): illustrative site-specific tables, not Django's core schema; other tables are unchanged",
    },
    "batch-size": {
      type: "string",
      description: `Rows per INSERT statement (default ${GENERATE_DEFAULTS.batchSize}); lower it if max_allowed_packet is small`,
      valueHint: "N",
    },
  },
  async run({ args, rawArgs }) {
    const flags = connectionFlags(args, rawArgs);
    // A DSN from the environment or the config file is the production ServerDB: never write there.
    if (!flags.source) {
      throw new UsageError(
        "generate needs the database to fill on the command line: pass --source mysql://user@host:port/database or --source sqlite:PATH",
      );
    }
    const ep = requireEndpoint(resolveConnections(flags), "source");
    const options = parseGenerateOptions({
      servers: args.servers,
      seed: args.seed,
      historyDays: args["history-days"],
      endDate: args["end-date"],
      force: args.force,
      batchSize: args["batch-size"],
      siteExtras: args["site-extras"],
    });
    const result = await generateServerDb(ep, options);
    process.stdout.write(formatSummary(result) + "\n");
  },
});
