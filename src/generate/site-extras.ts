// The optional site-specific tables of `generate --site-extras` (a rack's row and room, a model's
// rated power, a server's purchase order and warranty end): every row a pure function of (seed, id)
// drawn from streams of its own, so turning the flag on changes no row of any other table.
import { siteOfRack, type Catalog } from "./catalog.ts";
import { KIND, type AssetRecord } from "./asset.ts";
import { STREAM, rngFor } from "./prng.ts";
import type { RowValues, TableBatch } from "./rows.ts";
import { formatDate } from "./timeline.ts";

export const SITE_EXTRA_COLUMNS = {
  servers_rackplacement: ["id", "rack_id", "row_name", "room"],
  servers_modelpower: ["id", "model_id", "rated_watts"],
  servers_purchase: ["id", "asset_id", "purchase_order", "warranty_end"],
} as const;

export type SiteExtraTable = keyof typeof SITE_EXTRA_COLUMNS;

export function extraBatch(table: SiteExtraTable, rows: RowValues[]): TableBatch {
  return { table, columns: SITE_EXTRA_COLUMNS[table], rows };
}

/** Racks in each stretch of this many that get a room name too long for a varchar(32) (at least one per fleet). */
const LONG_ROOM_EVERY = 200;
const LONG_ROOM_SUFFIXES = [" (temporary overflow cage #)", " - Meet-Me Room annex, level #"];

/**
 * The servers_rackplacement row [rack_id, row_name, room] of a rack, or null (~5%: placement
 * unknown). The row follows the rack's name (rack i of a site is in row i/20, as in 'FRA1-B07'),
 * two rows make a hall, three halls a building: 'R04', 'DC1-Hall-B'. ~1% of rows and ~2% of rooms
 * are NULL; one rack in every 200 (offset by the seed) sits in a room named longer than 32 characters.
 */
export function rackPlacement(seed: number, catalog: Catalog, rackId: number): [number, string | null, string | null] | null {
  const period = Math.min(LONG_ROOM_EVERY, catalog.rackCount);
  const long = (rackId - 1) % period === rngFor(seed, STREAM.rackPlacement, 0).int(0, period - 1);
  const rng = rngFor(seed, STREAM.rackPlacement, rackId);
  const unknown = rng.chance(0.05);
  const noRow = rng.chance(0.01);
  const noRoom = rng.chance(0.02);
  const suffix = rng.pick(LONG_ROOM_SUFFIXES).replace("#", String(rng.int(1, 9)));
  if (unknown && !long) return null;
  const row = Math.floor((rackId - siteOfRack(catalog, rackId).rackFirst) / 20);
  const hall = Math.floor(row / 2);
  const room = `DC${1 + Math.floor(hall / 3)}-Hall-${String.fromCharCode(65 + (hall % 3))}`;
  return [rackId, noRow ? null : `R${String(row + 1).padStart(2, "0")}`, long ? room + suffix : noRoom ? null : room];
}

// Power supply ratings by the model's kind (watts): virtual and unnamed models get the small ones.
const RATINGS = {
  small: [250, 300, 350, 400],
  oneU: [495, 550, 750, 800, 900],
  twoU: [750, 1100, 1400, 1600],
} as const;

function ratingsFor(modelName: string): readonly number[] {
  if (/virtual|qemu|standard pc|not specified|custom/i.test(modelName)) return RATINGS.small;
  if (/R6\d0|DL360|1029|SR630|1U/i.test(modelName)) return RATINGS.oneU;
  return RATINGS.twoU;
}

/**
 * servers_modelpower rows [id, model_id, rated_watts]: the catalog is small, so the shares are
 * exact rather than drawn: a seeded shuffle picks the ~10% of models without a row and the ~5%
 * (at least one) whose rating is NULL.
 */
export function modelPowerRows(seed: number, catalog: Catalog): RowValues[] {
  const rng = rngFor(seed, STREAM.modelPower, 0);
  const order = catalog.models.map((m) => m.id);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const missing = Math.round(order.length * 0.1);
  const absent = new Set(order.slice(0, missing));
  const unrated = new Set(order.slice(missing, missing + Math.max(1, Math.round(order.length * 0.05))));
  const rows: RowValues[] = [];
  for (const m of catalog.models) {
    if (absent.has(m.id)) continue;
    const watts = rngFor(seed, STREAM.modelPower, m.id).pick(ratingsFor(m.name));
    rows.push([rows.length + 1, m.id, unrated.has(m.id) ? null : watts]);
  }
  return rows;
}

/**
 * A server's servers_purchase values [asset_id, purchase_order, warranty_end], or null (~20%: no
 * purchase record; always null for other kinds). 'PO-<year>-<6 digits>' (year of delivery, else of
 * creation; ~3% NULL); the warranty ends 3 (60%) or 5 years after the delivery date, NULL without one.
 */
export function purchase(seed: number, a: AssetRecord): [number, string | null, string | null] | null {
  if (a.kind !== KIND.server) return null;
  const rng = rngFor(seed, STREAM.purchase, a.id);
  if (!rng.chance(0.8)) return null;
  const noOrder = rng.chance(0.03);
  const number = String(rng.int(1, 999_999)).padStart(6, "0");
  const years = rng.chance(0.6) ? 3 : 5;
  const delivered = a.delivery?.date ?? null;
  const year = (delivered ?? formatDate(a.createdAtUs)).slice(0, 4);
  return [a.id, noOrder ? null : `PO-${year}-${number}`, delivered ? addYears(delivered, years) : null];
}

/** 'YYYY-MM-DD' plus whole years; 29 February becomes the 28th in a year without one (as MySQL's DATE_ADD does). */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const rest = date.slice(4) === "-02-29" && !leap ? "-02-28" : date.slice(4);
  return `${String(y).padStart(4, "0")}${rest}`;
}
