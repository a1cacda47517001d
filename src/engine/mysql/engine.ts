// The MariaDB/MySQL engine: mysql2 connections (imported lazily), GET_LOCK run locks, the
// information_schema catalog, and the MariaDB/MySQL parts of doctor, generate and the demo.
import { mysqlSourceTables } from "./source-tables.ts";
import type { Engine } from "../engine.ts";
import type { MysqlEndpoint } from "../../settings/dsn.ts";
import { engineSql } from "../../sql.ts";
import { shellWord } from "../shell-word.ts";
import { lockAdvisory } from "./advisory-lock.ts";
import { mysqlCatalog } from "./catalog.ts";
import { probeMysql } from "./doctor.ts";
import { prepareMysqlTarget } from "./generate-target.ts";
import { MysqlDb } from "./mysql-db.ts";
import { connectWriter } from "./writer-failover.ts";
import { mysqlDayPartitions } from "./day-partitions.ts";

export const mysqlEngine: Engine<MysqlEndpoint> = {
  name: "mysql",
  replicates: true,
  client: "mysql",
  open: (ep, { replacing, ...opts } = {}) => connectWriter(ep, { ...opts, replacing: replacing instanceof MysqlDb ? replacing : undefined }),
  lockRun: lockAdvisory,
  dayPartitions: mysqlDayPartitions,
  sourceTables: mysqlSourceTables,
  catalog: mysqlCatalog,
  sql: (name) => engineSql("mysql", name),
  schemaOf: (ep) => ep.database,
  clientCommand(ep) {
    const parts = ["mysql", "--table"];
    if (ep.socket) parts.push(`--socket=${shellWord(ep.socket)}`);
    else parts.push(`--host=${shellWord(ep.host)}`, `--port=${ep.port}`);
    if (ep.user) parts.push(`--user=${shellWord(ep.user)}`);
    // The password is never shown; -p makes the client ask for it.
    if (ep.password) parts.push("-p");
    parts.push(shellWord(ep.database), "-e");
    return parts.join(" ");
  },
  prepareGenerateTarget: prepareMysqlTarget,
  probe: probeMysql,
};
