// Open a Db for an endpoint: the one place that knows which class serves which DSN kind.
// bun:sqlite is built into Bun, so importing it costs nothing at start-up; mysql2 stays lazy
// inside MysqlDb.connect.
import type { Db } from "./db.ts";
import type { Endpoint } from "../settings/dsn.ts";
import { MysqlDb, type MysqlConnectOptions } from "./mysql/mysql-db.ts";
import { SqliteDb } from "./sqlite/sqlite-db.ts";

export interface OpenDbOptions extends MysqlConnectOptions {
  /**
   * What the endpoint is opened for, which matters for a SQLite file only. A "target" is the
   * warehouse `init` creates when missing; "write" (etl, aggregate, expire, run: they need the
   * tables init makes) and "inspect" (the default: init --check, reads) must exist; a "source"
   * must exist and is opened read-only.
   */
  purpose?: "target" | "write" | "source" | "inspect";
}

export async function openDb(ep: Endpoint, opts: OpenDbOptions = {}): Promise<Db> {
  if (ep.kind === "mysql") return MysqlDb.connect(ep, opts);
  const purpose = opts.purpose ?? "inspect";
  return SqliteDb.open(ep.path, { create: purpose === "target", readonly: purpose === "source" });
}
