// The mapped facts of every active node in PuppetDB, streamed: each node's producer_timestamp
// (a compact certname → time map), and one inventory query for exactly the mapped facts, sent at
// the same time and read row by row once the map is complete. Yields the nodes the match rule gives a key, in PuppetDB's certname order;
// counts the rest, and each fact a node lacks or holds in a type its column cannot take.
//
// Why one streamed answer and not pages: PuppetDB refuses keyset paging on certname ("Query
// operators >,>=,<,<= are not allowed on field certname", measured on 7.12), and offset paging
// re-sorts the whole fleet for every page and skips or repeats nodes that come or go meanwhile;
// one query is one consistent read, PuppetDB streams it from a database cursor, and json-rows.ts
// holds one row at a time. Why a timestamp map: only factsets carry producer_timestamp, and
// factsets would bring every fact of every node; the map holds a certname and a number per node
// (measured in Bun: ~110 bytes for a 25-character certname, 10.5 MB for 100,000 nodes), and it
// shrinks as the inventory stream passes each node, while the facts themselves stream.
//
// Order: PuppetDB sorts certnames by its database's collation, which need not be JavaScript's
// code-unit order (en_US sorts "web-2" between "web1" and "web3"); and with match = "serial" the
// key order is unrelated to it. A merge into the source rows must therefore not compare keys
// across the two streams: it indexes one side by key (this side: key → the few mapped values, a
// few hundred bytes per node) and looks the other side's rows up in it.
import { PuppetdbError } from "../errors.ts";
import { PRODUCED_AT, SERIAL_FACT, type PuppetdbSource } from "./declare.ts";
import { factValueFit } from "./fact-value.ts";
import { emptyJsonRowsStats, type JsonRowsStats } from "./json-rows.ts";
import { matchKey } from "./match-key.ts";
import { TIMESTAMPS_PQL, factField, inventoryPql } from "./pql.ts";
import { queryRows } from "./query.ts";

/** One node's mapped facts. */
export interface NodeFacts {
  certname: string;
  /** What finds its server: by the match rule, from the certname or the serial-number fact. */
  key: string;
  /** The facts' producer_timestamp; undefined when the node came between the two reads. */
  producedAt: Date | undefined;
  /** Fact path → value, for the facts the node has in a type its column takes (JSON as PuppetDB sent it). */
  values: Map<string, unknown>;
  /** The mapped facts this node holds in a type their column cannot take (counted in stats.wrongType). */
  wrongType: string[];
}

/** A count with the first few certnames, for a summary line. */
export interface Counted {
  count: number;
  examples: string[];
}

export interface FactReadStats {
  /** Active nodes PuppetDB answered with. */
  nodes: number;
  /** Nodes yielded (the rule gave them a key). */
  matched: number;
  /** Nodes the rule gives no key: a certname outside the domain, or no serial-number fact. */
  unmatched: Counted;
  /** Yielded nodes without a producer_timestamp (submitted between the two queries). */
  noTimestamp: number;
  /** Per fact path: nodes that lack it. */
  missing: Map<string, number>;
  /** Per fact path: nodes whose value does not fit the column's type (the column gets its default). */
  wrongType: Map<string, Counted>;
  /** The inventory answer's reader: rows, characters, the most it held at once. */
  answer: JsonRowsStats;
}

const EXAMPLES = 3;

function count(map: Map<string, Counted>, key: string, certname: string): void {
  const c = map.get(key) ?? { count: 0, examples: [] };
  c.count++;
  if (c.examples.length < EXAMPLES) c.examples.push(certname);
  map.set(key, c);
}

export function emptyStats(): FactReadStats {
  return { nodes: 0, matched: 0, unmatched: { count: 0, examples: [] }, noTimestamp: 0, missing: new Map(), wrongType: new Map(), answer: emptyJsonRowsStats() };
}

