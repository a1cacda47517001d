// Benchmark of `serverdb-etl etl` with PuppetDB columns against the plain etl of the same fleet.
// Issue 18's goal is at most 1.2× the plain etl, memory flat. A throwaway MariaDB primary + GTID
// replica (the test bed's startPair) and the test bed's real PuppetDB (startPuppetdb), facts for
// 95% of the generated servers submitted through PuppetDB's command API (not timed), then etl runs
// alternating between a warehouse without declared columns (plain) and one with five PuppetDB
// columns (enriched), each on a new report date.
// Usage: bun run bench/puppetdb.ts [--servers 100000] [--runs 2] [--match fqdn|name] [--datadir-parent DIR]
//        [--submit-parallel 100]   replace_facts commands in flight while the facts are submitted
// Prints a markdown table (the one in BENCHMARKS.md): wall time, peak RSS, PuppetDB's read time
// (overlapped with the source's start) and the ratio to the mean plain run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { quoteIdent } from "../src/engine/ident.ts";
import { addDays } from "../src/plans/report-date.ts";
import { startPair } from "../test/support/pair.ts";
import { startPuppetdb } from "../test/support/puppetdb.ts";
import { connect, dsn } from "../test/support/servers.ts";
import { cli, type Timed } from "./support.ts";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "100000" },
    runs: { type: "string", default: "2" },
    match: { type: "string", default: "fqdn" },
    "datadir-parent": { type: "string", default: "/var/tmp" },
    seed: { type: "string", default: "7" },
    "submit-parallel": { type: "string", default: "100" },
  },
});
if (!["fqdn", "name"].includes(opts.match!)) throw new Error("--match must be fqdn or name");

const DOMAIN = "dc1.example.com";
const COLUMNS = [
  ["os_cpu_count", "int", "-1", "processors.count"],
  ["os_release", "varchar(32)", '"<unknown>"', "os.release.full"],
  ["is_virtual", "bool", "false", "is_virtual"],
  ["mem_bytes", "bigint", "-1", "memory.system.total_bytes"],
  ["uptime_s", "bigint", "-1", "uptime_seconds"],
]
  .map(([name, type, dflt, path]) => `[[facts.columns]]\nname = "${name}"\ntype = "${type}"\ndefault = ${dflt}\npuppetdb = "${path}"\n`)
  .join("\n");

/** Until PuppetDB has stored `n` factsets (commands are processed asynchronously); a count, not the bed's full read per poll. */
async function waitForNodes(url: string, n: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const res = await fetch(`${url}/pdb/query/v4?query=${encodeURIComponent("factsets[count()] {}")}`);
    if (!res.ok) throw new Error(`factsets[count()] → ${res.status} ${await res.text()}`);
    const [{ count }] = (await res.json()) as { count: number }[];
    if (count >= n) return;
    if (Date.now() > until) throw new Error(`PuppetDB stored ${count} of ${n} factsets within ${deadlineMs} ms`);
    await Bun.sleep(1000);
  }
}

