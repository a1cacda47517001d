// The test oracle for `backfill`: the ServerDB as it stood at a past instant, rebuilt in plain
// TypeScript from servers_historicalserver (read whole, in (history_date, history_id) order, the
// last row before the instant winning), written out as a small ServerDB of its own, so the
// data-contract oracle of expected-facts.ts turns it into the expected warehouse rows. Imports
// nothing from src/ but the connection and identifier quoting.
//
// The approximations the backfill documents, done here the same way on purpose:
// - roles, teams, delivery rows and the names of sites, racks, CPUs and models are today's
//   (those tables are copied as they are now);
// - a live server with no history row before the instant but created before it is taken as
//   it is today.
import type { MysqlDb } from "../../src/engine/mysql/mysql-db.ts";
import { quoteIdent } from "../../src/engine/ident.ts";
import { connect, freshDatabase, servers } from "./servers.ts";
import { expectedFacts, type Expected } from "./expected-facts.ts";

type Src = Record<string, unknown>;

/** Copied as they are today. */
const CURRENT_TABLES = [
  "servers_deliveryasset", "servers_site", "servers_availabilityzone", "servers_region", "servers_rack", "servers_cpu",
  "servers_model", "servers_manufacturer", "servers_team", "servers_serverrole", "servers_server_role",
] as const;
/** Rebuilt from the history (plus today's rows of servers without history yet). */
const SERVER_TABLES = ["servers_asset", "servers_rackedasset", "servers_server"] as const;

export interface AsOfState {
  /** The history row that decides each server present at the instant, by id. */
  fromHistory: Map<string, Src>;
  /** Live servers without a history row before the instant but created before it. */
  fromCurrent: string[];
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' → the 26-character form, so text order is time order. */
function micro(datetime: string): string {
  return datetime.length === 19 ? `${datetime}.000000` : datetime;
}

/** Which servers exist just before `before` (UTC 'YYYY-MM-DD HH:MM:SS') and where each one's state comes from. */
export async function asOfState(source: MysqlDb, before: string): Promise<AsOfState> {
  const bound = micro(before);
  const history = await source.query<Src>("SELECT * FROM servers_historicalserver ORDER BY history_date, history_id");
  const latest = new Map<string, Src>();
  const seen = new Set<string>();
  for (const row of history) {
    if (micro(String(row.history_date)) >= bound) continue;
    latest.set(String(row.id), row); // a later row (by date, then id) replaces an earlier one
    seen.add(String(row.id));
  }
  const fromHistory = new Map([...latest].filter(([, row]) => row.history_type !== "-"));
  const live = await source.query<Src>(
    "SELECT a.id, a.created_at FROM servers_asset a JOIN servers_rackedasset ra ON ra.asset_ptr_id = a.id " +
      "JOIN servers_server s ON s.rackedasset_ptr_id = a.id",
  );
  const fromCurrent = live
    .filter((a) => !seen.has(String(a.id)) && micro(String(a.created_at)) < bound)
    .map((a) => String(a.id));
  return { fromHistory, fromCurrent };
}

async function insertRows(db: MysqlDb, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const tuple = `(${columns.map(() => "?").join(",")})`;
    await db.execute(
      `INSERT INTO ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c)).join(",")}) VALUES ${chunk.map(() => tuple).join(",")}`,
      chunk.flat(),
    );
  }
}

/**
 * The rows `backfill` must write for the day whose state is taken just before `before`, from the
 * ServerDB database `sourceName`. Builds a scratch database on the test bed's primary.
 */
export async function expectedAsOf(sourceName: string, before: string): Promise<Expected & { state: AsOfState }> {
  const scratch = await freshDatabase("asof");
  const db = await connect(servers().primary, scratch);
  const src = await connect(servers().primary, sourceName);
  try {
    const state = await asOfState(src, before);
    const q = (name: string) => `${quoteIdent(sourceName)}.${quoteIdent(name)}`;
    await db.execute("SET SESSION foreign_key_checks = 0");
    for (const t of [...CURRENT_TABLES, ...SERVER_TABLES]) await db.execute(`CREATE TABLE ${quoteIdent(t)} LIKE ${q(t)}`);
    for (const t of CURRENT_TABLES) await db.execute(`INSERT INTO ${quoteIdent(t)} SELECT * FROM ${q(t)}`);

    const rows = [...state.fromHistory.values()];
    await insertRows(db, "servers_asset", ["id", "name", "serialnumber", "status", "owner", "created_at", "last_edit", "site_id"],
      rows.map((h) => [h.id, h.name, h.serialnumber, h.status, h.owner, h.created_at, h.last_edit, h.site_id]));
    await insertRows(db, "servers_rackedasset", ["asset_ptr_id", "position", "rack_id"], rows.map((h) => [h.id, h.position, h.rack_id]));
    await insertRows(db, "servers_server",
      ["rackedasset_ptr_id", "cpu_count", "memory", "network_speed", "ip_address", "mac_address", "cpu_id", "model_id"],
      rows.map((h) => [h.id, h.cpu_count, h.memory, h.network_speed, h.ip_address, h.mac_address, h.cpu_id, h.model_id]));
    if (state.fromCurrent.length) {
      const ids = state.fromCurrent.map(() => "?").join(",");
      for (const [t, key] of [["servers_asset", "id"], ["servers_rackedasset", "asset_ptr_id"], ["servers_server", "rackedasset_ptr_id"]] as const) {
        await db.execute(`INSERT INTO ${quoteIdent(t)} SELECT * FROM ${q(t)} WHERE ${quoteIdent(key)} IN (${ids})`, state.fromCurrent);
      }
    }
    return { ...(await expectedFacts(db)), state };
  } finally {
    await src.close();
    await db.execute(`DROP DATABASE ${quoteIdent(scratch)}`).catch(() => {});
    await db.close();
  }
}
