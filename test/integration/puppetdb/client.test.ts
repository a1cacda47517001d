// The PuppetDB client against the real PuppetDB of the test bed: a small fleet with a real fleet's
// dirt (nodes outside the domain, a stale node, a node without the serial fact, missing facts,
// facts of the wrong type) submitted through the command API, every yielded value checked against
// what the test submitted, each match rule, a large answer read incrementally under a slow
// consumer, and the failures: a closed port, a server that never answers, PuppetDB's own 404, and
// broken endpoints (tiny servers in this file answering junk, not stand-ins for PuppetDB).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PuppetdbError } from "../../../src/errors.ts";
import { factExtrasFrom } from "../../../src/extras/declare.ts";
import { emptyStats, readNodeFacts, type FactReadStats, type NodeFacts } from "../../../src/puppetdb/client.ts";
import { puppetdbSourceFrom, type PuppetdbSource } from "../../../src/puppetdb/declare.ts";
import { freePorts } from "../../support/mariadb.ts";
import { makeCa, makeCert } from "../../support/pki.ts";
import { puppetdb, type PuppetdbBed } from "../../support/puppetdb.ts";

const DOMAIN = "dc1.example.com";
const DAY = 86_400_000;
const NOW = Date.now();

/** The declared columns, as an operator would write them. */
const COLUMNS = [
  { name: "os_cpu_count", type: "int", default: -1, puppetdb: "processors.count" },
  { name: "os_release", type: "varchar(32)", default: "<unknown>", puppetdb: "os.release.full" },
  { name: "is_virtual", type: "bool", default: false, puppetdb: "is_virtual" },
  { name: "uptime_s", type: "bigint", default: -1, puppetdb: "uptime_seconds" },
  { name: "mem_bytes", type: "bigint", default: -1, puppetdb: "memory.system.total_bytes" },
];
const PATHS = COLUMNS.map((c) => c.puppetdb);

interface PlantedNode {
  certname: string;
  values: Record<string, unknown>;
  at: Date;
  /** Facts planted with a value their column cannot take. */
  wrong?: string[];
}

function facts(i: number, over: { cpus?: unknown; release?: unknown; virtual?: unknown; serial?: unknown } = {}): Record<string, unknown> {
  const v: Record<string, unknown> = {
    processors: { count: "cpus" in over ? over.cpus : 2 + (i % 5) * 2, models: ["Xeon"] },
    os: { family: "Debian", release: { full: "release" in over ? over.release : `12.${i % 9}`, major: "12" } },
    is_virtual: "virtual" in over ? over.virtual : i % 3 === 0,
    uptime_seconds: 1000 * i + 7,
    memory: { system: { total_bytes: (i + 1) * 2 ** 34, used_bytes: 12345 } },
    kernel: "Linux",
  };
  if (over.serial !== undefined) v.dmi = { product: { serial_number: over.serial } };
  else if (!("serial" in over)) v.dmi = { product: { serial_number: `SN-${String(i).padStart(4, "0")}` } };
  return v;
}

/** The fleet: eight ordinary servers and the dirt. */
function fleet(): PlantedNode[] {
  const at = (daysAgo: number, i: number) => new Date(NOW - daysAgo * DAY - i * 1000 - (NOW % 1000));
  const nodes: PlantedNode[] = Array.from({ length: 8 }, (_, i) => ({ certname: `web${String(i + 1).padStart(2, "0")}.${DOMAIN}`, values: facts(i + 1), at: at(0, i) }));
  const ghost = facts(40);
  delete (ghost.os as Record<string, unknown>).release; // a node missing a fact
  delete ghost.is_virtual;
  nodes.push(
    // Stale: no report for 30 days.
    { certname: `db01.${DOMAIN}`, values: facts(30), at: at(30, 0) },
    { certname: `db02.${DOMAIN}`, values: ghost, at: at(0, 1) },
    // Wrong types: a count as text, Facter 2's string boolean, a structured value where text was expected.
    { certname: `db03.${DOMAIN}`, values: facts(33, { cpus: "eight", virtual: "true" }), at: at(1, 0), wrong: ["processors.count", "is_virtual"] },
    { certname: `db04.${DOMAIN}`, values: facts(34, { release: { full: "12.4" } }), at: at(0, 2), wrong: ["os.release.full"] },
    // A VM without DMI data: no serial.
    { certname: `vm01.${DOMAIN}`, values: facts(50, { serial: undefined }), at: at(0, 3) },
    // Outside the domain: nodes no server of this site has.
    { certname: "laptop7.corp.example.org", values: facts(60), at: at(2, 0) },
    { certname: "web01.dc2.example.com", values: facts(61), at: at(0, 4) },
    // Looks like the domain, is not under it.
    { certname: `web09.x${DOMAIN}`, values: facts(62), at: at(0, 5) },
  );
  return nodes;
}

