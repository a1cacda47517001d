// Micro-benchmark of the transform stage alone: transformServer over 200k synthetic raw rows
// (a pool of 20k distinct rows, cycled), no database. Prints rows/s.
// Usage: bun run bench/transform.ts [rows]
import { transformServer } from "../src/transform/index.ts";
import type { RawServerRow } from "../src/transform/types.ts";

const ROWS = Number(process.argv[2] ?? 200_000);
const POOL = 20_000;

// A small deterministic PRNG (mulberry32): the same rows every run, so runs compare.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const maybe = <T>(p: number, v: T): T | null => (rand() < p ? v : null);
const hex2 = () => Math.floor(rand() * 256).toString(16).padStart(2, "0");

const CPUS = [
  "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
  "Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz",
  "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
  "Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz",
  "AMD EPYC 7742 64-Core Processor",
  "Dual-Core AMD Opteron(tm) Processor 2218",
  "Common KVM processor",
  "Not Specified",
];
const STATUSES = ["Active", "in use", " Spare ", "decommissioned", "BROKEN"];
const ROLES = Array.from({ length: 200 }, (_, i) => [i + 1, `role-${i}`, i % 3 ? `svc_${i % 50}` : null, i % 5 ? 1000 + (i % 30) : null, i % 5 ? `Team ${i % 30}` : null]);

function rawRow(id: number): RawServerRow {
  const nRoles = Math.floor(rand() * 4);
  const roles = Array.from({ length: nRoles }, () => pick(ROLES)).sort((a, b) => (a[0] as number) - (b[0] as number));
  const mac = [hex2(), hex2(), hex2(), hex2(), hex2(), hex2()];
  return {
    id,
    name: `srv-${id}.dc${id % 17}.example.org`,
    serialnumber: maybe(0.95, `SN${(id * 7919).toString(36).toUpperCase()}`),
    status: maybe(0.97, pick(STATUSES)),
    owner: maybe(0.8, pick(["ops", "platform-engineering-and-operations", "dba"])),
    created_at: `2019-0${1 + (id % 9)}-1${id % 10} 0${id % 10}:12:34.${String(id % 1_000_000).padStart(6, "0")}`,
    last_edit: "2024-05-06 07:08:09.123456",
    asset_type: maybe(0.9, "server"),
    delivery_date: maybe(0.7, rand() < 0.05 ? "0000-00-00" : "2019-03-04"),
    site: maybe(0.98, `fra${id % 4}`),
    region_name: maybe(0.95, "eu"),
    az_name: maybe(0.95, `central-1${"abc"[id % 3]}`),
    rack: maybe(0.9, `R${id % 400}`),
    roles: nRoles === 0 ? null : roles.map((r) => JSON.stringify(r).replaceAll(",", ", ")).join(","),
    cpu_version: maybe(0.95, pick(CPUS)),
    cpu_cores: maybe(0.6, pick([8, 16, 24, 64])),
    cpu_threads: maybe(0.6, pick([16, 32, 48, 128])),
    cpu_count: maybe(0.9, pick([1, 2, 4])),
    memory: maybe(0.95, pick(["64.000", "128.000", "255.900", "512.000", "1536.000"])),
    network_speed: maybe(0.9, pick([1000, 10000, 25000])),
    ip_address: maybe(0.9, `10.${id % 256}.${(id >> 8) % 256}.${id % 200}`),
    mac_address: maybe(0.9, pick([mac.join(":"), mac.join("-").toUpperCase(), mac.join(""), "N/A", ""])),
    manufacturer: maybe(0.9, pick(["Dell Inc.", "HPE", "Supermicro"])),
    model: maybe(0.9, pick(["PowerEdge R640", "ProLiant DL380 Gen10", "SYS-1029U"])),
  };
}

const pool = Array.from({ length: POOL }, (_, i) => rawRow(i + 1));
// Warm-up so the JIT has compiled the hot paths before timing.
for (const row of pool) transformServer(row);

let warnings = 0;
let roleRows = 0;
const start = Bun.nanoseconds();
for (let i = 0; i < ROWS; i++) {
  const out = transformServer(pool[i % POOL]!);
  roleRows += out.roles.length;
  for (const k in out.warnings) warnings += out.warnings[k]!;
}
const seconds = (Bun.nanoseconds() - start) / 1e9;
const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
process.stdout.write(
  `transform: ${ROWS} rows in ${seconds.toFixed(3)} s = ${Math.round(ROWS / seconds)} rows/s ` +
    `(${roleRows} role rows, ${warnings} warnings, rss ${rss} MiB)\n`,
);
