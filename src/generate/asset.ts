// One synthetic asset as a pure function of (seed, id): its kind (server, switch, filer…) and
// every field as it was when created. The history simulation and the live-table writer both
// call it, so no asset is ever held in memory longer than it takes to write it.
import { pickRack, type Catalog, type Role } from "./catalog.ts";
import { Rng, STREAM, Weighted, rngFor } from "./prng.ts";
import { US_PER_DAY, formatDate, type Timeline } from "./timeline.ts";
import * as v from "./values.ts";

export const KIND = { server: 0, switch: 1, filer: 2, racked: 3, plain: 4 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/** Everything that decides an asset: the same plan always gives the same assets. */
export interface FleetPlan {
  seed: number;
  catalog: Catalog;
  timeline: Timeline;
}

export interface AssetRecord {
  id: number;
  kind: Kind;
  name: string;
  serialnumber: string | null;
  /** Index into STATUS_TEXT. */
  status: number;
  owner: string | null;
  createdAtUs: number;
  lastEditUs: number;
  siteId: number | null;
  // servers_rackedasset (every kind but plain)
  position: number | null;
  rackId: number | null;
  // servers_server
  cpuCount: number | null;
  memoryMilli: number | null;
  networkSpeed: number | null;
  ip: string | null;
  mac: string | null;
  cpuId: number | null;
  modelId: number | null;
  /** servers_serverrole ids, distinct. */
  roles: number[];
  /** Created by bulk_create and never saved since: no history rows at all. */
  bulkCreated: boolean;
  // servers_switch / servers_filer
  ports: number;
  capacityTb: number;
  /** servers_deliveryasset, or null when the asset has no delivery row. */
  delivery: { assetType: string | null; date: string | null } | null;
}

/** The first draw of an asset's generator decides its kind; `kindOf` is that draw alone. */
function drawKind(rng: Rng): Kind {
  const u = rng.float();
  if (u < 0.05) return KIND.switch;
  if (u < 0.08) return KIND.filer;
  if (u < 0.085) return KIND.racked; // a patch panel, PDU…: racked, but neither server, switch nor filer
  if (u < 0.09) return KIND.plain; // an asset that is not even racked (licence, KVM console)
  return KIND.server;
}

export function kindOf(seed: number, id: number): Kind {
  return drawKind(rngFor(seed, STREAM.asset, id));
}

const ROLE_COUNT = new Weighted<number>([[0, 5], [1, 62], [2, 18], [3, 8], [4, 4], [5, 3]]);
const OTHER_STATUS = new Weighted<number>([[v.STATUS.in_use, 90], [v.STATUS.spare, 5], [v.STATUS.null, 5]]);
const WINDOW_STATUS = new Weighted<number>([[v.STATUS.provisioning, 90], [v.STATUS.in_use, 10]]);
const SERVER_DELIVERY = new Weighted<string | null>([["server", 85], ["Server", 4], ["rental", 3], ["loaner", 1], ["SERVER ", 1], [null, 4]]);
const KIND_NAME: Record<Kind, string> = { 0: "srv", 1: "sw", 2: "filer", 3: "pdu", 4: "kvm" };

export function generateAsset(plan: FleetPlan, id: number): AssetRecord {
  const { catalog, timeline } = plan;
  const rng = rngFor(plan.seed, STREAM.asset, id);
  const kind = drawKind(rng);
  const isServer = kind === KIND.server;
  // Servers created during the history window arrive half-described: provisioning, cpu/model unknown.
  const fresh = timeline.isWindowId(id);

  const createdAtUs = timeline.createdAtUs(id, rng.float());
  // auto_now_add and auto_now each call timezone.now(): last_edit is a few µs later.
  const lastEditUs = createdAtUs + rng.int(1, 40);
  const site = rng.chance(0.03) ? null : catalog.pickSite.pick(rng);
  const rackId = rng.chance(0.03) ? null : pickRack(rng, catalog, site);
  const position = rng.chance(0.05) ? null : rng.int(1, 42);
  const status = !isServer ? OTHER_STATUS.pick(rng) : fresh ? WINDOW_STATUS.pick(rng) : v.fleetStatus.pick(rng);
  const roles = isServer ? pickRoles(rng, catalog) : [];
  const service = roles.length ? catalog.roles[roles[0] - 1].puppetService : null;
  const label = isServer && service ? service.split("::")[0] : KIND_NAME[kind];
  const name = v.hostName(rng, id, site?.shortname ?? null, label);

  const rec: AssetRecord = {
    id,
    kind,
    name,
    serialnumber: v.serialNumber(rng),
    status,
    owner: v.owner(rng),
    createdAtUs,
    lastEditUs,
    siteId: site?.id ?? null,
    position,
    rackId,
    cpuCount: null,
    memoryMilli: null,
    networkSpeed: null,
    ip: null,
    mac: null,
    cpuId: null,
    modelId: null,
    roles,
    bulkCreated: false,
    ports: 0,
    capacityTb: 0,
    delivery: null,
  };
  if (isServer) {
    rec.cpuCount = v.cpuCount(rng);
    rec.memoryMilli = v.memoryMilli(rng);
    rec.networkSpeed = v.networkSpeed(rng);
    rec.ip = v.ipAddress(rng, id, rec.siteId);
    rec.mac = v.macAddress(rng);
    rec.cpuId = rng.chance(fresh ? 0.3 : 0.03) ? null : catalog.pickCpu.pick(rng);
    rec.modelId = rng.chance(fresh ? 0.3 : 0.03) ? null : catalog.pickModel.pick(rng);
    rec.bulkCreated = rng.chance(0.02);
  } else if (kind === KIND.switch) {
    rec.ports = rng.pick([24, 48, 52, 64]);
  } else if (kind === KIND.filer) {
    rec.capacityTb = rng.pick([48, 96, 192, 384, 768]);
  }
  if (!rng.chance(isServer ? 0.04 : 0.1)) {
    const assetType = isServer ? SERVER_DELIVERY.pick(rng) : kind === KIND.switch ? "switch" : kind === KIND.filer ? "storage" : "other";
    const date = rng.chance(0.03) ? null : formatDate(createdAtUs - rng.int(0, 45) * US_PER_DAY);
    rec.delivery = { assetType, date };
  }
  return rec;
}

/** 0–5 distinct roles; several roles preferably come from different teams. */
function pickRoles(rng: Rng, catalog: Catalog): number[] {
  const count = ROLE_COUNT.pick(rng);
  const picked: Role[] = [];
  for (let tries = 0; picked.length < count && tries < 30; tries++) {
    const role = catalog.pickRole.pick(rng);
    if (picked.some((r) => r.id === role.id)) continue;
    if (tries < 20 && role.managedBy !== null && picked.some((r) => r.managedBy === role.managedBy)) continue;
    picked.push(role);
  }
  return picked.map((r) => r.id);
}
