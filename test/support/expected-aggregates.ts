// The test oracle for `aggregate`: the server_by_* rows that a day's server_facts and
// server_fact_roles rows should give, computed from docs/data-contract.md's "Aggregates" tables in plain
// TypeScript (Maps and loops). Independent of the code under test on purpose: it imports
// nothing from src/pipeline or sql/, and takes rows as `SELECT *` returns them.
//
// Choices spelled out here so a reviewer can challenge them:
// - a count is known when it is >= 0 (-1 is the sentinel; no negative value is a count);
// - a server without any role is not in server_by_puppet_service; a role without a service
//   counts under '';
// - text groups are exact values except for trailing spaces: MariaDB's and MySQL's
//   utf8mb4_bin is a PAD SPACE collation ('svc' = 'svc '), so a GROUP BY there forms one
//   group for both and keeps one of the two spellings. The oracle groups on the value with
//   trailing spaces removed and compares dimension values that way.

/** Dimensions per table, from docs/data-contract.md (puppet_service comes from the bridge). */
export const EXPECTED_DIMENSIONS: Record<string, readonly string[]> = {
  server_by_site: ["site", "region"],
  server_by_puppet_service: ["puppet_service"],
  server_by_vendor_model: ["manufacturer", "model", "asset_type"],
  server_by_team: ["wou_id", "wou_name"],
  server_by_cpu: ["cpu_version"],
};

type Row = Record<string, unknown>;

/** A value as a group sees it: text without trailing spaces (PAD SPACE), numbers as text. */
function groupValue(v: unknown): string {
  return String(v).replace(/ +$/, "");
}

/** Decimal text ('512.250', '-1.5', 512.25) → thousandths, exactly (bigint). */
export function thousandths(v: unknown): bigint {
  if (typeof v === "number") return BigInt(Math.round(v * 1000));
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(v).trim());
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(v)}`);
  const n = BigInt((m[2] || "0") + (m[3] ?? "").padEnd(3, "0").slice(0, 3));
  return m[1] === "-" ? -n : n;
}

/** A row as one comparable line: `date|dim…|status|servers|sockets|cores|memory‰`. */
export function aggregateLine(table: string, row: Row): string {
  const dims = EXPECTED_DIMENSIONS[table].map((d) => groupValue(row[d]));
  return [
    String(row.report_date),
    ...dims,
    groupValue(row.status),
    String(Number(row.servers)),
    String(Number(row.cpu_sockets)),
    String(Number(row.cpu_cores)),
    String(thousandths(row.memory_gib)),
  ].join("|");
}

interface Acc {
  servers: number;
  sockets: number;
  cores: number;
  memory: bigint;
}

function add(groups: Map<string, Acc>, key: string, fact: Row): void {
  const count = Number(fact.cpu_count);
  const perSocket = Number(fact.cpu_cores);
  const acc = groups.get(key) ?? { servers: 0, sockets: 0, cores: 0, memory: 0n };
  acc.servers += 1;
  if (count >= 0) acc.sockets += count;
  if (count >= 0 && perSocket >= 0) acc.cores += count * perSocket;
  acc.memory += thousandths(fact.memory);
  groups.set(key, acc);
}

/**
 * Expected lines per table (sorted) for the given facts and bridge rows (any number of days).
 * Facts need report_date, id, status, the dimension columns, cpu_count, cpu_cores, memory;
 * bridge rows need report_date, id, puppet_service.
 */
export function expectedAggregates(facts: readonly Row[], roles: readonly Row[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const servicesOf = new Map<string, Set<string>>();
  for (const r of roles) {
    const key = `${r.report_date}|${r.id}`;
    const set = servicesOf.get(key) ?? new Set<string>();
    set.add(groupValue(r.puppet_service));
    servicesOf.set(key, set);
  }
  for (const [table, dims] of Object.entries(EXPECTED_DIMENSIONS)) {
    const groups = new Map<string, Acc>();
    for (const f of facts) {
      const status = groupValue(f.status);
      if (table === "server_by_puppet_service") {
        for (const service of servicesOf.get(`${f.report_date}|${f.id}`) ?? []) {
          add(groups, [f.report_date, service, status].join("|"), f);
        }
      } else {
        add(groups, [f.report_date, ...dims.map((d) => groupValue(f[d])), status].join("|"), f);
      }
    }
    out[table] = [...groups.entries()]
      .map(([key, a]) => `${key}|${a.servers}|${a.sockets}|${a.cores}|${a.memory}`)
      .sort();
  }
  return out;
}