const servers = Number(opts.servers);
const [pair, bed] = await Promise.all([startPair(opts["datadir-parent"]!), startPuppetdb(opts["datadir-parent"]!)]);
const dir = mkdtempSync(join(tmpdir(), "serverdb-etl-bench-pdb-"));
const rows: string[] = [];
try {
  const source = dsn(pair.primary, "serverdb2");
  const gen = await cli(["generate", "--source", source, "--servers", String(servers), "--seed", opts.seed!]);
  process.stderr.write(`${servers}: ${gen.stdout.trim()}\n`);
  const p = await connect(pair.primary);
  const names = (await p.query<{ name: string | null }>("SELECT a.name FROM serverdb2.servers_asset a JOIN serverdb2.servers_server s ON s.rackedasset_ptr_id = a.id")).map((r) => r.name);
  for (const db of ["serverdb_plain", "serverdb_pdb"]) await p.execute(`CREATE DATABASE ${quoteIdent(db)}`);
  await p.close();

  // Facts for 95% of the servers whose name an agent could have (not timed).
  const hosts = names.map((n) => n?.trim().toLowerCase()).filter((h): h is string => !!h && /^[a-z0-9][a-z0-9.-]{0,180}$/.test(h)).filter((_, i) => i % 20 !== 7);
  const submitStarted = performance.now();
  const parallel = Number(opts["submit-parallel"]);
  for (let i = 0; i < hosts.length; i += parallel) {
    await Promise.all(
      hosts.slice(i, i + parallel).map((h, j) =>
        bed.replaceFacts(opts.match === "fqdn" ? `${h}.${DOMAIN}` : h, {
          processors: { count: 2 + ((i + j) % 32) },
          os: { release: { full: `12.${(i + j) % 10}` } },
          is_virtual: (i + j) % 3 === 0,
          memory: { system: { total_bytes: ((i + j) % 64 + 1) * 2 ** 32 } },
          uptime_seconds: (i + j) * 60,
        }, new Date(Date.now() - ((i + j) % 1000) * 60_000)),
      ),
    );
  }
  await waitForNodes(bed.url, hosts.length, Math.max(120_000, hosts.length * 20));
  process.stderr.write(`${servers}: ${hosts.length} nodes' facts submitted and stored in ${((performance.now() - submitStarted) / 1000).toFixed(0)} s\n`);

  const cfg = join(dir, "config.toml");
  writeFileSync(cfg, `[puppetdb]\nurl = "${bed.url}"\nmatch = "${opts.match}"\n${opts.match === "fqdn" ? `domain = "${DOMAIN}"\n` : ""}timeout_s = 120\n\n${COLUMNS}`);
  await cli(["init", "--target", dsn(pair.primary, "serverdb_plain")]);
  await cli(["init", "--config", cfg, "--target", dsn(pair.primary, "serverdb_pdb")]);

  const results: { mode: "plain" | "enriched"; run: number; t: Timed; fetchS?: number; matched?: number }[] = [];
  for (let run = 1; run <= Number(opts.runs); run++) {
    for (const mode of ["plain", "enriched"] as const) {
      const db = mode === "plain" ? "serverdb_plain" : "serverdb_pdb";
      const args = ["etl", ...(mode === "enriched" ? ["--config", cfg] : []), "--source", source, "--target", dsn(pair.primary, db), "--replica", dsn(pair.replica, db, "ro"), "--report-date", addDays("2026-01-01", run), "--log-format", "json"];
      const t = await cli(args);
      const summary = t.stdout.trim().split("\n").map((l) => JSON.parse(l)).find((l) => l.event === "summary");
      if (mode === "enriched" && !summary.puppetdb?.up) throw new Error(`PuppetDB was not read: ${summary.puppetdb?.error}`);
      results.push({ mode, run, t, fetchS: summary.puppetdb?.fetch_s, matched: summary.puppetdb?.servers_matched });
      process.stderr.write(`${servers}: ${mode} run ${run}: wall ${t.seconds.toFixed(2)} s, ${t.maxRssMb.toFixed(0)} MB${summary.puppetdb ? `, PuppetDB read ${summary.puppetdb.fetch_s} s, ${summary.puppetdb.servers_matched} matched` : ""}\n`);
    }
  }
  const plain = results.filter((r) => r.mode === "plain");
  const mean = plain.reduce((s, r) => s + r.t.seconds, 0) / plain.length;
  for (const r of results) {
    rows.push(
      `| ${servers.toLocaleString("en")} | ${r.mode} | ${r.run} | ${r.t.seconds.toFixed(2)} | ${r.fetchS?.toFixed(2) ?? "–"} | ${r.matched?.toLocaleString("en") ?? "–"} | ${r.t.maxRssMb.toFixed(0)} | ${(r.t.seconds / mean).toFixed(2)}× |`,
    );
  }
} finally {
  await Promise.all([pair.stop(), bed.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`PuppetDB ${bed.version}, match = ${opts.match}, five PuppetDB columns; each run a new report date`);
console.log("| servers | etl | run | wall s | PuppetDB read s | matched | peak RSS MB | / mean plain |");
console.log("|---:|---|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