async function producerTimes(source: PuppetdbSource): Promise<Map<string, number>> {
  const what = "the factsets (producer_timestamp) query";
  const times = new Map<string, number>();
  for await (const row of queryRows(source, TIMESTAMPS_PQL, { what })) {
    const certname = row.certname;
    if (typeof certname !== "string" || certname === "") throw malformed(source, what, undefined, "certname", certname);
    const at = row.producer_timestamp;
    if (at === null || at === undefined) continue; // facts submitted without one (old PuppetDB commands)
    const ms = typeof at === "string" ? Date.parse(at) : NaN;
    if (!Number.isFinite(ms)) throw malformed(source, what, certname, "producer_timestamp", at);
    times.set(certname, ms);
  }
  return times;
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC, as datetime columns hold times. */
const utcDatetime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

function malformed(source: PuppetdbSource, what: string, certname: string | undefined, field: string, value: unknown): PuppetdbError {
  const shown = value === undefined ? "nothing" : JSON.stringify(value)?.slice(0, 80);
  return new PuppetdbError(`PuppetDB at ${source.url}: the answer to ${what} is malformed: ${certname ? `node ${certname}` : "a row"} has ${shown} for ${field}; check [puppetdb] url points at PuppetDB 6 or later`, "malformed");
}

/**
 * The mapped facts of every active node the match rule gives a key, in PuppetDB's certname
 * order; `stats` fills in as the stream is read (complete once it ends). Throws PuppetdbError.
 */
export async function* readNodeFacts(source: PuppetdbSource, stats: FactReadStats = emptyStats()): AsyncGenerator<NodeFacts> {
  // The pseudo-fact producer_timestamp comes from the factsets read, not from the inventory.
  const paths = source.facts.map((f) => f.path).filter((p) => p !== PRODUCED_AT);
  // The serial rule needs the serial fact even when no column stores it.
  const asked = source.match.rule === "serial" && !paths.includes(SERIAL_FACT) ? [...paths, SERIAL_FACT] : paths;
  const what = "the inventory query";
  // The inventory query is sent now, while the timestamps are read: PuppetDB computes it and
  // streams its head meanwhile (Bun's fetch buffers up to ~10 MB ahead of the reader), so the two
  // answers overlap instead of following each other (measured on the bed, 10,000 nodes: 333 ms
  // instead of 420, medians of 12). Its first row waits here, unread. The price: PuppetDB holds a
  // blocked write while the timestamps are read; a Jetty idle timeout shorter than that read
  // (30 s by default; the factsets answer takes ~3 s for 100,000 nodes, extrapolated from 3,000) would cut it off, which
  // is then a failed read like any other.
  const inventory = queryRows(source, inventoryPql(asked), { what, stats: stats.answer });
  const first = inventory.next();
  first.catch(() => {}); // surfaced below, after the timestamps' own failure if both fail
  let times: Map<string, number>;
  try {
    times = await producerTimes(source);
  } catch (err) {
    // Stop the inventory request (its finally cancels the body) once its first row settled.
    first.then(() => inventory.return(undefined), () => {}).catch(() => {});
    throw err;
  }
  const rows = async function* () {
    const head = await first;
    if (head.done) return;
    yield head.value;
    yield* inventory;
  };
  for await (const row of rows()) {
    const certname = row.certname;
    if (typeof certname !== "string" || certname === "") throw malformed(source, what, undefined, "certname", certname);
    stats.nodes++;
    const raw = new Map<string, unknown>();
    for (const path of asked) {
      const field = factField(path);
      // PuppetDB answers null for a fact the node lacks; a row without the field is not its answer.
      if (!(field in row)) throw malformed(source, what, certname, `the fact ${path}`, undefined);
      raw.set(path, row[field]);
    }
    const ms = times.get(certname);
    times.delete(certname); // each certname comes once: the map shrinks as the stream goes
    if (ms !== undefined) raw.set(PRODUCED_AT, utcDatetime(ms));
    const key = matchKey(source.match, certname, raw);
    if (key === undefined) {
      stats.unmatched.count++;
      if (stats.unmatched.examples.length < EXAMPLES) stats.unmatched.examples.push(certname);
      continue;
    }
    const values = new Map<string, unknown>();
    const wrongType: string[] = [];
    for (const { path, column } of source.facts) {
      const value = raw.get(path);
      const fit = factValueFit(column, value);
      if (fit === "ok") values.set(path, value);
      else if (fit === "missing") stats.missing.set(path, (stats.missing.get(path) ?? 0) + 1);
      else {
        wrongType.push(path);
        count(stats.wrongType, path, certname);
      }
    }
    if (ms === undefined) stats.noTimestamp++;
    stats.matched++;
    yield { certname, key, producedAt: ms === undefined ? undefined : new Date(ms), values, wrongType };
  }
}
