// Reference data of the synthetic ServerDB: regions, zones, sites, racks, teams, roles,
// manufacturers, models and CPUs, with the dirt docs/data-contract.md's rules clean up. Small and fixed-size,
// except racks, which are computed from their id (never held in memory).
import { Rng, STREAM, Weighted, rngFor } from "./prng.ts";

export interface Site {
  id: number;
  shortname: string;
  name: string;
  zoneId: number | null;
  weight: number;
  /** This site's racks are ids rackFirst .. rackFirst + rackCount - 1. */
  rackFirst: number;
  rackCount: number;
}

export interface Team {
  id: number;
  name: string;
  orgUnitId: number | null;
}

export interface Role {
  id: number;
  name: string;
  puppetService: string | null;
  managedBy: number | null;
}

export interface Model {
  id: number;
  name: string;
  manufacturerId: number | null;
}

export interface Cpu {
  id: number;
  version: string;
  cores: number | null;
  threads: number | null;
}

export interface Catalog {
  regions: ReadonlyArray<{ id: number; shortname: string }>;
  zones: ReadonlyArray<{ id: number; shortname: string; regionId: number }>;
  sites: readonly Site[];
  rackCount: number;
  teams: readonly Team[];
  roles: readonly Role[];
  manufacturers: ReadonlyArray<{ id: number; name: string }>;
  models: readonly Model[];
  cpus: readonly Cpu[];
  pickSite: Weighted<Site>;
  /** Role ids, popular ones first (a few roles cover most of the fleet). */
  pickRole: Weighted<Role>;
  pickModel: Weighted<number>;
  pickCpu: Weighted<number>;
}

const REGIONS = ["eu-central", "eu-west", "us-east", "us-west", "ap-southeast"];

// [region index, shortname]; the last one makes `<region>-<zone>` longer than the warehouse's 25 characters.
const ZONES: Array<[number, string]> = [
  [0, "az1"], [0, "az2"], [0, "az3"], [1, "az1"], [1, "az2"], [2, "az1"], [2, "az2"], [2, "az3"],
  [3, "az1"], [4, "az1"], [4, "interconnect-dc4"],
];

// [shortname, name, zone index or null (no availability zone), weight]
const SITES: Array<[string, string, number | null, number]> = [
  ["FRA1", "Frankfurt 1 (Equinix FR5)", 0, 14],
  ["FRA2", "Frankfurt 2 (Interxion FRA11)", 1, 12],
  ["FRA3", "Frankfurt 3", 2, 6],
  ["MUC1", "München Campus", 0, 4],
  ["AMS1", "Amsterdam 1", 3, 10],
  ["DUB1", "Dublin 1", 4, 6],
  ["IAD1", "Ashburn 1", 5, 12],
  ["IAD2", "Ashburn 2", 6, 8],
  ["NYC1", "New York 1", 7, 3],
  ["SJC1", "San José 1", 8, 6],
  ["SIN1", "Singapore 1", 9, 5],
  ["SIN2", "Singapore 2 (interconnect)", 10, 3],
  ["LAB", "Lab (no zone yet)", null, 2],
  ["LON-OLD", "London (legacy, closing)", null, 2],
  ["BER-X", "Berlin pop-up", null, 1],
];

const TEAM_NAMES = [
  "Platform Engineering", "Site Reliability", "Data Infrastructure", "Search", "Payments", "Observability",
  "Storage", "Netzwerk & Sicherheit", "Identity", "Messaging", "Build & Release", "Machine Learning",
  "Video Pipeline", "Databases", "Edge", "Corporate IT", "Analytics", "Mobile Backend", "Ads Delivery",
  "Customer Data Platform", "Équipe Infrastructure Paris", "Compute", "Core Services", "Security Operations",
  "Mail", "Recommendations", "Billing", "Internal Tools", "Kubernetes", "Backup & Recovery",
  "Logistics Systems", "Growth",
];

const PUPPET_SERVICES = [
  "web::frontend", "web::backend", "web::static", "api::gateway", "api::internal", "db::mysql::primary",
  "db::mysql::replica", "db::postgres", "db::mariadb::galera", "cache::redis", "cache::memcached",
  "search::elasticsearch", "search::solr", "queue::kafka::broker", "queue::rabbitmq", "k8s::master",
  "k8s::worker", "hadoop::datanode", "hadoop::namenode", "spark::worker", "storage::ceph::osd",
  "storage::ceph::mon", "storage::minio", "monitoring::prometheus", "monitoring::grafana", "logging::elk",
  "logging::loki", "ci::jenkins", "ci::runner", "build::artifactory", "mail::relay", "mail::imap",
  "dns::resolver", "dns::authoritative", "lb::haproxy", "lb::nginx", "vpn::gateway", "backup::bacula",
  "ldap::server", "ntp::server", "bastion", "puppet::server", "gpu::training", "gpu::inference",
  "video::transcoder",
];

