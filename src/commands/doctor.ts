// `serverdb-etl doctor`: check every configured endpoint and print one table (or JSON).
// Glue only: resolve connections, run the checks (src/doctor/), print, set the exit code.
import { factExtrasFrom } from "../extras/declare.ts";
import { puppetdbSourceFrom } from "../puppetdb/declare.ts";
import { defineCommand } from "citty";
import { credentialArgs, connectionFlags, globalArgs, sourceArgs, targetArgs } from "./_args.ts";
import { resolveConnections } from "../settings/connections.ts";
import { DoctorFailed, UsageError } from "../errors.ts";
import { DOCTOR_DEFAULTS, runDoctor } from "../doctor/run-doctor.ts";
import { SAMPLE_NODES } from "../doctor/puppetdb.ts";
import { renderJson, renderTable, summarize } from "../doctor/render.ts";

export default defineCommand({
  meta: {
    name: "doctor",
    description: [
      "Check that every configured source, target and replica is ready for the nightly run; print one row per check",
      "(role, endpoint, check, result, detail), where anything not ok names its fix; the GRANTs to run follow the table,",
      "one statement per line, least privilege: only the tables each role reads or writes.",
      "",
      "Reads only (SELECT VERSION(), SHOW GRANTS, SHOW GLOBAL VARIABLES, SELECT … LIMIT 0 on the ServerDB tables,",
      "SHOW REPLICA STATUS, and the database names the account may see when the DSN's database is refused) and",
      "writes nothing: safe to run at any time, also during a load. All endpoints are checked at once. Exit 0 when",
      "nothing failed (warnings allowed), 4 when a check failed, 2 for bad options.",
      "",
      "Checks:",
      "  connect             reachable, login accepted (the driver's reason when not)",
      "  database            source, target: the DSN's database exists and may be used; a name that does not exist (where",
      "                      the server tells: ER_BAD_DB_ERROR, or an account that sees every database) or is not visible",
      "                      gets \"did you mean\" a visible name one or two edits away, never a GRANT on the typo",
      "  version             MariaDB or MySQL and its version (warns below MariaDB 10.6 or MySQL 8.0)",
      "  privileges          source: SELECT on each ServerDB table the extract and backfill read (tried, not guessed;",
      "                      the fix is one GRANT per table, so auth_user and django_session stay out);",
      "                      target: SELECT, INSERT, CREATE on each warehouse table, DELETE on each but etl_runs, UPDATE",
      "                      on etl_runs only (from SHOW GRANTS: global, database or table grants);",
      "                      replica: SLAVE MONITOR (MariaDB) or REPLICATION CLIENT (MySQL) to read its status, and",
      "                      nothing on any database (the DSN's database is not used there)",
      "  tables              source: the ServerDB tables exist (servers_historicalserver only warns: backfill needs it)",
      "  read_only           the target must be writable; replicas should be read-only",
      "  binlog              ROW format recommended; the target needs a binary log when replicas are configured",
      "  gtid                MariaDB: GTID positions; MySQL: gtid_mode ON, otherwise replica waits poll lag",
      "  replication         replica: IO and SQL threads running, seconds behind (warns above 300 s)",
      "  upstream            replica: it replicates from the target's server_id (warns otherwise)",
      "  galera              a Galera node (target, or a --replica node of its cluster): cluster size, state, flow",
      "                      control paused, write-set limits; warns when not Synced, wsrep_gtid_mode OFF or a",
      "                      server_id other than the target's (waits need both); fails outside the primary component",
      "  max_allowed_packet  target: at least 16 MiB, or multi-row load batches may not fit",
      "  time_zone           informative: DATETIMEs are copied as wall-clock text, so no zone shifts them",
      "",
      "With [puppetdb] in --config, rows for PuppetDB (role puppetdb):",
      "  connect             GET /pdb/meta/v1/version answers: PuppetDB's version (or why not: unreachable, timeout, HTTP status)",
      "  tls                 https: PuppetDB's certificate verified against ca_file, the client certificate accepted; http: loopback",
      `  mapping             the mapped facts on the first ${SAMPLE_NODES} active nodes: present, and of a type their column takes`,
      "  match               how many servers of --source would find their node by the match rule, and nodes matching no server",
      "",
      "A sqlite:PATH endpoint is a file: opened read-only (never created, journal mode left alone), it gets connect",
      "(path and size), version (SQLite), and for a target journal_mode (WAL expected), writable (the file and its",
      "directory, where WAL and the run lock keep their files) and tables (every warehouse table as this version",
      "defines it); for a source, tables. A replica cannot be a SQLite file.",
      "",
    ].join("\n"),
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    ...sourceArgs,
    ...targetArgs,
    json: {
      type: "boolean",
      description: "Print the checks as JSON ({ ok, summary, checks: [{ role, endpoint, check, result, detail, fix, statements }] }) instead of a table",
    },
    "connect-timeout": {
      type: "string",
      description: `Seconds to wait for each server to accept a connection (default ${DOCTOR_DEFAULTS.connectTimeoutS}); all endpoints are checked at once`,
      valueHint: "SECONDS",
    },
  },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const extras = factExtrasFrom(conns.config);
    const puppetdb = puppetdbSourceFrom(conns.config, extras);
    if (!conns.source && !conns.target && conns.replicas.length === 0 && !puppetdb) {
      throw new UsageError(
        "nothing to check: pass --source, --target and/or --replica DSNs, set SERVERDB_ETL_SOURCE / SERVERDB_ETL_TARGET / SERVERDB_ETL_REPLICAS, or give --config with [source], [target] and replicas",
      );
    }
    const rows = await runDoctor(conns, { connectTimeoutS: parseTimeout(args["connect-timeout"]), extras, puppetdb });
    process.stdout.write(args.json ? renderJson(rows) : renderTable(rows));
    const { fail } = summarize(rows);
    if (fail > 0) {
      throw new DoctorFailed(`${fail} ${fail === 1 ? "check" : "checks"} failed; apply the fixes shown in the table and rerun doctor`);
    }
  },
});

function parseTimeout(text: string | undefined): number {
  if (text === undefined || text === "") return DOCTOR_DEFAULTS.connectTimeoutS;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 600) {
    throw new UsageError(`--connect-timeout ${JSON.stringify(text)}: give a number of seconds between 0 and 600, e.g. 5`);
  }
  return n;
}
