// Field values of one synthetic asset, dirt included: host names (too long, non-ASCII,
// trailing blanks), serials, owners, IPv4/IPv6, MACs in every format docs/data-contract.md accepts and some invalid.
import { Rng, Weighted } from "./prng.ts";

/** Status texts; the index is the code kept in the history simulation's typed arrays. */
export const STATUS_TEXT = [null, "in_use", "spare", "broken", "retired", "provisioning", "In_Use", "SPARE", "Retired"] as const;
export const STATUS = { null: 0, in_use: 1, spare: 2, broken: 3, retired: 4, provisioning: 5 } as const;

export const fleetStatus = new Weighted<number>([
  [STATUS.in_use, 78], [STATUS.spare, 6], [STATUS.broken, 3], [STATUS.retired, 5], [STATUS.provisioning, 3],
  [STATUS.null, 2], [6, 1.5], [7, 0.5], [8, 0.5],
]);

const LONG_TAIL = ".renamed-by-the-2019-migration-script.please-fix-me.see-ticket-INFRA-4711.do-not-reuse";
const NON_ASCII = ["srv-müller-", "köln-db-", "サーバー-", "łódź-web-", "test-🚀-", "Ωmega-", "são-paulo-edge-"];

/** A host name like 'fra1-web-01234.example.com', sometimes dirty. */
export function hostName(rng: Rng, id: number, site: string | null, kind: string): string {
  const u = rng.float();
  if (u < 0.01) return NON_ASCII[id % NON_ASCII.length] + id;
  let name = `${(site ?? "xx").toLowerCase()}-${kind}-${String(id).padStart(5, "0")}`;
  const domain = rng.float();
  if (domain < 0.4) name += ".example.com";
  else if (domain < 0.5) name += ".prod.example.net";
  if (u < 0.02) {
    // Longer than the warehouse's varchar(128), within the source's varchar(200).
    const length = rng.int(129, 200);
    while (name.length < length) name += LONG_TAIL;
    return name.slice(0, length);
  }
  if (u < 0.025) return name + " ";
  if (u < 0.03) return name.toUpperCase();
  return name;
}

const SERIAL_CHARS = "0123456789BCDFGHJKLMNPQRSTVWXYZ";

export function serialNumber(rng: Rng): string | null {
  const u = rng.float();
  if (u < 0.03) return null;
  if (u < 0.05) return "Not Specified";
  if (u < 0.055) return "To Be Filled By O.E.M.";
  if (u < 0.06) return "";
  const hpe = rng.chance(0.3);
  let s = hpe ? "CZ" : "";
  for (let i = hpe ? 8 : 7; i > 0; i--) s += SERIAL_CHARS[rng.int(0, SERIAL_CHARS.length - 1)];
  return s;
}

const OWNERS = [
  "alice", "bob", "jdoe", "mschmidt", "kwong", "apatel", "lgarcia", "tnguyen", "rsingh", "ebrown", "okim",
  "platform-team", "sre-oncall", "team-search", "team-payments", "dba", "netops", "storage-admins", "ml-infra",
  "ci-bot", "p.müller",
];

export function owner(rng: Rng): string | null {
  const u = rng.float();
  if (u < 0.05) return null;
  // Longer than the warehouse's varchar(20), within the source's varchar(40).
  if (u < 0.06) return "infrastructure-automation@example.com";
  if (u < 0.065) return "jürgen.weiß";
  return rng.pick(OWNERS);
}

export function ipAddress(rng: Rng, id: number, siteId: number | null): string | null {
  const u = rng.float();
  if (u < 0.03) return null;
  if (u < 0.05) {
    const hex = () => rng.int(0, 0xffff).toString(16);
    return `2001:db8:${(siteId ?? 0).toString(16)}::${hex()}:${hex()}`;
  }
  if (u < 0.07) {
    // The full 39 characters of char(39).
    const hex4 = () => rng.int(0, 0xffff).toString(16).padStart(4, "0");
    return `2001:0db8:${hex4()}:${hex4()}:0000:${hex4()}:${hex4()}:${hex4()}`;
  }
  if (siteId === null) return `192.168.${(id >> 8) & 255}.${id & 255}`;
  return `10.${siteId}.${(id >> 8) & 255}.${id & 255}`;
}

const OUIS = [[0x00, 0x1a, 0x2b], [0xb8, 0x2a, 0x72], [0x3c, 0xec, 0xef], [0x0c, 0xc4, 0x7a], [0x00, 0x25, 0x90]];

const MAC_FORMAT = new Weighted<string>([
  ["lower", 70], ["upper", 8], ["upper-dash", 5], ["lower-dash", 2], ["bare", 3], ["dotted", 3],
  ["short", 2], ["blanks", 1], ["n/a", 1], ["five", 0.5], ["empty", 0.5],
]);

/** A MAC in one of the formats docs/data-contract.md ("MAC addresses") accepts, or one it rejects (N/A, five groups, ''). */
export function macAddress(rng: Rng): string | null {
  if (rng.chance(0.03)) return null;
  const bytes = [...rng.pick(OUIS), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0"));
  switch (MAC_FORMAT.pick(rng)) {
    case "upper":
      return hex.join(":").toUpperCase();
    case "upper-dash":
      return hex.join("-").toUpperCase();
    case "lower-dash":
      return hex.join("-");
    case "bare":
      return rng.chance(0.5) ? hex.join("") : hex.join("").toUpperCase();
    case "dotted":
      return `${hex[0]}${hex[1]}.${hex[2]}${hex[3]}.${hex[4]}${hex[5]}`;
    case "short":
      // Groups of one hex digit where the byte allows (switch-style output): '0:1a:2b:3:4c:5d'.
      return bytes.map((b) => b.toString(16)).join(":");
    case "blanks":
      return ` ${hex.join("")} `;
    case "n/a":
      return "N/A";
    case "five":
      return hex.slice(0, 5).join(":");
    case "empty":
      return "";
    default:
      return hex.join(":");
  }
}

const MEMORY_GIB = new Weighted<number>([
  [16, 2], [32, 6], [64, 14], [128, 22], [192, 8], [256, 20], [384, 8], [512, 12], [768, 4], [1024, 3], [1536, 0.6], [2048, 0.4],
]);
/** What dmidecode sums add up to when a DIMM is missing or reported oddly, in thousandths of GiB. */
const ODD_MEMORY_MILLI = [31_250, 62_500, 125_800, 250_000, 500, 95_996];

/** Memory in thousandths of a GiB (decimal(8,3) without the float rounding), or null. */
export function memoryMilli(rng: Rng): number | null {
  const u = rng.float();
  if (u < 0.03) return null;
  if (u < 0.06) return rng.pick(ODD_MEMORY_MILLI);
  return MEMORY_GIB.pick(rng) * 1000;
}

export function formatMemory(milli: number | null): string | null {
  if (milli === null) return null;
  const frac = milli % 1000;
  return `${(milli - frac) / 1000}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}`;
}

const NETWORK_SPEED = new Weighted<number | null>([[1000, 20], [10000, 55], [25000, 18], [100000, 2], [null, 5]]);
const CPU_COUNT = new Weighted<number | null>([[1, 15], [2, 78], [4, 4], [null, 3]]);

export function networkSpeed(rng: Rng): number | null {
  return NETWORK_SPEED.pick(rng);
}

export function cpuCount(rng: Rng): number | null {
  return CPU_COUNT.pick(rng);
}
