// The whole synthetic ServerDB as one stream of table batches: reference tables, racks,
// history (if any), then the live asset tables in id order, 1000 assets at a time; with site
// extras, each of their tables next to the table it hangs off (models, racks, assets).
// Engine-agnostic: what happens to the batches is the writer's business.
import { buildCatalog, rackRow } from "./catalog.ts";
import { KIND, generateAsset, kindOf, type FleetPlan } from "./asset.ts";
import { FleetState } from "./fleet-state.ts";
import { simulateHistory, type HistoryStats } from "./history.ts";
import * as r from "./rows.ts";
import { extraBatch, modelPowerRows, purchase, rackPlacement } from "./site-extras.ts";
import { Timeline } from "./timeline.ts";

export interface FleetOptions {
  /** Servers to create (switches, filers and other assets come on top). */
  servers: number;
  /** PRNG seed: same seed and end date ⇒ identical tables. */
  seed: number;
  /** Days of simulated history ending with endDate; 0 = one `+` row per server. */
  historyDays: number;
  /** 'YYYY-MM-DD', the last day of history and "today" for created_at values. */
  endDate: string;
}

export interface FleetSummary {
  /** Servers in servers_server at the end. */
  servers: number;
  /** Servers created and deleted again during the history window. */
  deletedServers: number;
  switches: number;
  filers: number;
  /** Racked assets that are none of the three, plus plain assets. */
  otherAssets: number;
  historyRows: number;
  historyTies: number;
  /** Live servers with no history row (bulk-created). */
  withoutHistory: number;
  /** Live servers whose last change was a QuerySet.update(): newest history row ≠ live row. */
  untrackedIds: number[];
}

/** How much of the fleet is created during the history window (the rest is older). */
function windowShare(days: number): number {
  return Math.min(0.6, days / (days + 1095));
}

/** The id ranges and reference data for these options (scans kinds only: O(1) memory). */
export function planFleet(opts: FleetOptions): FleetPlan {
  const preWindowServers = opts.servers - Math.round(opts.servers * windowShare(opts.historyDays));
  let seen = 0;
  let preWindowLastId = 0;
  let lastId = 0;
  for (let id = 1; seen < opts.servers; id++) {
    if (kindOf(opts.seed, id) !== KIND.server) continue;
    seen++;
    if (seen === preWindowServers) preWindowLastId = id;
    lastId = id;
  }
  const timeline = new Timeline(opts.endDate, opts.historyDays, preWindowLastId, lastId);
  return { seed: opts.seed, catalog: buildCatalog(opts.seed, lastId), timeline };
}

export function emptySummary(): FleetSummary {
  return { servers: 0, deletedServers: 0, switches: 0, filers: 0, otherAssets: 0, historyRows: 0, historyTies: 0, withoutHistory: 0, untrackedIds: [] };
}

const IDS_PER_CHUNK = 1000;

/**
 * Every row of the synthetic ServerDB, table by table, in bounded batches; fills `summary`.
 * `siteExtras` adds the rows of the site-specific tables (site-extras.ts), changing no other row.
 */
export function* generateFleet(plan: FleetPlan, summary: FleetSummary, siteExtras = false): Generator<r.TableBatch> {
  const { catalog, timeline, seed } = plan;
  yield* r.catalogBatches(catalog);
  if (siteExtras) yield extraBatch("servers_modelpower", modelPowerRows(seed, catalog));
  let placementId = 0;
  for (let first = 1; first <= catalog.rackCount; first += IDS_PER_CHUNK) {
    const rows: r.RowValues[] = [];
    const placements: r.RowValues[] = [];
    for (let id = first; id < first + IDS_PER_CHUNK && id <= catalog.rackCount; id++) {
      rows.push(rackRow(seed, catalog, id));
      const p = siteExtras ? rackPlacement(seed, catalog, id) : null;
      if (p) placements.push([++placementId, ...p]);
    }
    yield r.batch("servers_rack", rows);
    if (placements.length) yield extraBatch("servers_rackplacement", placements);
  }

  const state = timeline.historyDays > 0 ? new FleetState(timeline.lastId) : null;
  const stats: HistoryStats = { rows: 0, deleted: 0, ties: 0 };
  yield* simulateHistory(plan, state, stats);
  summary.historyRows = stats.rows;
  summary.historyTies = stats.ties;
  summary.deletedServers = stats.deleted;

  // Ids of servers_deliveryasset and servers_server_role count deleted servers' rows too,
  // so those tables have the gaps a real database has after deletions.
  let deliveryId = 0;
  let serverRoleId = 0;
  let purchaseId = 0;
  for (let first = 1; first <= timeline.lastId; first += IDS_PER_CHUNK) {
    const t: Record<(typeof r.ASSET_TABLES)[number], r.RowValues[]> = {
      servers_asset: [], servers_rackedasset: [], servers_server: [], servers_switch: [], servers_filer: [],
      servers_deliveryasset: [], servers_server_role: [],
    };
    const purchases: r.RowValues[] = [];
    for (let id = first; id < first + IDS_PER_CHUNK && id <= timeline.lastId; id++) {
      const a = generateAsset(plan, id);
      const firstRole = serverRoleId + 1;
      serverRoleId += a.roles.length;
      if (a.delivery) deliveryId++;
      // A deleted server's purchase row went with it (CASCADE): its id is a gap, as for deliveries.
      const bought = siteExtras ? purchase(seed, a) : null;
      if (bought) purchaseId++;
      if (state?.isDeleted(id)) continue;
      if (bought) purchases.push([purchaseId, ...bought]);
      if (state) state.restore(a);
      t.servers_asset.push(r.assetRow(a));
      if (a.kind !== KIND.plain) t.servers_rackedasset.push(r.rackedAssetRow(a));
      if (a.delivery) t.servers_deliveryasset.push([deliveryId, a.delivery.assetType, a.delivery.date, id]);
      switch (a.kind) {
        case KIND.server:
          summary.servers++;
          if (a.bulkCreated) summary.withoutHistory++;
          if (state?.isUntracked(id)) summary.untrackedIds.push(id);
          t.servers_server.push(r.serverRow(a));
          a.roles.forEach((role, i) => t.servers_server_role.push([firstRole + i, id, role]));
          break;
        case KIND.switch:
          summary.switches++;
          t.servers_switch.push(r.kindRow(a));
          break;
        case KIND.filer:
          summary.filers++;
          t.servers_filer.push(r.kindRow(a));
          break;
        default:
          summary.otherAssets++;
      }
    }
    for (const table of r.ASSET_TABLES) if (t[table].length) yield r.batch(table, t[table]);
    if (purchases.length) yield extraBatch("servers_purchase", purchases);
  }
}
