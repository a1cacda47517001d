// `serverdb-etl init [--check]`: create missing warehouse tables, then report schema drift as
// a reviewable SQL script on stdout (exit 3). Glue only; the work is in stages/init.ts.
import { factExtrasFrom } from "../extras/declare.ts";
import { defineCommand } from "citty";
import { connectionFlags, credentialArgs, globalArgs, targetArgs } from "./_args.ts";
import { requireEndpoint, resolveConnections } from "../settings/connections.ts";
import { engineOf, openDb } from "../engine/index.ts";
import { initWarehouse, schemaDriftError } from "../stages/init.ts";
import { renderMigration } from "../warehouse/schema-migration.ts";

export default defineCommand({
  meta: {
    name: "init",
    description:
      "Create the warehouse tables (server_facts, server_fact_roles, etl_runs, server_by_*) that are missing from the " +
      "--target database with CREATE TABLE IF NOT EXISTS (a MariaDB/MySQL database must exist; a sqlite:PATH file is " +
      "created when missing), then compare every " +
      "table with this version's schema. Never alters, drops or rewrites a table and loses no data: safe to run " +
      "every night, and sends no DDL at all when nothing is missing. Differences (columns, types, NULL, defaults, " +
      "collations, primary and secondary keys) go to stdout as a SQL script for a DBA to review: one comment line " +
      "each, then the ALTER TABLE statements that would migrate the table (DROP COLUMN apart, under a warning); " +
      "on SQLite, which cannot alter columns or keys, a one-transaction rebuild of the table that keeps its rows. " +
      "Column order and a table's default collation are only noted. Needs CREATE on the database; --check needs " +
      "only SELECT. Exit codes: 0 schema matches, 1 failure (e.g. cannot connect), 2 usage, 3 a table differs " +
      "(or, with --check, is missing).",
  },
  args: {
    ...globalArgs,
    ...credentialArgs,
    target: targetArgs.target,
    check: {
      type: "boolean",
      description: "Only compare; create nothing and write nothing (exit 3 when a table is missing or differs)",
    },
  },
  async run({ args, rawArgs }) {
    const conns = resolveConnections(connectionFlags(args, rawArgs));
    const checkOnly = Boolean(args.check);
    const extras = factExtrasFrom(conns.config);
    // --check writes nothing, so it does not create a missing SQLite file either.
    const db = await openDb(requireEndpoint(conns, "target"), { purpose: checkOnly ? "inspect" : "target" });
    try {
      const { created, drifts } = await initWarehouse(db, { checkOnly, extras });
      // The report is the command's data: stdout, as SQL comments and statements, so a DBA can
      // redirect it to a file and apply it. Silent when there is nothing to say (cron-friendly).
      const report = created.map((t) => `-- serverdb-etl: created table ${t} in ${db.label}\n`).join("") + renderMigration(drifts, db.label, engineOf(db).catalog.applyHint);
      if (report) process.stdout.write(report);
      const err = schemaDriftError(drifts, checkOnly);
      if (err) throw err;
    } finally {
      await db.close();
    }
  },
});