// Roles every fleet has, first: names equal under utf8mb4_general_ci ('Web', 'web', 'web ')
// but different byte-wise, a puppet service shared by two roles, and a role without one.
const FIXED_ROLES: Array<[string, string | null]> = [
  ["Web", "web::frontend"],
  ["web", "web::frontend"],
  ["web ", "web::static"],
  ["Database", "db::mysql::primary"],
  ["database", "db::mysql::replica"],
  ["DB", null],
];

const ROLE_SUFFIXES = ["", "", "", " (legacy)", " EU", " US", " v2", " canary", " - staging"];

const MANUFACTURERS = [
  "Dell Inc.", "HPE", "Hewlett Packard Enterprise", "Supermicro", "Lenovo", "Quanta Cloud Technology Inc.",
  "QEMU", "VMware, Inc.", "FUJITSU",
];

// [name, manufacturer index or null, weight]
const MODELS: Array<[string, number | null, number]> = [
  ["PowerEdge R640", 0, 14], ["PowerEdge R740xd", 0, 8], ["PowerEdge R650", 0, 10], ["PowerEdge R750", 0, 6],
  ["PowerEdge R630", 0, 5], ["PowerEdge R620", 0, 2], ["ProLiant DL360 Gen10", 1, 8], ["ProLiant DL380 Gen10", 2, 6],
  ["ProLiant DL380 Gen9", 1, 3], ["ProLiant DL360 Gen10 Plus", 1, 3], ["SYS-1029P-WTR", 3, 5],
  ["SYS-2029U-TR4", 3, 3], ["AS -2124US-TNRP", 3, 2], ["ThinkSystem SR650", 4, 4], ["ThinkSystem SR630 V2", 4, 3],
  ["D52B-1U", 5, 2], ["Standard PC (i440FX + PIIX, 1996)", 6, 2], ["VMware Virtual Platform", 7, 2],
  ["PRIMERGY RX2540 M5", 8, 1], ["Not Specified", null, 1], ["Custom build", null, 1],
];

