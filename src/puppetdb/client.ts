// The mapped facts of every active node in PuppetDB, streamed: one inventory query for exactly
// the mapped facts and one factsets query for each node's producer_timestamp, sent at once and
// read side by side, row by row. Yields the nodes the match rule gives a key, in PuppetDB's
// certname order; counts the rest, and each fact a node lacks or holds in a type its column cannot take.
//
// Why one streamed answer and not pages: PuppetDB refuses keyset paging on certname ("Query
// operators >,>=,<,<= are not allowed on field certname", measured on 7.12), and offset paging
// re-sorts the whole fleet for every page and skips or repeats nodes that come or go meanwhile;
// one query is one consistent read, PuppetDB streams it from a database cursor, and json-rows.ts
// holds one row at a time. Why a second query: only factsets carry producer_timestamp, and
// factsets with their facts would bring every fact of every node. Both answers come in the same
// certname order, so the timestamps are read alongside (ProducerTimes: a window of rows, no
// per-node map; an earlier version held all of them, ~110 bytes per node). Measured on the bed,
// 10,000 nodes, medians of ten: 529 ms one query after the other, 281 ms side by side.
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

/** How far the timestamps are read ahead of the inventory looking for one node (a node submitted between the two reads has none). */
export const TIMES_LOOKAHEAD = 1000;

/**
 * Each node's producer_timestamp, read alongside the inventory: both answers come in the same
 * certname order (one database, one collation, one ORDER BY), so the inventory's next node is at
 * or near the head of this one, and whatever came before it here names nodes the inventory has
 * passed. No certnames are compared (PuppetDB's collation is not JavaScript's): the reader keeps
 * what it has read ahead, at most TIMES_LOOKAHEAD rows past a node it did not find, and drops it
 * once passed. Memory: that window, never the fleet.
 */
class ProducerTimes {
  static readonly what = "the factsets (producer_timestamp) query";
  private readonly ahead = new Map<string, number | null>();
  private done = false;

  constructor(
    private readonly source: PuppetdbSource,
    private readonly rows: AsyncGenerator<Record<string, unknown>>,
  ) {}

  /** Read one more row into the window; false at the end of the answer. */
  async pull(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.rows.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    const row = next.value;
    const certname = row.certname;
    if (typeof certname !== "string" || certname === "") throw malformed(this.source, ProducerTimes.what, undefined, "certname", certname);
    const at = row.producer_timestamp;
    // Facts submitted without one (old PuppetDB commands) have none.
    const ms = at === null || at === undefined ? null : typeof at === "string" ? Date.parse(at) : NaN;
    if (ms !== null && !Number.isFinite(ms)) throw malformed(this.source, ProducerTimes.what, certname, "producer_timestamp", at);
    this.ahead.set(certname, ms);
    return true;
  }

  /** The time of the inventory's next node, or undefined when it has none here. */
  async of(certname: string): Promise<number | undefined> {
    for (let n = 0; !this.ahead.has(certname) && n < TIMES_LOOKAHEAD; n++) if (!(await this.pull())) break;
    if (!this.ahead.has(certname)) return undefined;
    const ms = this.ahead.get(certname);
    // The Map keeps reading order: everything before this node sorts before it, and is passed.
    for (const k of this.ahead.keys()) {
      this.ahead.delete(k);
      if (k === certname) break;
    }
    return ms ?? undefined;
  }

  /** Read to the end: a timestamps answer cut off must fail the read like an inventory cut off. */
  async finish(): Promise<void> {
    while (await this.pull()) this.ahead.clear();
  }

  stop(): void {
    this.rows.return(undefined).catch(() => {});
  }
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
  // Both queries are sent at once and read side by side (ProducerTimes): the two answers overlap,
  // and no per-node map is built. The timestamps' first row is awaited first, so a PuppetDB that
  // refuses or is unreachable is reported on the first query, as a reader of the log expects.
  const times = new ProducerTimes(source, queryRows(source, TIMESTAMPS_PQL, { what: ProducerTimes.what }));
  const inventory = queryRows(source, inventoryPql(asked), { what, stats: stats.answer });
  const first = inventory.next();
  first.catch(() => {}); // surfaced below, after the timestamps' own failure if both fail
  try {
    await times.pull();
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
  try {
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
      const ms = await times.of(certname);
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
    // Read to its end: a timestamps answer cut off fails the read, as an inventory cut off does.
    await times.finish();
  } finally {
    times.stop();
  }
}
