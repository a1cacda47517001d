// Benchmark of the scratch map the PuppetDB enrichment indexes the fleet in (src/engine/scratch-map.ts).
// It measures staging N nodes (get + set, as enrich.ts does), then N lookups in another order than
// the staging's (take: a fact row finding its node), the file's size and the JS heap it costs.
// Usage: bun run bench/scratch-map.ts [--nodes 100000]
// No server needed; prints one markdown row per run.
import { parseArgs } from "node:util";
import { openScratchMap } from "../src/engine/scratch-map.ts";

const { values: opts } = parseArgs({ options: { nodes: { type: "string", default: "100000" } } });
const n = Number(opts.nodes);
const key = (i: number) => `srv-${String(i).padStart(7, "0")}`;
const value = (i: number) => JSON.stringify({ t: 1765000000000 + i, v: [8, `12.${i % 10}`, i % 3 === 0, (i % 64) * 2 ** 32, i * 60] });

Bun.gc(true);
const heap0 = process.memoryUsage().heapUsed;
const rss0 = process.memoryUsage().rss;
const m = openScratchMap("serverdb-etl-bench-scratch-");
try {
  let t = performance.now();
  for (let i = 0; i < n; i++) if (m.get(key(i)) === undefined) m.set(key(i), value(i));
  const stageS = (performance.now() - t) / 1000;
  t = performance.now();
  let hits = 0;
  // A stride coprime to n: every key once, in an order unrelated to the staging's (as the source's id order is to certnames).
  for (let i = 0, k = 0; i < n; i++, k = (k + 7919) % n) if (m.take(key(k)) !== undefined) hits++;
  const lookupS = (performance.now() - t) / 1000;
  if (hits !== n || m.untaken() !== 0) throw new Error(`${hits} of ${n} found, ${m.untaken()} untaken`);
  Bun.gc(true);
  console.log("| nodes | stage s | lookups s | µs per lookup | file MB | heap Δ MB | RSS Δ MB |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  console.log(
    `| ${n.toLocaleString("en")} | ${stageS.toFixed(2)} | ${lookupS.toFixed(2)} | ${((lookupS / n) * 1e6).toFixed(1)} | ${(m.bytes() / 2 ** 20).toFixed(1)} | ${((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(1)} | ${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(1)} |`,
  );
} finally {
  m.close();
}