// [raw dmidecode version, cores, threads, weight]: every example of docs/data-contract.md "CPU cleanup", spacing dirt, NULL counts.
const CPUS: Array<[string, number | null, number | null, number]> = [
  ["Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 14, 28, 8],
  ["Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz ", 14, 28, 2],
  ["Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz", 6, 12, 2],
  ["Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", 20, 40, 10],
  ["Intel(R) Xeon(R)  Gold  6248  CPU @ 2.50GHz", 20, 40, 1],
  ["Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz", 8, 16, 3],
  ["AMD EPYC 7742 64-Core Processor", 64, 128, 5],
  ["AMD EPYC 7742 64-Core Processor", null, null, 1],
  ["Dual-Core AMD Opteron(tm) Processor 2218", null, null, 1],
  ["Common KVM processor", null, null, 2],
  ["Virtual CPU", null, null, 1],
  ["Not Specified", null, null, 1],
  ["<unknown>", null, null, 0.3],
  ["Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz", 12, 24, 6],
  ["Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz   ", 12, null, 1],
  ["Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 32, 64, 6],
  ["Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz", 40, 80, 3],
  ["Intel(R) Xeon(R) Gold 5218 CPU @ 2.30GHz", 16, 32, 5],
  ["Intel(R) Xeon(R) CPU E5-2650 v2 @ 2.60GHz", 8, 16, 3],
  ["Intel(R) Xeon(R) CPU E5-2630L v2 @ 2.40GHz", 6, null, 1],
  ["Intel(R) Xeon-  E5-2690 v3 @ 2.60GHz", 12, 24, 1],
  ["AMD EPYC 7543 32-Core Processor", 32, 64, 4],
  ["AMD EPYC 9654 96-Core Processor", 96, 192, 2],
  ["AMD EPYC 7502P 32-Core Processor", null, 64, 1],
  ["Quad-Core AMD Opteron(tm) Processor 2376", null, null, 1],
  ["Six-Core AMD Opteron(tm) Processor 2435", null, null, 1],
  ["Eight-Core AMD Opteron(tm) Processor 6136", null, null, 0.5],
  ["QEMU Virtual CPU version 2.5+", 1, 1, 1],
  ["Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", 6, 12, 0.5],
  ["Intel Xeon E3-12xx v2 (Ivy Bridge)", null, null, 0.5],
];

/** Racked assets per rack, on average (sizes the rack table to the fleet). */
const ASSETS_PER_RACK = 35;

/** The reference data for a seed and a fleet of `assetCount` assets. */
export function buildCatalog(seed: number, assetCount: number): Catalog {
  const rng = rngFor(seed, STREAM.catalog);
  const regions = REGIONS.map((shortname, i) => ({ id: i + 1, shortname }));
  const zones = ZONES.map(([region, shortname], i) => ({ id: i + 1, shortname, regionId: region + 1 }));

  const totalWeight = SITES.reduce((s, [, , , w]) => s + w, 0);
  const wantedRacks = Math.max(2 * SITES.length, Math.ceil(assetCount / ASSETS_PER_RACK));
  let nextRack = 1;
  const sites: Site[] = SITES.map(([shortname, name, zone, weight], i) => {
    const rackCount = Math.max(2, Math.round((wantedRacks * weight) / totalWeight));
    const site = { id: i + 1, shortname, name, zoneId: zone === null ? null : zone + 1, weight, rackFirst: nextRack, rackCount };
    nextRack += rackCount;
    return site;
  });

  const teamNames = shuffle(rng, TEAM_NAMES).slice(0, rng.int(10, 30));
  const teams: Team[] = teamNames.map((name, i) => ({
    id: i + 1,
    name,
    // The last team never got an org unit, so every fleet has one; others miss it now and then.
    orgUnitId: i === teamNames.length - 1 || rng.chance(0.12) ? null : 4100 + 7 * i + rng.int(0, 6),
  }));

  const roles: Role[] = [];
  const roleCount = rng.int(50, 150);
  for (let i = 0; i < roleCount; i++) {
    const id = i + 1;
    const team = i === 1 || rng.chance(0.08) ? null : rng.pick(teams).id;
    if (i < FIXED_ROLES.length) {
      roles.push({ id, name: FIXED_ROLES[i][0], puppetService: FIXED_ROLES[i][1], managedBy: team });
      continue;
    }
    // Cycling through the services makes roles share one once there are more roles than services.
    const service = PUPPET_SERVICES[(i - FIXED_ROLES.length) % PUPPET_SERVICES.length];
    const name = roleName(rng, service) + rng.pick(ROLE_SUFFIXES);
    roles.push({ id, name, puppetService: rng.chance(0.08) ? null : service, managedBy: team });
  }

  const manufacturers = MANUFACTURERS.map((name, i) => ({ id: i + 1, name }));
  const models = MODELS.map(([name, m], i) => ({ id: i + 1, name, manufacturerId: m === null ? null : m + 1 }));
  const cpus = CPUS.map(([version, cores, threads], i) => ({ id: i + 1, version, cores, threads }));

  return {
    regions,
    zones,
    sites,
    rackCount: nextRack - 1,
    teams,
    roles,
    manufacturers,
    models,
    cpus,
    pickSite: new Weighted(sites.map((s) => [s, s.weight] as const)),
    pickRole: new Weighted(roles.map((r, i) => [r, 1 / Math.pow(i + 3, 0.9)] as const)),
    pickModel: new Weighted(MODELS.map(([, , w], i) => [i + 1, w] as const)),
    pickCpu: new Weighted(CPUS.map(([, , , w], i) => [i + 1, w] as const)),
  };
}

/** 'db::mysql::replica' → 'MySQL replica', 'Db Mysql Replica', 'db-mysql-replica'… */
function roleName(rng: Rng, service: string): string {
  const words = service.split("::").flatMap((p) => p.split("_"));
  const style = rng.int(0, 3);
  if (style === 0) return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(" ");
  if (style === 1) return words.join("-");
  if (style === 2) return words.join(" ").toUpperCase();
  return words.slice(1).join(" ") || words[0];
}

/** The site a rack belongs to (the rack row itself may still say NULL: see rackRow). */
export function siteOfRack(catalog: Catalog, rackId: number): Site {
  for (const site of catalog.sites) if (rackId < site.rackFirst + site.rackCount) return site;
  return catalog.sites[catalog.sites.length - 1];
}

/** A random rack of `site` (any site when null). */
export function pickRack(rng: Rng, catalog: Catalog, site: Site | null): number {
  if (!site) return rng.int(1, catalog.rackCount);
  return site.rackFirst + rng.int(0, site.rackCount - 1);
}

/** servers_rack row [id, name, site_id] for a rack id: 'FRA1-B07', with some naming dirt. */
export function rackRow(seed: number, catalog: Catalog, rackId: number): [number, string, number | null] {
  const rng = rngFor(seed, STREAM.rack, rackId);
  const site = siteOfRack(catalog, rackId);
  const i = rackId - site.rackFirst;
  const row = String.fromCharCode(65 + (Math.floor(i / 20) % 26)) + (i >= 520 ? Math.floor(i / 520) : "");
  const number = String((i % 20) + 1).padStart(2, "0");
  const u = rng.float();
  let name = `${site.shortname}-${row}${number}`;
  if (u < 0.02) name = `rack ${row}${number}`;
  else if (u < 0.04) name += " ";
  else if (u < 0.05) name = name.toLowerCase();
  return [rackId, name, rng.chance(0.01) ? null : site.id];
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