/** a.b.c of a nested object, or undefined. */
function dig(values: Record<string, unknown>, path: string): unknown {
  let v: unknown = values;
  for (const part of path.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** What the client must yield for one planted node under a rule's key (undefined: not yielded). */
function expected(n: PlantedNode, key: string | undefined): NodeFacts | undefined {
  if (key === undefined) return undefined;
  const values = new Map<string, unknown>();
  for (const p of PATHS) {
    const v = dig(n.values, p);
    if (v !== undefined && !n.wrong?.includes(p)) values.set(p, v);
  }
  return { certname: n.certname, key, producedAt: n.at, values, wrongType: PATHS.filter((p) => n.wrong?.includes(p)) };
}

const KEYS: Record<string, (n: PlantedNode) => string | undefined> = {
  name: (n) => n.certname,
  fqdn: (n) => (n.certname.endsWith(`.${DOMAIN}`) ? n.certname.slice(0, -DOMAIN.length - 1) : undefined),
  serial: (n) => dig(n.values, "dmi.product.serial_number") as string | undefined,
};

let bed: PuppetdbBed;
let planted: PlantedNode[];

function source(puppetdb: Record<string, unknown>, columns = COLUMNS): PuppetdbSource {
  const config = { facts: { columns }, puppetdb: { url: bed.url, ...puppetdb } };
  return puppetdbSourceFrom(config, factExtrasFrom(config))!;
}

async function readAll(s: PuppetdbSource, stats = emptyStats()): Promise<{ nodes: NodeFacts[]; stats: FactReadStats }> {
  const nodes: NodeFacts[] = [];
  for await (const n of readNodeFacts(s, stats)) nodes.push(n);
  return { nodes, stats };
}

async function failure(s: PuppetdbSource): Promise<PuppetdbError> {
  try {
    await readAll(s);
  } catch (err) {
    expect(err).toBeInstanceOf(PuppetdbError);
    expect((err as Error).message.split("\n")).toHaveLength(1);
    return err as PuppetdbError;
  }
  throw new Error("no error");
}

beforeAll(async () => {
  bed = await puppetdb();
  await bed.deleteAllNodes();
  planted = fleet();
  for (const n of planted) await bed.replaceFacts(n.certname, n.values, n.at);
  await bed.waitForFacts();
}, 180_000);

describe("readNodeFacts against PuppetDB", () => {
  for (const rule of ["name", "fqdn", "serial"] as const) {
    test(`match = "${rule}": every node the rule keys, in certname order, with exactly the values submitted`, async () => {
      const { nodes, stats } = await readAll(source(rule === "fqdn" ? { match: rule, domain: DOMAIN } : { match: rule }));
      // The bed's database sorts by code point (C.UTF-8), as JavaScript does for these ASCII names.
      const want = [...planted].sort((a, b) => (a.certname < b.certname ? -1 : 1)).map((n) => expected(n, KEYS[rule]!(n))).filter((n) => n !== undefined);
      expect(nodes).toEqual(want);
      const unmatched = planted.filter((n) => KEYS[rule]!(n) === undefined).map((n) => n.certname).sort();
      expect(stats.nodes).toBe(planted.length);
      expect(stats.matched).toBe(want.length);
      expect(stats.unmatched.count).toBe(unmatched.length);
      expect(stats.unmatched.examples).toEqual(unmatched.slice(0, 3));
      expect(stats.noTimestamp).toBe(0);
      const wrong = new Map<string, number>();
      const missing = new Map<string, number>();
      for (const n of want) for (const p of n.wrongType) wrong.set(p, (wrong.get(p) ?? 0) + 1);
      for (const n of want) for (const p of PATHS) if (!n.values.has(p) && !n.wrongType.includes(p)) missing.set(p, (missing.get(p) ?? 0) + 1);
      expect(new Map([...stats.wrongType].map(([p, c]) => [p, c.count]))).toEqual(wrong);
      expect(stats.missing).toEqual(missing);
    }, 30_000);
  }

  test("the dirt, spelled out: a stale node's old producer_timestamp, a missing fact, wrong types counted per fact and node", async () => {
    const { nodes, stats } = await readAll(source({ match: "fqdn", domain: DOMAIN }));
    const by = new Map(nodes.map((n) => [n.key, n]));
    expect(NOW - by.get("db01")!.producedAt!.getTime()).toBeGreaterThan(29 * DAY);
    expect(NOW - by.get("web01")!.producedAt!.getTime()).toBeLessThan(DAY);
    expect(by.get("db02")!.values.has("os.release.full")).toBe(false);
    expect(by.get("db02")!.values.get("processors.count")).toBe(dig(planted.find((n) => n.certname === `db02.${DOMAIN}`)!.values, "processors.count"));
    expect(by.get("db03")!.wrongType).toEqual(["processors.count", "is_virtual"]);
    expect(by.get("db03")!.values.has("processors.count")).toBe(false);
    expect(stats.wrongType.get("processors.count")).toEqual({ count: 1, examples: [`db03.${DOMAIN}`] });
    expect(stats.wrongType.get("os.release.full")).toEqual({ count: 1, examples: [`db04.${DOMAIN}`] });
    expect(stats.missing.get("os.release.full")).toBe(1);
    expect(stats.missing.get("is_virtual")).toBe(1);
    // A 64-bit fact keeps its exact value (JSON numbers below 2^53).
    expect(by.get("web08")!.values.get("memory.system.total_bytes")).toBe(9 * 2 ** 34);
    expect(stats.unmatched).toEqual({ count: 3, examples: ["laptop7.corp.example.org", "web01.dc2.example.com", `web09.x${DOMAIN}`] });
  }, 30_000);

  test("the serial rule asks for the serial fact without a column for it, and yields it only as the key", async () => {
    const { nodes } = await readAll(source({ match: "serial" }, COLUMNS.slice(0, 1)));
    const web03 = nodes.find((n) => n.certname === `web03.${DOMAIN}`)!;
    expect(web03.key).toBe("SN-0003");
    expect([...web03.values.keys()]).toEqual(["processors.count"]);
    expect(nodes.some((n) => n.certname === `vm01.${DOMAIN}`)).toBe(false);
  }, 30_000);

  test("a node submitted again moves to its new producer_timestamp and values", async () => {
    const n = planted.find((x) => x.certname === `web02.${DOMAIN}`)!;
    n.values = facts(2, { cpus: 64 });
    n.at = new Date(NOW + 1000);
    await bed.replaceFacts(n.certname, n.values, n.at);
    await bed.waitForFacts();
    const { nodes } = await readAll(source({ match: "name" }));
    const got = nodes.find((x) => x.certname === n.certname)!;
    expect(got.values.get("processors.count")).toBe(64);
    expect(got.producedAt).toEqual(n.at);
  }, 30_000);
});

describe("over HTTPS, as PuppetDB's own clients connect", () => {
  const tls = (client: { certFile: string; keyFile: string }, caFile = bed.https.caFile) => ({
    url: bed.https.url,
    ca_file: caFile,
    cert_file: client.certFile,
    key_file: client.keyFile,
    match: "fqdn",
    domain: DOMAIN,
  });

  test("the CA and an allowlisted client certificate: the same nodes as over plain HTTP", async () => {
    const { nodes, stats } = await readAll(source(tls(bed.https.client)));
    const plain = await readAll(source({ match: "fqdn", domain: DOMAIN }));
    expect(nodes).toEqual(plain.nodes);
    expect(nodes.length).toBeGreaterThan(5);
    expect(stats).toEqual(plain.stats);
  }, 30_000);

  test("a CA that did not sign PuppetDB's certificate: a TLS failure", async () => {
    const foreign = await makeCa(bed.https.dir, "foreign-ca");
    const err = await failure(source(tls(bed.https.client, foreign.certFile)));
    expect(err.reason).toBe("tls");
    expect(err.message).toStartWith(`PuppetDB at ${bed.https.url}: TLS failed (`);
    expect(err.message).toEndWith("); check [puppetdb] ca_file (the CA that signed PuppetDB's certificate), cert_file and key_file");
  }, 30_000);

  test("a client certificate of another CA: PuppetDB refuses the handshake", async () => {
    const other = await makeCa(bed.https.dir, "other-ca");
    const stranger = await makeCert(bed.https.dir, other, "serverdb-etl-stranger", "client");
    const err = await failure(source(tls(stranger)));
    // Bun reports it as EPROTO (measured): a TLS failure, not a PuppetDB that is down.
    expect(err.reason).toBe("tls");
    expect(err.message).toStartWith(`PuppetDB at ${bed.https.url}: TLS failed (`);
  }, 30_000);

  test("a certificate of the right CA that PuppetDB's allowlist does not name: HTTP 403", async () => {
    const err = await failure(source(tls(bed.https.intruder)));
    expect(err.reason).toBe("status");
    expect(err.message).toStartWith(`PuppetDB at ${bed.https.url} answered the factsets (producer_timestamp) query with HTTP 403`);
    expect(err.message).toEndWith("check [puppetdb] url, and that this certificate may query PuppetDB");
  }, 30_000);
});

describe("failures, each one line naming the URL", () => {
  const servers: { stop(force?: boolean): unknown }[] = [];
  afterAll(() => {
    for (const s of servers) s.stop(true);
  });

  test("PuppetDB down (a closed port)", async () => {
    const [port] = await freePorts(1);
    const err = await failure(source({ match: "name", url: `http://127.0.0.1:${port}` }));
    expect(err.reason).toBe("unreachable");
    expect(err.message).toBe(`PuppetDB at http://127.0.0.1:${port} is unreachable (ECONNREFUSED); check [puppetdb] url and that PuppetDB runs`);
  });

  test("PuppetDB's own 404 for a wrong path prefix", async () => {
    const err = await failure(source({ match: "name", url: `${bed.url}/not-puppetdb` }));
    expect(err.reason).toBe("status");
    expect(err.message).toStartWith(`PuppetDB at ${bed.url}/not-puppetdb answered the factsets (producer_timestamp) query with HTTP 404`);
  });

  test("a server that accepts and never answers: timeout_s, not a hang", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    servers.push(silent);
    const started = performance.now();
    const err = await failure(source({ match: "name", url: `http://127.0.0.1:${silent.port}`, timeout_s: 0.5 }));
    expect(err.reason).toBe("timeout");
    expect(err.message).toBe(`PuppetDB at http://127.0.0.1:${silent.port} did not answer the factsets (producer_timestamp) query within 0.5 s ([puppetdb] timeout_s); check its load, or raise timeout_s`);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("PuppetDB frozen (SIGSTOP): timeout_s, then it answers again once it runs", async () => {
    process.kill(bed.pid, "SIGSTOP");
    try {
      const err = await failure(source({ match: "name", timeout_s: 1 }));
      expect(err.reason).toBe("timeout");
      expect(err.message).toBe(`PuppetDB at ${bed.url} did not answer the factsets (producer_timestamp) query within 1 s ([puppetdb] timeout_s); check its load, or raise timeout_s`);
    } finally {
      process.kill(bed.pid, "SIGCONT");
    }
    const { nodes } = await readAll(source({ match: "name", timeout_s: 30 }));
    expect(nodes.map((n) => n.certname).sort()).toEqual(planted.map((n) => n.certname).sort());
  }, 60_000);

  /** A broken endpoint: every request gets `body` (with `status`), the inventory query `inventory` when given. */
  function junk(body: string, status = 200, inventory?: string): string {
    const s = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (req) => new Response(inventory !== undefined && (await req.text()).includes("inventory[") ? inventory : body, { status, headers: { "content-type": "application/json" } }),
    });
    servers.push(s);
    return `http://127.0.0.1:${s.port}`;
  }

  test("an answer that is not JSON at all", async () => {
    const url = junk("<html><body>Welcome to nginx!</body></html>");
    const err = await failure(source({ match: "name", url }));
    expect(err.reason).toBe("malformed");
    expect(err.message).toBe(`PuppetDB at ${url}: the answer to the factsets (producer_timestamp) query is malformed: it is not a JSON array (it starts with "<html><body>Welcome to nginx!</body></ht")`);
  });

  /** A valid inventory answer for web01 (the timestamps read beside it are the ones broken). */
  const WEB01 = JSON.stringify([{ certname: "web01.dc1.example.com", ...Object.fromEntries(PATHS.map((p) => [`facts.${p}`, null])) }]);

  test("nodes that came or went between the two answers: a new node has no time, the others keep theirs", async () => {
    // The two answers in one certname order, as PuppetDB sends them; b left, c came in between.
    const at = (i: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString();
    const times = JSON.stringify(["a", "b", "d", "e"].map((c, i) => ({ certname: `${c}.dc1.example.com`, producer_timestamp: at(i) })));
    const inventory = JSON.stringify(["a", "c", "d", "e"].map((c) => ({ certname: `${c}.dc1.example.com`, ...Object.fromEntries(PATHS.map((p) => [`facts.${p}`, p === "processors.count" ? 4 : null])) })));
    const url = junk(times, 200, inventory);
    const { nodes, stats } = await readAll(source({ match: "name", url }));
    expect(nodes.map((n) => [n.certname, n.producedAt?.toISOString()])).toEqual([
      ["a.dc1.example.com", at(0)],
      ["c.dc1.example.com", undefined],
      ["d.dc1.example.com", at(2)],
      ["e.dc1.example.com", at(3)],
    ]);
    expect(stats.noTimestamp).toBe(1);
  });

  test("a row of broken JSON names its node", async () => {
    const url = junk('[{"certname": "web01.dc1.example.com", "producer_timestamp": "2026-12-01T00:00:00.000Z"}, {"certname": "web02.dc1.example.com", "producer_timestamp": 2026-12-01}]', 200, WEB01);
    const err = await failure(source({ match: "name", url }));
    expect(err.message).toStartWith(`PuppetDB at ${url}: the answer to the factsets (producer_timestamp) query is malformed: row 2 is not JSON (`);
    expect(err.message).toEndWith("(node web02.dc1.example.com)");
  });

  test("a row without a mapped fact names the node and the fact", async () => {
    // Valid as a timestamps answer, so the inventory answer is the one found wanting.
    const url = junk('[{"certname": "web01.dc1.example.com", "producer_timestamp": "2026-12-01T00:00:00.000Z"}]');
    const err = await failure(source({ match: "name", url }));
    expect(err.message).toBe(`PuppetDB at ${url}: the answer to the inventory query is malformed: node web01.dc1.example.com has nothing for the fact processors.count; check [puppetdb] url points at PuppetDB 6 or later`);
  });

  test("a producer_timestamp that is no time names the node", async () => {
    const url = junk('[{"certname": "web01.dc1.example.com", "producer_timestamp": "yesterday"}]');
    const err = await failure(source({ match: "name", url }));
    expect(err.message).toBe(`PuppetDB at ${url}: the answer to the factsets (producer_timestamp) query is malformed: node web01.dc1.example.com has "yesterday" for producer_timestamp; check [puppetdb] url points at PuppetDB 6 or later`);
  });

  test("an answer cut off mid-row (a proxy that gave up) is not taken for the whole fleet", async () => {
    const url = junk('[{"certname": "web01.dc1.example.com", "producer_timestamp": "2026-12-01T00:00:00.000Z"}, {"certname": "web02.dc1.exa', 200, WEB01);
    const err = await failure(source({ match: "name", url }));
    expect(err.message).toBe(`PuppetDB at ${url}: the answer to the factsets (producer_timestamp) query is malformed: it ends before the array does (after row 1): cut off`);
  });

  test("an HTTP 500 with its first line", async () => {
    const url = junk("Internal error\nat clojure...", 500);
    const err = await failure(source({ match: "name", url }));
    expect(err.reason).toBe("status");
    expect(err.message).toBe(`PuppetDB at ${url} answered the factsets (producer_timestamp) query with HTTP 500 (Internal error); check [puppetdb] url, and that this certificate may query PuppetDB`);
  });
});

describe("a large answer", () => {
  const N = 400;
  const PAD = 2000;
  beforeAll(async () => {
    await bed.deleteAllNodes();
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, N - i) }, (_, j) =>
          bed.replaceFacts(`bulk${String(i + j).padStart(4, "0")}.${DOMAIN}`, { processors: { count: i + j }, pad: `${i + j}:`.padEnd(PAD, "x") }, new Date(NOW - (i + j) * 1000)),
        ),
      );
    }
    await bed.waitForFacts(120_000);
  }, 180_000);

  test("is read row by row: memory holds a row and a chunk, a slow consumer is not a timeout", async () => {
    const columns = [COLUMNS[0]!, { name: "pad", type: "varchar(1024)", default: "", puppetdb: "pad" }];
    const stats = emptyStats();
    const seen: string[] = [];
    const started = performance.now();
    // timeout_s 1 against ~2 s spent by the consumer: the timeout covers waits for PuppetDB only.
    for await (const n of readNodeFacts(source({ match: "fqdn", domain: DOMAIN, timeout_s: 1 }, columns), stats)) {
      const i = Number(n.key.slice(4));
      expect(n.values.get("processors.count")).toBe(i);
      expect(n.values.get("pad")).toBe(`${i}:`.padEnd(PAD, "x"));
      expect(n.producedAt).toEqual(new Date(NOW - i * 1000));
      seen.push(n.key);
      if (seen.length % 20 === 0) await Bun.sleep(100);
    }
    expect(performance.now() - started).toBeGreaterThan(1900);
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => `bulk${String(i).padStart(4, "0")}`));
    expect(stats.answer.rows).toBe(N);
    expect(stats.answer.chars).toBeGreaterThan(N * PAD);
    // However Bun cut the ~800 KB answer, the reader held one chunk and one row at most.
    expect(stats.answer.maxBufferedChars).toBeLessThanOrEqual(stats.answer.maxChunkChars + PAD + 200);
  }, 60_000);
});
