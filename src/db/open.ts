// Open a Db for an endpoint: the one place that knows which class serves which DSN kind.
import type { Db } from "./db.ts";
import type { Endpoint } from "../dsn.ts";
import { UsageError } from "../errors.ts";
import { MysqlDb, type MysqlConnectOptions } from "./mysql.ts";

export async function openDb(ep: Endpoint, opts: MysqlConnectOptions = {}): Promise<Db> {
  if (ep.kind === "mysql") return MysqlDb.connect(ep, opts);
  throw new UsageError(`sqlite:${ep.path}: SQLite endpoints are not supported by this version yet; use a mysql:// DSN`);
}
